using Microsoft.Extensions.Logging;
using Octomix.Desk.Engine;
using Octomix.Desk.Link;
using Octomix.Desk.Sessions;
using Octomix.Desk.Terminal;

namespace Octomix.Cli;

/// <summary>
/// Runs `octomix console`: the script's actions in order (record then stop, stop, collect,
/// export, play back; a JSON summary), or the interactive screen on a terminal, or — without a
/// terminal and without actions — a headless console printing its table now and then until
/// Ctrl+C. Exit codes: <see cref="ExitCodes"/>.
/// </summary>
internal sealed class ConsoleRunner(ConsoleSettings settings)
{
    private CollectionReport? _collection;
    private ExportOutcome? _export;
    private PlaybackOutcome? _playback;
    private Octomix.Desk.Monitor.MonitorStatus? _monitorDuringTake;

    public async Task<int> RunAsync(CancellationToken cancel)
    {
        bool interactive = !settings.Actions.Any && !settings.NoUi && !Console.IsInputRedirected && !Console.IsOutputRedirected;
        string logFile = Path.Combine(Path.GetDirectoryName(settings.Engine.DatabasePath)!, "octomix-console.log");
        FileLoggerProvider? fileLog = null;
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(logFile)!);
            fileLog = new FileLoggerProvider(logFile, settings.LogLevel);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine($"octomix console: cannot write the log {logFile}: {e.Message}");
        }

        using var loggers = LoggerFactory.Create(b =>
        {
            b.SetMinimumLevel(settings.LogLevel);
            if (fileLog != null)
            {
                b.AddProvider(fileLog); // every mode: the session's log beside its database
            }

            if (!interactive)
            {
                b.AddSimpleConsole(o =>
                {
                    o.SingleLine = true;
                    o.TimestampFormat = "HH:mm:ss.fff ";
                });
                b.AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
            }
        });

        Console.Error.WriteLine("octomix console: " + settings.Describe());
        if (settings.NewSession)
        {
            Console.Error.WriteLine($"octomix console: new session \"{settings.Engine.Session.Name}\": boxes join with join_code = {settings.Engine.Session.JoinCode}");
        }

        SessionLock sessionLock;
        try
        {
            sessionLock = SessionLock.Acquire(settings.Engine.DatabasePath);
        }
        catch (SessionLockedException e)
        {
            Console.Error.WriteLine("octomix console: " + e.Message);
            return ExitCodes.SessionInUse;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine($"octomix console: cannot lock the session database {settings.Engine.DatabasePath}: {e.Message}");
            return ExitCodes.Failed;
        }

        using var heldLock = sessionLock;
        if (sessionLock.TookOverFrom != null)
        {
            Console.Error.WriteLine($"octomix console: took over the session lock left by {sessionLock.TookOverFrom} (no longer running)");
        }

        // the composition root starts the server in this process when none elsewhere is named (and stops it after the engine)
        await using var localServer = settings.Engine.Server == null ? new InProcessServer(settings.LocalServerPort, settings.LocalServerBind, loggers) : null;
        ConsoleEngine engine;
        var webMonitor = settings.Web != null ? new Octomix.Web.WebMonitor() : null;
        try
        {
            // the composition root chooses the monitor's sinks: --monitor, and the web console's pages with --web
            var engineOptions = settings.Engine with
            {
                LocalServer = localServer,
                MonitorSinks = webMonitor != null
                    ? Octomix.Desk.Output.MonitorSinks.Tee(Octomix.Desk.Output.MonitorSinks.FromChoice(settings.Engine.Monitor), webMonitor)
                    : Octomix.Desk.Output.MonitorSinks.FromChoice(settings.Engine.Monitor),
            };
            engine = await ConsoleEngine.StartAsync(engineOptions, loggers, cancel).ConfigureAwait(false);
        }
        catch (Exception e) when (e is LinkRejectedException or TimeoutException or ArgumentException or InvalidDataException or InvalidOperationException or System.Net.Sockets.SocketException)
        {
            Console.Error.WriteLine("octomix console: " + e.Message);
            return e is ArgumentException ? 2 : 1;
        }

        await using (engine.ConfigureAwait(false))
        {
            Octomix.Web.WebConsole? web = null;
            if (settings.Web is { } webSettings)
            {
                try
                {
                    web = await Octomix.Web.WebConsole.StartAsync(engine, new Octomix.Web.WebConsoleOptions { Bind = webSettings.Bind, Port = webSettings.Port, Monitor = webMonitor }, loggers, cancel).ConfigureAwait(false);
                }
                catch (InvalidOperationException e)
                {
                    Console.Error.WriteLine("octomix console: " + e.Message);
                    return 1;
                }

                Console.Out.WriteLine("web console: " + web.Url);
                if (web.AccessToken != null)
                {
                    Console.Out.WriteLine($"web console access token: {web.AccessToken} (open {web.Url}?{Octomix.Web.WebConsole.TokenQuery}={web.AccessToken})");
                }

                Console.Out.Flush();
            }

            await using var webLifetime = new WebLifetime(web);
            try
            {
                if (interactive)
                {
                    await new InteractiveConsole(engine, logFile).RunAsync(cancel).ConfigureAwait(false);
                    return 0;
                }

                if (!settings.Actions.Any)
                {
                    return await HeadlessAsync(engine, cancel).ConfigureAwait(false);
                }

                return await ScriptAsync(engine, cancel).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancel.IsCancellationRequested)
            {
                Console.Error.WriteLine(engine.CurrentTake?.Info.State is TakeState.Recording or TakeState.Stopping or TakeState.Collecting
                    ? $"octomix console: interrupted; take {engine.CurrentTake.Info.Number} is {engine.CurrentTake.Info.State.ToString().ToLowerInvariant()} and kept in the database: start the console again (--stop --collect) to finish it"
                    : "octomix console: interrupted; no take was in progress");
                return ExitCodes.Failed;
            }
        }
    }

    private async Task<int> ScriptAsync(ConsoleEngine engine, CancellationToken cancel)
    {
        var actions = settings.Actions;
        int failures = 0;
        using var status = StartStatusPrinter(engine, settings.StatusInterval ?? 0, cancel);
        if (engine.CurrentTake is { } reopened)
        {
            Say($"take {reopened.Info.Number} (id {reopened.Info.Id}) re-opened: {reopened.Info.State.ToString().ToLowerInvariant()}");
        }

        if (actions.Record is TimeSpan length)
        {
            int want = settings.WaitBoxes ?? engine.Tracks.Count;
            if (!await WaitForBoxesAsync(engine, want, settings.WaitTimeout, cancel).ConfigureAwait(false))
            {
                Say($"only {engine.Snapshot().Tracks.Count(t => t.Readiness.Ready)} of {want} track(s) ready after {settings.WaitTimeout.TotalSeconds:0} s; recording with those");
            }

            RecordOutcome record;
            try
            {
                record = await engine.RecordAsync(cancel).ConfigureAwait(false);
            }
            catch (InvalidOperationException e)
            {
                Say("not recording: " + e.Message);
                return ExitCodes.Failed;
            }

            foreach (var problem in record.NotRecording)
            {
                Say("not recording " + problem);
            }

            if (!record.Started)
            {
                Say("no box is recording: nothing to do");
                return 1;
            }

            Say($"take {record.Take!.Number} (id {record.Take.Id}) recording for {length.TotalSeconds:0.#} s: {string.Join(", ", record.Recording)}");
            await Task.Delay(length, cancel).ConfigureAwait(false);
            _monitorDuringTake = engine.CurrentTake?.Mixer?.GetStatus();
            var stop = await engine.StopAsync(cancel).ConfigureAwait(false);
            Say($"take {stop.Take.Number} stopped");
        }
        else if (actions.Stop)
        {
            if (engine.CurrentTake?.Info.State == TakeState.Recording)
            {
                _monitorDuringTake = engine.CurrentTake.Mixer?.GetStatus();
                var stop = await engine.StopAsync(cancel).ConfigureAwait(false);
                Say($"take {stop.Take.Number} stopped");
            }
            else
            {
                Say("no take is recording");
            }
        }

        bool collect = actions.Collect || ((actions.Export || actions.Playback) && engine.CurrentTake?.Info.State is TakeState.Stopping or TakeState.Collecting);
        if (collect)
        {
            if (engine.CurrentTake == null)
            {
                Say("no take to collect");
                failures++;
            }
            else
            {
                _collection = await CollectWithProgressAsync(engine, cancel).ConfigureAwait(false);
                foreach (var track in _collection.Tracks)
                {
                    Say(track.Complete
                        ? $"  {track.TrackName}: verified, {track.DataBytes} bytes ({track.BytesFromStream} from the stream, {track.BytesFetchedDuringTake} fetched during the take, {track.BytesFetchedAfterStop} after the Stop)"
                            + (track.VerifiedAfterStop is { } t ? string.Create(System.Globalization.CultureInfo.InvariantCulture, $", {t.TotalSeconds:0.00} s after Stop") : string.Empty)
                        : $"  {track.TrackName}: INCOMPLETE: {track.Problem}");
                }

            }
        }

        if (actions.Export && engine.CurrentTake != null)
        {
            try
            {
                _export = await engine.ExportAsync(actions.ExportFolder, actions.ExportPartial, cancel).ConfigureAwait(false);
                Say($"take {_export.Take.Number} written to {_export.Files.Folder}");
                foreach (var stem in _export.Files.Stems)
                {
                    Say("  " + Path.Combine(_export.Files.Folder, stem.FileName));
                }

                Say("  " + Path.Combine(_export.Files.Folder, _export.Files.Mix.FileName));
                Say("  " + Path.Combine(_export.Files.Folder, _export.Files.ReaperProjectFile));
                Say("  " + Path.Combine(_export.Files.Folder, _export.Files.AudacityProjectFile));
            }
            catch (Exception e) when (e is InvalidOperationException or ArgumentException or IOException)
            {
                Say("export: " + (DiskSpace.IsFull(e) ? DiskSpace.FullMessage(actions.ExportFolder ?? settings.Engine.RecordingsFolder) + ": " + e.Message : e.Message));
                failures++;
            }
        }

        if (actions.Playback)
        {
            try
            {
                _playback = await engine.PlaybackAsync(cancel).ConfigureAwait(false);
                Say($"played the mix back to {string.Join(", ", _playback.Playing)} ({_playback.Duration.TotalSeconds:0.0} s)");
                foreach (var problem in _playback.Problems)
                {
                    Say("  playback " + problem);
                }
            }
            catch (InvalidOperationException e)
            {
                Say("playback: " + e.Message);
                failures++;
            }
        }

        if (settings.Json && engine.CurrentTake != null)
        {
            var summary = TakeSummary.Build(engine, _collection, _export, _playback, measureOnsets: false, _monitorDuringTake);
            Console.Out.WriteLine(summary.ToJsonString(TakeSummary.Indented));
            Console.Out.Flush();
        }

        // a take this run recorded or collected is complete only when every one of its tracks is
        var missing = engine.CurrentTake != null && (actions.Record != null || collect)
            ? TakeSummary.MissingTracks(engine).Where(m => collect || m.Why.StartsWith("not recorded", StringComparison.Ordinal)).ToList()
            : [];
        if (missing.Count > 0)
        {
            Say($"take {engine.CurrentTake!.Info.Number} is NOT complete: {missing.Count} track(s) missing:");
            foreach (var (track, why) in missing)
            {
                Say($"  {track}: {why}");
            }

            Say(collect ? "collect again when the boxes are back (--collect), or export what is there (--export --export-partial)" : "collect it (--collect) to fetch what the stream missed");
            return ExitCodes.TakeIncomplete;
        }

        return failures == 0 ? ExitCodes.Done : ExitCodes.Failed;
    }

    /// <summary>Waits for <paramref name="want"/> ready tracks; a line per track whenever its state changes, and every 5 s for those not ready.</summary>
    private static async Task<bool> WaitForBoxesAsync(ConsoleEngine engine, int want, TimeSpan timeout, CancellationToken cancel)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var said = new Dictionary<string, string>(StringComparer.Ordinal);
        var lastRound = TimeSpan.Zero;
        while (true)
        {
            var tracks = engine.Snapshot().Tracks;
            int ready = tracks.Count(t => t.Readiness.Ready);
            bool round = clock.Elapsed - lastRound >= TimeSpan.FromSeconds(5);
            foreach (var t in tracks)
            {
                string state = t.Readiness.Ready ? "ready" + (t.Track.BoxName != null ? $" (box {t.Track.BoxName})" : "") : "not ready: " + string.Join(", ", t.Readiness.Reasons);
                if (!said.TryGetValue(t.Track.Name, out var before) || before != state || (round && !t.Readiness.Ready))
                {
                    said[t.Track.Name] = state;
                    Say($"waiting for boxes ({clock.Elapsed.TotalSeconds:0} of {timeout.TotalSeconds:0} s, {ready} of {want} ready): {t.Track.Name}: {state}");
                }
            }

            if (round)
            {
                lastRound = clock.Elapsed;
            }

            if (ready >= want)
            {
                return true;
            }

            if (clock.Elapsed >= timeout)
            {
                return false;
            }

            await Task.Delay(250, cancel).ConfigureAwait(false);
        }
    }

    /// <summary>Collects; a line per track every second its copy grew, and when its state changes.</summary>
    private static async Task<CollectionReport> CollectWithProgressAsync(ConsoleEngine engine, CancellationToken cancel)
    {
        var collecting = engine.CollectAsync(cancel);
        var said = new Dictionary<string, (TakeTrackState State, long Bytes)>(StringComparer.Ordinal);
        while (!collecting.IsCompleted)
        {
            if (engine.Snapshot().Take is not { } take)
            {
                await Task.WhenAny(collecting, Task.Delay(1000, cancel)).ConfigureAwait(false);
                continue;
            }

            foreach (var t in take.Tracks)
            {
                long bytes = t.StreamBytes + t.FetchedBytes;
                if (said.TryGetValue(t.TrackName, out var before) && before == (t.State, bytes))
                {
                    continue;
                }

                said[t.TrackName] = (t.State, bytes);
                string of = t.DataBytes > 0 ? $" of {t.DataBytes}" : "";
                Say($"collecting {t.TrackName} (box {t.BoxName}): {t.State.ToString().ToLowerInvariant()}, {bytes}{of} bytes ({t.FetchedBytes} fetched)");
            }

            await Task.WhenAny(collecting, Task.Delay(1000, cancel)).ConfigureAwait(false);
        }

        return await collecting.ConfigureAwait(false);
    }

    private async Task<int> HeadlessAsync(ConsoleEngine engine, CancellationToken cancel)
    {
        double every = settings.StatusInterval ?? 5;
        Say("running without a terminal: Ctrl+C (SIGINT) or SIGTERM ends it");
        while (!cancel.IsCancellationRequested)
        {
            if (every > 0)
            {
                Console.Error.Write(ConsoleScreen.Render(engine.Snapshot(), events: 0));
            }

            try
            {
                await Task.Delay(TimeSpan.FromSeconds(every > 0 ? every : 3600), cancel).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }

        return 0;
    }

    private static IDisposable StartStatusPrinter(ConsoleEngine engine, double seconds, CancellationToken cancel)
    {
        var stop = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        if (seconds <= 0)
        {
            return stop;
        }

        var token = stop.Token;
        var printer = Task.Run(async () =>
        {
            try
            {
                while (!token.IsCancellationRequested)
                {
                    Console.Error.Write(ConsoleScreen.Render(engine.Snapshot(), events: 0));
                    await Task.Delay(TimeSpan.FromSeconds(seconds), token).ConfigureAwait(false);
                }
            }
            catch (OperationCanceledException)
            {
            }
        }, CancellationToken.None);
        return new Stopper(stop, printer);
    }

    /// <summary>Stops the status printer and waits for it (before the engine it reads goes away).</summary>
    private sealed class Stopper(CancellationTokenSource stop, Task printer) : IDisposable
    {
        public void Dispose()
        {
            stop.Cancel();
            printer.Wait(TimeSpan.FromSeconds(5));
            stop.Dispose();
        }
    }

    private static void Say(string text) => Console.Error.WriteLine("octomix console: " + text);
}

