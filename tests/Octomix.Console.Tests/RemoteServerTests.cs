using System.Collections.Concurrent;
using System.Diagnostics;
using Octomix.Desk.Engine;
using Octomix.Desk.Sessions;
using Xunit.Abstractions;

namespace Octomix.Console.Tests;

/// <summary>
/// The engine joined to a server in another process (`octomix server`, "another machine"): the
/// server announces who is in the room, so boxes are bound to the tracks named like them — not
/// in slot order — and a track shows its box gone when the box leaves or its slot times out.
/// </summary>
public sealed class RemoteServerTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const string Code = "REMOTE-1";
    private readonly TestLog _log = new();
    private readonly List<FakeBox> _boxes = [];
    private readonly string _root = ExportToolRunner.TempDirectory();
    private Microsoft.Extensions.Logging.ILoggerFactory? _loggers;
    private ServerProcess? _server;

    public Task InitializeAsync()
    {
        _loggers = _log.Factory();
        return Task.CompletedTask;
    }

    public Task DisposeAsync()
    {
        foreach (var b in _boxes)
        {
            b.Dispose();
        }

        _server?.Dispose();
        _loggers?.Dispose();
        _log.WriteTo(output);
        if (_server != null)
        {
            output.WriteLine("---- octomix server ----\n" + _server.Output);
        }

        return Task.CompletedTask;
    }

    [Fact]
    public async Task BoxesAreBoundToTheirNamedTracksAndTracksShowWhenTheirBoxLeavesOrTimesOut()
    {
        _server = ServerProcess.Start(Code);
        int port = await _server.PortAsync(TimeSpan.FromSeconds(60));

        // Chloe is in the room before the console joins: she arrives with the roster
        var chloe = Box(port, "Chloe");
        Assert.True(await Wait.UntilAsync(() => chloe.Joined, TimeSpan.FromSeconds(20)), "Chloe joined the server");
        await using var engine = await Start(port, ["Anna", "Ben", "Chloe"]);
        Assert.Null(engine.LocalServer);
        var ben = Box(port, "Ben");
        Assert.True(await Wait.UntilAsync(() => ben.Joined, TimeSpan.FromSeconds(20)), "Ben joined the server");
        var anna = Box(port, "Anna");

        // slots Chloe 0, Ben 1, Anna 2: in slot order Chloe would have been given Anna's track
        Assert.True(await Wait.UntilAsync(() => engine.Snapshot().Tracks.Count(t => t.Slot != null) == 3, TimeSpan.FromSeconds(20)), Dump(engine));
        Assert.Equal([0, 1, 2], new[] { chloe.Slot, ben.Slot, anna.Slot }.Select(s => (int)s));
        foreach (var box in new[] { anna, ben, chloe })
        {
            var view = Track(engine, box.Name);
            Assert.Equal(box.Name, view.Track.BoxName);
            Assert.Equal(box.Slot, view.Slot);
        }

        Assert.Empty(engine.Snapshot().UnboundBoxes);
        Assert.True(await Wait.UntilAsync(() => engine.Snapshot().Tracks.All(t => t.Readiness.Ready), TimeSpan.FromSeconds(20)), Dump(engine));

        // Ben switches his box off: one Leave, announced by the server; his track says so
        ben.Leave();
        Assert.True(await Wait.UntilAsync(() => Track(engine, "Ben").Slot == null, TimeSpan.FromSeconds(20)), Dump(engine));
        var benView = Track(engine, "Ben");
        Assert.False(benView.Readiness.Joined);
        Assert.Contains("box Ben not in the room", benView.Readiness.Reasons);
        Assert.Contains(engine.Snapshot().Events, e => e.Contains("box Ben (slot 1) left the room", StringComparison.Ordinal));

        // Anna's box loses power: the server frees her slot after its timeout and says so
        anna.Dispose();
        Assert.True(await Wait.UntilAsync(() => Track(engine, "Anna").Slot == null, TimeSpan.FromSeconds(20)), Dump(engine));
        Assert.False(Track(engine, "Anna").Readiness.Joined);
        Assert.Contains(engine.Snapshot().Events, e => e.Contains("box Anna (slot 2) is gone", StringComparison.Ordinal));

        // Chloe is still there; Ben comes back into the free slot 1 and finds his track again
        Assert.Equal(chloe.Slot, Track(engine, "Chloe").Slot);
        var ben2 = Box(port, "Ben");
        Assert.True(await Wait.UntilAsync(() => ben2.Joined && Track(engine, "Ben").Slot == ben2.Slot, TimeSpan.FromSeconds(20)), Dump(engine));
        Assert.Null(Track(engine, "Anna").Slot);

        // the console never fell back to naming boxes by their slot
        Assert.DoesNotContain(engine.Snapshot().Events, e => e.Contains("box slot ", StringComparison.Ordinal));
        using var store = new SessionStore(Path.Combine(_root, "console.db"));
        var session = store.FindSession("Remote")!;
        Assert.Equal(["Anna", "Ben", "Chloe"], store.Tracks(session.Id).Select(t => t.BoxName));
    }

    private async Task<ConsoleEngine> Start(int port, IReadOnlyList<string> tracks)
    {
        var options = new ConsoleEngineOptions
        {
            DatabasePath = Path.Combine(_root, "console.db"),
            RecordingsFolder = Path.Combine(_root, "recordings"),
            Session = new SessionInfo { Name = "Remote", JoinCode = Code },
            Tracks = tracks,
            Server = "127.0.0.1:" + port,
            Monitor = "none",
        };
        return await ConsoleEngine.StartAsync(options, _loggers!, CancellationToken.None);
    }

    private FakeBox Box(int port, string name)
    {
        var box = new FakeBox(port, Code, name, seed: _boxes.Count + 1);
        _boxes.Add(box);
        box.Start();
        return box;
    }

    private static TrackView Track(ConsoleEngine engine, string name) => engine.Snapshot().Tracks.Single(t => t.Track.Name == name);

    private static string Dump(ConsoleEngine engine) => Octomix.Desk.Terminal.ConsoleScreen.Render(engine.Snapshot());

    /// <summary>`octomix server` as a process of its own on an ephemeral port of 127.0.0.1; stopped with SIGTERM.</summary>
    private sealed class ServerProcess : IDisposable
    {
        private const string PortsLine = "OCTOMIX-SERVER-PORTS ";
        private readonly Process _process;
        private readonly ConcurrentQueue<string> _lines = new();
        private readonly TaskCompletionSource<int> _port = new(TaskCreationOptions.RunContinuationsAsynchronously);

        private ServerProcess(Process process)
        {
            _process = process;
        }

        public string Output => string.Join("\n", _lines);

        public static ServerProcess Start(string code)
        {
            var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            foreach (var a in new[] { Path.Combine(AppContext.BaseDirectory, "octomix.dll"), "server", "--bind", "127.0.0.1", "--first-port", "0", "--rooms", "1", "--join-code", code, "--announce-ports", "--log-level", "debug" })
            {
                start.ArgumentList.Add(a);
            }

            var server = new ServerProcess(new Process { StartInfo = start });
            server._process.ErrorDataReceived += (_, e) =>
            {
                if (e.Data == null)
                {
                    return;
                }

                server._lines.Enqueue(e.Data);
                if (e.Data.StartsWith(PortsLine, StringComparison.Ordinal))
                {
                    server._port.TrySetResult(int.Parse(e.Data[PortsLine.Length..].Split(',')[0], System.Globalization.CultureInfo.InvariantCulture));
                }
            };
            server._process.OutputDataReceived += (_, _) => { };
            server._process.Start();
            server._process.BeginErrorReadLine();
            server._process.BeginOutputReadLine();
            return server;
        }

        public async Task<int> PortAsync(TimeSpan timeout)
        {
            var done = await Task.WhenAny(_port.Task, Task.Delay(timeout));
            Assert.True(done == _port.Task, "octomix server printed its port:\n" + Output);
            return await _port.Task;
        }

        public void Dispose()
        {
            if (!_process.HasExited)
            {
                using (var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
                {
                    kill.WaitForExit();
                }

                if (!_process.WaitForExit(10_000))
                {
                    _process.Kill();
                }
            }

            _process.Dispose();
        }
    }
}
