using System.Diagnostics;
using System.Globalization;
using System.Numerics;
using System.Runtime.InteropServices;
using System.Text.Json;
using Octomix.Desk.Output;
using Octomix.Protocol;

namespace Octomix.Desk.Monitor;

/// <summary>One measured run of the monitor mixer (CPU time of the measuring thread).</summary>
public sealed record MixBenchmarkRun(
    int Tracks,
    double AudioSeconds,
    double IngestCpuSeconds,
    double RenderCpuSeconds,
    double BaselineCpuSeconds,
    double WallSeconds,
    double PlayoutRatio,
    long ConcealedFrames,
    int MaxBaselineDifference)
{
    /// <summary>Packets in + mix out, as a percentage of one core in real time.</summary>
    public double CpuPercentOfOneCore => 100 * (IngestCpuSeconds + RenderCpuSeconds) / AudioSeconds;

    public double RenderPercentOfOneCore => 100 * RenderCpuSeconds / AudioSeconds;

    public double IngestPercentOfOneCore => 100 * IngestCpuSeconds / AudioSeconds;

    public double BaselineRenderPercentOfOneCore => 100 * BaselineCpuSeconds / AudioSeconds;

    /// <summary>Tracks one core could take in real time at this cost per track.</summary>
    public double RealtimeTracksPerCore => Tracks * AudioSeconds / (IngestCpuSeconds + RenderCpuSeconds);
}

/// <summary>
/// The monitor mixer's cost, measured the way it runs: 48 kHz stereo s16 tracks arriving as
/// 128-frame packets from boxes whose clocks are spread over −100…+100 ppm, with different
/// latencies, so rate steering and cubic interpolation are active; rendered in 10 ms blocks in
/// simulated time (as fast as the CPU goes). A plain scalar mixer (<see cref="ScalarBaselineMixer"/>)
/// renders the same blocks from the same buffers for comparison, and its output is checked
/// against the real one.
/// </summary>
public static class MixBenchmark
{
    private const int Rate = 48000;
    private const int PacketFrames = 128;
    private const int BlockFrames = 480;
    private const double WarmupSeconds = 3;

    /// <summary>Ring size for runs with thousands of tracks (1.4 s; the work per frame is the same).</summary>
    public const int SweepBufferFrames = 1 << 16;

    public static MixBenchmarkRun Run(int tracks, double audioSeconds, bool withBaseline, int bufferFrames = TimecodeTrackBuffer.DefaultCapacityFrames)
    {
        if (tracks < 1 || audioSeconds <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(tracks), "need at least one track and some audio");
        }

        var options = new MonitorOptions { BufferFrames = bufferFrames };
        if (bufferFrames < 4 * options.Frames(options.MaxPlayoutDelay))
        {
            options = options with { MaxPlayoutDelay = TimeSpan.FromSeconds(bufferFrames / 4.0 / Rate) };
        }

        var mixer = new MonitorMixer(options);
        var monitorTracks = new MonitorTrack[tracks];
        var ppm = new double[tracks];
        var next = new long[tracks];
        for (int k = 0; k < tracks; k++)
        {
            var track = mixer.AddTrack($"track {k + 1}", 12 + (k * 37 % 289));
            track.Pan = tracks == 1 ? 0 : -1 + (2.0 * k / (tracks - 1));
            track.FaderDb = -6 - (10 * Math.Log10(tracks)); // keeps the sum of many tracks near full scale
            track.ReportLinkQuality(TimeSpan.FromMilliseconds(2), TimeSpan.FromMilliseconds(5));
            monitorTracks[k] = track;
            ppm[k] = tracks == 1 ? 100 : -100 + (200.0 * k / (tracks - 1));
        }

