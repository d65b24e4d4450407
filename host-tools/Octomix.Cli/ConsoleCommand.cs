using System.CommandLine;
using System.Globalization;
using System.Net;
using Microsoft.Extensions.Logging;
using Octomix.Desk.Engine;
using Octomix.Desk.Sessions;

namespace Octomix.Cli;

/// <summary>
/// `octomix console`: the engineer's console. Starts the server in this process (or joins one on
/// another machine with --server), opens a session in a SQLite file and shows the live track
/// table with keys for record, stop, play back and the rest; every action is also a flag, so a
/// script runs a whole take: <c>octomix console --session Demo --record 8s --collect --export --json</c>.
/// </summary>
internal static class ConsoleCommand
{
    private static readonly Option<string> Database = new("--db") { Description = "The session database (SQLite)", DefaultValueFactory = _ => "octomix.db" };
    private static readonly Option<string> Recordings = new("--recordings") { Description = "Folder for the take folders (SESSION/take-N) and the spool files", DefaultValueFactory = _ => "recordings" };
    private static readonly Option<string?> SessionName = new("--session") { Description = "Session to open or create (default: the newest in the database, else \"Session 1\")" };
    private static readonly Option<string?> Project = new("--project") { Description = "Project name in the stems' iXML (new session: \"Octomix\")" };
    private static readonly Option<string?> TrackNames = new("--tracks") { Description = "Tracks the session must have, comma-separated (one per musician; a box named like a track is bound to it)" };
    private static readonly Option<string?> JoinCode = new("--join-code") { Description = "The room's join code, as in the boxes' settings (new session: a random one is made and printed)" };
    private static readonly Option<int?> Rate = new("--rate") { Description = "Sample rate of a new session (48000)" };
    private static readonly Option<double?> Tempo = new("--tempo") { Description = "Tempo of the click, BPM (30-300)" };
    private static readonly Option<string?> Meter = new("--meter") { Description = "Meter, e.g. 4/4, 6/8" };
    private static readonly Option<int?> CountIn = new("--count-in") { Description = "Count-in bars (0-8)" };
    private static readonly Option<string?> Click = new("--click") { Description = "Click sound: beep, woodblock, hihat" };
    private static readonly Option<int?> ClickLevel = new("--click-level") { Description = "Click level on the boxes, % (0-100)" };
    private static readonly Option<bool> CountInOnly = new("--click-count-in-only") { Description = "Click only during the count-in (else through the take)" };
    private static readonly Option<string?> Server = new("--server") { Description = "host:port of a server on another machine (the room's UDP port); default: start the server in this process" };
    private static readonly Option<int> Port = new("--port") { Description = "UDP port of the in-process server's room (boxes set server_port to it)", DefaultValueFactory = _ => 7891 };
    private static readonly Option<string> Bind = new("--bind") { Description = "Address the in-process server binds", DefaultValueFactory = _ => "0.0.0.0" };
    private static readonly Option<string> Monitor = new("--monitor") { Description = "Monitor mix output: auto (pw-play, paplay, aplay or ffplay if found), none, or a FIFO/file path (s16le stereo)", DefaultValueFactory = _ => "auto" };
    private static readonly Option<int?> PlayoutDelay = new("--playout-delay") { Description = "Monitor delay behind the newest audio, ms (default: from each link's jitter and round trip)" };
    private static readonly Option<int?> WaitBoxes = new("--wait-boxes") { Description = "Before recording, wait until this many tracks have a ready box (default: every track)" };
    private static readonly Option<string> WaitTimeout = new("--wait-timeout") { Description = "How long to wait for them (then record with the ready ones and report the others)", DefaultValueFactory = _ => "60s" };
    private static readonly Option<string?> Record = new("--record") { Description = "Record a take of this length (e.g. 8s, 2m), then stop it" };
    private static readonly Option<string?> ExpectedLength = new("--expected-length") { Description = "How long a take may run, for the free-space check before recording: the disk must hold twice such a take and every box's card one (default: 10m; with --record, its length plus a minute)" };
    private static readonly Option<bool> IgnoreFreeSpace = new("--ignore-free-space") { Description = "Record even when the free space is less than twice the expected take (the folder must still be writable)" };
    private static readonly Option<bool> IgnoreCardSpace = new("--ignore-card-space") { Description = "Record even when a box's card holds less than the expected take at its format (the box stops its take when its card fills)" };
    private static readonly Option<bool> Stop = new("--stop") { Description = "Stop the take in progress (e.g. one a crashed console left recording)" };
    private static readonly Option<bool> Collect = new("--collect") { Description = "Collect the take: fetch what the stream missed, verify checksums against the boxes' files" };
    private static readonly Option<string?> Export = new("--export") { Description = "Write the take folder (stems, mix, .rpp, .lof); optionally into this folder", Arity = ArgumentArity.ZeroOrOne };
    private static readonly Option<bool> ExportPartial = new("--export-partial") { Description = "Export the verified tracks of an incomplete take" };
    private static readonly Option<bool> Playback = new("--playback") { Description = "Play the take's mix back to every box" };
    private static readonly Option<bool> Json = new("--json") { Description = "Print a JSON summary of the take on stdout" };
    private static readonly Option<double?> StatusInterval = new("--status-interval") { Description = "Without a terminal: print the track table to stderr every N seconds (0 = never)" };
    private static readonly Option<bool> NoUi = new("--no-ui") { Description = "No interactive screen even on a terminal" };
    private static readonly Option<bool> KeepSpools = new("--keep-spools") { Description = "Keep the spool files after export" };
    private static readonly Option<string> LogLevelOption = new("--log-level") { Description = "trace, debug, information, warning, error", DefaultValueFactory = _ => "information" };
    private static readonly Option<bool> Web = new("--web") { Description = "Also serve the web console (prints \"web console: http://HOST:PORT/\" on stdout)" };
    private static readonly Option<int> WebPort = new("--web-port") { Description = "TCP port of the web console (0 = any free port)", DefaultValueFactory = _ => 7880 };
    private static readonly Option<string> WebBind = new("--web-bind") { Description = "Address the web console binds (loopback by default; any other address asks for the access token printed at start)", DefaultValueFactory = _ => "127.0.0.1" };

