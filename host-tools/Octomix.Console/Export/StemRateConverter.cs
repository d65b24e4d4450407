using Octomix.Desk.Monitor;
using Octomix.Dsp;
using Octomix.Protocol;

namespace Octomix.Desk.Export;

/// <summary>
/// Converts a stem recorded at a box's own rate to the session rate (docs/take-folder.md,
/// "Stems at another rate"), through the shared <see cref="PolyphaseResampler"/>. Output frame n
/// is the input at the instant n·own/session (the resampler is zero-phase: its group delay is
/// compensated by feeding silence past the end until every output frame is out), so a stem that
/// starts at the session-timeline position T has its frame n at T + n like every other stem.
/// The sample format is kept (s16, packed s24, s32), rounded to nearest and saturated.
/// </summary>
internal static class StemRateConverter
{
    private const int BlockFrames = 4096;

    /// <summary>Frames a stem of <paramref name="frames"/> frames at <paramref name="ownRate"/> has at <paramref name="sessionRate"/>: ceil(frames · session / own).</summary>
    public static long ConvertedFrames(long frames, int ownRate, int sessionRate)
        => ((frames * sessionRate) + ownRate - 1) / ownRate;

    /// <summary>round(value · to / from), halves away from zero (exact in 128-bit arithmetic).</summary>
    public static long Rescale(long value, int from, int to)
    {
        Int128 num = (Int128)value * to;
        Int128 half = from / 2;
        Int128 q = num >= 0 ? (num + half) / from : -((-num + half) / from);
        return (long)q;
    }

    /// <summary>
    /// Reads <paramref name="dataBytes"/> bytes of interleaved PCM at <paramref name="ownRate"/> from
    /// the track's data and writes <paramref name="outputFrames"/> frames at
    /// <paramref name="sessionRate"/>, same format, to <paramref name="outputPath"/> (raw data, no header).
    /// </summary>
    public static void Convert(TakeTrackSource track, long dataBytes, int ownRate, int sessionRate, long outputFrames, string outputPath)
    {
        int channels = track.Channels;
        int bytes = PcmDownmix.BytesPerSample(track.Format);
        int frameBytes = channels * bytes;
        var resampler = new PolyphaseResampler(ownRate, sessionRate, channels, BlockFrames);
        var inBytes = new byte[BlockFrames * frameBytes];
        var inSamples = new float[BlockFrames * channels];
        int maxOut = resampler.MaxOutputFor(BlockFrames);
        var outSamples = new float[maxOut * channels];
        var outBytes = new byte[maxOut * frameBytes];
        long remaining = dataBytes / frameBytes;
        long written = 0;
        using var input = new FileStream(track.AudioDataPath, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        input.Position = track.AudioDataOffset;
        using var output = new FileStream(outputPath, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16);
        while (written < outputFrames)
        {
            int n = BlockFrames;
            if (remaining > 0)
            {
                n = (int)Math.Min(BlockFrames, remaining);
                input.ReadExactly(inBytes, 0, n * frameBytes);
                Decode(inBytes, n * channels, track.Format, inSamples);
                remaining -= n;
            }
            else
            {
                Array.Clear(inSamples); // past the end: silence, until the last outputs (LatencyFrames ahead) are out
            }

            int produced = resampler.Process(inSamples.AsSpan(0, n * channels), n, outSamples);
            int keep = (int)Math.Min(produced, outputFrames - written);
            Encode(outSamples, keep * channels, track.Format, outBytes);
            output.Write(outBytes, 0, keep * frameBytes);
            written += keep;
        }
    }

    /// <summary>Little-endian PCM to floats in integer units (an s16 full scale is 32768).</summary>
    private static void Decode(byte[] data, int samples, SampleFormat format, float[] into)
    {
        switch (format)
        {
            case SampleFormat.S16:
                for (int i = 0; i < samples; i++)
                {
                    into[i] = (short)(data[2 * i] | (data[(2 * i) + 1] << 8));
                }

                break;
            case SampleFormat.S24:
                for (int i = 0; i < samples; i++)
                {
                    int o = 3 * i;
                    into[i] = (data[o] | (data[o + 1] << 8) | (data[o + 2] << 16)) << 8 >> 8;
                }

                break;
            default:
                for (int i = 0; i < samples; i++)
                {
                    into[i] = BitConverter.ToInt32(data, 4 * i);
                }

                break;
        }
    }

    private static void Encode(float[] samples, int count, SampleFormat format, byte[] into)
    {
        int bytes = PcmDownmix.BytesPerSample(format);
        double max = format == SampleFormat.S16 ? short.MaxValue : format == SampleFormat.S24 ? 8388607 : int.MaxValue;
        double min = -max - 1;
        int o = 0;
        for (int i = 0; i < count; i++)
        {
            double v = Math.Round((double)samples[i], MidpointRounding.ToEven);
            int q = (int)Math.Clamp(v, min, max);
            for (int b = 0; b < bytes; b++)
            {
                into[o++] = (byte)(q >> (8 * b));
            }
        }
    }
}
