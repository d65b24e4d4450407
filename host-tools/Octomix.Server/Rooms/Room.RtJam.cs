using Microsoft.Extensions.Logging;
using Octomix.Protocol;

namespace Octomix.Server.Rooms;

/// <summary>
/// RTJam clients in a room (docs/protocol.md "RTJam interop", docs/server.md "RTJam clients"):
/// a datagram that is not Octomix ("OX" in bytes 0–1), in a room opened to RTJam, from an allowed
/// source, that is an RTJam packet (28 + 4·n bytes, SampleRate 0). Each ClientId gets a jammer slot
/// (shared with the boxes) that is freed after <see cref="ServerOptions.RtJamTimeout"/> of silence.
/// Its packets go as they are (Channel, ServerTime, Beat stamped) to the other RTJam members, as
/// Octomix Audio to the Octomix members and into its jitter FIFO (room mix, personal mixes); the
/// sender gets its header back. Octomix jam audio goes to the RTJam members converted.
/// Nothing here allocates per packet.
/// </summary>
internal sealed unsafe partial class Room
{
    private RtJamAllowList? rtJamAllow;
    private readonly RtJamPacket rtJam = new();
    private readonly AudioPacket rtJamAudio = new();
    private int rtJamMembers;
    private long rtJamTimeoutTicks;
    private long nextRtJamExpiry;

    private void InitRtJam()
    {
        if (!options.IsRtJamRoom(Index))
        {
            return;
        }

        rtJamAllow = RtJamAllowList.TryParse(options.RtJamAllow, out _);
        rtJamTimeoutTicks = (long)(options.RtJamTimeout.TotalSeconds * System.Diagnostics.Stopwatch.Frequency);
    }

    /// <summary>True when the room takes RTJam and the datagram is not Octomix's (bytes 0–1 are not "OX"): it goes to <see cref="HandleRtJam"/>.</summary>
    private bool IsRtJamCandidate(byte[] buf, int off, int len)
    {
        return rtJamAllow != null && !(len >= 2 && buf[off] == ProtocolConstants.Magic0 && buf[off + 1] == ProtocolConstants.Magic1);
    }

    /// <summary>The server's clock for RTJam's ServerTime: µs since the room started.</summary>
    private ulong ServerMicroseconds(long now) => (ulong)((now - startTicks) * 1_000_000.0 / System.Diagnostics.Stopwatch.Frequency);

    private void HandleRtJam(byte[] buf, int off, int len, byte* address, int addressLength, long now)
    {
        // strangers first, before looking at anything: nothing back, only counted
        if (!rtJamAllow!.Allows(address, addressLength))
        {
            Drop(DropReason.RtJamStranger);
            return;
        }

        if (RtJamPacket.Check(buf, off, len) != DecodeResult.Ok)
        {
            Drop(DropReason.RtJamMalformed);
            return;
        }

        int frames = (len - RtJamPacket.HeaderLength) / RtJamPacket.BytesPerFrame;
        uint clientId = RtJamPacket.ReadU32(buf, off + 20);
        var slot = FindRtJam(clientId) ?? AdmitRtJam(clientId, frames, address, addressLength, now);
        if (slot == null)
        {
            Drop(DropReason.RtJamRoomFull);
            return;
        }

        if (!table.IsOwnerAddress(slot.Index, address, addressLength))
        {
            // RTJam keys players by ClientId: the client moved (a NAT rebinding)
            table.Rebind(slot.Index, address, addressLength);
            slot.Endpoint = FormatAddress(address, addressLength);
            rebinds++;
        }

        slot.LastHeard = now;
        slot.Stats.PacketsIn++;
        slot.Stats.BytesIn += len;
        slot.FramesPerPacket = frames;

        // the stream's timecode: contiguous while the sequence follows and the client's clock agrees within half a packet
        long mapped = RtJamPacket.TimecodeOf((long)RtJamPacket.ReadU64(buf, off + 12));
        uint sequence = RtJamPacket.ReadU32(buf, off + 24);
        long timecode = mapped;
        if (slot.RtJamStreaming && sequence == slot.RtJamNextSequence && Math.Abs(mapped - slot.RtJamNextTimecode) <= frames / 2)
        {
            timecode = slot.RtJamNextTimecode;
        }

        slot.RtJamStreaming = true;
        slot.RtJamNextSequence = sequence + 1;
        slot.RtJamNextTimecode = timecode + frames;

        // as RTJam's server: Channel = the sender's slot, ServerTime and Beat filled in (in the receive cell, once)
        RtJamPacket.StampServer(buf, off, (byte)slot.Index, ServerMicroseconds(now));

        // the Octomix form, once: for the Octomix members, the jitter FIFO and the figures
        int cell = RentCell();
        int n = RtJamPacket.ToOctomix(buf, off, len, (byte)slot.Index, timecode, rtJamAudio, outCells, cell);
        rtJamAudio.Read(outCells, cell, n);
        slot.Stats.OnAudio(outCells, cell, rtJamAudio, (now - startTicks) * samplesPerTick);
        if (FeedingRings)
        {
            slot.Ring!.Write(timecode, outCells, rtJamAudio.PayloadOffset, frames, 2, (byte)SampleFormat.S16);
        }

        byte* converted = outBase + cell;
        byte* original = io.RxDataPointer + off;
        var slots = table.Slots;
        for (int t = 0; t < slots.Length; t++)
        {
            var to = slots[t];
            if (!to.Occupied || t == slot.Index)
            {
                continue;
            }

            if (to.RtJam)
            {
                SendTo(to, original, len);
            }
            else if (WantsForwardedStreams(to)) // a room-mix listener gets the mix, not streams
            {
                SendTo(to, converted, n);
            }
        }

        // the header back to the sender, for its round-trip display: 28 bytes, less than it sent
        int echo = RentCell();
        Array.Copy(buf, off, outCells, echo, RtJamPacket.HeaderLength);
        ReplyUnauthenticated(echo, RtJamPacket.HeaderLength, len, address, addressLength);
        slot.Stats.PacketsOut++;
        slot.Stats.BytesOut += RtJamPacket.HeaderLength;
    }

