using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using Octomix.Desk.Engine;
using Octomix.Tests.Shared;
using Xunit.Abstractions;

namespace Octomix.Console.Tests;

/// <summary>
/// The fault suite as separate processes, as a new user runs it (issue 10): `octomix server`,
/// `octomix console` in script mode (`--record --collect --export --json`) and one `octomix box`
/// per musician are real child processes of the built CLI (octomix.dll beside the tests); each
/// box talks to the server through its own <see cref="UdpImpairmentProxy"/> (loss, jitter,
/// duplication, reordering; NAT rebinding on demand). Mid-take the server is killed with SIGKILL
/// and started again on the same port, or every box's NAT mapping changes; the console's run
/// must still end with exit 0 and a complete take whose every stem's audio data equal the box's
/// card file byte for byte. Ports are ephemeral; every child is killed in the end.
/// </summary>
[Collection(RealTimeBoxes.Name)]
public sealed class ProcessFaultTests(ITestOutputHelper output) : IDisposable
{
    private static readonly Impairment Network = new(LossPercent: 2, DelayMilliseconds: 2, JitterMilliseconds: 10, DuplicatePercent: 1, ReorderPercent: 1);
    private static readonly string[] Names = ["Anna", "Ben"];
    private readonly string _root = ExportToolRunner.TempDirectory();
    private readonly List<Child> _children = [];
    private readonly List<UdpImpairmentProxy> _proxies = [];

    [Fact]
    public async Task TheServerKilledMidTakeAndRestartedOnTheSamePortGivesACompleteTakeAcrossProcesses()
    {
        const string code = "PROC-KILL";
        var server = StartServer(code, 0);
        int port = await server.PortAsync();
        var console = StartBoxesAndConsole(code, port, "8s");
        Assert.True(await console.WaitForLineAsync("recording for", TimeSpan.FromSeconds(90)), "the console started a take:\n" + console.Output);
        await Task.Delay(1500);

        server.KillHard(); // kill -9: the server loses every slot and token
        await Task.Delay(2000);
        var restarted = StartServer(code, port);
        Assert.Equal(port, await restarted.PortAsync());

        var summary = await FinishAsync(console);
        Assert.Contains(_children.Where(c => c.Name.StartsWith("box", StringComparison.Ordinal)), b => b.Output.Contains("rejoined the room", StringComparison.Ordinal));
        output.WriteLine(summary.ToJsonString());
    }

    [Fact]
    public async Task EveryBoxRebindingMidTakeGivesACompleteTakeAcrossProcesses()
    {
        const string code = "PROC-NAT";
        var server = StartServer(code, 0);
        int port = await server.PortAsync();
        var console = StartBoxesAndConsole(code, port, "6s");
        Assert.True(await console.WaitForLineAsync("recording for", TimeSpan.FromSeconds(90)), "the console started a take:\n" + console.Output);
        await Task.Delay(1500);
        var before = _proxies.Select(p => p.OutboundPort).ToList();
        foreach (var proxy in _proxies)
        {
            proxy.Rebind(); // the home router's mapping changed: the server sees a new source port
        }

        Assert.All(_proxies.Zip(before), p => Assert.NotEqual(p.Second, p.First.OutboundPort));
        var summary = await FinishAsync(console);
        output.WriteLine(summary.ToJsonString());
        Assert.All(_children.Where(c => c.Name.StartsWith("box", StringComparison.Ordinal)), b => Assert.DoesNotContain("rejoined the room", b.Output, StringComparison.Ordinal)); // a rebinding needs no rejoin
    }

    public void Dispose()
    {
        foreach (var c in _children)
        {
            c.Dispose();
        }

        foreach (var p in _proxies)
        {
            p.Dispose();
        }

        foreach (var c in _children)
        {
            output.WriteLine($"---- {c.Name} ----\n{c.Output}");
        }
    }

    private Child StartServer(string code, int port) =>
        Start("server", "server", "--bind", "127.0.0.1", "--first-port", port.ToString(CultureInfo.InvariantCulture), "--rooms", "1", "--join-code", code,
            "--announce-ports", "--join-burst", "100", "--join-rate", "100", "--log-level", "debug");

    private Child StartBoxesAndConsole(string code, int port, string length)
    {
        var server = new IPEndPoint(IPAddress.Loopback, port);
        for (int i = 0; i < Names.Length; i++)
        {
            var proxy = new UdpImpairmentProxy(server, Network, seed: 11 + i);
            _proxies.Add(proxy);
            Start("box " + Names[i], "box", "--server", "127.0.0.1:" + proxy.Port, "--join-code", code, "--name", Names[i], "--card", Card(Names[i]),
                "--seed", (3 + i).ToString(CultureInfo.InvariantCulture), "--latency", "37");
        }

        return Start("console", "console", "--server", "127.0.0.1:" + port, "--join-code", code, "--db", Path.Combine(_root, "console.db"),
            "--recordings", Path.Combine(_root, "recordings"), "--session", "Faults", "--tracks", string.Join(",", Names), "--monitor", "none", "--no-ui",
            "--tempo", "120", "--count-in", "1", "--record", length, "--wait-timeout", "90s", "--collect", "--export", "--json");
    }