    public static Command Create()
    {
        var command = new Command("console", "The engineer's console: sessions, tracks, ready indicators, record/stop/collect/export/play back, the monitor mix.");
        AddOptions(command);
        command.Options.Add(Web);
        command.SetAction((parse, cancel) => RunAsync(parse, web: false, cancel));
        return command;
    }

    /// <summary>`octomix web`: the console without its terminal screen, served as the web console (docs/web-console.md).</summary>
    public static Command CreateWeb()
    {
        var command = new Command("web", "The engineer's web console: the console (same flags) served to a browser; prints \"web console: http://HOST:PORT/\".");
        AddOptions(command);
        command.SetAction((parse, cancel) => RunAsync(parse, web: true, cancel));
        return command;
    }

    private static void AddOptions(Command command)
    {
        foreach (Option o in new Option[]
        {
            Database, Recordings, SessionName, Project, TrackNames, JoinCode, Rate, Tempo, Meter, CountIn, Click, ClickLevel, CountInOnly,
            Server, Port, Bind, Monitor, PlayoutDelay, WaitBoxes, WaitTimeout, Record, ExpectedLength, IgnoreFreeSpace, IgnoreCardSpace, Stop, Collect, Export, ExportPartial, Playback, Json,
            StatusInterval, NoUi, KeepSpools, LogLevelOption, WebPort, WebBind,
        })
        {
            command.Options.Add(o);
        }
    }

    private static async Task<int> RunAsync(ParseResult parse, bool web, CancellationToken cancel)
    {
        var errors = new List<string>();
        var settings = Read(parse, errors);
        WebSettings? webSettings = null;
        if (web || parse.GetValue(Web))
        {
            int webPort = parse.GetValue(WebPort);
            if (webPort is < 0 or > 65535)
            {
                errors.Add("--web-port: 0..65535");
            }

            if (!IPAddress.TryParse(parse.GetValue(WebBind), out var webBind))
            {
                errors.Add($"--web-bind: \"{parse.GetValue(WebBind)}\" is not an address");
            }

            webSettings = new WebSettings(webBind ?? IPAddress.Loopback, webPort);
        }

        if (errors.Count > 0 || settings == null)
        {
            string name = web ? "octomix web: " : "octomix console: ";
            foreach (var e in errors)
            {
                Console.Error.WriteLine(name + e);
            }

            return 2;
        }

        if (webSettings != null)
        {
            // `octomix web` has no terminal screen; the table on stderr only when asked for
            settings = web
                ? settings with { Web = webSettings, NoUi = true, StatusInterval = settings.StatusInterval ?? 0 }
                : settings with { Web = webSettings };
        }

        return await new ConsoleRunner(settings).RunAsync(cancel).ConfigureAwait(false);
    }