/// <summary>
/// The live screen on a terminal: the track table redrawn four times a second and at once when
/// the engine emits an event (the typed events the web console gets too), one key per action.
/// Actions run one at a time in the background; their outcome appears in the events.
/// </summary>
internal sealed class InteractiveConsole(ConsoleEngine engine, string logFile)
{
    private Task? _busy;
    private int _selected;
    private string _doing = "";
    private string _message = "";

    public async Task RunAsync(CancellationToken cancel)
    {
        Console.Write("\x1b[?1049h\x1b[?25l");
        Console.TreatControlCAsInput = false;
        using var changed = new SemaphoreSlim(0, 1);
        using var events = engine.Subscribe(e => Wake(changed, e));
        try
        {
            while (!cancel.IsCancellationRequested)
            {
                Draw();
                if (!Console.KeyAvailable)
                {
                    await changed.WaitAsync(250, cancel).ConfigureAwait(false);
                    continue;
                }

                var key = Console.ReadKey(intercept: true);
                if (key.Key == ConsoleKey.Escape || char.ToLowerInvariant(key.KeyChar) == 'q')
                {
                    if (engine.CurrentTake?.Info.State == TakeState.Recording && !Confirm("a take is recording: the boxes record on and a restarted console collects it. Quit? (y/n) "))
                    {
                        continue;
                    }

                    break;
                }

                Handle(char.ToLowerInvariant(key.KeyChar), cancel);
            }
        }
        finally
        {
            Console.Write("\x1b[?25h\x1b[?1049l");
        }
    }

