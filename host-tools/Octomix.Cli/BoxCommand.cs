using System.CommandLine;
using System.Globalization;
using Microsoft.Extensions.Logging;
using Octomix.Board.Simulated;
using Octomix.Box;
using Octomix.Drivers.Click;
using HalLogLevel = Octomix.Hal.LogLevel;

namespace Octomix.Cli;

/// <summary>
/// `octomix box`: runs one simulated box (or several, <c>--count</c>) in this process — the real
/// box firmware (BoxController) on the simulated board (board/Simulated): a sample clock with a
/// ppm error, a round trip, a musician who plays on the click, an SD card in a folder, real UDP
/// to the server. Flags override the card's settings.txt (docs/box.md has the format); a card
/// folder without one gets one written with the effective values. Runs until Ctrl+C (or
/// <c>--duration</c>).
/// </summary>
internal static class BoxCommand
{
    public static Command Create()
    {
        var server = new Option<string>("--server") { Description = "Server address host:port (the room's UDP port)", Required = true };
        var joinCode = new Option<string>("--join-code") { Description = "The room's join code", Required = true };
        var name = new Option<string>("--name") { Description = "Box name shown in the room (with --count: NAME-1, NAME-2, ...)", Required = true };
        var card = new Option<string?>("--card") { Description = "Folder that plays the SD card (default ./octomix-card-NAME)" };
        var cardSize = new Option<string?>("--card-size") { Description = "Capacity of the simulated SD card, e.g. 64M or 2G (default 32G); what the folder holds already counts as used" };
        var latency = new Option<int>("--latency") { Description = "Analog round trip in frames (DAC to ears, instrument to ADC), split into output and input delay", DefaultValueFactory = _ => 37 };
        var ppm = new Option<double>("--ppm") { Description = "Crystal error of the box's sample clock, ppm", DefaultValueFactory = _ => 0 };
        var realtime = new Option<bool>("--realtime") { Description = "Run the audio clock in real time (default)" };
        var fast = new Option<bool>("--fast") { Description = "Run in fast simulated time (as fast as the PC can; for scripts)" };
        var jam = new Option<bool>("--jam") { Description = "Jam: stream to the room and play the personal mix whenever no take runs" };
        var spread = new Option<double>("--spread") { Description = "The musician's timing spread, ms (0 = exactly on the click)", DefaultValueFactory = _ => 0 };
        var seed = new Option<int>("--seed") { Description = "Seed of the musician's timing and the network conditions", DefaultValueFactory = _ => 1 };
        var silent = new Option<bool>("--no-musician") { Description = "Nobody plays: the box records silence" };
        var loss = new Option<double>("--loss") { Description = "Datagrams lost per direction, %", DefaultValueFactory = _ => 0 };
        var jitter = new Option<int>("--jitter") { Description = "Extra random one-way delay 0..N ms (reorders datagrams)", DefaultValueFactory = _ => 0 };
        var delay = new Option<int>("--delay") { Description = "Fixed one-way network delay, ms", DefaultValueFactory = _ => 0 };
        var rate = new Option<int?>("--rate") { Description = "Sample rate (else the card's settings, else 48000)" };
        var bits = new Option<int?>("--bits") { Description = "16 or 24 (else the card's settings, else 16)" };
        var block = new Option<int?>("--block") { Description = "Frames per audio block (else settings, else 256)" };
        var click = new Option<string?>("--click") { Description = "beep, woodblock or hihat" };
        var prefill = new Option<string>("--prefill")
        {
            Description = "Playback pipeline: " + SettingsParser.PrefillBlocksExpected + ", as the setting prefill_blocks (a PC stalls threads longer than a box: default 8)",
            DefaultValueFactory = _ => "8",
        };
        var count = new Option<int>("--count") { Description = "Run this many boxes in one process", DefaultValueFactory = _ => 1 };
        var duration = new Option<double>("--duration") { Description = "Stop after this many seconds (0 = until Ctrl+C)", DefaultValueFactory = _ => 0 };
        var logLevel = new Option<string>("--log-level") { Description = "debug, information, warning, error", DefaultValueFactory = _ => "information" };

        var command = new Command("box", "Run a simulated box: the box firmware on a simulated board, joined to a server over UDP.");
        foreach (Option o in new Option[] { server, joinCode, name, card, cardSize, latency, ppm, realtime, fast, jam, spread, seed, silent, loss, jitter, delay, rate, bits, block, click, prefill, count, duration, logLevel })
        {
            command.Options.Add(o);
        }

        command.SetAction((parse, cancel) => Task.FromResult(Run(parse, cancel)));
        return command;

        int Run(ParseResult parse, CancellationToken cancel)
        {
            var errors = new List<string>();
            string address = parse.GetValue(server)!;
            int colon = address.LastIndexOf(':');
            int port = 0;
            if (colon <= 0 || !int.TryParse(address[(colon + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out port) || port < 1 || port > 65535)
            {
                errors.Add($"--server: \"{address}\" is not host:port");
            }

            string host = colon > 0 ? address[..colon].Trim('[', ']') : address;
            int roundTrip = parse.GetValue(latency);
            if (roundTrip < 0 || roundTrip > 20000)
            {
                errors.Add("--latency: 0..20000 frames");
            }

            if (parse.GetValue(realtime) && parse.GetValue(fast))
            {
                errors.Add("--realtime and --fast exclude each other");
            }

            string? clickName = parse.GetValue(click);
            if (clickName != null && SettingsParser.ParseClickSound(clickName) == 0)
            {
                errors.Add($"--click: \"{clickName}\" is not beep, woodblock or hihat");
            }

            // The same parser as the card's prefill_blocks: one source of truth for the values.
            string prefillText = parse.GetValue(prefill)!;
            if (!SettingsParser.ParsePrefillBlocks(prefillText, out int pipeline))
            {
                errors.Add($"--prefill: \"{prefillText}\" is not {SettingsParser.PrefillBlocksExpected}");
            }

            int boxes = parse.GetValue(count);
            if (boxes < 1 || boxes > 16)
            {
                errors.Add("--count: 1..16");
            }

            if (!Enum.TryParse(parse.GetValue(logLevel), ignoreCase: true, out LogLevel level))
            {
                errors.Add("--log-level: debug, information, warning or error");
            }

            long capacity = 32L << 30;
            if (parse.GetValue(cardSize) is string sizeText && !CliText.TryParseSize(sizeText, out capacity))
            {
                errors.Add($"--card-size: \"{sizeText}\" is not a size (e.g. 64M, 2G)");
            }

            if (errors.Count > 0)
            {
                foreach (var e in errors)
                {
                    Console.Error.WriteLine("octomix box: " + e);
                }

                return 2;
            }

            using var loggerFactory = LoggerFactory.Create(b => b
                .SetMinimumLevel(level)
                .AddSimpleConsole(o =>
                {
                    o.SingleLine = true;
                    o.TimestampFormat = "HH:mm:ss.fff ";
                }));

            var running = new List<SimulatedBox>();
            for (int i = 0; i < boxes; i++)
            {
                string boxName = boxes == 1 ? parse.GetValue(name)! : parse.GetValue(name) + "-" + (i + 1);
                string folder = parse.GetValue(card) is string c ? (boxes == 1 ? c : Path.Combine(c, boxName)) : Path.Combine(Environment.CurrentDirectory, "octomix-card-" + boxName);
                var logger = loggerFactory.CreateLogger("box " + boxName);
                var options = new SimulatedBoardOptions
                {
                    Name = "simulated " + boxName,
                    RealTime = !parse.GetValue(fast),
                    ClockPpm = parse.GetValue(ppm),
                    OutputDelayFrames = (roundTrip + 1) / 2,
                    InputDelayFrames = roundTrip / 2,
                    CardFolder = folder,
                    CardCapacityBytes = capacity,
                    HumanSpreadMilliseconds = parse.GetValue(spread),
                    Seed = parse.GetValue(seed) + i,
                    MusicianPlays = !parse.GetValue(silent),
                    ClickSound = (ClickSound)(clickName != null ? SettingsParser.ParseClickSound(clickName) : 1),
                    Network = new NetworkConditions
                    {
                        LossPercent = parse.GetValue(loss), JitterMilliseconds = parse.GetValue(jitter), DelayMilliseconds = parse.GetValue(delay),
                        Seed = parse.GetValue(seed) + (1000 * i),
                    },
                    LogSink = (l, m) => logger.Log(ToLogLevel(l), "{Message}", m),
                };

                void Adjust(BoxSettings s)
                {
                    s.ServerHost = host;
                    s.ServerPort = port;
                    s.JoinCode = parse.GetValue(joinCode)!;
                    s.BoxName = boxName;
                    s.AutoJoin = true;
                    s.Jam = s.Jam || parse.GetValue(jam);
                    s.SampleRate = parse.GetValue(rate) ?? s.SampleRate;
                    s.BitsPerSample = parse.GetValue(bits) ?? s.BitsPerSample;
                    s.BlockFrames = parse.GetValue(block) ?? s.BlockFrames;
                    s.PrefillBlocks = pipeline;
                    if (clickName != null)
                    {
                        s.ClickSound = SettingsParser.ParseClickSound(clickName);
                    }
                }

                if (!File.Exists(Path.Combine(folder, BoxSettings.FileName)))
                {
                    var initial = new BoxSettings();
                    Adjust(initial);
                    SimulatedBox.WriteSettings(folder, SettingsText(initial));
                }

                var box = new SimulatedBox(options, Adjust);
                running.Add(box);
                box.Start();
            }

            double seconds = parse.GetValue(duration);
            var until = seconds > 0 ? DateTime.UtcNow.AddSeconds(seconds) : DateTime.MaxValue;
            var lastReport = DateTime.UtcNow;
            while (!cancel.IsCancellationRequested && DateTime.UtcNow < until)
            {
                Thread.Sleep(200);
                if (DateTime.UtcNow - lastReport > TimeSpan.FromSeconds(10))
                {
                    lastReport = DateTime.UtcNow;
                    foreach (var b in running)
                    {
                        var c = b.Controller;
                        Console.Error.WriteLine($"{b.Board.Name}: {BoxController.StateName(c.State)}, slot {c.RoomSlot}, L {c.LatencyFrames}, " +
                            $"take {c.LastTakeId}, rtt {(c.RttTenthsMs == 0xFFFF ? "?" : (c.RttTenthsMs / 10.0).ToString("F1", CultureInfo.InvariantCulture) + " ms")}, " +
                            $"board calls per block avg {c.Loop?.AverageHalCallsPerBlock:F1} max {c.Loop?.MaxHalCallsPerBlock}");
                    }
                }
            }

            foreach (var b in running)
            {
                b.Dispose();
            }

            return running.All(b => b.State != BoxState.Error) ? 0 : 1;
        }
    }

    /// <summary>A settings file in the format of docs/box.md with the given values.</summary>
    internal static string SettingsText(BoxSettings s) => string.Join("\n",
        "# Octomix box settings (written by `octomix box`; see docs/box.md)",
        "server_host = " + s.ServerHost,
        "server_port = " + s.ServerPort.ToString(CultureInfo.InvariantCulture),
        "join_code = " + s.JoinCode,
        "box_name = " + s.BoxName,
        "sample_rate = " + s.SampleRate.ToString(CultureInfo.InvariantCulture),
        "bits = " + s.BitsPerSample.ToString(CultureInfo.InvariantCulture),
        "channels = " + s.Channels.ToString(CultureInfo.InvariantCulture),
        "block_frames = " + s.BlockFrames.ToString(CultureInfo.InvariantCulture),
        "click_sound = " + (s.ClickSound == 2 ? "woodblock" : s.ClickSound == 3 ? "hihat" : "beep"),
        "click_level = " + s.ClickLevel.ToString(CultureInfo.InvariantCulture),
        "jam = " + (s.Jam ? "on" : "off"),
        "prefill_blocks = " + SettingsParser.FormatPrefillBlocks(s.PrefillBlocks),
        "auto_join = on",
        string.Empty);

    private static LogLevel ToLogLevel(HalLogLevel level) => level switch
    {
        HalLogLevel.Debug => LogLevel.Debug,
        HalLogLevel.Info => LogLevel.Information,
        HalLogLevel.Warning => LogLevel.Warning,
        _ => LogLevel.Error,
    };
}