    /// <summary>The flags as settings; every problem is named in <paramref name="errors"/>.</summary>
    private static ConsoleSettings? Read(ParseResult parse, List<string> errors)
    {
        string db = Path.GetFullPath(parse.GetValue(Database)!);
        string? name = parse.GetValue(SessionName);
        SessionInfo? existing = null;
        try
        {
            if (File.Exists(db))
            {
                using var store = new SessionStore(db);
                existing = name != null ? store.FindSession(name) : store.Sessions().LastOrDefault();
            }
        }
        catch (InvalidDataException e)
        {
            errors.Add("--db: " + e.Message);
            return null;
        }

        var session = existing ?? new SessionInfo { Name = name ?? "Session 1", JoinCode = parse.GetValue(JoinCode) ?? CliText.NewJoinCode() };
        bool changed = false;
        if (parse.GetValue(Project) is string project)
        {
            session = session with { Project = project };
            changed = true;
        }

        if (parse.GetValue(JoinCode) is string code && code != session.JoinCode)
        {
            session = session with { JoinCode = code };
            changed = true;
        }

        if (parse.GetValue(Rate) is int rate)
        {
            session = session with { SampleRate = rate };
            changed = true;
        }

        if (parse.GetValue(Tempo) is double tempo)
        {
            session = session with { TempoCentiBpm = (int)Math.Round(tempo * 100) };
            changed = true;
        }

        if (parse.GetValue(Meter) is string meter)
        {
            if (CliText.TryParseMeter(meter, out int beats, out int unit))
            {
                session = session with { BeatsPerBar = beats, BeatUnit = unit };
                changed = true;
            }
            else
            {
                errors.Add($"--meter: \"{meter}\" is not beats/unit (e.g. 4/4)");
            }
        }

        if (parse.GetValue(CountIn) is int countIn)
        {
            session = session with { CountInBars = countIn };
            changed = true;
        }

        if (parse.GetValue(Click) is string click)
        {
            int sound = CliText.ParseClick(click);
            if (sound == 0)
            {
                errors.Add($"--click: \"{click}\" is not beep, woodblock or hihat");
            }

            session = session with { ClickSound = sound == 0 ? session.ClickSound : sound };
            changed = true;
        }

        if (parse.GetValue(ClickLevel) is int level)
        {
            session = session with { ClickLevel = level };
            changed = true;
        }

        if (parse.GetValue(CountInOnly))
        {
            session = session with { ClickDuringTake = false };
            changed = true;
        }

        errors.AddRange(session.Problems());

        string? server = parse.GetValue(Server);
        if (server != null && Octomix.Desk.Link.LinkOptions.ParseEndpoint(server, out string? problem) == null)
        {
            errors.Add("--server: " + problem);
        }

        int port = parse.GetValue(Port);
        if (port is < 0 or > 65535)
        {
            errors.Add("--port: 0..65535");
        }

        if (!IPAddress.TryParse(parse.GetValue(Bind), out var bind))
        {
            errors.Add($"--bind: \"{parse.GetValue(Bind)}\" is not an address");
        }

        if (parse.GetValue(PlayoutDelay) is int delay && delay is < 5 or > 2000)
        {
            errors.Add("--playout-delay: 5..2000 ms");
        }

        TimeSpan? recordFor = null;
        if (parse.GetValue(Record) is string length)
        {
            if (CliText.TryParseDuration(length, out var d) && d > TimeSpan.Zero)
            {
                recordFor = d;
            }
            else
            {
                errors.Add($"--record: \"{length}\" is not a duration (e.g. 8s, 2m)");
            }
        }

        var expectedLength = recordFor is TimeSpan r ? r + TimeSpan.FromMinutes(1) : TimeSpan.FromMinutes(10);
        if (parse.GetValue(ExpectedLength) is string expected)
        {
            if (CliText.TryParseDuration(expected, out var e) && e > TimeSpan.Zero)
            {
                expectedLength = e;
            }
            else
            {
                errors.Add($"--expected-length: \"{expected}\" is not a duration (e.g. 10m)");
            }
        }

        if (!CliText.TryParseDuration(parse.GetValue(WaitTimeout), out var waitTimeout))
        {
            errors.Add($"--wait-timeout: \"{parse.GetValue(WaitTimeout)}\" is not a duration");
        }

        if (parse.GetValue(WaitBoxes) is int wait && wait < 0)
        {
            errors.Add("--wait-boxes: 0 or more");
        }

        if (!CliText.TryParseLogLevel(parse.GetValue(LogLevelOption), out var logLevel))
        {
            errors.Add("--log-level: trace, debug, information, warning or error");
        }

        if (parse.GetValue(StatusInterval) is double interval && interval < 0)
        {
            errors.Add("--status-interval: 0 or more seconds");
        }

        var tracks = (parse.GetValue(TrackNames) ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList();
        foreach (var duplicate in tracks.GroupBy(t => t, StringComparer.OrdinalIgnoreCase).Where(g => g.Count() > 1))
        {
            errors.Add($"--tracks: \"{duplicate.Key}\" twice");
        }

        bool exportGiven = parse.GetResult(Export) != null;
        var actions = new ConsoleActions(recordFor, parse.GetValue(Stop), parse.GetValue(Collect), exportGiven, parse.GetValue(Export), parse.GetValue(ExportPartial), parse.GetValue(Playback));
        var options = new ConsoleEngineOptions
        {
            DatabasePath = db,
            RecordingsFolder = Path.GetFullPath(parse.GetValue(Recordings)!),
            Session = session,
            UpdateSessionSettings = existing != null && changed,
            Tracks = tracks,
            Server = server,
            Monitor = parse.GetValue(Monitor)!,
            PlayoutDelay = parse.GetValue(PlayoutDelay) is int ms ? TimeSpan.FromMilliseconds(ms) : null,
            KeepSpools = parse.GetValue(KeepSpools),
            ExpectedTakeLength = expectedLength,
            CheckFreeSpace = !parse.GetValue(IgnoreFreeSpace),
            CheckCardSpace = !parse.GetValue(IgnoreCardSpace),
        };
        return new ConsoleSettings(options, actions, parse.GetValue(WaitBoxes), waitTimeout, parse.GetValue(Json), parse.GetValue(StatusInterval),
            parse.GetValue(NoUi), logLevel, existing == null)
        {
            LocalServerPort = port,
            LocalServerBind = bind ?? IPAddress.Any,
        };
    }
}

/// <summary>The script's actions, in the order they run: record (then stop), stop, collect, export, play back.</summary>
internal sealed record ConsoleActions(TimeSpan? Record, bool Stop, bool Collect, bool Export, string? ExportFolder, bool ExportPartial, bool Playback)
{
    public bool Any => Record != null || Stop || Collect || Export || Playback;
}

/// <summary>Everything `octomix console` was told.</summary>
internal sealed record ConsoleSettings(
    ConsoleEngineOptions Engine,
    ConsoleActions Actions,
    int? WaitBoxes,
    TimeSpan WaitTimeout,
    bool Json,
    double? StatusInterval,
    bool NoUi,
    LogLevel LogLevel,
    bool NewSession,
    WebSettings? Web = null)
{
    /// <summary>UDP port of the server this process starts when no --server is named (--port).</summary>
    public int LocalServerPort { get; init; } = Octomix.Protocol.ProtocolConstants.DefaultFirstPort;

    /// <summary>Address that server binds (--bind).</summary>
    public IPAddress LocalServerBind { get; init; } = IPAddress.Any;

    public string Describe() => string.Create(CultureInfo.InvariantCulture,
        $"session \"{Engine.Session.Name}\"{(NewSession ? " (new)" : "")}, join code {Engine.Session.JoinCode}, database {Engine.DatabasePath}, recordings {Engine.RecordingsFolder}, " +
        $"server {(Engine.Server ?? "in this process on UDP " + LocalServerPort)}, monitor {Engine.Monitor}");
}

/// <summary>Where the web console listens (--web-bind, --web-port).</summary>
internal sealed record WebSettings(IPAddress Bind, int Port);
