using System.Diagnostics;
using System.Net;
using Octomix.Cli;
using Octomix.Desk.Engine;
using Octomix.Desk.Sessions;
using Xunit.Abstractions;

namespace Octomix.Console.Tests;

/// <summary>
/// The console's own disk: a read-only recordings folder, too little free space before a take, a
/// disk that fills during collection. Real file systems: a small tmpfs mounted for the test (the
/// test machines and CI run as root); a read-only one by remounting it.
/// </summary>
public sealed class DiskFaultTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const string Code = "DISK-1";
    private readonly TestLog _log = new();
    private readonly List<FakeBox> _boxes = [];
    private readonly string _root = ExportToolRunner.TempDirectory();
    private Microsoft.Extensions.Logging.ILoggerFactory? _loggers;
    private InProcessServer? _server; // the CLI's in-process server, as the composition root starts it
    private SmallDisk? _disk;

    public Task InitializeAsync()
    {
        _loggers = _log.Factory();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        foreach (var b in _boxes)
        {
            b.Dispose();
        }

        _disk?.Dispose();
        if (_server != null)
        {
            await _server.DisposeAsync();
        }

        _loggers?.Dispose();
        _log.WriteTo(output);
    }

    [Fact]
    public async Task AReadOnlyRecordingsFolderIsRefusedClearlyAndNothingIsWedged()
    {
        string recordings = Path.Combine(_root, "recordings");
        if (!Mount(recordings, "16m"))
        {
            return;
        }

        _disk!.SetReadOnly(true);
        await using (var engine = await Start(recordings, TimeSpan.FromSeconds(5)))
        {
            var anna = Box(engine, "Anna");
            Assert.True(await engine.WaitForReadyAsync(1, TimeSpan.FromSeconds(20), CancellationToken.None));
            var refused = await Assert.ThrowsAsync<RecordRefusedException>(() => engine.RecordAsync(CancellationToken.None));
            Assert.Contains($"the recordings folder {recordings} is not writable", refused.Message, StringComparison.Ordinal);
            Assert.Contains("make it writable", refused.Message, StringComparison.Ordinal);
            Assert.Null(engine.CurrentTake);
            Assert.Null(engine.Store.UnfinishedTake(engine.Session.Id)); // no take was created
            Assert.Empty(anna.Records); // no box was asked to record
        }

        // a later start works, and once the folder is writable a take records
        _disk.SetReadOnly(false);
        await using (var engine = await Start(recordings, TimeSpan.FromSeconds(5)))
        {
            var anna = Box(engine, "Anna");
            var take = await RecordOne(engine, anna, 0.5);
            Assert.Equal(TakeState.Recording, engine.Store.Take(take.Id)!.State);
            Assert.Single(anna.Records);
        }
    }

    [Fact]
    public async Task TooLittleFreeSpaceForTwiceTheExpectedTakeIsRefusedUnlessOverridden()
    {
        string recordings = Path.Combine(_root, "recordings");
        if (!Mount(recordings, "4m"))
        {
            return;
        }

        // 10 minutes of 48 kHz stereo 24-bit is 172.8 MB; twice that does not fit in 4 MiB
        await using (var engine = await Start(recordings, TimeSpan.FromMinutes(10)))
        {
            var anna = Box(engine, "Anna");
            Assert.True(await engine.WaitForReadyAsync(1, TimeSpan.FromSeconds(20), CancellationToken.None));
            var refused = await Assert.ThrowsAsync<RecordRefusedException>(() => engine.RecordAsync(CancellationToken.None));
            Assert.Contains($"not enough free space for the take in {recordings}", refused.Message, StringComparison.Ordinal);
            Assert.Contains("329.6 MiB needed", refused.Message, StringComparison.Ordinal);
            Assert.Contains("--ignore-free-space", refused.Message, StringComparison.Ordinal);
            Assert.Null(engine.Store.UnfinishedTake(engine.Session.Id));
            Assert.Empty(anna.Records);
        }

        // the same take with the check overridden records
        await using (var engine = await Start(recordings, TimeSpan.FromMinutes(10), checkFreeSpace: false))
        {
            var anna = Box(engine, "Anna");
            await RecordOne(engine, anna, 0.5);
            Assert.Single(anna.Records);
        }

        Assert.Equal(48000L * 600 * 2 * 3, RecordPreflight.TakeBytes(1, 48000, TimeSpan.FromMinutes(10)));
        Assert.Null(RecordPreflight.Problem(recordings, RecordPreflight.TakeBytes(1, 48000, TimeSpan.FromSeconds(1)), checkFreeSpace: true));
    }

    [Fact]
    public async Task ADiskThatFillsDuringCollectionIsReportedAsTheConsolesDiskAndCollectingAgainCompletes()
    {
        string recordings = Path.Combine(_root, "recordings");
        if (!Mount(recordings, "2m"))
        {
            return;
        }

        await using var engine = await Start(recordings, TimeSpan.FromSeconds(1));
        var anna = Box(engine, "Anna");
        var take = await RecordOne(engine, anna, 2); // 384 000 bytes on the card, none streamed
        await engine.StopAsync(CancellationToken.None);

        // something else fills the disk
        string filler = Path.Combine(recordings, "filler.bin");
        Fill(filler);
        var clock = Stopwatch.StartNew();
        var report = await engine.CollectAsync(CancellationToken.None);
        var track = Assert.Single(report.Tracks);
        Assert.False(track.Complete);
        Assert.Contains($"disk full on the console ({Path.Combine(recordings, ".spool")}", track.Problem, StringComparison.Ordinal);
        Assert.Matches(@"\d+ bytes free\)", track.Problem);
        Assert.DoesNotContain("no file data", track.Problem, StringComparison.Ordinal);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"said at once, not after the stall timeout: {clock.Elapsed}");
        Assert.Equal(TakeState.Incomplete, engine.Store.Take(take.Id)!.State);

        // room again: collecting again completes the take with the card's bytes
        File.Delete(filler);
        var again = await engine.CollectAsync(CancellationToken.None);
        Assert.True(again.Complete, string.Join("; ", again.Incomplete.Select(t => t.Problem)));
        Assert.Equal(anna.CardData, await File.ReadAllBytesAsync(engine.CurrentTake!.Tracks[0].Info.SpoolPath));
    }

    private static void Fill(string path)
    {
        var chunk = new byte[16384];
        using var stream = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.Read, 1);
        try
        {
            while (true)
            {
                stream.Write(chunk);
            }
        }
        catch (IOException)
        {
        }
    }

    private bool Mount(string path, string size)
    {
        _disk = SmallDisk.TryMount(path, size);
        if (_disk == null)
        {
            output.WriteLine("cannot mount a tmpfs here (not root): this test needs one and did not run");
        }

        return _disk != null;
    }

    private async Task<TakeInfo> RecordOne(ConsoleEngine engine, FakeBox box, double seconds)
    {
        Assert.True(await engine.WaitForReadyAsync(1, TimeSpan.FromSeconds(20), CancellationToken.None));
        var outcome = await engine.RecordAsync(CancellationToken.None);
        Assert.True(outcome.Started, string.Join("; ", outcome.NotRecording));
        var take = outcome.Take!;
        int frames = (int)(seconds * 48000);
        var data = new byte[frames * 4];
        new Random(7).NextBytes(data);
        box.CardData = data;
        box.FirstSample = take.Timeline.FirstSampleIndex(box.Latency);
        return take;
    }

    private async Task<ConsoleEngine> Start(string recordings, TimeSpan expected, bool checkFreeSpace = true)
    {
        var options = new ConsoleEngineOptions
        {
            DatabasePath = Path.Combine(_root, "console.db"),
            RecordingsFolder = recordings,
            Session = new SessionInfo { Name = "Disk", JoinCode = Code },
            Tracks = ["Anna"],
            LocalServer = await RestartServerAsync(),
            Monitor = "none",
            ExpectedTakeLength = expected,
            CheckFreeSpace = checkFreeSpace,
            Collection = new CollectionOptions { StallTimeout = TimeSpan.FromSeconds(6), StallRounds = 2 },
        };
        return await ConsoleEngine.StartAsync(options, _loggers!, CancellationToken.None);
    }

    /// <summary>A new server for each engine, the previous one stopped (as the engine once did itself).</summary>
    private async Task<InProcessServer> RestartServerAsync()
    {
        if (_server != null)
        {
            await _server.DisposeAsync();
        }

        _server = new InProcessServer(0, IPAddress.Loopback, _loggers!);
        return _server;
    }

    private FakeBox Box(ConsoleEngine engine, string name)
    {
        var box = new FakeBox(engine.LocalServer!.Port, Code, name, seed: _boxes.Count + 1);
        _boxes.Add(box);
        box.Start();
        return box;
    }
}

/// <summary>A tmpfs of a given size mounted on a folder for one test (root only), read-only on request.</summary>
internal sealed class SmallDisk : IDisposable
{
    private SmallDisk(string path) => Path = path;

    public string Path { get; }

    public static SmallDisk? TryMount(string path, string size)
    {
        Directory.CreateDirectory(path);
        if (Environment.UserName != "root" && Environment.GetEnvironmentVariable("USER") != "root")
        {
            return null;
        }

        return Run("mount", "-t", "tmpfs", "-o", "size=" + size, "tmpfs", path) == 0 ? new SmallDisk(path) : null;
    }

    public void SetReadOnly(bool readOnly) => Assert.Equal(0, Run("mount", "-o", "remount," + (readOnly ? "ro" : "rw"), Path));

    public void Dispose() => Run("umount", "-l", Path);

    private static int Run(string file, params string[] args)
    {
        var start = new ProcessStartInfo(file) { UseShellExecute = false, RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var a in args)
        {
            start.ArgumentList.Add(a);
        }

        try
        {
            using var process = Process.Start(start)!;
            process.WaitForExit(10_000);
            return process.HasExited ? process.ExitCode : -1;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return -1;
        }
    }
}
