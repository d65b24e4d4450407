using System.Diagnostics;

namespace Octomix.Server.Rooms;

/// <summary>
/// Snapshots for other threads. The room thread never waits for a reader: counters are 64-bit
/// fields read as they are (each value whole, the set of them a few microseconds apart), and a
/// slot's identity is read between two equal even values of its generation counter, so a slot
/// changing owner mid-read is read again.
/// </summary>
internal sealed partial class Room
{
    public RoomStatus Snapshot()
    {
        long now = Stopwatch.GetTimestamp();
        var slots = new List<SlotStatus>();
        long mixUnderruns = 0;
        long mixOverruns = 0;
        foreach (var s in table.Slots)
        {
            mixUnderruns += Volatile.Read(ref s.RoomMixReader.Underruns);
            mixOverruns += Volatile.Read(ref s.RoomMixReader.Overruns);
            var status = ReadSlot(s, now);
            if (status != null)
            {
                slots.Add(status);
            }
        }

        var dropCounts = new Dictionary<DropReason, long>();
        foreach (var reason in Enum.GetValues<DropReason>())
        {
            dropCounts[reason] = Volatile.Read(ref drops[(int)reason]);
        }

        RoomMixStatus? mix = output == null ? null : new RoomMixStatus(
            output.Target,
            Volatile.Read(ref chunksMixed),
            output.ChunksWritten,
            output.ChunksDroppedFull,
            output.ChunksDroppedNoReader,
            output.ReaderConnected,
            mixUnderruns,
            mixOverruns);

        return new RoomStatus(
            Index,
            Port,
            slots.Count(s => s.Role == SlotRole.Jammer),
            options.MaxJammers,
            slots.Count(s => s.Role == SlotRole.Engineer),
            Volatile.Read(ref packetsIn),
            Volatile.Read(ref bytesIn),
            tx.Sent,
            Volatile.Read(ref bytesOut),
            io.ReceiveCalls,
            tx.SendCalls,
            dropCounts,
            Volatile.Read(ref joinsAccepted),
            Volatile.Read(ref joinsRejected),
            Volatile.Read(ref duplicateJoins),
            Volatile.Read(ref slotsExpired),
            Volatile.Read(ref announcementsSent),
            Volatile.Read(ref loopFaults),
            Volatile.Read(ref loopAllocatedBytes),
            mix,
            slots)
        {
            Rebinds = Volatile.Read(ref rebinds),
            Rejoins = Volatile.Read(ref rejoins),
            Listeners = slots.Count(s => s.Role == SlotRole.Listener),
            MaxListeners = options.MaxListeners,
        };
    }

    private SlotStatus? ReadSlot(SlotState s, long now)
    {
        for (int attempt = 0; attempt < 8; attempt++)
        {
            int generation = Volatile.Read(ref s.Generation);
            if ((generation & 1) != 0)
            {
                Thread.SpinWait(20);
                continue;
            }

            if (!s.Occupied)
            {
                return null;
            }

            var st = s.Stats;
            var status = new SlotStatus(
                s.Index,
                s.Role,
                s.Name,
                s.BoxId,
                s.Endpoint,
                s.Channels,
                s.FramesPerPacket,
                Stopwatch.GetElapsedTime(Volatile.Read(ref s.JoinedAt), now),
                Stopwatch.GetElapsedTime(Volatile.Read(ref s.LastHeard), now),
                Volatile.Read(ref st.PacketsIn),
                Volatile.Read(ref st.BytesIn),
                Volatile.Read(ref st.PacketsOut),
                Volatile.Read(ref st.BytesOut),
                Volatile.Read(ref st.AudioPackets),
                st.Lost,
                Volatile.Read(ref st.Reordered),
                Volatile.Read(ref st.Duplicates),
                Volatile.Read(ref st.JitterSamples) * 1000.0 / (s.SampleRate > 0 ? s.SampleRate : options.SampleRate),
                Dbfs(Volatile.Read(ref st.PeakLeft)),
                Dbfs(Volatile.Read(ref st.PeakRight)),
                s.BoxState,
                s.PersonalMix,
                s.MixUnderruns,
                s.MixOverruns,
                Volatile.Read(ref s.Drops));
            if (Volatile.Read(ref s.Generation) == generation)
            {
                return status;
            }
        }

        return null;
    }

    private static double Dbfs(int peak) => peak <= 0 ? double.NegativeInfinity : 20 * Math.Log10(peak / 32768.0);
}
