namespace Octomix.Desk.Monitor;

/// <summary>
/// The straightforward way to write the monitor's inner loop, kept as the benchmark's yardstick:
/// per track, per output frame, compute the read position in double, the four cubic weights,
/// fetch four taps through the ring's bounds-checked accessor, pan and accumulate. Same inputs,
/// same interpolation and gain laws as <see cref="MonitorMixer"/>, none of its tricks (weights
/// shared by all tracks, contiguous SIMD loads). Reads what the mixer has already prepared.
/// </summary>
internal static class ScalarBaselineMixer
{
    /// <summary>
    /// One block. <paramref name="limiter"/>: the yardstick's own master limiter, fed every block
    /// the mixer plays (the same law on the double bus), or null when the mixer runs without one.
    /// </summary>
    public static void Render(IReadOnlyList<MonitorTrack> tracks, long positionWhole, uint positionFraction, ulong step, Span<short> interleavedStereo, double[] left, double[] right,
        MasterLimiter? limiter = null)
    {
        int frames = interleavedStereo.Length / 2;
        Array.Clear(left, 0, frames);
        Array.Clear(right, 0, frames);
        double start = positionFraction / 4294967296.0;
        double ratio = step / 4294967296.0;
        bool anySolo = false;
        foreach (var track in tracks)
        {
            anySolo |= track.Controls.Solo;
        }

        foreach (var track in tracks)
        {
            var controls = track.Controls;
            if (!MixLaw.IsAudible(controls.Mute, controls.Solo, anySolo))
            {
                continue;
            }

            double gainLeft = controls.Gain * controls.PanLeft;
            double gainRight = controls.Gain * controls.PanRight;
            var buffer = track.Buffer;
            lock (buffer.SyncRoot)
            {
                for (int j = 0; j < frames; j++)
                {
                    double position = start + (j * ratio);
                    long whole = (long)Math.Floor(position);
                    float f = (float)(position - whole);
                    long t = positionWhole + whole + track.LatencySamples;
                    MixKernel.CubicWeights(f, out float w0, out float w1, out float w2, out float w3);
                    float v = (w0 * buffer.GetLocked(t - 1)) + (w1 * buffer.GetLocked(t)) + (w2 * buffer.GetLocked(t + 1)) + (w3 * buffer.GetLocked(t + 2));
                    left[j] += gainLeft * v;
                    right[j] += gainRight * v;
                }
            }
        }

        limiter?.Process(left.AsSpan(0, frames), right.AsSpan(0, frames));
        for (int j = 0; j < frames; j++)
        {
            interleavedStereo[2 * j] = (short)Math.Clamp(Math.Round(left[j] * 32768), short.MinValue, short.MaxValue);
            interleavedStereo[(2 * j) + 1] = (short)Math.Clamp(Math.Round(right[j] * 32768), short.MinValue, short.MaxValue);
        }
    }
}
