using Octomix.Dsp;

namespace Octomix.Server.Tests;

/// <summary>
/// The polyphase resampler against the analytic signal: a sine resampled must be the same sine
/// at the new rate (THD+N from the residual), flat to 20 kHz, images and aliases removed, and
/// the stream cut into any packet sizes gives the very same output.
/// </summary>
public class ResamplerTests
{
    [Theory]
    [InlineData(44100, 48000)]
    [InlineData(48000, 44100)]
    public void AOneKilohertzSineComesOutWithThdPlusNoiseBelowMinus90Db(int from, int to)
    {
        var (gain, residualDb) = Measure(from, to, 1000, 0.5);
        Assert.InRange(residualDb, double.MinValue, -90);
        Assert.InRange(20 * Math.Log10(gain), -0.01, 0.01);
    }

    [Theory]
    [InlineData(44100, 48000)]
    [InlineData(48000, 44100)]
    public void ThePassbandIsFlatWithinATenthOfADecibelTo20Kilohertz(int from, int to)
    {
        foreach (double f in new double[] { 20, 100, 1000, 5000, 10000, 15000, 18000, 19000, 20000 })
        {
            var (gain, residualDb) = Measure(from, to, f, 0.5);
            double db = 20 * Math.Log10(gain);
            Assert.True(Math.Abs(db) <= 0.1, $"{f} Hz: {db:F4} dB");
            Assert.True(residualDb < -80, $"{f} Hz: residual {residualDb:F1} dB");
        }
    }

    [Fact]
    public void ContentAboveTheLowerNyquistIsRemovedWhenDownsampling()
    {
        // 23 kHz at 48 kHz would alias to 21.1 kHz at 44.1 kHz
        var output = Run(48000, 44100, 23000, 0.5, 48000, 1);
        double rms = Rms(output.AsSpan(2000, output.Length - 4000));
        Assert.True(20 * Math.Log10(rms / (0.5 / Math.Sqrt(2))) < -85, $"alias at {20 * Math.Log10(rms / (0.5 / Math.Sqrt(2))):F1} dB");
    }

    [Fact]
    public void S16ThroughTheResamplerStaysAbove90DbSignalToNoise()
    {
        const int From = 44100, To = 48000, Frames = 44100;
        var r = new PolyphaseResampler(From, To, 2);
        var input = new short[Frames * 2];
        double amp = 0.89 * 32767; // −1 dBFS
        for (int n = 0; n < Frames; n++)
        {
            input[2 * n] = (short)Math.Round(amp * Math.Sin(2 * Math.PI * 1000 * n / From));
            input[(2 * n) + 1] = (short)Math.Round(-amp * Math.Sin(2 * Math.PI * 1000 * n / From));
        }

        var output = new List<short>();
        var buffer = new short[r.MaxOutputFor(64) * 2];
        for (int at = 0; at < Frames; at += 64)
        {
            int n = Math.Min(64, Frames - at);
            int produced = r.Process(input.AsSpan(at * 2, n * 2), n, buffer);
            output.AddRange(buffer.AsSpan(0, produced * 2).ToArray());
        }

        double err = 0, sig = 0;
        int count = 0;
        for (int n = 1000; n < (output.Count / 2) - 1000; n++)
        {
            double ideal = amp * Math.Sin(2 * Math.PI * 1000 * n / To);
            err += Math.Pow(output[2 * n] - ideal, 2) + Math.Pow(output[(2 * n) + 1] + ideal, 2);
            sig += 2 * ideal * ideal;
            count++;
        }

        double db = 10 * Math.Log10(err / sig);
        Assert.True(db < -90, $"THD+N {db:F1} dB");
    }

