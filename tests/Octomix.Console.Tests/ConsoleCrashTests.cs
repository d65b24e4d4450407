using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Text.Json.Nodes;
using Octomix.Cli;
using Octomix.Desk.Engine;
using Octomix.Desk.Sessions;
using Octomix.Server;
using Xunit.Abstractions;

namespace Octomix.Console.Tests;

/// <summary>
/// The console is a real `octomix console` process joined to a server "on another machine" (this
/// test process, with four real-time simulated boxes). It is killed with SIGKILL in the middle
/// of a take; the boxes record on. A second `octomix console` on the same database finds the
/// take, re-joins, stops it, collects from its spools plus FileRequests, and writes stems that
/// equal the boxes' cards.
/// </summary>
[Collection(RealTimeBoxes.Name)]
public class ConsoleCrashTests(ITestOutputHelper output)
{
    private const string Code = "CRASH-1";

    [Fact]
    public async Task AConsoleKilledMidTakeIsRestartedAndFinishesCollectingIt()
    {
        string root = ExportToolRunner.TempDirectory();
        string db = Path.Combine(root, "console.db");
        string recordings = Path.Combine(root, "recordings");
        var log = new TestLog();
        using var loggers = log.Factory();
        await using var server = BroadcastServer.Start(
            new ServerOptions { RoomCount = 1, FirstPort = 0, BindAddress = IPAddress.Loopback, JoinCodes = [Code] },
            Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance);
        var musicians = SimulatedStudio.DemoMusicians(lossPercent: 2);
        using var studio = new SimulatedStudio(root, "127.0.0.1", server.Ports[0], Code, musicians);
        studio.Start();
        string[] common = ["console", "--server", "127.0.0.1:" + server.Ports[0], "--join-code", Code, "--db", db, "--recordings", recordings,
            "--session", "Crash", "--tracks", string.Join(",", musicians.Select(m => m.Name)), "--monitor", "none", "--no-ui"];

        // first console: records, and is killed in the middle of the take
        using (var first = new CliProcess([.. common, "--record", "120s", "--wait-timeout", "90s"]))
        {
            try
            {
                Assert.True(await first.WaitForLineAsync("recording for", TimeSpan.FromSeconds(120)), "the first console started a take:\n" + first.Output);
                // in the middle of the take: about 2 s of every track in its spool, their ranges recorded
                Assert.True(await Wait.UntilAsync(() => SpoolBytesRecorded(db) > 4 * 2 * 192_000, TimeSpan.FromSeconds(60)), "spool ranges recorded:\n" + first.Output);
                first.Kill();
            }
            finally
            {
                output.WriteLine("---- first console (killed) ----\n" + first.Output);
            }
        }

        Assert.True(File.Exists(SessionLock.PathFor(db)), "kill -9 leaves the console's lock behind");
        TakeInfo take;
        long before;
        using (var store = new SessionStore(db))
        {
            var session = store.FindSession("Crash")!;
            take = store.Takes(session.Id).Single();
            Assert.Equal(TakeState.Recording, take.State);
            before = store.TakeTracks(take.Id).Sum(t => store.SpoolRanges(take.Id, t.TrackId).Sum(r => r.Length));
        }

        // the boxes record on without a console
        Assert.True(studio.Boxes.All(b => b.Controller.CurrentTakeId == take.Id), "the boxes still record take " + take.Id);
        await Task.Delay(2000);

        // second console: same database, finds the take, stops, collects, exports
        using var second = new CliProcess([.. common, "--stop", "--collect", "--export", "--json"]);
        Assert.True(await second.WaitForExitAsync(TimeSpan.FromSeconds(120)), "the second console finished:\n" + second.Output);
        output.WriteLine("---- second console ----\n" + second.Output);
        Assert.Equal(0, second.ExitCode);
        Assert.Contains($"take 1 (id {take.Id}) was left recording by an earlier console: re-opened", second.Output, StringComparison.Ordinal);
        Assert.Contains("took over the session lock left by", second.Output, StringComparison.Ordinal); // the killed console's lock was stale

        var summary = JsonNode.Parse(second.Stdout)!;
        Assert.Equal("complete", (string?)summary["state"]);
        var tracks = summary["tracks"]!.AsArray();
        Assert.Equal(4, tracks.Count);
        long fromStream = 0;
        foreach (var track in tracks)
        {
            Assert.True((bool)track!["checksumMatch"]!, track.ToJsonString());
            int slot = (int)track["slot"]!;
            int box = studio.Boxes.ToList().FindIndex(b => b.Controller.RoomSlot == slot);
            Assert.True(box >= 0, "a box in slot " + slot);
            byte[] card = Data(studio.TakeFile(box, take.Id));
            byte[] stem = Data((string)track["stem"]!);
            Assert.Equal(card.Length, stem.Length);
            Assert.True(card.AsSpan().SequenceEqual(stem), $"the stem of {(string?)track["track"]} equals the card of box {musicians[box].Name}");
            fromStream += (long)track["bytesFromStream"]!;
        }

        // the spools kept what the killed console received: it was not fetched again
        output.WriteLine($"recorded as present before the kill: {before} bytes; from the streams in all: {fromStream}");
        Assert.True(fromStream >= before, $"{fromStream} >= {before}");
    }

    private static long SpoolBytesRecorded(string db)
    {
        try
        {
            using var store = new SessionStore(db);
            var session = store.FindSession("Crash");
            var take = session == null ? null : store.Takes(session.Id).LastOrDefault();
            return take == null ? 0 : store.TakeTracks(take.Id).Sum(t => store.SpoolRanges(take.Id, t.TrackId).Sum(r => r.Length));
        }
        catch (Exception e) when (e is InvalidDataException or Microsoft.Data.Sqlite.SqliteException)
        {
            return 0; // the other process is creating it
        }
    }

    private static byte[] Data(string wav)
    {
        var layout = WavData.Open(wav);
        using var file = File.OpenRead(wav);
        file.Position = layout.DataOffset;
        var data = new byte[layout.DataBytes];
        file.ReadExactly(data);
        return data;
    }

    /// <summary>`dotnet octomix.dll ARGS` with its output collected line by line.</summary>
    private sealed class CliProcess : IDisposable
    {
        private readonly Process _process;
        private readonly ConcurrentQueue<string> _lines = new();
        private readonly System.Text.StringBuilder _stdout = new();

        public CliProcess(string[] args)
        {
            var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true, UseShellExecute = false };
            start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "octomix.dll"));
            foreach (var a in args)
            {
                start.ArgumentList.Add(a);
            }

            _process = new Process { StartInfo = start };
            _process.ErrorDataReceived += (_, e) =>
            {
                if (e.Data != null)
                {
                    _lines.Enqueue(e.Data);
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

        /// <summary>SIGKILL: no clean-up of any kind in the console.</summary>
        public void Kill()
        {
            _process.Kill(entireProcessTree: false);
            _process.WaitForExit();
        }

        public void Dispose()
        {
            if (!_process.HasExited)
            {
                _process.Kill();
            }

            _process.Dispose();
        }
    }
}
