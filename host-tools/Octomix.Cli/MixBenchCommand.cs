using System.CommandLine;
using System.Globalization;
using Octomix.Desk.Monitor;

namespace Octomix.Cli;

/// <summary>
/// `octomix bench mix`: the monitor mixer's cost. Prints one JSON line and writes it to
/// bench-results/. The lead wires it into BenchCommand.
/// </summary>
public static class MixBenchCommand
{
    public static Command Create()
    {
        var tracks = new Option<int>("--tracks") { Description = "Tracks of the main run (the target is 64 under 25 % of one core).", DefaultValueFactory = _ => 64 };
        var seconds = new Option<double>("--seconds") { Description = "Seconds of audio in the main run.", DefaultValueFactory = _ => 20 };
        var sweepTracks = new Option<int>("--sweep-tracks") { Description = "Tracks of the run that measures how many tracks one core takes (default: found by a probe run, 80 % of the estimate).", DefaultValueFactory = _ => 0 };
        var sweepSeconds = new Option<double>("--sweep-seconds") { Description = "Seconds of audio in that run.", DefaultValueFactory = _ => 5 };
        var outDir = new Option<string>("--out-dir") { Description = "Directory for the JSON result.", DefaultValueFactory = _ => "bench-results" };
        var noBaseline = new Option<bool>("--no-baseline") { Description = "Skip the scalar baseline mixer." };

        var command = new Command("mix", "Monitor mixer cost: 48 kHz stereo tracks with drift steering and interpolation, against a scalar baseline; prints JSON.")
        {
            tracks, seconds, sweepTracks, sweepSeconds, outDir, noBaseline,
        };
        command.SetAction(parse =>
        {
            int n = parse.GetValue(tracks);
            double s = parse.GetValue(seconds);
            int sweepN = parse.GetValue(sweepTracks);
            double sweepS = parse.GetValue(sweepSeconds);
            if (n < 1 || sweepN < 0 || s <= 0 || sweepS <= 0)
            {
                System.Console.Error.WriteLine("octomix bench mix: tracks and seconds must be positive");
                return 2;
            }

            var main = MixBenchmark.Run(n, s, withBaseline: !parse.GetValue(noBaseline));
            // Thousands of tracks run with a smaller ring each (memory); the work per frame is the same.
            var (probe, sweep) = sweepN > 0
                ? (MixBenchmark.Run(sweepN, 2, false, MixBenchmark.SweepBufferFrames), MixBenchmark.Run(sweepN, sweepS, false, MixBenchmark.SweepBufferFrames))
                : MixBenchmark.FindCapacity(seconds: sweepS);
            string json = MixBenchmark.Report(main, probe, sweep);
            System.Console.Out.WriteLine(json);

            string directory = parse.GetValue(outDir)!;
            Directory.CreateDirectory(directory);
            string file = Path.Combine(directory, "mix-" + DateTime.UtcNow.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture) + ".json");
            File.WriteAllText(file, json + "\n");
            System.Console.Error.WriteLine($"written to {file}");
            return 0;
        });
        return command;
    }
}