    private void Handle(char key, CancellationToken cancel)
    {
        switch (key)
        {
            case 'r':
                Run("record", async () =>
                {
                    var r = await engine.RecordAsync(cancel).ConfigureAwait(false);
                    return r.Started ? $"take {r.Take!.Number} recording" + (r.NotRecording.Count > 0 ? "; not recording: " + string.Join("; ", r.NotRecording) : "")
                        : "not recording: " + string.Join("; ", r.NotRecording);
                });
                break;
            case 's':
                Run("stop, collect, export", async () =>
                {
                    await engine.StopAsync(cancel).ConfigureAwait(false);
                    var c = await engine.CollectAsync(cancel).ConfigureAwait(false);
                    if (!c.Complete)
                    {
                        return "INCOMPLETE: " + string.Join("; ", c.Incomplete.Select(t => t.Problem)) + " (c collects again)";
                    }

                    var e = await engine.ExportAsync(null, false, cancel).ConfigureAwait(false);
                    return "take written to " + e.Files.Folder;
                });
                break;
            case 'c':
                Run("collect", async () =>
                {
                    var c = await engine.CollectAsync(cancel).ConfigureAwait(false);
                    return c.Complete ? "collected" : "INCOMPLETE: " + string.Join("; ", c.Incomplete.Select(t => t.Problem));
                });
                break;
            case 'e':
                Run("export", async () => "take written to " + (await engine.ExportAsync(null, true, cancel).ConfigureAwait(false)).Files.Folder);
                break;
            case 'p':
                Run("play back", async () =>
                {
                    var p = await engine.PlaybackAsync(cancel).ConfigureAwait(false);
                    return $"played back to {p.Playing.Count} box(es)" + (p.Problems.Count > 0 ? "; " + string.Join("; ", p.Problems) : "");
                });
                break;
            case 't':
                if (Prompt("name of the new track: ") is { Length: > 0 } track)
                {
                    Try(() => engine.AddTrack(track));
                }

                break;
            case 'n':
                if (Prompt("name of the session to open or create: ") is { Length: > 0 } session)
                {
                    Run("open session", async () => "session " + (await engine.SwitchSessionAsync(session, cancel).ConfigureAwait(false)).Name + " opened");
                }

                break;
            case >= '0' and <= '9':
                _selected = key - '0';
                break;
            case 'm' or 'o' or '+' or '-' or '<' or '>' or ',' or '.':
                ChangeMix(key);
                break;
            case 'x':
                if (Prompt("server mix, " + ServerMixEdit.Syntax + ": ") is { Length: > 0 } text)
                {
                    var edit = ServerMixEdit.Parse(text, out string? problem);
                    if (edit == null)
                    {
                        _message = problem!;
                        break;
                    }

                    string where = edit.PersonalMixOf is int of ? $"jammer {of}'s mix" : "the room mix";
                    Run("server mix", async () => await engine.SetServerMixLevelAsync(edit, cancel).ConfigureAwait(false)
                        ? $"slot {edit.Member} in {where} set: acknowledged by the server"
                        : $"the server did not acknowledge slot {edit.Member} in {where} (is a jammer in that slot?): nothing changed");
                }

                break;
            case 'k':
                var chosen = engine.Tracks.FirstOrDefault(t => t.Position == _selected);
                Run("calibrate", async () =>
                {
                    var problems = await engine.CalibrateAsync(chosen?.Id, cancel).ConfigureAwait(false);
                    return problems.Count == 0 ? "calibrating" : "calibrate: " + string.Join("; ", problems);
                });
                break;
            case '?':
            case 'h':
                _message = ConsoleScreen.Keys + " — " + ConsoleScreen.MixKeys + " — log: " + logFile;
                break;
        }
    }