        var payloads = Payloads(64);
        var output = new short[BlockFrames * 2];
        var baselineOutput = new short[BlockFrames * 2];
        var left = new double[BlockFrames];
        var right = new double[BlockFrames];
        var baselineLimiter = options.MasterLimiter ? new MasterLimiter(Rate, options.LimiterCeilingDb, options.LimiterRelease) : null;
        double ingest = 0, render = 0, baseline = 0;
        int maxDifference = 0;
        long totalBlocks = (long)Math.Ceiling((WarmupSeconds + audioSeconds) * Rate / BlockFrames);
        long warmupBlocks = (long)(WarmupSeconds * Rate / BlockFrames);
        var wall = new Stopwatch();
        for (long b = 0; b < totalBlocks; b++)
        {
            bool measuring = b >= warmupBlocks;
            if (b == warmupBlocks)
            {
                wall.Start();
            }

            double now = (mixer.FramesRendered + BlockFrames) / (double)Rate;
            double t0 = ThreadCpuSeconds();
            for (int k = 0; k < tracks; k++)
            {
                // Packet p leaves box k when its clock has produced it; 2 ms on the network.
                while (((next[k] + 1) * PacketFrames / (Rate * (1 + (ppm[k] * 1e-6)))) + 0.002 <= now)
                {
                    monitorTracks[k].Write((next[k] * PacketFrames) + monitorTracks[k].LatencySamples, payloads[(int)((next[k] + k) % payloads.Length)], 2, SampleFormat.S16);
                    next[k]++;
                }
            }

            double t1 = ThreadCpuSeconds();
            mixer.Render(output);
            double t2 = ThreadCpuSeconds();
            if (measuring)
            {
                ingest += t1 - t0;
                render += t2 - t1;
            }

            // The yardstick renders every block the mixer plays (its limiter must hear the same
            // bus from the start); it is timed and compared while measuring.
            if (withBaseline && mixer.State == MonitorState.Playing)
            {
                var position = mixer.LastBlockReadPosition;
                ScalarBaselineMixer.Render(monitorTracks, position.Whole, position.Fraction, position.Step, baselineOutput, left, right, baselineLimiter);
                if (measuring)
                {
                    baseline += ThreadCpuSeconds() - t2;
                    for (int i = 0; i < output.Length; i++)
                    {
                        maxDifference = Math.Max(maxDifference, Math.Abs(output[i] - baselineOutput[i]));
                    }
                }
            }
        }

