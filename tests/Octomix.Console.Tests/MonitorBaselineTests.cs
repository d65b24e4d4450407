using Octomix.Desk.Monitor;
using Octomix.Protocol;
using Octomix.Tests.Shared;

namespace Octomix.Console.Tests;

/// <summary>The SIMD mixer and the plain scalar one (the benchmark's yardstick) compute the same mix.</summary>
public class MonitorBaselineTests
{
    [Fact]
    public void TheVectorisedMixEqualsThePlainScalarMix()
    {
        var mixer = new MonitorMixer();
        var limiter = new MasterLimiter(48000, mixer.Options.LimiterCeilingDb, mixer.Options.LimiterRelease); // the yardstick's, fed the same blocks
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
            ScalarBaselineMixer.Render(tracks, position.Whole, position.Fraction, position.Step, baseline, left, right, limiter);
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

/// <summary>The audio path allocates nothing per packet or per block once running (a GC pause would be a dropout).</summary>
public class MonitorAllocationTests
{
    [Fact]
    public void WritingPacketsAndRenderingBlocksAllocatesNothing()
    {
        var mixer = new MonitorMixer();
        var tracks = Enumerable.Range(0, 8).Select(k => mixer.AddTrack("t" + k, 10 * k)).ToArray();
        var payload = new byte[128 * 4];
        new Random(1).NextBytes(payload);
        var output = new short[960];
        var gaps = new TimecodeRange[8];
        var next = new long[tracks.Length];

        void Step()
        {
            double now = (mixer.FramesRendered + 480) / 48000.0;
            for (int k = 0; k < tracks.Length; k++)
            {
                while (((next[k] + 1) * 128 / 48000.0 / (1 + ((k - 4) * 25e-6))) + 0.002 <= now)
                {
                    if (next[k] % 50 != 7)
                    {
                        tracks[k].Write((next[k] * 128) + tracks[k].LatencySamples, payload, 2, SampleFormat.S16); // with some losses
                    }

                    next[k]++;
                }

                tracks[k].GetFetchableGaps(gaps);
            }

            mixer.Render(output);
        }

        for (int i = 0; i < 500; i++)
        {
            Step(); // warm up: JIT, playout start, first concealments
        }

        long before = AllocationWindow.Start();
        for (int i = 0; i < 1000; i++)
        {
            Step();
        }

        long allocated = AllocationWindow.BytesSince(before);
        Assert.Equal(MonitorState.Playing, mixer.State);
        Assert.True(mixer.GetStatus().Underruns > 10, "concealment ran during the measurement");
        Assert.Equal(0, allocated);
    }
}
