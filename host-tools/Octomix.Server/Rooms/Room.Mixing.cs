using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Octomix.Protocol;
using Octomix.Server.Mixing;
using Octomix.Server.Output;

namespace Octomix.Server.Rooms;

/// <summary>Personal mixes, the room mix for listeners, and the room's timers.</summary>
internal sealed unsafe partial class Room
{
    /// <summary>A listener whose own stream has been silent this long gets its mix on the server's clock.</summary>
    private const int OwnStreamSilentMilliseconds = 500;

    private readonly long slotTimeoutTicks;
    private long nextHousekeeping;
    private long nextExpiryCheck;
    private long nextPeakPublish;
    private int personalMixListeners;
    private long loopAllocatedBytes;

    // room mix
    private RoomMixOutput? output;
    private int chunkFrames;
    private long[] roomAccumulator = [];
    private byte[] chunk = [];
    private long nextChunkDue;
    private long ticksPerChunk;
    private long chunksMixed;

    // the room mix's gains (Q8.8) and pan coefficients (Q14) per jammer slot, set by an engineer's MixLevels
    private readonly int[] roomGains = NewUnityGains();
    private readonly int[] roomPanLeft = new int[Slot.MaxJammerSlots];
    private readonly int[] roomPanRight = new int[Slot.MaxJammerSlots];

    // personal mix: one listener at a time
    private readonly long[] personalAccumulator = new long[AudioPacket.MaxPayload];

    /// <summary>Jitter FIFOs are fed only when something reads them.</summary>
    private bool FeedingRings => output != null || personalMixListeners > 0 || roomMixListeners > 0;

    /// <summary>The room mix is made while something takes it: the output, or listeners.</summary>
    private bool MakingRoomMix => output != null || roomMixListeners > 0;

    private static int[] NewUnityGains()
    {
        var g = new int[Slot.MaxJammerSlots];
        Array.Fill(g, MixLevelsMessage.Unity);
        return g;
    }

    private static long Ticks(double milliseconds) => (long)(milliseconds * Stopwatch.Frequency / 1000.0);

    private void InitMixing()
    {
        // allocated in any case: listeners may join a room that writes no output
        chunkFrames = options.SampleRate / 50;
        roomAccumulator = new long[chunkFrames * 2];
        chunk = new byte[chunkFrames * 4];
        ticksPerChunk = Ticks(20);
        nextChunkDue = Stopwatch.GetTimestamp() + ticksPerChunk;
        PanLaw.Apply(null, roomPanLeft, roomPanRight);
        string? target = options.RoomMixTargetOf(Index);
        if (target == null)
        {
            return;
        }

        output = new RoomMixOutput(target, chunk.Length, options.RoomMixQueueChunks, logger, label);
    }

    private void StartPersonalMix(SlotState slot, long now)
    {
        slot.PersonalMix = true;
        slot.NextMixDue = 0;

        // give a jamming box time to (keep) send(ing) its stream before the server's clock takes over
        slot.LastOwnAudio = now;
        foreach (var r in slot.MixReaders)
        {
            r.Reset();
        }

        personalMixListeners++;
        logger.LogInformation("{Room}: personal mix on for slot {Slot} ({Name})", label, slot.Index, slot.Name);
    }

    private void StopPersonalMix(SlotState slot)
    {
        slot.PersonalMix = false;
        personalMixListeners--;
        logger.LogInformation("{Room}: personal mix off for slot {Slot} ({Name})", label, slot.Index, slot.Name);
    }

    /// <summary>
    /// One packet of listener <paramref name="listener"/>'s mix: sat16(Σ_{i≠j} gain_i · pan_i · x_i / 2^22)
    /// per sample and side (<see cref="PanLaw"/>; integer division, truncating toward zero), as s16 Audio from FE with the Mix
    /// flag, in the listener's channel count (1 or 2).
    /// </summary>
    private void EmitPersonalMix(SlotState listener, int frames, long timecode)
    {
        int channels = listener.Channels == 1 ? 1 : 2;
        frames = Math.Clamp(frames, 1, AudioPacket.MaxFrames(channels, (int)SampleFormat.S16));

        // a listener at another rate: mix what its packet needs at the room rate, then resample (Room.Rates.cs)
        var resampler = listener.OutResampler;
        int mixFrames = resampler == null ? frames : Math.Min(resampler.InputNeededFor(frames), AudioPacket.MaxPayload);
        Array.Clear(personalAccumulator, 0, mixFrames * 2);
        var slots = table.Slots;
        for (int s = 0; s < Slot.MaxJammerSlots; s++)
        {
            var source = slots[s];
            int gain = listener.Gains[s];
            if (s == listener.Index || !source.Occupied || !source.IsJammer || gain == 0)
            {
                continue;
            }

            var ring = source.Ring!;
            int packet = ring.PacketFrames;
            int target = mixFrames + (options.MixJitterPackets * packet);
            int max = target + mixFrames + (options.MixOverrunPackets * packet);
            ring.MixInto(listener.MixReaders[s], personalAccumulator, mixFrames, (long)gain * listener.PanLeft[s], (long)gain * listener.PanRight[s], target, max);
        }

        long[] acc = personalAccumulator;
        if (resampler != null)
        {
            for (int i = 0; i < mixFrames * 2; i++)
            {
                rateMix[i] = SampleConversion.Saturate(acc[i] / PanLaw.UnityCoefficient);
            }

            frames = resampler.Process(rateMix, mixFrames, rateMixOut, frames);
            if (frames == 0)
            {
                return;
            }
        }

        EnsureRoom();
        int cell = RentCell();
        mixPacket.Token = 0;
        mixPacket.SourceSlot = Slot.Server;
        mixPacket.DestinationSlot = (byte)listener.Index;
        mixPacket.Flags = AudioFlags.Mix;
        mixPacket.Sequence = listener.MixSequence++;
        mixPacket.TakeId = 0;
        mixPacket.Timecode = timecode;
        mixPacket.FrameCount = frames;
        mixPacket.Channels = channels;
        mixPacket.Format = (byte)SampleFormat.S16;
        int length = mixPacket.WriteHeader(outCells, cell);
        byte* p = outBase + cell + AudioPacket.HeaderLength;
        if (resampler != null)
        {
            for (int f = 0; f < frames; f++)
            {
                *(short*)p = rateMixOut[2 * f];
                p += 2;
                if (channels == 2)
                {
                    *(short*)p = rateMixOut[(2 * f) + 1];
                    p += 2;
                }
            }

            SendTo(listener, outBase + cell, length);
            return;
        }

        for (int f = 0; f < frames; f++)
        {
            short left = SampleConversion.Saturate(acc[2 * f] / PanLaw.UnityCoefficient);
            *(short*)p = left;
            p += 2;
            if (channels == 2)
            {
                *(short*)p = SampleConversion.Saturate(acc[(2 * f) + 1] / PanLaw.UnityCoefficient);
                p += 2;
            }
        }

        SendTo(listener, outBase + cell, length);
    }

