using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Octomix.Desk.Engine;
using Octomix.Desk.Output;
using Octomix.Desk.Sessions;
using Octomix.Web;
using HalLogLevel = Octomix.Hal.LogLevel;

namespace Octomix.Cli;

/// <summary>
/// `octomix demo`: the whole idea in one process and well under a minute. A server, a console
/// session and four simulated boxes (the real firmware on simulated boards, in real time) with
/// different round trips, crystals ±100 ppm off, network jitter and loss; a take is recorded,
/// stopped, collected, written to a folder and played back to every box; then the files and a
/// JSON summary (per track: onset error against the click grid, stream loss before collection,
/// bytes collected, checksum match).
/// </summary>
internal static class DemoCommand
{
    public static Command Create()
    {
        var output = new Option<string?>("--out") { Description = "Folder for everything the demo writes (default: ./octomix-demo-DATE-TIME)" };
        var seconds = new Option<double>("--seconds") { Description = "Length of the take after the count-in, seconds", DefaultValueFactory = _ => 4 };
        var loss = new Option<double>("--loss") { Description = "Datagrams lost between each box and the server, each way, %", DefaultValueFactory = _ => 3 };
        var tempo = new Option<double>("--tempo") { Description = "Tempo of the click, BPM", DefaultValueFactory = _ => 120 };
        var noPlayback = new Option<bool>("--no-playback") { Description = "Do not play the mix back to the boxes" };
        var monitor = new Option<string>("--monitor") { Description = "Monitor mix output: none, auto (a player if found) or a FIFO/file path", DefaultValueFactory = _ => "none" };
        var logLevel = new Option<string>("--log-level") { Description = "Log level of the console and the boxes (warning keeps the output short)", DefaultValueFactory = _ => "warning" };
        var web = new Option<bool>("--web") { Description = "Serve the web console during the demo (prints \"web console: http://HOST:PORT/#/session\", the demo session's view, on stdout; the monitor plays in the page)" };
        var webPort = new Option<int>("--web-port") { Description = "TCP port of the demo's web console (0 = any free port)", DefaultValueFactory = _ => 7880 };
        var webWait = new Option<double>("--web-wait") { Description = "With --web: before the boxes start, wait this long for a page to open the printed address (starts at once when one does), seconds", DefaultValueFactory = _ => 0 };
        var stockImage = new Option<bool>("--stock-image") { Description = "The boxes run a stock nanoFramework image (the loop writes the card and serves it; no native take writer or file server)" };
        var webHold = new Option<double>("--web-hold") { Description = "With --web: keep the web console open this long after the demo, seconds (Ctrl-C ends it)", DefaultValueFactory = _ => 0 };

        var command = new Command("demo", "Record a take with a server, a console and 4 simulated boxes in this process; print where the files are and a JSON summary.")
        {
            output, seconds, loss, tempo, noPlayback, monitor, logLevel, web, webPort, webWait, webHold, stockImage,
        };
        command.SetAction((parse, cancel) =>
        {
            var errors = new List<string>();
            double length = parse.GetValue(seconds);
            if (length is <= 0 or > 600)
            {
                errors.Add("--seconds: more than 0, at most 600");
            }

            double lossPercent = parse.GetValue(loss);
            if (lossPercent is < 0 or > 50)
            {
                errors.Add("--loss: 0..50 %");
            }

            double bpm = parse.GetValue(tempo);
            if (bpm is < 30 or > 300)
            {
                errors.Add("--tempo: 30..300 BPM");
            }

            if (!CliText.TryParseLogLevel(parse.GetValue(logLevel), out var level))
            {
                errors.Add("--log-level: trace, debug, information, warning or error");
            }

            int port = parse.GetValue(webPort);
            if (port is < 0 or > 65535)
            {
                errors.Add("--web-port: 0..65535");
            }

            double waitSeconds = parse.GetValue(webWait), holdSeconds = parse.GetValue(webHold);
            if (waitSeconds is < 0 or > 3600 || holdSeconds is < 0 or > 86400)
            {
                errors.Add("--web-wait: 0..3600 s, --web-hold: 0..86400 s");
            }

            if (errors.Count > 0)
            {
                foreach (var e in errors)
                {
                    Console.Error.WriteLine("octomix demo: " + e);
                }

                return Task.FromResult(2);
            }

            string folder = Path.GetFullPath(parse.GetValue(output) ?? "octomix-demo-" + DateTime.Now.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture));
            var demoWeb = parse.GetValue(web) ? new DemoWeb(port, TimeSpan.FromSeconds(waitSeconds), TimeSpan.FromSeconds(holdSeconds)) : null;
            return RunAsync(folder, length, lossPercent, bpm, !parse.GetValue(noPlayback), parse.GetValue(monitor)!, level, demoWeb, !parse.GetValue(stockImage), cancel);
        });
        return command;
    }

    private static async Task<int> RunAsync(string folder, double seconds, double lossPercent, double bpm, bool playback, string monitor, LogLevel level, DemoWeb? web, bool customImage, CancellationToken cancel)
    {
        var clock = Stopwatch.StartNew();
        Directory.CreateDirectory(folder);
        using var loggers = LoggerFactory.Create(b => b
            .SetMinimumLevel(level)
            .AddSimpleConsole(o =>
            {
                o.SingleLine = true;
                o.TimestampFormat = "HH:mm:ss.fff ";
            })
            .AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace));
        var boxLog = loggers.CreateLogger("octomix.box");
        var musicians = SimulatedStudio.DemoMusicians(lossPercent);
        var options = new ConsoleEngineOptions
        {
            DatabasePath = Path.Combine(folder, "octomix.db"),
            RecordingsFolder = Path.Combine(folder, "recordings"),
            Session = new SessionInfo { Name = "Demo", JoinCode = "DEMO", TempoCentiBpm = (int)Math.Round(bpm * 100), CountInBars = 1, ClickSound = 2 },
            UpdateSessionSettings = true,
            Tracks = musicians.Select(m => m.Name).ToList(),
            Monitor = monitor,
        };

        // the composition root starts the room's server in this process; disposed after the engine
        await using var server = new InProcessServer(0, IPAddress.Loopback, loggers);

        // the composition root chooses the monitor's sinks: --monitor, and the pages with --web
        var webMonitor = web != null ? new WebMonitor() : null;
        options = options with
        {
            LocalServer = server,
            MonitorSinks = webMonitor != null ? MonitorSinks.Tee(MonitorSinks.FromChoice(monitor), webMonitor) : MonitorSinks.FromChoice(monitor),
        };

        Say($"writing into {folder}");
        await using var engine = await ConsoleEngine.StartAsync(options, loggers, cancel).ConfigureAwait(false);
        WebConsole? console = null;
        if (web != null)
        {
            try
            {
                console = await WebConsole.StartAsync(engine, new WebConsoleOptions { Port = web.Port, Monitor = webMonitor }, loggers, cancel).ConfigureAwait(false);
            }
            catch (InvalidOperationException e)
            {
                Say(e.Message);
                return 1;
            }

            // straight to the demo session's view: the boxes start as soon as a page opens, and a
            // newcomer who first had to pick the session from the list would miss them turning ready
            Console.Out.WriteLine("web console: " + console.Url + "#/session");
            Console.Out.Flush();
            if (web.Wait > TimeSpan.Zero)
            {
                Say($"waiting up to {web.Wait.TotalSeconds:0} s for a page to open {console.Url}");
                var until = DateTime.UtcNow + web.Wait;
                while (console.Pages == 0 && DateTime.UtcNow < until)
                {
                    await Task.Delay(100, cancel).ConfigureAwait(false);
                }
            }
        }

        await using var webLifetime = new WebLifetime(console);
        using var studio = new SimulatedStudio(Path.Combine(folder, "boxes"), "127.0.0.1", server.Port, options.Session.JoinCode, musicians,
            (name, l, text) =>
            {
                var mapped = l switch { HalLogLevel.Debug => LogLevel.Debug, HalLogLevel.Info => LogLevel.Information, HalLogLevel.Warning => LogLevel.Warning, _ => LogLevel.Error };
                boxLog.Log(mapped, "{Box}: {Text}", name, text);
            },
            customImage: customImage);
        studio.Start();
        Say(customImage
            ? "boxes: the custom firmware image (native take writer and file server; --stock-image for a stock one)"
            : "boxes: a stock nanoFramework image (the loop writes the card and serves it)");
        foreach (var m in musicians)
        {
            Say($"box {m.Name}: analog round trip {m.AnalogRoundTripFrames} frames, crystal {m.ClockPpm:+0;-0;0} ppm, network jitter 0-{m.JitterMilliseconds} ms, {m.LossPercent:0.#} % loss each way");
        }

        var phases = new JsonObject();
        if (!await engine.WaitForReadyAsync(musicians.Count, TimeSpan.FromSeconds(60), cancel).ConfigureAwait(false))
        {
            Say("the boxes did not all become ready within 60 s:");
            Console.Error.Write(Octomix.Desk.Terminal.ConsoleScreen.Render(engine.Snapshot()));
            return 1;
        }

        phases["boxesReadySeconds"] = Round(clock.Elapsed.TotalSeconds);
        if (console != null)
        {
            // a moment with every strip green before the take: the page's state arrives a few
            // times a second, and the last box to turn ready would otherwise go straight to recording
            Say("every box is ready; recording in 1.5 s");
            await Task.Delay(TimeSpan.FromSeconds(1.5), cancel).ConfigureAwait(false);
        }

        var record = await engine.RecordAsync(cancel).ConfigureAwait(false);
        if (!record.Started)
        {
            Say("no box recorded: " + string.Join("; ", record.NotRecording));
            return 1;
        }

        var take = record.Take!;
        Say($"take {take.Number} recording on {string.Join(", ", record.Recording)}: {take.Timeline.CountInFrames / (double)take.SampleRate:0.0} s count-in, then {seconds:0.#} s");
        long end = (long)(seconds * take.SampleRate);
        while (!studio.Boxes.All(b => b.Controller.CurrentTakeId == take.Id && b.Controller.Timeline.TakeIndexAt(b.Controller.Position) >= end))
        {
            await Task.Delay(50, cancel).ConfigureAwait(false);
            if (clock.Elapsed > TimeSpan.FromMinutes(5))
            {
                Say("the boxes did not record the take in time");
                return 1;
            }
        }

        var duringTake = engine.CurrentTake!.Mixer!.GetStatus();
        phases["recordedSeconds"] = Round(clock.Elapsed.TotalSeconds);
        await engine.StopAsync(cancel).ConfigureAwait(false);
        var collection = await engine.CollectAsync(cancel).ConfigureAwait(false);
        phases["collectedSeconds"] = Round(clock.Elapsed.TotalSeconds);
        foreach (var track in collection.Tracks)
        {
            Say(track.Complete
                ? $"{track.TrackName}: {track.DataBytes} bytes verified{AfterStop(track)} ({track.BytesFromStream} from the stream, {track.BytesFetchedDuringTake} fetched during the take, {track.BytesFetchedAfterStop} after the Stop)"
                : $"{track.TrackName}: INCOMPLETE: {track.Problem}");
        }

        ExportOutcome? export = null;
        PlaybackOutcome? played = null;
        if (collection.Complete)
        {
            export = await engine.ExportAsync(null, false, cancel).ConfigureAwait(false);
            phases["exportedSeconds"] = Round(clock.Elapsed.TotalSeconds);
            if (playback)
            {
                Say("playing the mix back to every box");
                played = await engine.PlaybackAsync(cancel).ConfigureAwait(false);
                phases["playedBackSeconds"] = Round(clock.Elapsed.TotalSeconds);
            }
        }

        var summary = TakeSummary.Build(engine, collection, export, played, measureOnsets: export != null, duringTake);
        summary["demoSeconds"] = Round(clock.Elapsed.TotalSeconds);
        summary["firmwareImage"] = customImage ? "custom" : "stock";
        summary["phases"] = phases;

        // the simulated boxes share this process: a long GC pause stalls every box's loop at once
        // (their logs then say "the loop stalled"), so the summary says how long the runtime paused
        summary["process"] = new JsonObject
        {
            ["gcPauseMs"] = Round(GC.GetTotalPauseDuration().TotalMilliseconds),
            ["gen0Collections"] = GC.CollectionCount(0),
            ["gen1Collections"] = GC.CollectionCount(1),
            ["gen2Collections"] = GC.CollectionCount(2),
            ["cpuSeconds"] = Round(Environment.CpuUsage.TotalTime.TotalSeconds),
        };
        if (summary["tracks"] is JsonArray tracks)
        {
            foreach (var node in tracks.OfType<JsonObject>())
            {
                var m = musicians.FirstOrDefault(x => x.Name == (string?)node["track"]);
                if (m != null)
                {
                    node["simulated"] = new JsonObject
                    {
                        ["analogRoundTripFrames"] = m.AnalogRoundTripFrames,
                        ["clockPpm"] = m.ClockPpm,
                        ["jitterMs"] = m.JitterMilliseconds,
                        ["lossPercent"] = m.LossPercent,
                    };
                }
            }
        }

        if (export != null)
        {
            Say($"the take is in {export.Files.Folder}:");
            foreach (var stem in export.Files.Stems)
            {
                Say("  " + stem.FileName);
            }

            Say("  " + export.Files.Mix.FileName + "   " + export.Files.ReaperProjectFile + "   " + export.Files.AudacityProjectFile);
            Say($"the boxes' cards are in {Path.Combine(folder, "boxes")}, the session database is {options.DatabasePath}");
        }

        Say($"done in {clock.Elapsed.TotalSeconds:0.0} s");
        Console.Out.WriteLine(summary.ToJsonString(TakeSummary.Indented));
        Console.Out.Flush();
        if (console != null && web!.Hold > TimeSpan.Zero)
        {
            Say($"the web console stays open for {web.Hold.TotalSeconds:0} s: {console.Url} (Ctrl-C ends it)");
            try
            {
                await Task.Delay(web.Hold, cancel).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancel.IsCancellationRequested)
            {
            }
        }

        return collection.Complete ? 0 : 1;
    }

    private static double Round(double v) => Math.Round(v, 2);

    /// <summary>" 0.42 s after Stop": how soon after the engineer's Stop the track was proven equal to the card.</summary>
    private static string AfterStop(TrackCollectionResult track) =>
        track.VerifiedAfterStop is { } t ? string.Create(CultureInfo.InvariantCulture, $" {t.TotalSeconds:0.00} s after Stop") : string.Empty;

    /// <summary>--web: the port, how long to wait for a page before the boxes start, how long to stay open after.</summary>
    private sealed record DemoWeb(int Port, TimeSpan Wait, TimeSpan Hold);

    private static void Say(string text) => Console.Error.WriteLine("octomix demo: " + text);
}