    /// <summary>Mute, solo, fader ±1 dB, pan ±0.1 of the selected track (monitor now, the take's mix on export).</summary>
    private void ChangeMix(char key)
    {
        var t = engine.Tracks.FirstOrDefault(t => t.Position == _selected);
        if (t == null)
        {
            _message = "select a track first (1-9)";
            return;
        }

        double fader = double.IsNegativeInfinity(t.FaderDb) ? -60 : t.FaderDb;
        double pan = t.Pan;
        bool mute = t.Mute, solo = t.Solo;
        switch (key)
        {
            case 'm': mute = !mute; break;
            case 'o': solo = !solo; break;
            case '+': fader = Math.Min(12, fader + 1); break;
            case '-': fader = Math.Max(-60, fader - 1); break;
            case '<' or ',': pan = Math.Round(Math.Max(-1, pan - 0.1), 1); break;
            case '>' or '.': pan = Math.Round(Math.Min(1, pan + 0.1), 1); break;
        }

        Try(() => engine.SetTrackMix(t.Id, fader, pan, mute, solo));
    }

    /// <summary>A state change (not the meters, 25 a second): redraw now rather than at the next quarter second.</summary>
    private static void Wake(SemaphoreSlim changed, EngineEvent e)
    {
        if (e is MetersUpdate || changed.CurrentCount > 0)
        {
            return;
        }

        try
        {
            changed.Release();
        }
        catch (ObjectDisposedException)
        {
            // the screen closed
        }
        catch (SemaphoreFullException)
        {
            // released meanwhile
        }
    }