    private void Housekeeping(long now)
    {
        nextHousekeeping = now + Ticks(1);
        Volatile.Write(ref loopAllocatedBytes, GC.GetAllocatedBytesForCurrentThread());
        var slots = table.Slots;

        if (now >= nextExpiryCheck)
        {
            nextExpiryCheck = now + Math.Max(Ticks(2), slotTimeoutTicks / 10);
            for (int i = 0; i < slots.Length; i++)
            {
                if (slots[i].Occupied && now - slots[i].LastHeard > slotTimeoutTicks)
                {
                    slotsExpired++;
                    logger.LogInformation("{Room}: slot {Slot} ({Name}) freed after {Timeout} ms of silence", label, i, slots[i].Name, options.SlotTimeout.TotalMilliseconds);
                    ReleaseSlot(i, 0);
                }
            }
        }

        if (now >= nextPeakPublish)
        {
            nextPeakPublish = now + Ticks(100);
            for (int i = 0; i < slots.Length; i++)
            {
                if (slots[i].Occupied)
                {
                    slots[i].Stats.PublishPeaks();
                }
            }
        }

        if (MakingRoomMix && now >= nextChunkDue)
        {
            if (now - nextChunkDue > 10 * ticksPerChunk)
            {
                // the loop was held up for long (a debugger, a suspended machine): do not burst
                nextChunkDue = now;
            }

            while (now >= nextChunkDue)
            {
                MixRoomChunk();
                nextChunkDue += ticksPerChunk;
            }
        }

        if (personalMixListeners > 0)
        {
            ServerClockedMixes(now);
        }

        RepeatRoster(now);
        RtJamHousekeeping(now);
        RepeatRoomInfo(now);
    }

    /// <summary>20 ms of every jammer with the room mix's gains and pans (unity, centre until an engineer sets them), saturated, to the room-mix output.</summary>
    private void MixRoomChunk()
    {
        Array.Clear(roomAccumulator);
        var slots = table.Slots;
        for (int s = 0; s < Slot.MaxJammerSlots; s++)
        {
            var source = slots[s];
            if (!source.Occupied || !source.IsJammer)
            {
                continue;
            }

            var ring = source.Ring!;
            int packet = ring.PacketFrames;
            int target = chunkFrames + (options.MixJitterPackets * packet);
            int max = target + chunkFrames + (options.MixOverrunPackets * packet);
            ring.MixInto(source.RoomMixReader, roomAccumulator, chunkFrames, (long)roomGains[s] * roomPanLeft[s], (long)roomGains[s] * roomPanRight[s], target, max);
        }

        fixed (byte* c = chunk)
        {
            short* p = (short*)c;
            for (int i = 0; i < roomAccumulator.Length; i++)
            {
                p[i] = SampleConversion.Saturate(roomAccumulator[i] / PanLaw.UnityCoefficient);
            }
        }

        chunksMixed++;
        output?.TryEnqueue(chunk);
        SendRoomMixToListeners();
    }

    /// <summary>The room mix's gains (Q8.8) and pans (−127..127) per jammer slot, from an engineer's MixLevels.</summary>
    private void SetRoomMixLevels(int[] gains, int[] pans)
    {
        Array.Copy(gains, roomGains, roomGains.Length);
        PanLaw.Apply(pans, roomPanLeft, roomPanRight);
    }

    /// <summary>Listeners that send no audio of their own get their mix paced by the server's clock.</summary>
    private void ServerClockedMixes(long now)
    {
        var slots = table.Slots;
        long silent = Ticks(OwnStreamSilentMilliseconds);
        for (int i = 0; i < Slot.MaxJammerSlots; i++)
        {
            var listener = slots[i];
            if (!listener.Occupied || !listener.PersonalMix || now - listener.LastOwnAudio < silent)
            {
                continue;
            }

            int frames = Math.Clamp(listener.FramesPerPacket, 1, AudioPacket.MaxFrames(2, (int)SampleFormat.S16));
            long ticksPerPacket = (long)(frames / listener.SamplesPerTick);
            if (listener.NextMixDue == 0 || now - listener.NextMixDue > 8 * ticksPerPacket)
            {
                listener.NextMixDue = now;
            }

            while (now >= listener.NextMixDue)
            {
                EmitPersonalMix(listener, frames, listener.MixTimecode);
                listener.MixTimecode += frames;
                listener.NextMixDue += ticksPerPacket;
            }
        }
    }
}
