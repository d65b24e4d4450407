using Microsoft.Extensions.Logging;
using Octomix.Protocol;
using Octomix.Server.Io;

namespace Octomix.Server.Rooms;

/// <summary>The security gate every datagram passes first, and the Join/Leave handling.</summary>
internal sealed unsafe partial class Room
{
    private const int LeftMemory = 8;

    // Recently freed by Leave: a retried Leave (its Ack was lost) is acknowledged again.
    private readonly byte[] leftAddresses = new byte[LeftMemory * DatagramIo.AddressStride];
    private readonly int[] leftAddressLengths = new int[LeftMemory];
    private readonly uint[] leftTokens = new uint[LeftMemory];
    private readonly uint[] leftIds = new uint[LeftMemory];
    private readonly byte[] leftSlots = new byte[LeftMemory];
    private readonly long[] leftAt = new long[LeftMemory];
    private int leftNext;

    private void Handle(int i, long now)
    {
        EnsureRoom();
        byte[] buf = io.RxData;
        int off = i * DatagramIo.Stride;
        int len = io.RxLengths[i];
        byte* address = io.RxAddressPointer + (i * DatagramIo.AddressStride);
        int addressLength = io.RxAddressLengths[i];
        packetsIn++;
        bytesIn += len;

        // 1. header: length, magic, version, known type
        if (Message.Peek(buf, off, len, out MessageType type) != DecodeResult.Ok)
        {
            if (IsRtJamCandidate(buf, off, len))
            {
                HandleRtJam(buf, off, len, address, addressLength, now); // Room.RtJam.cs: byte 1 decides (docs/protocol.md)
                return;
            }

            Drop(DropReason.BadHeader);
            return;
        }

        if (type == MessageType.Join)
        {
            HandleJoin(buf, off, len, address, addressLength, now);
            return;
        }

        // 2. anything else only from an address that owns a slot
        byte source = buf[off + 8];
        int owner = table.FindOwner(address, addressLength, source);
        if (owner < 0 && type == MessageType.Status && TryRebind(buf, off, len, source, address, addressLength))
        {
            owner = source;
        }

        if (owner < 0)
        {
            if (type != MessageType.Leave || !TryAckRepeatedLeave(buf, off, len, address, addressLength, now))
            {
                Drop(DropReason.NotMember);
            }

            return;
        }

        // 3. the token of the slot it claims to come from
        uint token = Message.ReadToken(buf, off);
        if (!table.InRange(source) || !table.Slots[source].Occupied || table.Slots[source].Token != token)
        {
            Drop(DropReason.BadToken);
            return;
        }

        // 4. and that slot must be the sender's own
        if (source != owner)
        {
            Drop(DropReason.AddressMismatch);
            return;
        }

        var slot = table.Slots[owner];
        slot.LastHeard = now;
        slot.Stats.PacketsIn++;
        slot.Stats.BytesIn += len;
        if (slot.RosterPending)
        {
            // an engineer's first datagram with its token: its address is proven, it may hear who is here
            slot.RosterPending = false;
            ReplayRoster(slot);
        }

        if (slot.InfoPending)
        {
            SendRoomInfo(slot); // its address is proven: the server's name and the room's limits
        }

        if (slot.IsListener && ListenerMayNotSend(slot, type))
        {
            return;
        }

        switch (type)
        {
            case MessageType.Audio:
                HandleAudio(slot, buf, off, len, now);
                break;
            case MessageType.Status:
                HandleStatus(slot, buf, off, len);
                break;
            case MessageType.Leave:
                HandleLeave(slot, buf, off, len, address, addressLength, now);
                break;
            case MessageType.MixLevels:
                HandleMixLevels(slot, buf, off, len, now);
                break;
            case MessageType.Accept:
            case MessageType.Reject:
                DropFrom(slot, DropReason.NotAllowed);
                break;
            default:
                RouteControl(slot, type, buf, off, len);
                break;
        }
    }