        wall.Stop();
        var status = mixer.GetStatus();
        return new MixBenchmarkRun(
            tracks,
            (totalBlocks - warmupBlocks) * BlockFrames / (double)Rate,
            ingest,
            render,
            withBaseline ? baseline : double.NaN,
            wall.Elapsed.TotalSeconds,
            status.PlayoutRatio,
            status.FramesConcealed + status.FramesSilenced,
            maxDifference);
    }

    /// <summary>
    /// How many tracks one core takes: a short probe run estimates it, then a run near that
    /// count (80 %, at most <paramref name="maxTracks"/>) measures it, so the figure is not an
    /// extrapolation from a lightly loaded core (cache effects grow with the track count).
    /// </summary>
    public static (MixBenchmarkRun Probe, MixBenchmarkRun Sweep) FindCapacity(int probeTracks = 512, double seconds = 5, int maxTracks = 4096)
    {
        var probe = Run(probeTracks, 2, withBaseline: false, bufferFrames: SweepBufferFrames);
        int tracks = (int)Math.Clamp(probe.RealtimeTracksPerCore * 0.8, 1, maxTracks);
        return (probe, Run(tracks, seconds, withBaseline: false, bufferFrames: SweepBufferFrames));
    }

    /// <summary>The benchmark's JSON line: machine, the 64-track run with its baseline, the capacity runs, the verdict.</summary>
    public static string Report(MixBenchmarkRun main, MixBenchmarkRun probe, MixBenchmarkRun sweep, double targetPercent = 25)
    {
        var report = new Dictionary<string, object?>
        {
            ["bench"] = "mix",
            ["utc"] = DateTime.UtcNow.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture),
            ["machine"] = Machine(),
            ["setup"] = new Dictionary<string, object>
            {
                ["sampleRate"] = Rate,
                ["input"] = "stereo s16, 128-frame packets, clocks -100..+100 ppm, latencies 12..300",
                ["blockFrames"] = BlockFrames,
                ["interpolation"] = "4-tap cubic, rate steering on",
                ["timing"] = OperatingSystem.IsLinux() ? "thread CPU time" : "wall clock",
            },
            ["main"] = Describe(main),
            ["speedupVsScalarBaseline"] = double.IsNaN(main.BaselineCpuSeconds) ? null : Round(main.BaselineCpuSeconds / main.RenderCpuSeconds),
            ["probe"] = Describe(probe),
            ["sweep"] = Describe(sweep),
            ["realtimeTracksPerCore"] = (int)Math.Floor(sweep.RealtimeTracksPerCore),
            ["target"] = new Dictionary<string, object>
            {
                ["tracks"] = main.Tracks,
                ["maxPercentOfOneCore"] = targetPercent,
                ["met"] = main.CpuPercentOfOneCore < targetPercent,
            },
        };
        return JsonSerializer.Serialize(report);
    }

    private static Dictionary<string, object> Describe(MixBenchmarkRun run)
    {
        var d = new Dictionary<string, object>
        {
            ["tracks"] = run.Tracks,
            ["audioSeconds"] = Round(run.AudioSeconds),
            ["cpuPercentOfOneCore"] = Round(run.CpuPercentOfOneCore),
            ["renderPercent"] = Round(run.RenderPercentOfOneCore),
            ["ingestPercent"] = Round(run.IngestPercentOfOneCore),
            ["wallSeconds"] = Round(run.WallSeconds),
            ["playoutRatio"] = Math.Round(run.PlayoutRatio, 7),
            ["concealedFrames"] = run.ConcealedFrames,
        };
        if (!double.IsNaN(run.BaselineCpuSeconds))
        {
            d["baselineRenderPercent"] = Round(run.BaselineRenderPercentOfOneCore);
            d["maxDifferenceFromBaselineLsb"] = run.MaxBaselineDifference;
        }

        return d;
    }

    private static double Round(double value) => Math.Round(value, 3);

    private static Dictionary<string, object> Machine()
    {
        string cpu = "unknown";
        string load = "";
        try
        {
            cpu = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? cpu;
            load = File.ReadAllText("/proc/loadavg").Trim();
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }

        return new Dictionary<string, object>
        {
            ["cpu"] = cpu,
            ["logicalCores"] = Environment.ProcessorCount,
            ["os"] = RuntimeInformation.OSDescription,
            ["runtime"] = RuntimeInformation.FrameworkDescription,
            ["arch"] = RuntimeInformation.ProcessArchitecture.ToString(),
            ["vectorFloats"] = Vector<float>.Count,
            ["loadAverage"] = load,
        };
    }

    /// <summary>Band-limited noise packets (distinct, so nothing is cached away).</summary>
    private static byte[][] Payloads(int count)
    {
        var random = new Random(7);
        var payloads = new byte[count][];
        double state = 0;
        for (int p = 0; p < count; p++)
        {
            payloads[p] = new byte[PacketFrames * 4];
            for (int i = 0; i < PacketFrames * 2; i++)
            {
                state = (0.9 * state) + (0.1 * ((random.NextDouble() * 2) - 1));
                short v = (short)(state * 20000);
                payloads[p][2 * i] = (byte)v;
                payloads[p][(2 * i) + 1] = (byte)(v >> 8);
            }
        }

        return payloads;
    }

    private static unsafe double ThreadCpuSeconds()
    {
        if (OperatingSystem.IsLinux())
        {
            LibC.TimeSpec time;
            if (LibC.ClockGetTime(LibC.ClockThreadCpuTime, &time) == 0)
            {
                return time.Seconds + (time.Nanoseconds * 1e-9);
            }
        }

        return Stopwatch.GetTimestamp() / (double)Stopwatch.Frequency;
    }
}
