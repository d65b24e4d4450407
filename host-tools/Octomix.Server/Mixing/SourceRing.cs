using Octomix.Protocol;

namespace Octomix.Server.Mixing;

/// <summary>
/// The jitter FIFO of one jammer's stream, as stereo s16 frames placed by timecode. One writer
/// (the room thread, per packet) and several readers at their own pace (the room mix on the
/// server's clock, each personal mix on its listener's clock), each with its own
/// <see cref="RingReader"/>. A gap in timecodes (lost packets) reads as silence; a late packet
/// still fills its place if no reader has passed it; a jump too large to be jitter (a new take,
/// a restarted box) starts a new epoch and every reader re-primes. Fixed memory.
/// </summary>
internal sealed class SourceRing
{
    /// <summary>Frames held (a power of two): 8192 frames = 170 ms at 48 kHz.</summary>
    public const int Capacity = 8192;

    private const int Mask = Capacity - 1;

    private readonly short[] samples = new short[Capacity * 2];

    /// <summary>Frame index (source timecode) just past the newest frame written.</summary>
    public long WriteEnd { get; private set; }

    /// <summary>Oldest frame index still held.</summary>
    public long Oldest { get; private set; }

    /// <summary>Changes whenever the timeline restarts; readers compare it with theirs.</summary>
    public int Epoch { get; private set; }

    public bool Active { get; private set; }

    /// <summary>Frames per packet of the source, last seen (the unit of the jitter bounds).</summary>
    public int PacketFrames { get; private set; } = 64;

    /// <summary>Timeline restarts (new take, restarted sender, huge gap).</summary>
    public long Restarts { get; private set; }

    /// <summary>Frames of silence filled in for packets that never came.</summary>
    public long GapFrames { get; private set; }

    public void Clear()
    {
        Active = false;
        Epoch++;
        WriteEnd = Oldest = 0;
    }

    /// <summary>Places one packet's frames (any channel count and sample format) at its timecode.</summary>
    public void Write(long timecode, byte[] b, int payloadOffset, int frames, int channels, byte format)
    {
        if (!Active || timecode < WriteEnd - (Capacity / 2) || timecode > WriteEnd + (Capacity / 2))
        {
            if (Active)
            {
                Restarts++;
            }

            Active = true;
            Epoch++;
            WriteEnd = Oldest = timecode;
        }

        if (timecode > WriteEnd)
        {
            // lost packets: silence, so readers do not play stale audio from the last lap
            long gap = timecode - WriteEnd;
            GapFrames += gap;
            for (long f = WriteEnd; f < timecode; f++)
            {
                int i = (int)(f & Mask) * 2;
                samples[i] = 0;
                samples[i + 1] = 0;
            }

            WriteEnd = timecode;
        }

        PacketFrames = frames;
        int bytes = SampleFormats.BytesPerSample(format);
        int frameBytes = bytes * channels;
        int secondChannel = channels > 1 ? bytes : 0;
        long first = Math.Max(timecode, WriteEnd - Capacity);
        for (long f = first; f < timecode + frames; f++)
        {
            int p = payloadOffset + (int)(f - timecode) * frameBytes;
            int i = (int)(f & Mask) * 2;
            samples[i] = (short)SampleConversion.ToS16(b, p, format);
            samples[i + 1] = (short)SampleConversion.ToS16(b, p + secondChannel, format);
        }

        if (timecode + frames > WriteEnd)
        {
            WriteEnd = timecode + frames;
        }

        Oldest = Math.Max(Oldest, WriteEnd - Capacity);
    }

    /// <summary>
    /// Places interleaved s16 frames (1 or 2 channels: what a <see cref="Octomix.Dsp.PolyphaseResampler"/>
    /// made of an off-rate source) at <paramref name="timecode"/>, as <see cref="Write"/> does.
    /// </summary>
    public void WriteS16(long timecode, short[] source, int frames, int channels, int packetFrames)
    {
        if (!Active || timecode < WriteEnd - (Capacity / 2) || timecode > WriteEnd + (Capacity / 2))
        {
            if (Active)
            {
                Restarts++;
            }

            Active = true;
            Epoch++;
            WriteEnd = Oldest = timecode;
        }

        if (timecode > WriteEnd)
        {
            long gap = timecode - WriteEnd;
            GapFrames += gap;
            for (long f = WriteEnd; f < timecode; f++)
            {
                int i = (int)(f & Mask) * 2;
                samples[i] = 0;
                samples[i + 1] = 0;
            }

            WriteEnd = timecode;
        }

        PacketFrames = packetFrames;
        int second = channels > 1 ? 1 : 0;
        long first = Math.Max(timecode, WriteEnd - Capacity);
        for (long f = first; f < timecode + frames; f++)
        {
            int p = (int)(f - timecode) * channels;
            int i = (int)(f & Mask) * 2;
            samples[i] = source[p];
            samples[i + 1] = source[p + second];
        }

        if (timecode + frames > WriteEnd)
        {
            WriteEnd = timecode + frames;
        }

        Oldest = Math.Max(Oldest, WriteEnd - Capacity);
    }

    /// <summary>
    /// Adds <paramref name="frames"/> stereo frames of this source, left times
    /// <paramref name="gainLeft"/> and right times <paramref name="gainRight"/> (Q22 coefficients:
    /// gain × pan, <see cref="PanLaw"/>), into <paramref name="accumulator"/> (interleaved L/R) and
    /// advances the reader. While the reader primes (at start, after an underrun or a restart) it
    /// adds nothing until <paramref name="targetFrames"/> are buffered; beyond
    /// <paramref name="maxFrames"/> it skips the oldest audio back to the target. Both events are
    /// counted in the reader.
    /// </summary>
    public void MixInto(RingReader reader, long[] accumulator, int frames, long gainLeft, long gainRight, int targetFrames, int maxFrames)
    {
        if (!Active)
        {
            return;
        }

        if (reader.Epoch != Epoch)
        {
            // a new reader (or a new timeline) starts as far back as the target allows
            reader.Epoch = Epoch;
            reader.Position = Math.Max(Oldest, WriteEnd - targetFrames);
            reader.Priming = true;
        }

        if (reader.Position < Oldest)
        {
            reader.Position = Oldest;
        }

        long available = WriteEnd - reader.Position;
        if (reader.Priming)
        {
            if (available < targetFrames)
            {
                return;
            }

            reader.Priming = false;
        }

        if (available > maxFrames)
        {
            // more buffered than the bound allows (a faster clock, a burst): drop the oldest
            reader.Overruns++;
            reader.Position = WriteEnd - targetFrames;
            available = targetFrames;
        }

        int n = (int)Math.Min(available, frames);
        long position = reader.Position;
        for (int f = 0; f < n; f++)
        {
            int i = (int)((position + f) & Mask) * 2;
            accumulator[2 * f] += gainLeft * samples[i];
            accumulator[(2 * f) + 1] += gainRight * samples[i + 1];
        }

        reader.Position = position + n;
        if (n < frames)
        {
            // not enough: the rest is silence, and the reader waits for the target again
            reader.Underruns++;
            reader.Priming = true;
        }
    }
}

/// <summary>One consumer's place in a <see cref="SourceRing"/>.</summary>
internal sealed class RingReader
{
    public long Position;
    public int Epoch = -1;
    public bool Priming = true;
    public long Underruns;
    public long Overruns;

    public void Reset()
    {
        Epoch = -1;
        Priming = true;
    }
}