    private void Run(string what, Func<Task<string>> action)
    {
        if (_busy is { IsCompleted: false })
        {
            _message = $"busy: {_doing}";
            return;
        }

        _doing = what;
        _message = what + "…";
        _busy = Task.Run(async () =>
        {
            try
            {
                _message = await action().ConfigureAwait(false);
            }
            catch (Exception e) when (e is InvalidOperationException or ArgumentException or IOException)
            {
                _message = what + ": " + e.Message;
            }
        });
    }

    private void Try(Action action)
    {
        try
        {
            action();
        }
        catch (ArgumentException e)
        {
            _message = e.Message;
        }
    }

    private void Draw()
    {
        var text = ConsoleScreen.Render(engine.Snapshot(), selected: _selected);
        string busy = _busy is { IsCompleted: false } ? $"[{_doing}…] " : "";
        Console.Write("\x1b[H\x1b[2J" + text.Replace("\n", "\x1b[K\r\n", StringComparison.Ordinal) + "\r\n" + busy + _message + "\x1b[K\r\n" + ConsoleScreen.Keys + "\x1b[K\r\n" + ConsoleScreen.MixKeys + "\x1b[K");
    }

    private static string? Prompt(string text)
    {
        Console.Write("\r\n" + text + "\x1b[?25h");
        string? line = Console.ReadLine();
        Console.Write("\x1b[?25l");
        return line?.Trim();
    }

    private static bool Confirm(string text)
    {
        Console.Write("\r\n" + text);
        return char.ToLowerInvariant(Console.ReadKey(intercept: true).KeyChar) == 'y';
    }
}

/// <summary>`octomix console`'s exit codes (docs/console.md).</summary>
internal static class ExitCodes
{
    /// <summary>Everything asked was done.</summary>
    public const int Done = 0;

    /// <summary>Something did not work (named on stderr).</summary>
    public const int Failed = 1;

    /// <summary>Bad flags (every problem named).</summary>
    public const int BadFlags = 2;

    /// <summary>Another console holds the session database's lock.</summary>
    public const int SessionInUse = 3;

    /// <summary>The take is not complete: a track no box recorded, a stem not collected (each named on stderr and in --json).</summary>
    public const int TakeIncomplete = 4;
}

/// <summary>Stops the web console (if any) before the engine it serves.</summary>
internal sealed class WebLifetime(Octomix.Web.WebConsole? web) : IAsyncDisposable
{
    public async ValueTask DisposeAsync()
    {
        if (web != null)
        {
            await web.DisposeAsync().ConfigureAwait(false);
        }
    }
}