    private string Card(string name) => Path.Combine(_root, "card-" + name);

    /// <summary>The console's run ends with exit 0, the take complete, and every stem equal to its box's card file.</summary>
    private async Task<JsonNode> FinishAsync(Child console)
    {
        Assert.True(await console.WaitForExitAsync(TimeSpan.FromSeconds(120)), "the console finished:\n" + console.Output);
        Assert.True(console.ExitCode == 0, $"exit {console.ExitCode}:\n{console.Output}");
        var summary = JsonNode.Parse(console.Stdout)!;
        Assert.Equal("complete", (string?)summary["state"]);
        uint takeId = (uint)summary["takeId"]!;
        var tracks = summary["tracks"]!.AsArray();
        Assert.Equal(Names.Length, tracks.Count);
        foreach (var track in tracks)
        {
            string name = (string)track!["track"]!;
            Assert.True((bool)track["checksumMatch"]!, track.ToJsonString());
            byte[] stem = ReconnectFaultTests.Rig.Data((string)track["stem"]!);
            byte[] card = ReconnectFaultTests.Rig.Data(Path.Combine(Card(name), "takes", $"take-{takeId:D6}.wav"));
            Assert.True(stem.Length > 48_000 * 4 * 3, $"{name}: at least 3 s of audio ({stem.Length} bytes)");
            Assert.Equal(card.Length, stem.Length);
            Assert.True(card.AsSpan().SequenceEqual(stem), $"{name}: the stem's audio data equal the card's");
        }

        return summary;
    }

    private Child Start(string name, params string[] args)
    {
        var child = new Child(name, args);
        _children.Add(child);
        return child;
    }

    /// <summary>`dotnet octomix.dll ARGS` as a child process, its output collected line by line.</summary>
    private sealed class Child : IDisposable
    {
        private const string PortsLine = "OCTOMIX-SERVER-PORTS ";
        private readonly Process _process;
        private readonly ConcurrentQueue<string> _lines = new();
        private readonly System.Text.StringBuilder _stdout = new();
        private readonly TaskCompletionSource<int> _port = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Child(string name, string[] args)
        {
            Name = name;
            var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true, UseShellExecute = false };
            start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "octomix.dll"));
            foreach (var a in args)
            {
                start.ArgumentList.Add(a);
            }

            _process = new Process { StartInfo = start };
            _process.ErrorDataReceived += (_, e) =>
            {
                if (e.Data == null)
                {
                    return;
                }

                _lines.Enqueue(e.Data);
                if (e.Data.StartsWith(PortsLine, StringComparison.Ordinal))
                {
                    _port.TrySetResult(int.Parse(e.Data[PortsLine.Length..].Split(',')[0], CultureInfo.InvariantCulture));
                }
            };
            _process.OutputDataReceived += (_, e) =>
            {
                if (e.Data != null)
                {
                    lock (_stdout)
                    {
                        _stdout.AppendLine(e.Data);
                    }
                }
            };
            _process.Start();
            _process.BeginErrorReadLine();
            _process.BeginOutputReadLine();
        }

        public string Name { get; }

        public IEnumerable<string> Lines => _lines;

        public string Output => string.Join("\n", _lines) + "\n" + Stdout;

        public string Stdout
        {
            get
            {
                lock (_stdout)
                {
                    return _stdout.ToString();
                }
            }
        }

        public int ExitCode => _process.ExitCode;

        public async Task<int> PortAsync()
        {
            var done = await Task.WhenAny(_port.Task, Task.Delay(TimeSpan.FromSeconds(60)));
            Assert.True(done == _port.Task, $"{Name} printed its port:\n{Output}");
            return await _port.Task;
        }

        public Task<bool> WaitForLineAsync(string text, TimeSpan timeout) =>
            Wait.UntilAsync(() => _lines.Any(l => l.Contains(text, StringComparison.Ordinal)) || _process.HasExited, timeout)
                .ContinueWith(t => _lines.Any(l => l.Contains(text, StringComparison.Ordinal)), TaskScheduler.Default);

        public async Task<bool> WaitForExitAsync(TimeSpan timeout)
        {
            using var cancel = new CancellationTokenSource(timeout);
            try
            {
                await _process.WaitForExitAsync(cancel.Token);
                _process.WaitForExit(); // drains the output readers
                return true;
            }
            catch (OperationCanceledException)
            {
                return false;
            }
        }

        /// <summary>SIGKILL: no clean-up of any kind.</summary>
        public void KillHard()
        {
            using (var kill = Process.Start("kill", ["-KILL", _process.Id.ToString(CultureInfo.InvariantCulture)]))
            {
                kill.WaitForExit();
            }

            _process.WaitForExit();
        }

        public void Dispose()
        {
            try
            {
                if (!_process.HasExited)
                {
                    _process.Kill(entireProcessTree: true);
                    _process.WaitForExit(10_000);
                }
            }
            catch (InvalidOperationException)
            {
                // never started or already reaped
            }

            _process.Dispose();
        }
    }
}
