using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Json;
using System.Text.Json.Nodes;
using Octomix.Server.Benchmark;

namespace Octomix.Cli;

/// <summary>
/// `octomix bench server`: the broadcast server under a jam load, measured. Three phases on
/// loopback, each with the load generator in a process of its own (`octomix loadgen`): a
/// baseline without the server (jammers send straight to each other: the loopback's own
/// latency), then the server (`octomix server`, another process) with the portable io path,
/// then with the batched one. Prints one JSON line and writes it to bench-results/.
/// </summary>
internal static class BenchCommand
{
    public static Command Create()
    {
        var command = new Command("bench", "Benchmarks");
        command.Subcommands.Add(Server());
        command.Subcommands.Add(MixBenchCommand.Create());
        command.Subcommands.Add(DeviceBenchCommand.Create());
        return command;
    }

    private static Command Server()
    {
        var command = new Command("server", "Load the broadcast server on loopback and print one JSON line of figures");
        var seconds = new Option<double>("--seconds") { Description = "Measured seconds per phase", DefaultValueFactory = _ => 10 };
        var warmup = new Option<double>("--warmup") { Description = "Unmeasured seconds before each phase", DefaultValueFactory = _ => 1 };
        var rooms = new Option<int>("--rooms") { DefaultValueFactory = _ => 4 };
        var jammers = new Option<int>("--jammers") { Description = "Jammers per room", DefaultValueFactory = _ => 7 };
        var rate = new Option<int>("--rate") { Description = "Packets per second per jammer", DefaultValueFactory = _ => 750 };
        var frames = new Option<int>("--frames") { Description = "Frames per packet (2 channels, 16 bit)", DefaultValueFactory = _ => 64 };
        var modes = new Option<string>("--modes") { Description = "Server io paths to measure, in order: portable, batched-plain (recvmmsg/sendmmsg), batched-room-threads (plus UDP segmentation, a thread per room), batched-unpaced (the default without wake-up pacing), batched (plus UDP segmentation, rooms sharing epoll threads, paced wake-ups: the default), room-mix, mixed", DefaultValueFactory = _ => "portable,batched-plain,batched-room-threads,batched" };
        var output = new Option<string>("--output") { Description = "Folder for the JSON file", DefaultValueFactory = _ => "bench-results" };
        var tick = new Option<double>("--tick-ms") { Description = "The load generator sends in ticks this long (smaller: less bursty, costlier)", DefaultValueFactory = _ => 1 };
        var rtJam = new Option<int>("--rtjam-per-room") { Description = "After the modes, one more batched phase with this many of each room's jammers as RTJam clients (0 = none), compared with the pure Octomix batched phase", DefaultValueFactory = _ => 0 };
        foreach (var o in new Option[] { seconds, warmup, rooms, jammers, rate, frames, modes, output, tick, rtJam })
        {
            command.Options.Add(o);
        }

        command.SetAction(parse =>
        {
            var settings = new BenchSettings(
                parse.GetValue(seconds),
                parse.GetValue(warmup),
                parse.GetValue(rooms),
                parse.GetValue(jammers),
                parse.GetValue(rate),
                parse.GetValue(frames),
                parse.GetValue(modes)!.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries),
                parse.GetValue(tick),
                parse.GetValue(rtJam));
            var unknown = settings.Modes.Where(m => !KnownModes.Contains(m)).ToList();
            if (unknown.Count > 0 || settings.Modes.Length == 0)
            {
                Console.Error.WriteLine($"octomix bench server: --modes takes {string.Join(", ", KnownModes)} (got {string.Join(", ", settings.Modes)})");
                return 2;
            }

            if (settings.TickMilliseconds <= 0 || settings.TickMilliseconds > 100 || settings.Seconds <= 0 || settings.Rooms < 1 || settings.Jammers < 2 || settings.Jammers > 16 || settings.Rate < 1 || settings.Frames < 1 || settings.Frames > 342 || settings.RtJamPerRoom < 0 || settings.RtJamPerRoom > settings.Jammers)
            {
                Console.Error.WriteLine("octomix bench server: need 0 < tick <= 100 ms, seconds > 0, rooms >= 1, 2..16 jammers, rate >= 1, 1..342 frames, 0..jammers RTJam members per room");
                return 2;
            }

            if (!OperatingSystem.IsLinux())
            {
                Console.Error.WriteLine("octomix bench server: the load generator needs Linux");
                return 2;
            }

            var json = Run(settings);
            string line = json.ToJsonString();
            string folder = parse.GetValue(output)!;
            Directory.CreateDirectory(folder);
            string file = Path.Combine(folder, $"server-{DateTime.UtcNow:yyyyMMdd-HHmmss}.json");
            File.WriteAllText(file, line + "\n");
            Console.Error.WriteLine("octomix bench server: written to " + file);
            Console.Out.WriteLine(line);
            return json["crashes"]!.GetValue<int>() == 0 ? 0 : 1;
        });
        return command;
    }

    private static readonly string[] KnownModes = ["portable", "batched-plain", "batched-room-threads", UnpacedMode, "batched", RoomMixMode, MixedMode];

    /// <summary>The default server with wake-up pacing off (<c>--wake-interval-us 0</c>): the baseline the pacing is measured against.</summary>
    private const string UnpacedMode = "batched-unpaced";

    // the mixed case (issue 14): the default server writing every room's mix (so the jitter FIFOs
    // re-block and resample), under the pure load ("room-mix") and under the mixed one ("mixed":
    // 64/128/256 frames and one 44.1 kHz jammer per room, LoadGenerator.Mixed.cs)
    private const string RoomMixMode = "room-mix";
    private const string MixedMode = "mixed";

    private static bool WritesRoomMix(string mode) => mode is RoomMixMode or MixedMode;

    private static JsonObject Run(BenchSettings s)
    {
        int total = s.Rooms * s.Jammers;
        var json = new JsonObject
        {
            ["benchmark"] = "server",
            ["rooms"] = s.Rooms,
            ["jammersPerRoom"] = s.Jammers,
            ["jammers"] = total,
            ["packetsPerSecondPerJammer"] = s.Rate,
            ["frames"] = s.Frames,
            ["channels"] = 2,
            ["bits"] = 16,
            ["seconds"] = s.Seconds,
            ["loadgenTickMs"] = s.TickMilliseconds,
            ["machine"] = Machine(),
        };

        int crashes = 0;
        Progress("baseline: jammers straight to each other, no server");
        var baseline = RunLoadgen(s, null, null, ref crashes);
        json["baseline"] = baseline == null ? null : new JsonObject
        {
            ["packetsSentPerSecond"] = Round(baseline.SentPerSecond),
            ["packetsReceivedPerSecond"] = Round(baseline.ReceivedPerSecond),
            ["loss"] = baseline.Loss,
            ["latencyP50Us"] = baseline.LatencyP50Microseconds,
            ["latencyP99Us"] = baseline.LatencyP99Microseconds,
            ["loadgenCpuPercentOfCore"] = Round(100 * baseline.CpuSeconds / baseline.Seconds),
        };

        var cpuPerJammer = new Dictionary<string, double>();
        foreach (var mode in s.Modes)
        {
            Progress($"server, {mode} io");
            var phase = RunServerPhase(s, mode, baseline, ref crashes);
            json[mode] = phase;
            if (phase?["serverCpuPercentPerJammer"] is JsonNode n)
            {
                cpuPerJammer[mode] = n.GetValue<double>();
            }
        }

        if (cpuPerJammer.TryGetValue("portable", out double p))
        {
            foreach (var faster in new[] { "batched-plain", "batched" })
            {
                if (cpuPerJammer.TryGetValue(faster, out double f))
                {
                    // null, not a missing key, when the faster phase measured no CPU at all
                    json[$"cpuRatioPortableOver{(faster == "batched" ? "Batched" : "BatchedPlain")}"] = f > 0 ? Math.Round(p / f, 2) : null;
                }
            }
        }

        if (cpuPerJammer.TryGetValue(UnpacedMode, out double unpaced) && cpuPerJammer.TryGetValue("batched", out double paced) && paced > 0)
        {
            json["cpuRatioUnpacedOverBatched"] = Math.Round(unpaced / paced, 2);
        }

        if (cpuPerJammer.TryGetValue("batched-room-threads", out double own) && cpuPerJammer.TryGetValue("batched", out double shared))
        {
            json["cpuRatioRoomThreadsOverBatched"] = shared > 0 ? Math.Round(own / shared, 2) : null;
        }

        RunRtJamPhase(s, baseline, json, cpuPerJammer, ref crashes);

        if (cpuPerJammer.TryGetValue(MixedMode, out double mixedCpu))
        {
            json["mixedProfile"] = "per room: 2 × 64, 2 × 128, 2 × 256 frames at 48 kHz, 1 × 64 frames at 44.1 kHz; every room's mix written";
            foreach (var pure in new[] { RoomMixMode, "batched" })
            {
                if (cpuPerJammer.TryGetValue(pure, out double c) && c > 0)
                {
                    json[$"cpuRatioMixedOver{(pure == "batched" ? "Batched" : "RoomMix")}"] = Math.Round(mixedCpu / c, 2);
                }
            }
        }

        json["crashes"] = crashes;
        if (json["batched"] is JsonObject best)
        {
            json["targets"] = new JsonObject
            {
                ["zeroLoss"] = best["loss"]!.GetValue<double>() == 0,
                ["p99AddedLatencyUnder1ms"] = best["addedLatencyP99Us"]!.GetValue<double>() < 1000,
                ["cpuPerJammerUnder1PercentOfCore"] = best["serverCpuPercentPerJammer"]!.GetValue<double>() < 1,
            };
        }

        return json;
    }

    // ---- RTJam members (issue 14): one more phase, the default batched server with RTJam clients in every room ----

    /// <summary>With --rtjam-per-room N: the "batched-rtjam" phase, and its CPU per jammer against the pure Octomix "batched" phase of the same run.</summary>
    private static void RunRtJamPhase(BenchSettings s, LoadGeneratorResult? baseline, JsonObject json, Dictionary<string, double> cpuPerJammer, ref int crashes)
    {
        if (s.RtJamPerRoom == 0)
        {
            return;
        }

        Progress($"server, batched io, {s.RtJamPerRoom} RTJam client(s) per room");
        string rooms = string.Join(",", Enumerable.Range(0, s.Rooms));
        var phase = RunServerPhase(s, "batched", baseline, ref crashes, ["--rtjam-rooms", rooms, "--rtjam-allow", "127.0.0.0/8"], ["--rtjam-per-room", Str(s.RtJamPerRoom)]);
        json["batched-rtjam"] = phase;
        double? mixed = phase?["serverCpuPercentPerJammer"]?.GetValue<double>();
        double? pure = cpuPerJammer.TryGetValue("batched", out double b) ? b : null;
        json["rtjam"] = new JsonObject
        {
            ["rtjamPerRoom"] = s.RtJamPerRoom,
            ["rtjamJammers"] = s.RtJamPerRoom * s.Rooms,
            ["cpuPercentPerJammerPureOctomix"] = pure,
            ["cpuPercentPerJammerWithRtJam"] = mixed,
            ["cpuRatioWithRtJamOverPure"] = mixed != null && pure is > 0 ? Math.Round(mixed.Value / pure.Value, 2) : null,
        };
    }

    private static JsonObject? RunServerPhase(BenchSettings s, string mode, LoadGeneratorResult? baseline, ref int crashes, string[]? extraServerArgs = null, string[]? loadgenArgs = null)
    {
        var serverArgs = new List<string>
        {
            "server", "--bind", "127.0.0.1", "--first-port", "0", "--rooms", Str(s.Rooms), "--max-jammers", Str(s.Jammers),
            "--io", mode == "portable" ? "portable" : "batched", "--gso", mode is "batched" or "batched-room-threads" or UnpacedMode || WritesRoomMix(mode) ? "on" : "off",
            "--room-threads", mode == "batched-room-threads" ? Str(Math.Min(s.Rooms, 64)) : "0", "--join-code", "BENCH", "--join-burst", "1000", "--join-rate", "1000", "--announce-ports", "--log-level", "warning",
        };
        if (mode == UnpacedMode)
        {
            serverArgs.AddRange(["--wake-interval-us", "0"]);
        }

        string? mixFolder = null;
        if (WritesRoomMix(mode))
        {
            mixFolder = Directory.CreateTempSubdirectory("octomix-bench-mix-").FullName;
            serverArgs.AddRange(["--room-mix", Path.Combine(mixFolder, "room{room}.pcm")]);
        }

        serverArgs.AddRange(extraServerArgs ?? []);
        using var server = StartSelf([.. serverArgs]);
        var ports = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        var serverErrors = new List<string>();
        server.ErrorDataReceived += (_, e) =>
        {
            if (e.Data == null)
            {
                return;
            }

            if (e.Data.StartsWith(ServerCommand.PortsAnnouncement, StringComparison.Ordinal))
            {
                ports.TrySetResult(e.Data[ServerCommand.PortsAnnouncement.Length..]);
            }
            else
            {
                lock (serverErrors)
                {
                    serverErrors.Add(e.Data);
                }
            }
        };
        server.BeginErrorReadLine();
        server.BeginOutputReadLine();
        if (!ports.Task.Wait(TimeSpan.FromSeconds(30)))
        {
            Progress("the server did not start: " + string.Join(" | ", serverErrors));
            crashes++;
            return null;
        }

        var endpoints = string.Join(",", ports.Task.Result.Split(',').Select(p => "127.0.0.1:" + p));
        var cpu = new CpuWindow(server);
        var result = RunLoadgen(s, endpoints, cpu, ref crashes, loadgenArgs, mode == MixedMode);
        bool aliveAfterLoad = !server.HasExited;
        LinuxSignals.Terminate(server.Id);
        if (!server.WaitForExit(TimeSpan.FromSeconds(15)))
        {
            server.Kill();
        }

        server.WaitForExit();
        if (mixFolder != null)
        {
            Directory.Delete(mixFolder, recursive: true);
        }

        if (!aliveAfterLoad || server.ExitCode != 0)
        {
            crashes++;
            Progress($"the {mode} server ended badly (exit {server.ExitCode}): {string.Join(" | ", serverErrors.TakeLast(5))}");
        }

        if (result == null)
        {
            return null;
        }

        double serverCpu = cpu.Seconds;
        int total = s.Rooms * s.Jammers;
        var phase = new JsonObject
        {
            ["packetsInPerSecond"] = Round(result.SentPerSecond),
            ["packetsOutPerSecond"] = Round(result.ReceivedPerSecond),
            ["loss"] = result.Loss,
            ["latencyP50Us"] = result.LatencyP50Microseconds,
            ["latencyP99Us"] = result.LatencyP99Microseconds,
            ["latencyP999Us"] = result.LatencyP999Microseconds,
            ["latencyMaxUs"] = result.LatencyMaxMicroseconds,
            ["addedLatencyP50Us"] = Round(result.LatencyP50Microseconds - (baseline?.LatencyP50Microseconds ?? 0)),
            ["addedLatencyP99Us"] = Round(result.LatencyP99Microseconds - (baseline?.LatencyP99Microseconds ?? 0)),
            ["serverCpuPercentOfCore"] = Round(100 * serverCpu / cpu.WallSeconds),
            ["serverCpuPercentPerJammer"] = Math.Round(100 * serverCpu / cpu.WallSeconds / total, 3),
            ["loadgenCpuPercentOfCore"] = Round(100 * result.CpuSeconds / result.Seconds),
            ["serverExitCode"] = server.ExitCode,
            ["serverSummary"] = LastLine(serverErrors, "octomix server: stopping;"),
        };
        return phase;
    }

    /// <summary>Runs `octomix loadgen` and returns its result (null when it failed: counted as a crash).</summary>
    private static LoadGeneratorResult? RunLoadgen(BenchSettings s, string? endpoints, CpuWindow? cpu, ref int crashes, string[]? extraArgs = null, bool mixed = false)
    {
        var args = new List<string>
        {
            "loadgen", "--rooms", Str(s.Rooms), "--jammers", Str(s.Jammers), "--rate", Str(s.Rate), "--frames", Str(s.Frames),
            "--seconds", Str(s.Seconds), "--warmup", Str(s.Warmup), "--join-code", "BENCH", "--tick-ms", Str(s.TickMilliseconds),
        };
        args.AddRange(endpoints == null ? ["--baseline"] : ["--server", endpoints]);
        args.AddRange(extraArgs ?? []);
        if (mixed)
        {
            args.Add("--mixed");
        }

        using var loadgen = StartSelf([.. args]);
        string? resultLine = null;
        var errors = new List<string>();
        loadgen.ErrorDataReceived += (_, e) =>
        {
            if (e.Data != null)
            {
                lock (errors)
                {
                    errors.Add(e.Data);
                }
            }
        };
        loadgen.BeginErrorReadLine();
        while (loadgen.StandardOutput.ReadLine() is { } line)
        {
            if (line == "MEASURE-START")
            {
                cpu?.Start();
            }
            else if (line == "MEASURE-END")
            {
                cpu?.Stop();
            }
            else if (line.StartsWith(InternalCommands.ResultPrefix, StringComparison.Ordinal))
            {
                resultLine = line[InternalCommands.ResultPrefix.Length..];
            }
        }

        loadgen.WaitForExit();
        if (loadgen.ExitCode != 0 || resultLine == null)
        {
            crashes++;
            Progress($"the load generator failed (exit {loadgen.ExitCode}): {string.Join(" | ", errors.TakeLast(5))}");
            return null;
        }

        return JsonSerializer.Deserialize<LoadGeneratorResult>(resultLine);
    }

    /// <summary>Starts this same program (the apphost, or `dotnet octomix.dll`) with other arguments.</summary>
    internal static Process StartSelf(params string[] args)
    {
        string exe = Environment.ProcessPath ?? throw new InvalidOperationException("no process path");
        var psi = new ProcessStartInfo(exe)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (Path.GetFileNameWithoutExtension(exe).Equals("dotnet", StringComparison.OrdinalIgnoreCase))
        {
            psi.ArgumentList.Add(typeof(BenchCommand).Assembly.Location);
        }

        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }

        return Process.Start(psi) ?? throw new InvalidOperationException("could not start " + exe);
    }

    private static JsonObject Machine()
    {
        string cpu = "unknown";
        try
        {
            cpu = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? cpu;
        }
        catch (IOException)
        {
            // not Linux, or no procfs: the model stays unknown
        }

        string kernel = File.Exists("/proc/sys/kernel/osrelease") ? File.ReadAllText("/proc/sys/kernel/osrelease").Trim() : RuntimeInformation.OSDescription;

        // other work on the machine skews every figure: say how busy it was when we started
        string load = File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "unknown";
        return new JsonObject
        {
            ["cpu"] = cpu,
            ["cores"] = Environment.ProcessorCount,
            ["kernel"] = kernel,
            ["os"] = RuntimeInformation.OSDescription,
            ["dotnet"] = RuntimeInformation.FrameworkDescription,
            ["loadAverageAtStart"] = load,
            ["build"] = typeof(BenchCommand).Assembly.GetCustomAttributes(typeof(System.Reflection.AssemblyConfigurationAttribute), false).OfType<System.Reflection.AssemblyConfigurationAttribute>().FirstOrDefault()?.Configuration ?? "unknown",
        };
    }

    private static string? LastLine(List<string> lines, string prefix)
    {
        lock (lines)
        {
            return lines.LastOrDefault(l => l.StartsWith(prefix, StringComparison.Ordinal))?[prefix.Length..].Trim();
        }
    }

    private static void Progress(string text) => Console.Error.WriteLine("octomix bench server: " + text);

    private static string Str(double v) => v.ToString(CultureInfo.InvariantCulture);

    private static double Round(double v) => Math.Round(v, 1);

    private sealed record BenchSettings(double Seconds, double Warmup, int Rooms, int Jammers, int Rate, int Frames, string[] Modes, double TickMilliseconds, int RtJamPerRoom = 0);

    /// <summary>CPU time (user + system) the server process used between Start and Stop.</summary>
    /// <summary>
    /// The CPU a process used between Start and Stop. On Linux it sums every thread's
    /// /proc/PID/task/TID/schedstat (nanoseconds on the CPU): Process.TotalProcessorTime reads
    /// /proc/PID/stat in clock ticks (10 ms), so a short, light phase read as 0 and its ratios
    /// could not be formed. A thread that ends inside the window takes its time with it; the
    /// server's threads live as long as the server.
    /// </summary>
    private sealed class CpuWindow(Process process)
    {
        private double cpuAtStart;
        private long wallAtStart;

        public double Seconds { get; private set; }

        public double WallSeconds { get; private set; } = 1;

        public void Start()
        {
            cpuAtStart = CpuSeconds();
            wallAtStart = Stopwatch.GetTimestamp();
        }

        public void Stop()
        {
            Seconds = Math.Max(0, CpuSeconds() - cpuAtStart);
            WallSeconds = Stopwatch.GetElapsedTime(wallAtStart).TotalSeconds;
        }

        private double CpuSeconds()
        {
            string tasks = $"/proc/{process.Id}/task";
            if (Directory.Exists(tasks))
            {
                try
                {
                    long nanoseconds = 0;
                    foreach (var task in Directory.EnumerateDirectories(tasks))
                    {
                        try
                        {
                            string first = File.ReadAllText(Path.Combine(task, "schedstat")).Split(' ', 2)[0];
                            nanoseconds += long.Parse(first, CultureInfo.InvariantCulture);
                        }
                        catch (IOException)
                        {
                            // the thread ended while we listed them
                        }
                    }

                    return nanoseconds / 1e9;
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException)
                {
                    // no schedstat (a kernel without CONFIG_SCHEDSTATS): fall back to ticks
                }
            }

            process.Refresh();
            return process.TotalProcessorTime.TotalSeconds;
        }
    }
}

/// <summary>SIGTERM for child processes (.NET's Process.Kill sends SIGKILL).</summary>
internal static class LinuxSignals
{
    public static void Terminate(int pid)
    {
        using var kill = Process.Start("kill", ["-TERM", pid.ToString(CultureInfo.InvariantCulture)]);
        kill.WaitForExit();
    }
}
