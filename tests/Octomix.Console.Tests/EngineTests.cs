using System.Net;
using Octomix.Cli;
using Octomix.Desk.Engine;
using Octomix.Desk.Sessions;
using Octomix.Protocol;
using Xunit.Abstractions;

namespace Octomix.Console.Tests;

/// <summary>
/// The engine against scripted boxes (<see cref="FakeBox"/>) over a real in-process server and
/// real UDP on loopback: binding boxes to tracks, the ready indicators, a Record refused by a
/// box that is not ready, and collection when FileData is lost, when a box never answers, when
/// the stream copy has wrong bytes.
/// </summary>
public sealed class EngineTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const string Code = "UNIT-1";
    private readonly TestLog _log = new();
    private readonly List<FakeBox> _boxes = [];
    private readonly string _root = ExportToolRunner.TempDirectory();
    private Microsoft.Extensions.Logging.ILoggerFactory? _loggers;
    private InProcessServer? _server; // the CLI's in-process server, as the composition root starts it

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

        if (_server != null)
        {
            await _server.DisposeAsync();
        }

        _loggers?.Dispose();
        _log.WriteTo(output);
    }

    [Fact]
    public async Task BoxesAreBoundByNameElseToTheNextFreeTrackAndTheBindingSurvivesARestart()
    {
        await using (var engine = await Start(["Anna", "Ben", "Drums"]))
        {
            Box(engine, "Ben");
            Box(engine, "Zoe"); // no track of that name: the next free one (Anna's is taken by name below? no: Anna has no box yet)
            Box(engine, "Anna");
            Assert.True(await Wait.UntilAsync(() => engine.Snapshot().Tracks.Count(t => t.Slot != null) == 3, TimeSpan.FromSeconds(20)), Dump(engine));
            var tracks = engine.Snapshot().Tracks.ToDictionary(t => t.Track.Name);
            Assert.Equal("Ben", tracks["Ben"].Track.BoxName);
            Assert.Equal("Anna", tracks["Anna"].Track.BoxName);
            Assert.Equal("Zoe", tracks["Drums"].Track.BoxName); // the only free track left for a box named otherwise

            // a fourth box has no track until one is added
            Box(engine, "Extra");
            Assert.True(await Wait.UntilAsync(() => engine.Snapshot().UnboundBoxes.Any(b => b.Name == "Extra"), TimeSpan.FromSeconds(20)), Dump(engine));
            engine.AddTrack("Keys");
            Assert.True(await Wait.UntilAsync(() => engine.Snapshot().Tracks.Single(t => t.Track.Name == "Keys").Track.BoxName == "Extra", TimeSpan.FromSeconds(20)));
            Assert.Empty(engine.Snapshot().UnboundBoxes);
        }

        // the database remembers: a new console binds the same boxes to the same tracks
        using var store = new SessionStore(Path.Combine(_root, "console.db"));
        var session = store.FindSession("Unit")!;
        var bound = store.Tracks(session.Id).ToDictionary(t => t.Name, t => t.BoxName);
        Assert.Equal("Zoe", bound["Drums"]);
        Assert.Equal("Extra", bound["Keys"]);
    }

    [Fact]
    public async Task ReadyIndicatorsFollowTheBoxesStatus()
    {
        await using var engine = await Start(["Anna"]);
        var anna = Box(engine, "Anna", a => a.Flags = StatusFlags.SdCardOk); // card slow, not calibrated (from its first Status on)
        Assert.True(await Wait.UntilAsync(() => Track(engine, "Anna").Status != null, TimeSpan.FromSeconds(20)), Dump(engine));
        var view = Track(engine, "Anna");
        Assert.False(view.Readiness.Ready);
        Assert.True(view.Readiness.Joined);
        Assert.Contains("SD card too slow (120 KB/s)", view.Readiness.Reasons);
        Assert.Contains("not calibrated", view.Readiness.Reasons);

        anna.Flags = StatusFlags.SdCardOk | StatusFlags.SdFastEnough | StatusFlags.Calibrated;
        Assert.True(await Wait.UntilAsync(() => Track(engine, "Anna").Readiness.Ready, TimeSpan.FromSeconds(20)), Dump(engine));
        Assert.Equal(805, Track(engine, "Anna").Status!.LatencySamples);

        anna.Flags |= StatusFlags.SdFull;
        Assert.True(await Wait.UntilAsync(() => Track(engine, "Anna").Readiness.Reasons.Contains("SD card full"), TimeSpan.FromSeconds(20)), Dump(engine));
    }

    [Fact]
    public async Task CalibrateReachesTheBoundBoxesAndNamesTheTracksWithout()
    {
        await using var engine = await Start(["Anna", "Ben"]);
        var anna = Box(engine, "Anna");
        Assert.True(await Wait.UntilAsync(() => Track(engine, "Anna").Slot != null, TimeSpan.FromSeconds(20)), Dump(engine));
        var problems = await engine.CalibrateAsync(null, CancellationToken.None);
        Assert.Equal(1, anna.Calibrations);
        var ben = Assert.Single(problems);
        Assert.Equal("Ben: no box", ben.ToString());
    }

    [Fact]
    public async Task TheEngineSetsTheRoomMixAndABoxsPersonalMixWithPans()
    {
        await using var engine = await Start(["Anna"]);
        Box(engine, "Anna");
        Assert.True(await Wait.UntilAsync(() => Track(engine, "Anna").Slot != null, TimeSpan.FromSeconds(20)), Dump(engine));
        int slot = Track(engine, "Anna").Slot!.Value;

        Assert.True(await engine.SetRoomMixAsync([256, 128], [-127, 64], CancellationToken.None));
        Assert.True(await engine.SetPersonalMixAsync(slot, true, null, [0, 0, 127], CancellationToken.None));
        Assert.True(_server!.Server!.GetStatus().Rooms[0].Slots.Single(x => x.Slot == slot).PersonalMix);
        Assert.False(await engine.SetPersonalMixAsync(slot == 5 ? 6 : 5, true, null, null, CancellationToken.None)); // nobody there: refused
    }

    [Fact]
    public async Task ABoxThatIsNotReadyOrRefusesTheRecordIsReportedNotSkipped()
    {
        await using var engine = await Start(["Anna", "Ben", "Chloe", "Dev"]);
        var anna = Box(engine, "Anna");
        // (set before the box starts: its very first Status must not look ready)
        var ben = Box(engine, "Ben", b => b.Flags = StatusFlags.SdCardOk | StatusFlags.SdFastEnough); // not calibrated
        var chloe = Box(engine, "Chloe", c =>
        {
            c.RecordResult = AckResult.NotReady; // looks ready, refuses: its card turned out too slow
            c.RecordReason = NotReadyReason.CardTooSlow;
        });
        // Dev has no box at all
        Assert.True(await Wait.UntilAsync(() => engine.Snapshot().Tracks.Count(t => t.Status != null) == 3, TimeSpan.FromSeconds(20)), Dump(engine));
        Assert.True(await engine.WaitForReadyAsync(2, TimeSpan.FromSeconds(20), CancellationToken.None), Dump(engine));

        var outcome = await engine.RecordAsync(CancellationToken.None);
        Assert.True(outcome.Started);
        Assert.Equal(["Anna"], outcome.Recording);
        var problems = outcome.NotRecording.ToDictionary(p => p.TrackName, p => p.Reason);
        Assert.Equal(3, problems.Count);
        Assert.Equal("not ready: not calibrated", problems["Ben"]);
        Assert.Equal("the box answered not ready: SD card too slow for the format", problems["Chloe"]);
        Assert.Equal("not ready: no box", problems["Dev"]);
        Assert.Single(anna.Records);
        Assert.Empty(ben.Records); // never asked: it was not ready
        Assert.Single(chloe.Records); // asked, and it said why not

        // the take's rows say the same
        var rows = engine.Store.TakeTracks(outcome.Take!.Id).ToDictionary(r => r.TrackName);
        Assert.Equal(TakeTrackState.Recording, rows["Anna"].State);
        Assert.Equal(TakeTrackState.Refused, rows["Chloe"].State);
        Assert.Equal("the box answered not ready: SD card too slow for the format", rows["Chloe"].Problem);
    }

    [Fact]
    public async Task LostFileDataIsFetchedAgainUntilTheChecksumMatches()
    {
        await using var engine = await Start(["Anna"]);
        var anna = Box(engine, "Anna");
        anna.FileDataLossPercent = 30;
        var take = await RecordOne(engine, anna, seconds: 1.5);
        // the stream lost a third of its packets
        anna.Stream(take.Id, anna.CardData, anna.FirstSample, skip: i => i % 3 == 1);
        await engine.StopAsync(CancellationToken.None);
        var report = await engine.CollectAsync(CancellationToken.None);

        var track = Assert.Single(report.Tracks);
        Assert.True(track.Complete, track.Problem);
        Assert.Equal(anna.CardData.Length, track.DataBytes);
        Assert.Equal(anna.CardData.Length, track.BytesFromStream + track.BytesFetched);
        Assert.True(track.BytesFetched >= anna.CardData.Length / 3 - 1024, "a third came by FileRequest: " + track.BytesFetched);
        Assert.True(anna.FileRequests > 0);
        var spool = engine.CurrentTake!.Tracks[0].Info.SpoolPath;
        Assert.Equal(anna.CardData, await File.ReadAllBytesAsync(spool));
        Assert.Equal(TakeState.Complete, engine.Store.Take(take.Id)!.State);
    }

    [Fact]
    public async Task WithoutAnyStreamTheWholeFileIsFetched()
    {
        await using var engine = await Start(["Anna"]);
        var anna = Box(engine, "Anna");
        var take = await RecordOne(engine, anna, seconds: 1);
        await engine.StopAsync(CancellationToken.None);
        var report = await engine.CollectAsync(CancellationToken.None);
        var track = Assert.Single(report.Tracks);
        Assert.True(track.Complete, track.Problem);
        Assert.Equal(0, track.BytesFromStream);
        Assert.Equal(anna.CardData.Length, track.BytesFetched);
    }

    [Fact]
    public async Task ABoxThatNeverAnswersIsReportedIncompleteWithTheReason()
    {
        await using var engine = await Start(["Anna", "Ben", "Chloe"], new CollectionOptions { FileInfoRounds = 1, StallTimeout = TimeSpan.FromSeconds(1), StallRounds = 2 });
        var anna = Box(engine, "Anna");
        var ben = Box(engine, "Ben");
        var chloe = Box(engine, "Chloe");
        Assert.True(await engine.WaitForReadyAsync(3, TimeSpan.FromSeconds(20), CancellationToken.None), Dump(engine));
        var take = await RecordOne(engine, anna, seconds: 1);
        ben.CardData = chloe.CardData = anna.CardData;
        ben.FirstSample = chloe.FirstSample = anna.FirstSample;
        anna.AnswerFileInfo = false; // gone silent for files
        ben.ServeFileData = false;   // answers FileInfo, never sends data
        await engine.StopAsync(CancellationToken.None);
        var report = await engine.CollectAsync(CancellationToken.None);

        Assert.False(report.Complete);
        var a = report.Tracks.Single(t => t.TrackName == "Anna");
        var b = report.Tracks.Single(t => t.TrackName == "Ben");
        Assert.False(a.Complete);
        Assert.Contains("track Anna (box Anna", a.Problem, StringComparison.Ordinal);
        Assert.Contains("did not answer 1 FileInfo requests", a.Problem, StringComparison.Ordinal);
        Assert.False(b.Complete);
        Assert.Contains("track Ben (box Ben): no file data for 2 s", b.Problem, StringComparison.Ordinal);
        Assert.Contains($"{ben.CardData.Length} of {ben.CardData.Length} bytes still missing", b.Problem, StringComparison.Ordinal);

        Assert.Equal(TakeState.Incomplete, engine.Store.Take(take.Id)!.State);
        var rows = engine.Store.TakeTracks(take.Id).ToDictionary(r => r.TrackName);
        Assert.Equal(TakeTrackState.Incomplete, rows["Anna"].State);
        Assert.Equal(a.Problem, rows["Anna"].Problem);
        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => engine.ExportAsync(null, false, CancellationToken.None));
        Assert.Contains("incomplete", refused.Message, StringComparison.Ordinal);

        Assert.True(report.Tracks.Single(t => t.TrackName == "Chloe").Complete);

        // the verified tracks can be exported on request
        var partial = await engine.ExportAsync(null, true, CancellationToken.None);
        Assert.Equal(["Chloe"], partial.Files.Stems.Select(st => st.TrackName));
        Assert.Equal(["Anna", "Ben"], partial.LeftOut);

        // the box comes back: collecting again completes the take, and it is written
        anna.AnswerFileInfo = true;
        ben.ServeFileData = true;
        var again = await engine.CollectAsync(CancellationToken.None);
        Assert.True(again.Complete, string.Join("; ", again.Incomplete.Select(t => t.Problem)));
        var export = await engine.ExportAsync(null, false, CancellationToken.None);
        Assert.Equal(partial.Files.Folder, export.Files.Folder); // the take's own folder, replaced
        Assert.Equal(3, export.Files.Stems.Count);
        Assert.Empty(export.LeftOut);
    }

    [Fact]
    public async Task ABoxStillSummingALongTakeIsWaitedForByItsSize()
    {
        // Both boxes say "computing" for ~10 polls (~1.5 s), three times the bare timeout. Anna
        // reports her part's size while computing (as the real box does), so the console waits
        // as long as a checksum of that size may take at the slowest expected rate; Ben reports
        // nothing, so after the bare timeout he counts as stuck.
        var options = new CollectionOptions { ComputingTimeout = TimeSpan.FromMilliseconds(500), MinChecksumBytesPerSecond = 64_000 };
        await using var engine = await Start(["Anna", "Ben"], options);
        var anna = Box(engine, "Anna");
        var ben = Box(engine, "Ben");
        Assert.True(await engine.WaitForReadyAsync(2, TimeSpan.FromSeconds(20), CancellationToken.None), Dump(engine));
        await RecordOne(engine, anna, seconds: 1);
        ben.CardData = anna.CardData;
        ben.FirstSample = anna.FirstSample;
        anna.ComputingAnswers = ben.ComputingAnswers = 10;
        anna.SizeWhileComputing = true;
        await engine.StopAsync(CancellationToken.None);
        var report = await engine.CollectAsync(CancellationToken.None);

        var a = report.Tracks.Single(t => t.TrackName == "Anna");
        var b = report.Tracks.Single(t => t.TrackName == "Ben");
        Assert.True(a.Complete, a.Problem);
        Assert.False(b.Complete);
        Assert.Contains("still says \"computing checksum\"", b.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AStreamCopyWithWrongBytesFailsTheChecksumAndIsFetchedAgain()
    {
        await using var engine = await Start(["Anna"]);
        var anna = Box(engine, "Anna");
        var take = await RecordOne(engine, anna, seconds: 1);
        anna.Stream(take.Id, anna.CardData, anna.FirstSample, corrupt: i => i == 40); // one packet's bytes changed on the way
        Assert.True(await Wait.UntilAsync(() => engine.CurrentTake!.Tracks[0].Spool.PresentBytes == anna.CardData.Length, TimeSpan.FromSeconds(20)));
        await engine.StopAsync(CancellationToken.None);
        var report = await engine.CollectAsync(CancellationToken.None);

        var track = Assert.Single(report.Tracks);
        Assert.True(track.Complete, track.Problem);
        Assert.Equal(1, track.ChecksumMismatches);
        Assert.Equal(anna.CardData.Length, track.BytesFetched); // the part was fetched again whole
        Assert.Equal(anna.CardData, await File.ReadAllBytesAsync(engine.CurrentTake!.Tracks[0].Info.SpoolPath));
        Assert.True(_log.Contains("does not match the box's checksum: fetching it again whole"));
    }

    /// <summary>
    /// The engineer presses record at 23:59:58.5 (an injected clock): the files start 200 ms
    /// later, take sample 0 falls after midnight. The Record's origin keeps the previous day's
    /// clock (more than a day of samples), and the exported stem's TimeReference is 23:59:58.7 —
    /// before, the origin wrapped to 00:00:01.2 and the export refused a negative TimeReference.
    /// </summary>
    [Fact]
    public async Task ATakeWhoseCountInCrossesMidnightIsExportedWithThePreviousDaysClock()
    {
        var clock = new FixedClock(new DateTimeOffset(2026, 7, 31, 23, 59, 58, 500, TimeSpan.Zero));
        await using var engine = await Start(["Anna"], clock: clock);
        var anna = Box(engine, "Anna");
        var take = await RecordOne(engine, anna, seconds: 1);
        long day = 86400L * 48000;
        long reference = 4_147_137_600; // 23:59:58.700
        Assert.All(anna.Records, r => Assert.Equal(take.OriginSamples, r.OriginSamples));
        Assert.Equal(reference + take.Timeline.PreRollFrames + take.Timeline.CountInFrames, take.OriginSamples);
        Assert.True(take.OriginSamples > day, "take sample 0 is after midnight, on the previous day's clock");
        Assert.Equal(reference, take.Timeline.TimeReference(take.OriginSamples));

        await engine.StopAsync(CancellationToken.None);
        var report = await engine.CollectAsync(CancellationToken.None);
        Assert.True(report.Complete, string.Join("; ", report.Incomplete.Select(t => t.Problem)));
        var export = await engine.ExportAsync(null, false, CancellationToken.None);
        var stem = Assert.Single(export.Files.Stems);
        Assert.Equal(reference, stem.TimeReference);
        string ffprobe = ExportToolRunner.Run("ffprobe", "-v", "error", "-show_entries", "format_tags=time_reference", "-of", "default=nw=1:nk=1", Path.Combine(export.Files.Folder, stem.FileName));
        Assert.Equal(reference.ToString(System.Globalization.CultureInfo.InvariantCulture), ffprobe.Trim());
    }

    [Fact]
    public async Task ABoxAt44kHzIsExportedConvertedToTheSessionRateWithItsOriginalKept()
    {
        await using var engine = await Start(["Anna"]);
        var anna = Box(engine, "Anna", b => b.SampleRate = 44100);
        Assert.True(await engine.WaitForReadyAsync(1, TimeSpan.FromSeconds(20), CancellationToken.None), Dump(engine));
        var outcome = await engine.RecordAsync(CancellationToken.None);
        Assert.True(outcome.Started, string.Join("; ", outcome.NotRecording));
        var take = outcome.Take!;
        // The box counts its own samples: F - L is the session's lead (count-in + pre-roll) at 44.1 kHz.
        long lead = take.Timeline.FirstSampleIndex(anna.Latency) - anna.Latency;
        anna.FirstSample = Octomix.Desk.Export.StemRateConverter.Rescale(lead, 48000, 44100) + anna.Latency;
        var data = new byte[44100 * 4]; // 1 s, s16 stereo: silence and one impulse at its frame 22050 (0.5 s)
        data[(22050 * 4) + 0] = 0x20; data[(22050 * 4) + 1] = 0x4e; // 20000 left
        data[(22050 * 4) + 2] = 0x20; data[(22050 * 4) + 3] = 0x4e; // 20000 right
        anna.CardData = data;

        await engine.StopAsync(CancellationToken.None);
        var report = await engine.CollectAsync(CancellationToken.None);
        Assert.True(report.Complete, string.Join("; ", report.Incomplete.Select(t => t.Problem)));
        var export = await engine.ExportAsync(null, false, CancellationToken.None);
        var stem = Assert.Single(export.Files.Stems);
        long reference = take.Timeline.TimeReference(take.OriginSamples); // where every 48 kHz box's first frame sits
        Assert.InRange(stem.TimeReference, reference - 1, reference + 1);
        Assert.Equal(44100, stem.OriginalSampleRate);
        string path = Path.Combine(export.Files.Folder, stem.FileName);
        string original = Path.Combine(export.Files.Folder, stem.OriginalFile!);
        Assert.Equal("48000", ExportToolRunner.Run("ffprobe", "-v", "error", "-show_entries", "stream=sample_rate", "-of", "default=nw=1:nk=1", path).Trim());
        Assert.Equal("44100", ExportToolRunner.Run("ffprobe", "-v", "error", "-show_entries", "stream=sample_rate", "-of", "default=nw=1:nk=1", original).Trim());
        Assert.Equal(48000, stem.Frames);
        byte[] pcm = ExportToolRunner.RunBytes("ffmpeg", "-v", "error", "-i", path, "-f", "s16le", "-c:a", "pcm_s16le", "-");
        int peak = 0;
        for (int i = 0; i < pcm.Length / 4; i++)
        {
            if (Math.Abs((short)(pcm[4 * i] | (pcm[(4 * i) + 1] << 8))) > Math.Abs((short)(pcm[4 * peak] | (pcm[(4 * peak) + 1] << 8))))
            {
                peak = i;
            }
        }

        // 0.5 s after the file's start on the session timeline: reference + 24000, ±1 sample.
        Assert.InRange(stem.TimeReference + peak, reference + 24000 - 1, reference + 24000 + 1);
    }

    private async Task<TakeInfo> RecordOne(ConsoleEngine engine, FakeBox box, double seconds)
    {
        Assert.True(await engine.WaitForReadyAsync(1, TimeSpan.FromSeconds(20), CancellationToken.None), Dump(engine));
        var outcome = await engine.RecordAsync(CancellationToken.None);
        Assert.True(outcome.Started, string.Join("; ", outcome.NotRecording));
        var take = outcome.Take!;
        // what the box "recorded": a ramp in s16 stereo, starting at the F the console expects
        int frames = (int)(seconds * 48000);
        var data = new byte[frames * 4];
        for (int i = 0; i < frames * 2; i++)
        {
            short v = (short)((i * 37) ^ (i >> 3));
            data[2 * i] = (byte)v;
            data[(2 * i) + 1] = (byte)(v >> 8);
        }

        box.CardData = data;
        box.FirstSample = take.Timeline.FirstSampleIndex(box.Latency);
        return take;
    }

    [Fact]
    public async Task ABoxThatRefusedForgedCommandsIsReportedAndGenuineCommandsVerify()
    {
        await using var engine = await Start(["Anna"]);
        var anna = Box(engine, "Anna");
        Assert.True(await Wait.UntilAsync(() => Track(engine, "Anna").Readiness.Ready, TimeSpan.FromSeconds(20)), Dump(engine));
        anna.ExtraRefusedCommands = 3;
        Assert.True(
            await Wait.UntilAsync(() => engine.Snapshot().Events.Any(e => e.Contains("box Anna: refused 3 command(s) that failed authentication", StringComparison.Ordinal)), TimeSpan.FromSeconds(10)),
            string.Join("\n", engine.Snapshot().Events));

        // the console's own commands verify at the box: none of them is counted
        var outcome = await engine.RecordAsync(CancellationToken.None);
        Assert.Single(outcome.Recording);
        Assert.Single(anna.Records);
        Assert.Equal(0, anna.ForgedCommands);
    }

    private async Task<ConsoleEngine> Start(IReadOnlyList<string> tracks, CollectionOptions? collection = null, TimeProvider? clock = null)
    {
        var options = new ConsoleEngineOptions
        {
            DatabasePath = Path.Combine(_root, "console.db"),
            RecordingsFolder = Path.Combine(_root, "recordings"),
            Session = new SessionInfo { Name = "Unit", JoinCode = Code },
            Tracks = tracks,
            LocalServer = await RestartServerAsync(),
            Monitor = "none",
            Collection = collection ?? new CollectionOptions(),
            Clock = clock ?? TimeProvider.System,
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

    private FakeBox Box(ConsoleEngine engine, string name, Action<FakeBox>? configure = null)
    {
        var box = new FakeBox(engine.LocalServer!.Port, Code, name, seed: _boxes.Count + 1);
        _boxes.Add(box);
        configure?.Invoke(box);
        box.Start();
        return box;
    }

    private static TrackView Track(ConsoleEngine engine, string name) => engine.Snapshot().Tracks.Single(t => t.Track.Name == name);

    /// <summary>A wall clock stopped at one instant, in a UTC "local" zone (the same on every machine).</summary>
    private sealed class FixedClock(DateTimeOffset utc) : TimeProvider
    {
        public override TimeZoneInfo LocalTimeZone => TimeZoneInfo.Utc;

        public override DateTimeOffset GetUtcNow() => utc;
    }

    private static string Dump(ConsoleEngine engine) => Octomix.Desk.Terminal.ConsoleScreen.Render(engine.Snapshot());
}
