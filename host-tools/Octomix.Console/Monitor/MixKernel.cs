using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Octomix.Desk.Monitor;

/// <summary>
/// The inner loop of the monitor: 4-tap cubic interpolation of one track at the block's read
/// positions, accumulated into the stereo bus with the track's pan gains, plus its meter.
/// </summary>
/// <remarks>
/// All tracks are read at the same musical position, so the fractional part of the read position
/// (and with it the four weights) is the same for every track in a given output frame: the
/// mixer computes the weights once per block, and this loop only streams the track's samples.
/// Within a segment the integer read index advances by exactly one per output frame, so the
/// four taps are four unaligned but contiguous vector loads (no gathers).
/// </remarks>
internal static class MixKernel
{
    /// <summary>
    /// For each j: v = w0[j]·x[j] + w1[j]·x[j+1] + w2[j]·x[j+2] + w3[j]·x[j+3] (x starts at the
    /// tap before the first frame); left[j] += gainLeft·v, right[j] += gainRight·v when
    /// <paramref name="audible"/>. Returns the peak |v| and adds Σv² to <paramref name="sumSquares"/>.
    /// </summary>
    public static float Mix(
        ReadOnlySpan<float> x,
        ReadOnlySpan<float> w0,
        ReadOnlySpan<float> w1,
        ReadOnlySpan<float> w2,
        ReadOnlySpan<float> w3,
        Span<float> left,
        Span<float> right,
        float gainLeft,
        float gainRight,
        bool audible,
        ref double sumSquares)
    {
        int n = left.Length;
        if (x.Length < n + 3 || right.Length != n || w0.Length < n || w1.Length < n || w2.Length < n || w3.Length < n)
        {
            throw new ArgumentException("mix kernel spans do not match");
        }

        ref float xr = ref MemoryMarshal.GetReference(x);
        ref float w0r = ref MemoryMarshal.GetReference(w0);
        ref float w1r = ref MemoryMarshal.GetReference(w1);
        ref float w2r = ref MemoryMarshal.GetReference(w2);
        ref float w3r = ref MemoryMarshal.GetReference(w3);
        ref float lr = ref MemoryMarshal.GetReference(left);
        ref float rr = ref MemoryMarshal.GetReference(right);

        int j = 0;
        float peak = 0;
        float squares = 0;
        if (Vector.IsHardwareAccelerated && n >= Vector<float>.Count)
        {
            int width = Vector<float>.Count;
            var vPeak = Vector<float>.Zero;
            var vSquares = Vector<float>.Zero;
            var gl = new Vector<float>(gainLeft);
            var gr = new Vector<float>(gainRight);
            for (; j <= n - width; j += width)
            {
                nuint i = (nuint)j;
                var v = (Vector.LoadUnsafe(ref w0r, i) * Vector.LoadUnsafe(ref xr, i))
                    + (Vector.LoadUnsafe(ref w1r, i) * Vector.LoadUnsafe(ref xr, i + 1))
                    + (Vector.LoadUnsafe(ref w2r, i) * Vector.LoadUnsafe(ref xr, i + 2))
                    + (Vector.LoadUnsafe(ref w3r, i) * Vector.LoadUnsafe(ref xr, i + 3));
                vPeak = Vector.Max(vPeak, Vector.Abs(v));
                vSquares += v * v;
                if (audible)
                {
                    (Vector.LoadUnsafe(ref lr, i) + (gl * v)).StoreUnsafe(ref lr, i);
                    (Vector.LoadUnsafe(ref rr, i) + (gr * v)).StoreUnsafe(ref rr, i);
                }
            }

            for (int k = 0; k < width; k++)
            {
                peak = MathF.Max(peak, vPeak[k]);
            }

            squares = Vector.Sum(vSquares);
        }

        for (; j < n; j++)
        {
            float v = (Unsafe.Add(ref w0r, j) * Unsafe.Add(ref xr, j))
                + (Unsafe.Add(ref w1r, j) * Unsafe.Add(ref xr, j + 1))
                + (Unsafe.Add(ref w2r, j) * Unsafe.Add(ref xr, j + 2))
                + (Unsafe.Add(ref w3r, j) * Unsafe.Add(ref xr, j + 3));
            peak = MathF.Max(peak, MathF.Abs(v));
            squares += v * v;
            if (audible)
            {
                Unsafe.Add(ref lr, j) += gainLeft * v;
                Unsafe.Add(ref rr, j) += gainRight * v;
            }
        }

        sumSquares += squares;
        return peak;
    }

    /// <summary>Catmull-Rom weights of the taps at −1, 0, +1, +2 for a fractional position f in [0, 1).</summary>
    public static void CubicWeights(float f, out float w0, out float w1, out float w2, out float w3)
    {
        float f2 = f * f;
        float f3 = f2 * f;
        w0 = (-0.5f * f3) + f2 - (0.5f * f);
        w1 = (1.5f * f3) - (2.5f * f2) + 1f;
        w2 = (-1.5f * f3) + (2f * f2) + (0.5f * f);
        w3 = (0.5f * f3) - (0.5f * f2);
    }
}
