using Octomix.Protocol;

namespace Octomix.Server.Rooms;

/// <summary>
/// Live figures of one slot's incoming stream and outgoing traffic. Written only by the room
/// thread; other threads read the fields (64-bit loads, never torn) for status snapshots.
/// Loss and reordering come from sequence numbers (a 64-packet window tells late packets from
/// duplicates); jitter is RFC 3550's interarrival jitter with the timecode as the media clock.
/// </summary>
internal sealed class SlotStatistics
{
    private const int PeakEveryPackets = 8;

    private bool haveSequence;
    private long firstSequence;
    private long highestSequence;
    private ulong window;
    private uint lastSequence32;
    private long expectedBefore;

    private bool haveTransit;
    private double lastTransit;
    private int peakCountdown;
    private int peakLeftAccumulator;
    private int peakRightAccumulator;

    public long PacketsIn;
    public long BytesIn;
    public long PacketsOut;
    public long BytesOut;
    public long AudioPackets;
    public long Received;
    public long Reordered;
    public long Duplicates;
    public long Retransmissions;
    public long SequenceResets;
    public long Expected;

    /// <summary>Interarrival jitter in samples (RFC 3550 §6.4.1, J += (|D| − J)/16).</summary>
    public double JitterSamples;

    /// <summary>Peak of channel 0 and 1 over the last publish period, 0..32768 (s16 scale).</summary>
    public int PeakLeft;
    public int PeakRight;

    public long Lost => Math.Max(0, Expected - Received);

    public void Reset()
    {
        haveSequence = false;
        haveTransit = false;
        window = 0;
        expectedBefore = 0;
        PacketsIn = BytesIn = PacketsOut = BytesOut = AudioPackets = 0;
        Received = Reordered = Duplicates = Retransmissions = SequenceResets = Expected = 0;
        JitterSamples = 0;
        PeakLeft = PeakRight = 0;
        peakLeftAccumulator = peakRightAccumulator = 0;
        peakCountdown = 0;
    }

    /// <summary>Accounts one audio packet: sequence, jitter, sparse peaks.</summary>
    /// <param name="arrivalSamples">Arrival time on the server's clock, in samples.</param>
    public void OnAudio(byte[] buffer, int offset, AudioPacket audio, double arrivalSamples)
    {
        AudioPackets++;
        if ((audio.Flags & AudioFlags.Retransmission) != 0)
        {
            // a re-send answers a NACK: it says nothing about the live stream
            Retransmissions++;
            return;
        }

        OnSequence(audio.Sequence);

        double transit = arrivalSamples - audio.Timecode;
        if (haveTransit)
        {
            double d = Math.Abs(transit - lastTransit);
            if (d < 48000 * 10)
            {
                JitterSamples += (d - JitterSamples) / 16.0;
            }
        }

        haveTransit = true;
        lastTransit = transit;

        if (--peakCountdown <= 0)
        {
            peakCountdown = PeakEveryPackets;
            SamplePeaks(buffer, audio.PayloadOffset, audio.FrameCount, audio.Channels, audio.Format);
        }
    }

    /// <summary>Moves the peaks gathered since the last call into <see cref="PeakLeft"/>/<see cref="PeakRight"/>.</summary>
    public void PublishPeaks()
    {
        PeakLeft = peakLeftAccumulator;
        PeakRight = peakRightAccumulator;
        peakLeftAccumulator = peakRightAccumulator = 0;
    }

    private void OnSequence(uint sequence)
    {
        if (!haveSequence)
        {
            Start(sequence);
            return;
        }

        int delta = (int)(sequence - lastSequence32);
        if (delta > 0)
        {
            if (delta > 30000)
            {
                // the sender restarted its stream: start counting afresh
                SequenceResets++;
                Start(sequence);
                return;
            }

            window = delta >= 64 ? 1UL : (window << delta) | 1UL;
            highestSequence += delta;
            lastSequence32 = sequence;
            Received++;
        }
        else if (delta == 0)
        {
            Duplicates++;
            return;
        }
        else
        {
            int back = -delta;
            if (back > 30000)
            {
                SequenceResets++;
                Start(sequence);
                return;
            }

            if (back < 64)
            {
                ulong bit = 1UL << back;
                if ((window & bit) != 0)
                {
                    Duplicates++;
                    return;
                }

                window |= bit;
            }

            Reordered++;
            Received++;
        }

        Expected = expectedBefore + (highestSequence - firstSequence + 1);
    }

    private void Start(uint sequence)
    {
        // a new segment of the stream: what was expected before it stays counted
        expectedBefore = Expected;
        haveSequence = true;
        lastSequence32 = sequence;
        firstSequence = highestSequence = sequence;
        window = 1;
        Received++;
        Expected = expectedBefore + 1;
    }

    private void SamplePeaks(byte[] b, int offset, int frames, int channels, byte format)
    {
        int bytes = SampleFormats.BytesPerSample(format);
        int frameBytes = bytes * channels;
        int left = peakLeftAccumulator;
        int right = peakRightAccumulator;
        for (int f = 0; f < frames; f++)
        {
            int p = offset + (f * frameBytes);
            int l = Math.Abs(SampleConversion.ToS16(b, p, format));
            if (l > left)
            {
                left = l;
            }

            if (channels > 1)
            {
                int r = Math.Abs(SampleConversion.ToS16(b, p + bytes, format));
                if (r > right)
                {
                    right = r;
                }
            }
            else if (l > right)
            {
                right = l;
            }
        }

        peakLeftAccumulator = left;
        peakRightAccumulator = right;
    }
}