    private void HandleJoin(byte[] buf, int off, int len, byte* address, int addressLength, long now)
    {
        // Rate limit before any other work, even decoding; over the limit: no reply at all.
        if (!limiter.TryTake(address, addressLength, now))
        {
            Drop(DropReason.RateLimited);
            return;
        }

        if (join.Read(buf, off, len) != DecodeResult.Ok)
        {
            Drop(DropReason.BadJoin);
            return;
        }

        uint id = join.MessageId;
        int owner = table.FindOwner(address, addressLength, Slot.None);
        if (owner >= 0 && table.Slots[owner].JoinMessageId == id)
        {
            // a retry of the Join that got this slot (our Accept was lost): the same Accept again
            var held = table.Slots[owner];
            duplicateJoins++;
            int c = RentCell();
            held.AcceptDatagram.AsSpan(0, held.AcceptLength).CopyTo(outCells.AsSpan(c));
            ReplyUnauthenticated(c, held.AcceptLength, len, address, addressLength);
            return;
        }

        if (!JoinMessage.JoinCodeMatches(buf, off, joinCode))
        {
            SendReject(RejectReason.BadJoinCode, 0, len, address, addressLength);
            LogWrongJoinCode(address, addressLength, now);
            return;
        }

        if (!RateSupported(join.SampleRate))
        {
            SendReject(RejectReason.UnsupportedFormat, 0, len, address, addressLength);
            return;
        }

        var role = join.Role == JoinRole.Engineer ? SlotRole.Engineer : join.Role == JoinRole.Listener ? SlotRole.Listener : SlotRole.Jammer;
        uint requestedToken = 0;
        int preferred = -1;
        if (join.IsRejoin && join.Token != 0 && table.InRange(join.PreviousSlot)
            && RoomSlotTable.FitsRole(role, join.PreviousSlot))
        {
            var previous = table.Slots[join.PreviousSlot];
            if (previous.Occupied && previous.Token == join.Token && previous.BoxId == join.BoxId && previous.Role == role)
            {
                // the member itself, still known here: it lost us (one-way loss, a new path). Same slot, same token, the new address.
                if (owner >= 0 && owner != join.PreviousSlot)
                {
                    ReleaseSlot(owner, 0);
                }

                RejoinInPlace(previous, buf, off, len, address, addressLength, now);
                return;
            }

            if (!previous.Occupied)
            {
                // a restarted server (or a slot that timed out): the same slot and token back
                preferred = join.PreviousSlot;
                requestedToken = join.Token;
            }
        }

        if (owner >= 0)
        {
            // a new Join from an address that holds a slot: the box restarted. Replace it
            // cleanly, in the same slot number when the role allows.
            if (preferred < 0)
            {
                preferred = owner;
            }

            logger.LogInformation("{Room}: slot {Slot} ({Name}) joined again from {Address}: replacing it", label, owner, table.Slots[owner].Name, table.Slots[owner].Endpoint);
            ReleaseSlot(owner, 0);
        }

        int slotIndex = table.FindFree(role, preferred);
        if (slotIndex < 0)
        {
            SendReject(role == SlotRole.Engineer ? RejectReason.EngineerSlotsFull : RejectReason.RoomFull, 2000, len, address, addressLength);
            return;
        }

        if (slotIndex != preferred)
        {
            requestedToken = 0;
        }

        var s = table.Assign(slotIndex, role, address, addressLength, now, requestedToken);
        s.JoinMessageId = id;
        s.Name = join.Name;
        s.BoxId = join.BoxId;
        s.Channels = join.Channels;
        s.Format = join.Format;
        s.FramesPerPacket = join.FramesPerPacket;
        s.Capabilities = join.Capabilities;
        s.Endpoint = FormatAddress(address, addressLength);
        s.InfoPending = true;
        if (role == SlotRole.Listener)
        {
            ListenerJoined(s);
        }

        SetUpRate(s, join.SampleRate);

        WriteAccept(s, id, now);

        if (role == SlotRole.Jammer && (join.Capabilities & JoinCapabilities.WantsPersonalMix) != 0)
        {
            StartPersonalMix(s, now);
        }

        if (role == SlotRole.Jammer)
        {
            AnnounceJoin(s, buf, off, len);
        }

        joinsAccepted++;
        bool gotItBack = join.IsRejoin && requestedToken != 0 && s.Token == requestedToken;
        if (gotItBack)
        {
            rejoins++;
        }

        int cell = RentCell();
        s.AcceptDatagram.AsSpan(0, s.AcceptLength).CopyTo(outCells.AsSpan(cell));
        ReplyUnauthenticated(cell, s.AcceptLength, len, address, addressLength);
        logger.LogInformation("{Room}: {Name} {Joined} as {Role} in slot {Slot} from {Address}", label, s.Name, gotItBack ? "rejoined (its slot and token back)" : join.IsRejoin ? "rejoined (a new slot)" : "joined",
            role == SlotRole.Jammer ? "jammer" : role == SlotRole.Listener ? (s.ListenerStreams ? "listener (member streams)" : "listener (room mix)") : "engineer", slotIndex, s.Endpoint);
    }

