using System.Diagnostics;
using Octomix.Desk.Engine;
using Octomix.Desk.Sessions;
using Octomix.Desk.Terminal;

namespace Octomix.Console.Tests;

/// <summary>`octomix console` and `octomix demo` as real processes: help, bad flags, scripts without a terminal.</summary>
public class ConsoleCommandTests
{
    [Fact]
    public void HelpListsTheActionsAndSettings()
    {
        var (code, stdout, _) = Run(TimeSpan.FromSeconds(30), "console", "--help");
        Assert.Equal(0, code);
        foreach (var flag in new[] { "--db", "--session", "--tracks", "--server", "--record", "--stop", "--collect", "--export", "--playback", "--json", "--monitor", "--tempo", "--meter", "--count-in", "--click" })
        {
            Assert.Contains(flag, stdout, StringComparison.Ordinal);
        }

        (code, stdout, _) = Run(TimeSpan.FromSeconds(30), "demo", "--help");
        Assert.Equal(0, code);
        Assert.Contains("--seconds", stdout, StringComparison.Ordinal);
        Assert.Contains("--loss", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void BadFlagsAreRefusedWithEveryReasonAndNoDatabaseIsCreated()
    {
        string db = Path.Combine(ExportToolRunner.TempDirectory(), "x.db");
        var (code, _, stderr) = Run(TimeSpan.FromSeconds(30), "console", "--db", db, "--tempo", "500", "--meter", "4-4", "--click", "cowbell", "--server", "nohost",
            "--record", "soon", "--join-code", "has space", "--tracks", "A,a");
        Assert.Equal(2, code);
        Assert.Contains("tempo 500 BPM: 30..300 BPM", stderr, StringComparison.Ordinal);
        Assert.Contains("--meter: \"4-4\" is not beats/unit", stderr, StringComparison.Ordinal);
        Assert.Contains("--click: \"cowbell\" is not beep, woodblock or hihat", stderr, StringComparison.Ordinal);
        Assert.Contains("--server: \"nohost\" is not host:port", stderr, StringComparison.Ordinal);
        Assert.Contains("--record: \"soon\" is not a duration", stderr, StringComparison.Ordinal);
        Assert.Contains("join code \"has space\"", stderr, StringComparison.Ordinal);
        Assert.Contains("--tracks: \"A\" twice", stderr, StringComparison.Ordinal);
        Assert.False(File.Exists(db));

        (code, _, stderr) = Run(TimeSpan.FromSeconds(30), "demo", "--seconds", "0", "--loss", "80");
        Assert.Equal(2, code);
        Assert.Contains("--seconds", stderr, StringComparison.Ordinal);
        Assert.Contains("--loss: 0..50 %", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void ANumericFlagThatIsNotANumberIsOneSentenceAndExitCode2()
    {
        string db = Path.Combine(ExportToolRunner.TempDirectory(), "n.db");
        var (code, stdout, stderr) = Run(TimeSpan.FromSeconds(30), "console", "--db", db, "--tempo", "abc", "--count-in", "1.5", "--port", "x");
        Assert.Equal(2, code);
        var lines = stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.Equal(3, lines.Length);
        Assert.Contains("octomix console: --tempo: \"abc\" is not a number", lines);
        Assert.Contains("octomix console: --count-in: \"1.5\" is not a whole number", lines);
        Assert.Contains("octomix console: --port: \"x\" is not a whole number", lines);
        Assert.DoesNotContain("System.", stderr, StringComparison.Ordinal);
        Assert.Equal("", stdout); // no help page dumped
        Assert.False(File.Exists(db));

        (code, _, stderr) = Run(TimeSpan.FromSeconds(30), "demo", "--seconds", "soon");
        Assert.Equal(2, code);
        Assert.Equal("octomix demo: --seconds: \"soon\" is not a number", stderr.Trim());

        (code, _, stderr) = Run(TimeSpan.FromSeconds(30), "box", "--server", "127.0.0.1:1", "--join-code", "X", "--name", "A", "--latency", "lots");
        Assert.Equal(2, code);
        Assert.Equal("octomix box: --latency: \"lots\" is not a whole number", stderr.Trim());

        (code, _, stderr) = Run(TimeSpan.FromSeconds(30), "console", "--no-such-flag");
        Assert.Equal(2, code);
        Assert.Contains("--no-such-flag", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void AScriptWithNoBoxReportsEveryTrackAndFails()
    {
        string root = ExportToolRunner.TempDirectory();
        var (code, _, stderr) = Run(TimeSpan.FromSeconds(60), "console", "--db", Path.Combine(root, "s.db"), "--recordings", root, "--port", "0", "--bind", "127.0.0.1",
            "--session", "Empty", "--tracks", "Anna,Ben", "--join-code", "NOBODY", "--record", "2s", "--wait-timeout", "1s", "--monitor", "none");
        Assert.Equal(1, code);
        Assert.Contains("not recording Anna: not ready: no box", stderr, StringComparison.Ordinal);
        Assert.Contains("not recording Ben: not ready: no box", stderr, StringComparison.Ordinal);
        Assert.Contains("no box is recording", stderr, StringComparison.Ordinal);

        // the session and its tracks were made, with the join code given
        using var store = new SessionStore(Path.Combine(root, "s.db"));
        var session = store.FindSession("Empty")!;
        Assert.Equal("NOBODY", session.JoinCode);
        Assert.Equal(["Anna", "Ben"], store.Tracks(session.Id).Select(t => t.Name));
    }

    [Fact]
    public void APortInUseAndAServerThatRefusesAreClearErrors()
    {
        string root = ExportToolRunner.TempDirectory();
        using var busy = new System.Net.Sockets.UdpClient(new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, 0));
        int port = ((System.Net.IPEndPoint)busy.Client.LocalEndPoint!).Port;
        var (code, _, stderr) = Run(TimeSpan.FromSeconds(60), "console", "--db", Path.Combine(root, "a.db"), "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--bind", "127.0.0.1", "--collect", "--monitor", "none");
        Assert.Equal(1, code);
        Assert.Contains($"cannot start the server on UDP {port}", stderr, StringComparison.Ordinal);

        // a server with another join code: the console is refused, and says so
        using var server = Octomix.Server.BroadcastServer.Start(new Octomix.Server.ServerOptions { RoomCount = 1, FirstPort = 0, BindAddress = System.Net.IPAddress.Loopback, JoinCodes = ["RIGHT"] });
        (code, _, stderr) = Run(TimeSpan.FromSeconds(60), "console", "--db", Path.Combine(root, "b.db"), "--server", "127.0.0.1:" + server.Ports[0], "--join-code", "WRONG",
            "--collect", "--monitor", "none");
        Assert.Equal(1, code);
        Assert.Contains("refused the console: wrong join code", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WithoutATerminalTheConsolePrintsItsTableAndStopsOnSigterm()
    {
        string root = ExportToolRunner.TempDirectory();
        var start = Start("console", "--db", Path.Combine(root, "s.db"), "--recordings", root, "--port", "0", "--bind", "127.0.0.1", "--session", "Quiet",
            "--tracks", "Anna", "--status-interval", "0.3", "--monitor", "none");
        using var process = Process.Start(start)!;
        var stderr = new System.Text.StringBuilder();
        process.ErrorDataReceived += (_, e) =>
        {
            lock (stderr)
            {
                stderr.AppendLine(e.Data);
            }
        };
        process.BeginErrorReadLine();
        var stdout = process.StandardOutput.ReadToEndAsync();
        string Text()
        {
            lock (stderr)
            {
                return stderr.ToString();
            }
        }

        Assert.True(await Wait.UntilAsync(() => Text().Contains("why not ready", StringComparison.Ordinal), TimeSpan.FromSeconds(60)), Text());
        OutputTestSupport.Signal(process.Id, "TERM");
        Assert.True(process.WaitForExit(30_000), Text());
        Assert.Equal(0, process.ExitCode);
        Assert.Contains("session \"Quiet\"", Text(), StringComparison.Ordinal);
        Assert.Contains("Anna", Text(), StringComparison.Ordinal);
        Assert.Equal("", await stdout); // stdout stays clean (JSON only, when asked)
    }

    [Fact]
    public async Task ASecondConsoleOnTheSameDatabaseIsRefusedWithExitCode3()
    {
        string root = ExportToolRunner.TempDirectory();
        string db = Path.Combine(root, "s.db");
        var start = Start("console", "--db", db, "--recordings", root, "--port", "0", "--bind", "127.0.0.1", "--session", "Locked",
            "--tracks", "Anna", "--status-interval", "0.3", "--monitor", "none");
        using var first = Process.Start(start)!;
        var stderr = new System.Text.StringBuilder();
        first.ErrorDataReceived += (_, e) =>
        {
            lock (stderr)
            {
                stderr.AppendLine(e.Data);
            }
        };
        first.BeginErrorReadLine();
        _ = first.StandardOutput.ReadToEndAsync();
        string Text()
        {
            lock (stderr)
            {
                return stderr.ToString();
            }
        }

        try
        {
            Assert.True(await Wait.UntilAsync(() => Text().Contains("why not ready", StringComparison.Ordinal), TimeSpan.FromSeconds(60)), Text());
            var (code, _, second) = Run(TimeSpan.FromSeconds(60), "console", "--db", db, "--recordings", root, "--port", "0", "--bind", "127.0.0.1", "--collect", "--monitor", "none");
            Assert.Equal(3, code);
            Assert.Contains($"the session database is in use by another console (pid {first.Id} on ", second, StringComparison.Ordinal);
            Assert.DoesNotContain("server started", second, StringComparison.Ordinal); // refused before anything started
        }
        finally
        {
            OutputTestSupport.Signal(first.Id, "TERM");
            Assert.True(first.WaitForExit(30_000), Text());
        }

        Assert.False(File.Exists(db + ".lock")); // released at exit
        var (after, _, text) = Run(TimeSpan.FromSeconds(60), "console", "--db", db, "--recordings", root, "--port", "0", "--bind", "127.0.0.1", "--collect", "--monitor", "none");
        Assert.NotEqual(3, after);
        Assert.Contains("no take to collect", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CtrlCWithoutATakeSaysSoAndASecondCtrlCForcesWithoutACrash()
    {
        string root = ExportToolRunner.TempDirectory();
        string[] script = ["console", "--db", Path.Combine(root, "s.db"), "--recordings", root, "--port", "0", "--bind", "127.0.0.1", "--session", "Sig",
            "--tracks", "Anna", "--record", "5s", "--wait-timeout", "60s", "--monitor", "none"];

        // one Ctrl+C while the script waits for boxes: a graceful stop that does not claim a take
        var (code, stderr) = await InterruptAsync(Start(script), "waiting for boxes", twice: false);
        Assert.Equal(1, code);
        Assert.Contains("octomix: Ctrl+C: stopping (again to force)", stderr, StringComparison.Ordinal);
        Assert.Contains("interrupted; no take was in progress", stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("take in progress", stderr, StringComparison.Ordinal);

        // two in a row, to the console and to a box: either graceful (it was quick) or forced (130), never an abort (134)
        (code, stderr) = await InterruptAsync(Start(script), "waiting for boxes", twice: true);
        Assert.True(code is 1 or 130, $"exit {code}: {stderr}");
        Assert.DoesNotContain("Unhandled exception", stderr, StringComparison.Ordinal);
        for (int round = 0; round < 3; round++)
        {
            (code, stderr) = await InterruptAsync(Start("box", "--server", "127.0.0.1:9", "--join-code", "X", "--name", "Sig", "--card", Path.Combine(root, "card" + round)), "", twice: true, settle: TimeSpan.FromSeconds(3));
            Assert.True(code is 0 or 130, $"exit {code}: {stderr}");
            Assert.DoesNotContain("Unhandled exception", stderr, StringComparison.Ordinal);
        }
    }

    private static async Task<(int Code, string Stderr)> InterruptAsync(ProcessStartInfo start, string after, bool twice, TimeSpan? settle = null)
    {
        using var process = Process.Start(start)!;
        var stderr = new System.Text.StringBuilder();
        process.ErrorDataReceived += (_, e) =>
        {
            lock (stderr)
            {
                stderr.AppendLine(e.Data);
            }
        };
        process.BeginErrorReadLine();
        _ = process.StandardOutput.ReadToEndAsync();
        string Text()
        {
            lock (stderr)
            {
                return stderr.ToString();
            }
        }

        Assert.True(await Wait.UntilAsync(() => Text().Contains(after, StringComparison.Ordinal), TimeSpan.FromSeconds(60)), Text());
        await Task.Delay(settle ?? TimeSpan.Zero);
        OutputTestSupport.Signal(process.Id, "INT");
        if (twice)
        {
            OutputTestSupport.Signal(process.Id, "INT");
        }

        Assert.True(process.WaitForExit(30_000), Text());
        process.WaitForExit();
        return (process.ExitCode, Text());
    }

    [Fact]
    public void TheScreenShowsTracksReadinessAndTheTake()
    {
        var session = new SessionInfo { Name = "Verse", JoinCode = "BLUE42", Project = "Album" };
        var ready = new BoxReadiness(true, true, true, true, true, []);
        var slow = new BoxReadiness(true, true, false, true, true, ["SD card too slow (120 KB/s)"]);
        var status = new BoxStatusSnapshot(0, 0, 4, 7, 12, 14, 4111, 1000, 900, 0, 0, 23, 0, 0, 0, 15, 100, 1, JitterMilliseconds: 3.4);
        var snapshot = new ConsoleSnapshot(
            session,
            "this machine, UDP 7891",
            true,
            16,
            0.4,
            [
                new TrackView(new TrackInfo { Name = "Anna", Position = 1, BoxName = "Anna" }, 0, status, ready, 2.3, 0.99),
                new TrackView(new TrackInfo { Name = "Ben", Position = 2, BoxName = "Ben" }, 1, status with { Slot = 1, SdWriteKBps = 120 }, slow, null, 0),
                new TrackView(new TrackInfo { Name = "Chloé", Position = 3 }, null, null, new BoxReadiness(false, false, false, false, false, ["no box"]), null, 0),
            ],
            [new UnboundBox(5, "Stranger", null)],
            null,
            ["12:00:00 box Anna (slot 0) bound to track 1 \"Anna\""]);
        string text = ConsoleScreen.Render(snapshot);
        Assert.Contains("session \"Verse\" (Album), join code BLUE42", text, StringComparison.Ordinal);
        Assert.Contains("joined, slot 16", text, StringComparison.Ordinal);
        var lines = text.Split('\n');
        string anna = lines.Single(l => l.Contains(" Anna ", StringComparison.Ordinal) && l.Contains("READY", StringComparison.Ordinal));
        Assert.Contains("4111 86ms", anna, StringComparison.Ordinal);
        Assert.Contains("-12/-14", anna, StringComparison.Ordinal);
        Assert.Contains("2.3ms", anna, StringComparison.Ordinal);
        Assert.Contains("1.0%", anna, StringComparison.Ordinal);
        Assert.Contains("3.4ms", anna, StringComparison.Ordinal);
        Assert.Contains("15ms", anna, StringComparison.Ordinal);
        Assert.Contains("SD card too slow (120 KB/s)", lines.Single(l => l.Contains(" Ben ", StringComparison.Ordinal)), StringComparison.Ordinal);
        Assert.Contains("no box", lines.Single(l => l.Contains("Chloé", StringComparison.Ordinal)), StringComparison.Ordinal);
        Assert.Contains("Stranger", text, StringComparison.Ordinal);
        Assert.Contains("bound to track 1", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OnATerminalTheKeysAddATrackTryToRecordAndQuit()
    {
        // a real pseudo-terminal (util-linux `script`), keys typed into it
        string root = ExportToolRunner.TempDirectory();
        string typescript = Path.Combine(root, "typescript");
        string command = string.Join(' ', new[] { "dotnet", Path.Combine(AppContext.BaseDirectory, "octomix.dll"), "console", "--db", Path.Combine(root, "t.db"),
            "--recordings", root, "--port", "0", "--bind", "127.0.0.1", "--monitor", "none", "--session", "Live", "--tracks", "Anna" }.Select(a => "'" + a + "'"));
        var start = new ProcessStartInfo("script") { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { "-qfc", command, typescript })
        {
            start.ArgumentList.Add(a);
        }

        using var process = Process.Start(start)!;
        _ = process.StandardOutput.ReadToEndAsync();
        _ = process.StandardError.ReadToEndAsync();
        string Screen() => File.Exists(typescript) ? File.ReadAllText(typescript) : "";
        Assert.True(await Wait.UntilAsync(() => Screen().Contains("keys: r record", StringComparison.Ordinal), TimeSpan.FromSeconds(60)), Screen());
        await Type(process, "t");
        Assert.True(await Wait.UntilAsync(() => Screen().Contains("name of the new track", StringComparison.Ordinal), TimeSpan.FromSeconds(20)), Screen());
        await Type(process, "Drums\r");
        Assert.True(await Wait.UntilAsync(() => Screen().Contains("track 2 \"Drums\" added", StringComparison.Ordinal), TimeSpan.FromSeconds(20)), Screen());
        await Type(process, "r");
        Assert.True(await Wait.UntilAsync(() => Screen().Contains("not recording: Anna: not ready: no box; Drums: not ready: no box", StringComparison.Ordinal), TimeSpan.FromSeconds(20)), Screen());
        await Type(process, "1m--");
        Assert.True(await Wait.UntilAsync(() => Screen().Contains("-2dB C M", StringComparison.Ordinal), TimeSpan.FromSeconds(20)), Screen());
        await Type(process, "q");
        Assert.True(process.WaitForExit(30_000), Screen());
        Assert.Contains("COMMAND_EXIT_CODE=\"0\"", Screen(), StringComparison.Ordinal);
        Assert.Contains("\x1b[?1049l", Screen(), StringComparison.Ordinal); // the terminal is given back

        using var store = new SessionStore(Path.Combine(root, "t.db"));
        var tracks = store.Tracks(store.FindSession("Live")!.Id);
        Assert.Equal(["Anna", "Drums"], tracks.Select(t => t.Name));
        Assert.Equal((-2.0, true), (tracks[0].FaderDb, tracks[0].Mute)); // the mix keys reached the database
    }

    private static async Task Type(Process process, string keys)
    {
        await process.StandardInput.WriteAsync(keys);
        await process.StandardInput.FlushAsync();
    }

    private static ProcessStartInfo Start(params string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true, UseShellExecute = false };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "octomix.dll"));
        foreach (var a in args)
        {
            start.ArgumentList.Add(a);
        }

        return start;
    }

    private static (int Code, string Stdout, string Stderr) Run(TimeSpan timeout, params string[] args)
    {
        using var process = Process.Start(Start(args))!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit((int)timeout.TotalMilliseconds))
        {
            process.Kill();
            throw new TimeoutException("octomix " + string.Join(' ', args) + " did not finish: " + stderr.Result);
        }

        process.WaitForExit();
        return (process.ExitCode, stdout.Result, stderr.Result);
    }
}
