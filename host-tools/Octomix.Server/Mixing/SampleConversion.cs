using System.Runtime.CompilerServices;
using Octomix.Protocol;

namespace Octomix.Server;

/// <summary>
/// Reads little-endian PCM samples as 16-bit values for mixing: s24 and s32 keep their top 16
/// bits (an arithmetic shift, i.e. rounding toward minus infinity), s16 is taken as is.
/// </summary>
internal static class SampleConversion
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int ToS16(byte[] b, int offset, byte format)
    {
        switch (format)
        {
            case (byte)SampleFormat.S16:
                return (short)(b[offset] | (b[offset + 1] << 8));
            case (byte)SampleFormat.S24:
                return (short)(b[offset + 1] | (b[offset + 2] << 8));
            default:
                return (short)(b[offset + 2] | (b[offset + 3] << 8));
        }
    }

    /// <summary>Saturates to the s16 range.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static short Saturate(long v) => v > short.MaxValue ? short.MaxValue : (v < short.MinValue ? short.MinValue : (short)v);
}