    /// <summary>Writes the slot's Accept for the Join <paramref name="id"/> into its replay buffer.</summary>
    private void WriteAccept(SlotState s, uint id, long now)
    {
        accept.Token = 0;
        accept.SourceSlot = Slot.Server;
        accept.DestinationSlot = (byte)s.Index;
        accept.MessageId = id;
        accept.AssignedSlot = (byte)s.Index;
        accept.Room = (byte)Index;
        accept.HeartbeatMilliseconds = (int)options.HeartbeatInterval.TotalMilliseconds;
        accept.SessionToken = s.Token;
        accept.SlotTimeoutMilliseconds = (int)options.SlotTimeout.TotalMilliseconds;
        accept.MaxJammers = options.MaxJammers;
        accept.SampleRate = options.SampleRate;
        accept.ServerTimeMicroseconds = (ulong)((now - startTicks) * 1_000_000.0 / System.Diagnostics.Stopwatch.Frequency);
        s.AcceptLength = accept.Write(s.AcceptDatagram, 0);
    }

    /// <summary>
    /// A rejoin of a member this server still holds (same slot, token and box id): it keeps
    /// everything, moves to the Join's address, and gets an Accept with its slot and token.
    /// </summary>
    private void RejoinInPlace(SlotState s, byte[] buf, int off, int requestLength, byte* address, int addressLength, long now)
    {
        uint id = join.MessageId;
        if (!table.IsOwnerAddress(s.Index, address, addressLength))
        {
            table.Rebind(s.Index, address, addressLength);
            s.Endpoint = FormatAddress(address, addressLength);
            rebinds++;
        }

        s.JoinMessageId = id;
        s.LastHeard = now;
        s.StatusSeen = false; // the member's Status sequence goes on from the new address
        s.InfoPending = true; // it may have missed the room's information too
        WriteAccept(s, id, now);
        if (s.Role == SlotRole.Engineer)
        {
            s.RosterPending = true; // it may have missed announcements: the roster again on its next datagram
        }
        else if (s.IsJammer)
        {
            AnnounceJoin(s, buf, off, requestLength); // the engineers learn its Join again (its message id changed)
        }

        rejoins++;
        int cell = RentCell();
        s.AcceptDatagram.AsSpan(0, s.AcceptLength).CopyTo(outCells.AsSpan(cell));
        ReplyUnauthenticated(cell, s.AcceptLength, requestLength, address, addressLength);
        logger.LogInformation("{Room}: {Name} rejoined slot {Slot} from {Address} (still known: same slot and token)", label, s.Name, s.Index, s.Endpoint);
    }