    /// <summary>An Octomix member's audio (decoded in <see cref="audio"/>, payload in <paramref name="buf"/>) to every RTJam member, converted once.</summary>
    private void ForwardToRtJam(SlotState from, byte[] buf, long now)
    {
        int cell = RentCell();
        int n = RtJamPacket.FromOctomix(audio, buf, audio.PayloadOffset, ServerMicroseconds(now), outCells, cell);
        var slots = table.Slots;
        for (int t = 0; t < Slot.MaxJammerSlots; t++)
        {
            if (slots[t].Occupied && slots[t].RtJam && t != from.Index)
            {
                SendTo(slots[t], outBase + cell, n);
            }
        }
    }

    private SlotState? FindRtJam(uint clientId)
    {
        if (rtJamMembers == 0)
        {
            return null;
        }

        var slots = table.Slots;
        for (int t = 0; t < Slot.MaxJammerSlots; t++)
        {
            if (slots[t].Occupied && slots[t].RtJam && slots[t].RtJamClientId == clientId)
            {
                return slots[t];
            }
        }

        return null;
    }

    private SlotState? AdmitRtJam(uint clientId, int frames, byte* address, int addressLength, long now)
    {
        int index = table.FindFree(SlotRole.Jammer, -1);
        if (index < 0)
        {
            return null;
        }

        var s = table.Assign(index, SlotRole.Jammer, address, addressLength, now);
        s.RtJam = true;
        s.RtJamClientId = clientId;
        s.RtJamStreaming = false;
        s.JoinMessageId = 0;
        s.AcceptLength = 0;
        s.Name = "RTJam " + clientId.ToString("x8", System.Globalization.CultureInfo.InvariantCulture);
        s.BoxId = clientId;
        s.Channels = 2;
        s.Format = (byte)SampleFormat.S16;
        s.FramesPerPacket = frames;
        s.Capabilities = 0;
        s.Endpoint = FormatAddress(address, addressLength);
        rtJamMembers++;
        joinsAccepted++;
        logger.LogInformation("{Room}: RTJam client {ClientId:x8} in slot {Slot} from {Address}", label, clientId, index, s.Endpoint);
        return s;
    }

    /// <summary>Frees RTJam members silent for the RTJam timeout (0.5 s: RTJam's own server's).</summary>
    private void RtJamHousekeeping(long now)
    {
        if (rtJamMembers == 0 || now < nextRtJamExpiry)
        {
            return;
        }

        nextRtJamExpiry = now + Ticks(10);
        var slots = table.Slots;
        for (int t = 0; t < Slot.MaxJammerSlots; t++)
        {
            if (slots[t].Occupied && slots[t].RtJam && now - slots[t].LastHeard > rtJamTimeoutTicks)
            {
                slotsExpired++;
                logger.LogInformation("{Room}: RTJam slot {Slot} ({Name}) freed after {Timeout} ms of silence", label, t, slots[t].Name, options.RtJamTimeout.TotalMilliseconds);
                ReleaseSlot(t, 0);
            }
        }
    }

    /// <summary>Called by <see cref="ReleaseSlot"/>: the slot is no longer an RTJam member.</summary>
    private void ForgetRtJam(SlotState s)
    {
        if (s.RtJam)
        {
            s.RtJam = false;
            rtJamMembers--;
        }
    }
}
