using System.Buffers.Binary;
using System.Numerics;
using System.Runtime.InteropServices;
using Octomix.Protocol;

namespace Octomix.Desk.Monitor;

/// <summary>
/// Turns a box's interleaved little-endian PCM (s16, packed s24, s32) into the monitor's mono float
/// signal: every channel of a frame summed at unity gain, full scale = 1.0.
/// </summary>
/// <remarks>
/// Why mono: a box's channels are two sources of one musician (instrument and mic), not a stereo
/// image, so the monitor treats a track as one voice that the engineer places with the pan.
/// Summing at unity is what a mixer does with two sources; it can exceed 1.0 and the master
/// stage counts clipping (see docs/monitor-mix.md).
/// </remarks>
public static class PcmDownmix
{
    /// <summary>Scale of one step of each format so that full scale is 1.0.</summary>
    public static float ScaleOf(SampleFormat format) => format switch
    {
        SampleFormat.S16 => 1f / 32768f,
        SampleFormat.S24 => 1f / 8388608f,
        SampleFormat.S32 => 1f / 2147483648f,
        _ => throw new ArgumentOutOfRangeException(nameof(format), format, "unknown sample format"),
    };

    /// <summary>Bytes of one sample of a format (2, 3, 4).</summary>
    public static int BytesPerSample(SampleFormat format)
    {
        int bytes = SampleFormats.BytesPerSample((int)format);
        if (bytes == 0)
        {
            throw new ArgumentOutOfRangeException(nameof(format), format, "unknown sample format (expected 1 = s16, 2 = s24, 3 = s32)");
        }

        return bytes;
    }

    /// <summary>
    /// Validates a payload shape and returns its frame count. Throws <see cref="ArgumentException"/>
    /// naming what is wrong: channel count, format, or a length that is not whole frames.
    /// </summary>
    public static int FrameCount(int byteLength, int channels, SampleFormat format)
    {
        if (channels < 1 || channels > 8)
        {
            throw new ArgumentOutOfRangeException(nameof(channels), channels, "channels must be 1..8");
        }

        int frameBytes = channels * BytesPerSample(format);
        if (byteLength == 0 || byteLength % frameBytes != 0)
        {
            throw new ArgumentException(
                $"PCM payload of {byteLength} bytes is not a whole number of {channels}-channel {format} frames ({frameBytes} bytes each)",
                nameof(byteLength));
        }

        return byteLength / frameBytes;
    }

    /// <summary>Decodes <paramref name="frames"/> frames of <paramref name="pcm"/> into <paramref name="mono"/>.</summary>
    public static void ToMono(ReadOnlySpan<byte> pcm, int channels, SampleFormat format, Span<float> mono)
    {
        int frames = mono.Length;
        float scale = ScaleOf(format);
        switch (format)
        {
            case SampleFormat.S16:
                if (channels == 2)
                {
                    // The common case (a stereo box in 16 bit). A little-endian frame read as one
                    // int holds left in its low half and right in its high half: two shifts split
                    // and sign-extend them, 8 frames per AVX2 step.
                    int i0 = 0;
                    if (Vector.IsHardwareAccelerated && BitConverter.IsLittleEndian)
                    {
                        var pairs = MemoryMarshal.Cast<byte, int>(pcm[..(frames * 4)]);
                        var vscale = new Vector<float>(scale);
                        int width = Vector<int>.Count;
                        for (; i0 <= frames - width; i0 += width)
                        {
                            var frame = new Vector<int>(pairs.Slice(i0, width));
                            var sum = Vector.ShiftRightArithmetic(Vector.ShiftLeft(frame, 16), 16) + Vector.ShiftRightArithmetic(frame, 16);
                            (Vector.ConvertToSingle(sum) * vscale).CopyTo(mono.Slice(i0, width));
                        }
                    }

                    for (int i = i0, o = i0 * 4; i < frames; i++, o += 4)
                    {
                        int sum = BinaryPrimitives.ReadInt16LittleEndian(pcm.Slice(o, 2)) + BinaryPrimitives.ReadInt16LittleEndian(pcm.Slice(o + 2, 2));
                        mono[i] = sum * scale;
                    }
                }
                else
                {
                    for (int i = 0, o = 0; i < frames; i++)
                    {
                        int sum = 0;
                        for (int c = 0; c < channels; c++, o += 2)
                        {
                            sum += BinaryPrimitives.ReadInt16LittleEndian(pcm.Slice(o, 2));
                        }

                        mono[i] = sum * scale;
                    }
                }

                break;
            case SampleFormat.S24:
                for (int i = 0, o = 0; i < frames; i++)
                {
                    int sum = 0;
                    for (int c = 0; c < channels; c++, o += 3)
                    {
                        // Sign-extend the packed 24-bit value by placing it in the top of an int.
                        sum += (pcm[o] << 8 | pcm[o + 1] << 16 | pcm[o + 2] << 24) >> 8;
                    }

                    mono[i] = sum * scale;
                }

                break;
            case SampleFormat.S32:
                for (int i = 0, o = 0; i < frames; i++)
                {
                    // Summed in double: eight full-scale s32 channels overflow an int and lose bits in float.
                    double sum = 0;
                    for (int c = 0; c < channels; c++, o += 4)
                    {
                        sum += BinaryPrimitives.ReadInt32LittleEndian(pcm.Slice(o, 4));
                    }

                    mono[i] = (float)(sum * scale);
                }

                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(format), format, "unknown sample format");
        }
    }

    /// <summary>
    /// The same downmix in double precision (the exported mix: 24-bit output needs more than a
    /// float's 24-bit mantissa once tracks are summed).
    /// </summary>
    public static void ToMono(ReadOnlySpan<byte> pcm, int channels, SampleFormat format, Span<double> mono)
    {
        double scale = ScaleOf(format);
        int bytes = BytesPerSample(format);
        int o = 0;
        for (int i = 0; i < mono.Length; i++)
        {
            long sum = 0;
            for (int c = 0; c < channels; c++, o += bytes)
            {
                sum += format switch
                {
                    SampleFormat.S16 => BinaryPrimitives.ReadInt16LittleEndian(pcm.Slice(o, 2)),
                    SampleFormat.S24 => (pcm[o] << 8 | pcm[o + 1] << 16 | pcm[o + 2] << 24) >> 8,
                    _ => BinaryPrimitives.ReadInt32LittleEndian(pcm.Slice(o, 4)),
                };
            }

            mono[i] = sum * scale;
        }
    }
}