    /// <summary>
    /// A Status from an address that owns no slot, with the token of the slot it names and a
    /// sequence newer than that slot's last: the member's path changed (a NAT rebinding). The
    /// slot moves to the new address; nothing in a take depends on the address.
    /// </summary>
    private bool TryRebind(byte[] buf, int off, int len, byte source, byte* address, int addressLength)
    {
        if (!table.InRange(source) || len != StatusMessage.FixedLength)
        {
            return false;
        }

        var s = table.Slots[source];
        uint token = Message.ReadToken(buf, off);
        if (!s.Occupied || token == 0 || s.Token != token)
        {
            return false;
        }

        uint sequence = WireFormat.ReadU32(buf, off + 12);
        if (s.StatusSeen && (int)(sequence - s.LastStatusSequence) <= 0)
        {
            return false; // a late copy from the old path
        }

        string before = s.Endpoint;
        table.Rebind(source, address, addressLength);
        s.Endpoint = FormatAddress(address, addressLength);
        rebinds++;
        logger.LogInformation("{Room}: slot {Slot} ({Name}) moved from {Before} to {Address} (a rebinding)", label, source, s.Name, before, s.Endpoint);
        return true;
    }

    /// <summary>
    /// "wrong join code" in the log as a warning, rate-limited so that it can be used neither to
    /// probe codes nor to flood the log: at most one line per source address per
    /// <see cref="WrongJoinCodeLogSeconds"/> s (a fixed table of 64 hashed sources, no allocation
    /// when quiet) and at most one line per second in all; the lines count what they left out.
    /// </summary>
    private void LogWrongJoinCode(byte* address, int addressLength, long now)
    {
        ulong key = 14695981039346656037UL;
        for (int i = 0; i < addressLength; i++)
        {
            key = (key ^ address[i]) * 1099511628211UL;
        }

        // the source's slot among WrongCodeProbe neighbours (two sources hashed to one slot would
        // otherwise take turns evicting each other and both be logged every second); a new source
        // takes the neighbour logged longest ago
        int home = (int)(key % (ulong)wrongCodeSources.Length);
        int k = home;
        for (int p = 0; p < WrongCodeProbe; p++)
        {
            int j = (home + p) % wrongCodeSources.Length;
            if (wrongCodeSources[j] == key)
            {
                k = j;
                break;
            }

            if (wrongCodeLoggedAt[j] < wrongCodeLoggedAt[k])
            {
                k = j;
            }
        }

        long perSource = System.Diagnostics.Stopwatch.Frequency * WrongJoinCodeLogSeconds;
        if ((wrongCodeSources[k] == key && now - wrongCodeLoggedAt[k] < perSource) || now - wrongCodeLastLine < System.Diagnostics.Stopwatch.Frequency)
        {
            wrongCodeSuppressed++;
            return;
        }

        wrongCodeSources[k] = key;
        wrongCodeLoggedAt[k] = now;
        wrongCodeLastLine = now;
        logger.LogWarning("{Room}: join of {Name} from {Address} refused: wrong join code (one line per address per {Seconds} s; {Suppressed} more refused since the last line)",
            label, join.Name, FormatAddress(address, addressLength), WrongJoinCodeLogSeconds, wrongCodeSuppressed);
        wrongCodeSuppressed = 0;
    }

    /// <summary>Seconds between two "wrong join code" lines for one source address.</summary>
    internal const int WrongJoinCodeLogSeconds = 10;

    /// <summary>Neighbouring slots of the wrong-code table a source may take (see LogWrongJoinCode).</summary>
    private const int WrongCodeProbe = 4;

    private readonly ulong[] wrongCodeSources = new ulong[64];
    private readonly long[] wrongCodeLoggedAt = new long[64];
    private long wrongCodeLastLine = long.MinValue / 2;
    private long wrongCodeSuppressed;

