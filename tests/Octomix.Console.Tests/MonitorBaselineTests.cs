using Octomix.Desk.Monitor;
using Octomix.Protocol;

namespace Octomix.Console.Tests;

/// <summary>The SIMD mixer and the plain scalar one (the benchmark's yardstick) compute the same mix.</summary>
public class MonitorBaselineTests
{
    [Fact]
    public void TheVectorisedMixEqualsThePlainScalarMix()
    {
        var mixer = new MonitorMixer();
        const int n = 12;
        var tracks = new MonitorTrack[n];
        var random = new Random(5);
        var payloads = Enumerable.Range(0, 16).Select(_ =>
        {
            var p = new byte[512];
            random.NextBytes(p);
            return p;
        }).ToArray();
        for (int k = 0; k < n; k++)
        {
            tracks[k] = mixer.AddTrack("t" + k, 12 + (k * 37 % 289));
            tracks[k].Pan = -1 + (2.0 * k / (n - 1));
            tracks[k].FaderDb = -20;
        }

        tracks[3].Mute = true;
        var next = new long[n];
        var output = new short[960];
        var baseline = new short[960];
        var left = new double[480];
        var right = new double[480];
        int compared = 0, worst = 0;
        for (int block = 0; block < 3000; block++)
        {
            double now = (mixer.FramesRendered + 480) / 48000.0;
            for (int k = 0; k < n; k++)
            {
                double ppm = -300 + (600.0 * k / (n - 1));
                while (((next[k] + 1) * 128 / 48000.0 / (1 + (ppm * 1e-6))) + 0.002 <= now)
                {
                    tracks[k].Write((next[k] * 128) + tracks[k].LatencySamples, payloads[(next[k] + k) % 16], 2, SampleFormat.S16);
                    next[k]++;
                }
            }

            mixer.Render(output);
            if (mixer.State != MonitorState.Playing)
            {
                continue;
            }

            var position = mixer.LastBlockReadPosition;
            ScalarBaselineMixer.Render(tracks, position.Whole, position.Fraction, position.Step, baseline, left, right);
            for (int i = 0; i < output.Length; i++)
            {
                int difference = Math.Abs(output[i] - baseline[i]);
                if (difference > worst)
                {
                    worst = difference;
                    Assert.True(difference <= 1, $"block {block}, sample {i}: mixer {output[i]}, baseline {baseline[i]}, ratio {mixer.PlayoutRatio}, position {position}");
                }
            }

            compared++;
        }

        Assert.True(compared > 2900);
    }
}