    [Fact]
    public void PacketSizesDoNotChangeTheOutputAndItIsAlignedOnTheTimeline()
    {
        var rng = new Random(7);
        var input = new short[9000 * 2];
        for (int i = 0; i < input.Length; i++)
        {
            input[i] = (short)rng.Next(-20000, 20000);
        }

        short[] Through(int[] sizes)
        {
            var r = new PolyphaseResampler(44100, 48000, 2);
            var all = new List<short>();
            var buffer = new short[r.MaxOutputFor(512) * 2];
            int at = 0, k = 0;
            while (at < 9000)
            {
                int n = Math.Min(sizes[k++ % sizes.Length], 9000 - at);
                int produced = r.Process(input.AsSpan(at * 2, n * 2), n, buffer);
                all.AddRange(buffer.AsSpan(0, produced * 2).ToArray());
                at += n;
                Assert.Equal(r.InputFramesReceived, at);
            }

            Assert.Equal(0, r.InputNeededFor(0));
            Assert.True(r.InputNeededFor(1) > 0);
            return [.. all];
        }

        var a = Through([64]);
        var b = Through([256, 128, 64, 1, 511, 37]);
        Assert.Equal(a, b);

        // output n is produced once input floor(n·in/out) + K/2 has arrived: every n with n·147 < (9000 − K/2)·160
        var probe = new PolyphaseResampler(44100, 48000, 2);
        long expectedOutputs = (((9000L - probe.LatencyFrames) * 160) + 146) / 147;
        Assert.Equal(expectedOutputs, a.Length / 2);

        // InputNeededFor tells exactly how much input makes a number of outputs available
        var r2 = new PolyphaseResampler(48000, 44100, 1);
        var buf = new short[4096];
        int need = r2.InputNeededFor(64);
        Assert.Equal(64, r2.Process(new short[need], need, buf));
        for (int i = 0; i < 50; i++)
        {
            need = r2.InputNeededFor(64);
            Assert.Equal(64, r2.Process(new short[need], need, buf));
        }
    }

    [Fact]
    public void ProcessingAllocatesNothing()
    {
        var r = new PolyphaseResampler(44100, 48000, 2);
        var input = new short[128];
        var output = new short[r.MaxOutputFor(64) * 2];
        r.Process(input, 64, output);
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 1000; i++)
        {
            r.Process(input, 64, output);
        }

        Assert.Equal(before, GC.GetAllocatedBytesForCurrentThread());
    }

    /// <summary>Resamples 1 s of a sine; returns its gain (least squares fit at the frequency) and the residual against the analytic sine, in dB of the signal.</summary>
    private static (double Gain, double ResidualDb) Measure(int from, int to, double hz, double amplitude)
    {
        var output = Run(from, to, hz, amplitude, from, 1);
        int skip = 1000;
        double ss = 0, sc = 0, cc = 0, ys = 0, yc = 0;
        for (int n = skip; n < output.Length - skip; n++)
        {
            double s = Math.Sin(2 * Math.PI * hz * n / to), c = Math.Cos(2 * Math.PI * hz * n / to);
            ss += s * s; sc += s * c; cc += c * c; ys += output[n] * s; yc += output[n] * c;
        }

        double det = (ss * cc) - (sc * sc);
        double a = ((ys * cc) - (yc * sc)) / det, b = ((yc * ss) - (ys * sc)) / det;
        double gain = Math.Sqrt((a * a) + (b * b)) / amplitude;

        double err = 0, sig = 0;
        for (int n = skip; n < output.Length - skip; n++)
        {
            double ideal = amplitude * Math.Sin(2 * Math.PI * hz * n / to);
            err += (output[n] - ideal) * (output[n] - ideal);
            sig += ideal * ideal;
        }

        return (gain, 10 * Math.Log10(err / sig));
    }

    private static float[] Run(int from, int to, double hz, double amplitude, int frames, int channels)
    {
        var r = new PolyphaseResampler(from, to, channels);
        var input = new float[frames * channels];
        for (int n = 0; n < frames; n++)
        {
            for (int c = 0; c < channels; c++)
            {
                input[(n * channels) + c] = (float)(amplitude * Math.Sin(2 * Math.PI * hz * n / from));
            }
        }

        var output = new List<float>();
        var buffer = new float[r.MaxOutputFor(256) * channels];
        for (int at = 0; at < frames; at += 256)
        {
            int n = Math.Min(256, frames - at);
            int produced = r.Process(input.AsSpan(at * channels, n * channels), n, buffer);
            output.AddRange(buffer.AsSpan(0, produced * channels).ToArray());
        }

        return channels == 1 ? [.. output] : [.. output.Where((_, i) => i % channels == 0)];
    }

    private static double Rms(ReadOnlySpan<float> x)
    {
        double s = 0;
        foreach (var v in x)
        {
            s += v * v;
        }

        return Math.Sqrt(s / x.Length);
    }
}