    private void SendReject(byte reason, int retryAfterMs, int requestLength, byte* address, int addressLength)
    {
        joinsRejected++;
        reject.Token = 0;
        reject.SourceSlot = Slot.Server;
        reject.DestinationSlot = Slot.None;
        reject.MessageId = join.MessageId;
        reject.Reason = reason;
        reject.RetryAfterMilliseconds = retryAfterMs;
        int cell = RentCell();
        int n = reject.Write(outCells, cell);
        ReplyUnauthenticated(cell, n, requestLength, address, addressLength);
        // debug only: spoofed sources each get a burst of joins, and a log line per datagram is what an attacker would like
        if (logger.IsEnabled(LogLevel.Debug))
        {
            logger.LogDebug("{Room}: join of {Name} from {Address} rejected: {Reason}", label, join.Name, FormatAddress(address, addressLength), RejectReason.Describe(reason));
        }
    }

    private void HandleLeave(SlotState slot, byte[] buf, int off, int len, byte* address, int addressLength, long now)
    {
        if (len != 16)
        {
            DropFrom(slot, DropReason.Malformed);
            return;
        }

        uint id = ControlMessage.ReadMessageId(buf, off);
        int k = leftNext;
        leftNext = (leftNext + 1) % LeftMemory;
        new ReadOnlySpan<byte>(address, addressLength).CopyTo(leftAddresses.AsSpan(k * DatagramIo.AddressStride));
        leftAddressLengths[k] = addressLength;
        leftTokens[k] = slot.Token;
        leftIds[k] = id;
        leftSlots[k] = (byte)slot.Index;
        leftAt[k] = now;

        byte index = (byte)slot.Index;
        logger.LogInformation("{Room}: {Name} left slot {Slot}", label, slot.Name, slot.Index);
        ReleaseSlot(slot.Index, id);

        // acknowledge to the address it came from (the slot's may be reassigned in this batch)
        SendAck(index, id, AckResult.Ok, 0, address, addressLength);
    }

    private bool TryAckRepeatedLeave(byte[] buf, int off, int len, byte* address, int addressLength, long now)
    {
        if (len != 16)
        {
            return false;
        }

        uint token = Message.ReadToken(buf, off);
        uint id = ControlMessage.ReadMessageId(buf, off);
        for (int k = 0; k < LeftMemory; k++)
        {
            if (leftAddressLengths[k] == addressLength && leftTokens[k] == token && leftIds[k] == id && token != 0
                && now - leftAt[k] < 2 * slotTimeoutTicks
                && leftAddresses.AsSpan(k * DatagramIo.AddressStride, addressLength).SequenceEqual(new ReadOnlySpan<byte>(address, addressLength)))
            {
                SendAck(leftSlots[k], id, AckResult.Ok, 0, address, addressLength);
                return true;
            }
        }

        return false;
    }

    private void SendAck(byte destination, uint ackedId, byte result, uint echo, byte* address, int addressLength)
    {
        ack.Token = 0;
        ack.SourceSlot = Slot.Server;
        ack.DestinationSlot = destination;
        ack.AckedId = ackedId;
        ack.Result = result;
        ack.Echo = echo;
        int cell = RentCell();
        int n = ack.Write(outCells, cell);
        tx.Add(outBase + cell, n, address, addressLength);
        bytesOut += n;
    }

    /// <summary>
    /// Frees a slot and everything that depended on it; a jammer's going is told to the
    /// engineers (<paramref name="leaveId"/>: its Leave's message id, 0 when the server freed it).
    /// </summary>
    private void ReleaseSlot(int index, uint leaveId)
    {
        var s = table.Slots[index];
        ForgetRtJam(s);
        AnnounceLeave(s, leaveId);
        if (s.IsListener)
        {
            ListenerLeaving(s);
        }

        if (s.PersonalMix)
        {
            StopPersonalMix(s);
        }

        table.Free(index);
    }
}
