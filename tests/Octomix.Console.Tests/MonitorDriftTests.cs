using Octomix.Desk.Monitor;

namespace Octomix.Console.Tests;

/// <summary>
/// Box clocks off by ±100 ppm over a long take: the mixer must stretch, never drop or repeat.
/// Each track carries a ramp that encodes its own sample index (8 steps per sample, wrapping every
/// 8192 samples); hard-panned to one side, the output value tells which position was played.
/// </summary>
public class MonitorDriftTests
{
    private static long Ramp(long m) => RampPositionChecker.Value(m);

    private static double Decode(short value) => RampPositionChecker.Decode(value);

    [Theory]
    [InlineData(100, -100, 12, 300, 600)]
    [InlineData(0, 100, 150, 40, 180)]
    [InlineData(-100, 0, 300, 0, 180)]
    public void LongTakeAtPlusMinus100PpmNeitherDropsNorRepeatsAFrame(double ppmLeft, double ppmRight, int latencyLeft, int latencyRight, double seconds)
    {
        var mixer = new MonitorMixer(new MonitorOptions { MasterLimiter = false }); // the ramp spans full scale: a limiter would change the values that encode positions
        var left = mixer.AddTrack("left", latencyLeft);
        var right = mixer.AddTrack("right", latencyRight);
        left.Pan = -1;
        right.Pan = 1;
        // Decision 1: each box starts its stream at F = -countIn - preRoll + L, so m starts at the same value.
        long musicalStart = -(4 * 24000) - 24000;
        var boxes = new[]
        {
            new SimulatedBox { Track = left, Ppm = ppmLeft, FirstTimecode = musicalStart + latencyLeft, JitterSeconds = 0.004, Signal = Ramp, Random = new Random(11) },
            new SimulatedBox { Track = right, Ppm = ppmRight, FirstTimecode = musicalStart + latencyRight, StartSeconds = 0.003, JitterSeconds = 0.004, Signal = Ramp, Random = new Random(12) },
        };
        var simulation = new MonitorSimulation(mixer, boxes);

        var checker = new[] { new RampPositionChecker(), new RampPositionChecker() };
        long frame = 0;
        double maxDepthMs = 0, minDepthMs = double.MaxValue;
        var ratios = new List<double>();
        simulation.Run(seconds, (block, index) =>
        {
            double ratio = mixer.PlayoutRatio;
            if (mixer.State == MonitorState.Playing)
            {
                for (int j = 0; j < block.Length / 2; j++, frame++)
                {
                    checker[0].Next(frame, Decode(block[2 * j]));
                    checker[1].Next(frame, Decode(block[(2 * j) + 1]));
                }

                if (index % 100 == 0 && frame > 48000 * 10)
                {
                    foreach (var track in mixer.Tracks)
                    {
                        double depthMs = track.GetStatus().DepthFrames / 48.0;
                        maxDepthMs = Math.Max(maxDepthMs, depthMs);
                        minDepthMs = Math.Min(minDepthMs, depthMs);
                    }

                    ratios.Add(ratio);
                }
            }
        });

        var status = mixer.GetStatus();
        Assert.Equal(MonitorState.Playing, status.State);
        Assert.Equal(0, status.Underruns);
        Assert.Equal(0, status.FramesConcealed + status.FramesSilenced);
        Assert.Equal(0, status.LateFrames);
        foreach (var c in checker)
        {
            Assert.True(c.Errors.Count == 0, "position errors: " + string.Join("; ", c.Errors.Take(5)));
            Assert.True(c.Checked > (seconds - 1) * 47_000, $"only {c.Checked} frames checked");
        }

        // The ramps encode the musical timecode m = t - L: aligned tracks decode to the same value, frame for frame.
        Assert.True(checker[0].AlignedWith(checker[1]), "tracks not aligned by musical timecode");

        // The playout follows the slower box (the one shortest of audio), so nobody runs dry.
        double slowest = 1 + (Math.Min(ppmLeft, ppmRight) * 1e-6);
        double lateRatio = ratios.Skip(ratios.Count / 2).Average();
        Assert.InRange(lateRatio, slowest - 20e-6, slowest + 20e-6);

        // Depths stay bounded: never dry, and at most the 200 ppm spread over the take (120 ms in 10 minutes) above target.
        double targetMs = mixer.TargetDelay.TotalMilliseconds;
        Assert.True(minDepthMs > targetMs / 4, $"min depth {minDepthMs} ms");
        Assert.True(maxDepthMs < targetMs + 150, $"max depth {maxDepthMs} ms");
    }
}
