using System.CommandLine;
using System.Net;
using System.Text.Json;
using Octomix.Server.Benchmark;

namespace Octomix.Cli;

/// <summary>
/// Hidden subcommands: processes the tool starts of itself (the benchmark's load generator)
/// and helpers for device tests (the host end of the box's UDP echo test). Not in the help.
/// </summary>
internal static class InternalCommands
{
    /// <summary>Prefix of the load generator's final line on stdout (the JSON of its result).</summary>
    public const string ResultPrefix = "RESULT ";

    public static IEnumerable<Command> Create()
    {
        return [Loadgen(), UdpEchoCommand.Create()];
    }

    /// <summary>`octomix loadgen`: the benchmark's load, in a process of its own.</summary>
    private static Command Loadgen()
    {
        var command = new Command("loadgen", "Benchmark load generator (started by `octomix bench server`)") { Hidden = true };
        var server = new Option<string?>("--server") { Description = "Room endpoints, comma-separated (ip:port,...); omit with --baseline" };
        var baseline = new Option<bool>("--baseline") { Description = "No server: the jammers of a room send straight to each other" };
        var rooms = new Option<int>("--rooms") { DefaultValueFactory = _ => 4 };
        var jammers = new Option<int>("--jammers") { DefaultValueFactory = _ => 7 };
        var rate = new Option<int>("--rate") { DefaultValueFactory = _ => 750 };
        var frames = new Option<int>("--frames") { DefaultValueFactory = _ => 64 };
        var seconds = new Option<double>("--seconds") { DefaultValueFactory = _ => 10 };
        var warmup = new Option<double>("--warmup") { DefaultValueFactory = _ => 1 };
        var code = new Option<string>("--join-code") { DefaultValueFactory = _ => "BENCH" };
        var tick = new Option<double>("--tick-ms") { DefaultValueFactory = _ => 1 };
        var rtJam = new Option<int>("--rtjam-per-room") { Description = "The last N jammers of each room are RTJam clients", DefaultValueFactory = _ => 0 };
        foreach (var o in new Option[] { server, baseline, rooms, jammers, rate, frames, seconds, warmup, code, tick, rtJam })
        {
            command.Options.Add(o);
        }

        // the mixed case (LoadGenerator.Mixed.cs): 64/128/256 frames and a 44.1 kHz jammer per room
        var mixed = new Option<bool>("--mixed") { Description = "Per room: jammers at 64, 128, 256 frames and one at 44.1 kHz" };
        command.Options.Add(mixed);

        command.SetAction(parse =>
        {
            IReadOnlyList<IPEndPoint>? endpoints = null;
            if (!parse.GetValue(baseline))
            {
                string? list = parse.GetValue(server);
                if (string.IsNullOrEmpty(list))
                {
                    Console.Error.WriteLine("octomix loadgen: give --server ip:port,... or --baseline");
                    return 2;
                }

                endpoints = list.Split(',').Select(e => IPEndPoint.Parse(e.Trim())).ToArray();
            }

            var options = new LoadGeneratorOptions
            {
                Rooms = endpoints,
                RoomCount = endpoints?.Count ?? parse.GetValue(rooms),
                JammersPerRoom = parse.GetValue(jammers),
                PacketsPerSecond = parse.GetValue(rate),
                Frames = parse.GetValue(frames),
                Seconds = parse.GetValue(seconds),
                WarmupSeconds = parse.GetValue(warmup),
                JoinCode = parse.GetValue(code)!,
                TickMilliseconds = parse.GetValue(tick),
                RtJamPerRoom = parse.GetValue(rtJam),
                Mixed = parse.GetValue(mixed),
            };
            var result = LoadGenerator.Run(options, line =>
            {
                Console.Out.WriteLine(line);
                Console.Out.Flush();
            });
            Console.Out.WriteLine(ResultPrefix + JsonSerializer.Serialize(result));
            Console.Out.Flush();
            return 0;
        });
        return command;
    }
}
