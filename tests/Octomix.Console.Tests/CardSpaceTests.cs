using System.Net;
using Octomix.Cli;
using Octomix.Desk.Engine;
using Octomix.Desk.Sessions;
using Octomix.Desk.Terminal;
using Xunit.Abstractions;

namespace Octomix.Console.Tests;

/// <summary>
/// The boxes' cards in the preflight: each box's Status says how long its card still records at
/// its format (<c>CardFreeSeconds</c>); the console refuses a take a card cannot hold for the
/// expected length, names the track and the box, and records anyway when told to.
/// </summary>
public sealed class CardSpaceTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const string Code = "CARD-1";
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
    public async Task ATakeACardCannotHoldIsRefusedNamingTheTrackAndTheBoxUnlessOverridden()
    {
        await using (var engine = await Start(TimeSpan.FromMinutes(10), checkCardSpace: true))
        {
            var anna = Box(engine, "Anna", 7200); // 2 h: holds the take
            var ben = Box(engine, "Ben", 250); // 4 min 10 s: does not
            Assert.True(await engine.WaitForReadyAsync(2, TimeSpan.FromSeconds(20), CancellationToken.None));
            Assert.True(await Wait.UntilAsync(() => engine.Snapshot().Tracks.All(t => t.Status?.CardFreeTime != null), TimeSpan.FromSeconds(10)));

            // exposed on the engine (the web console reads it) and on the screen
            var tracks = engine.Snapshot().Tracks.ToDictionary(t => t.Track.Name);
            Assert.Equal(TimeSpan.FromSeconds(7200), tracks["Anna"].Status!.CardFreeTime);
            Assert.Null(tracks["Anna"].CardSpaceProblem);
            Assert.Equal("track Ben (box Ben): its card holds 4 min 10 s at its format, less than the expected take of 10 min", tracks["Ben"].CardSpaceProblem);
            string screen = ConsoleScreen.Render(engine.Snapshot());
            output.WriteLine(screen);
            string benLine = screen.Split('\n').Single(l => l.Contains(" Ben ", StringComparison.Ordinal) && l.Contains("READY", StringComparison.Ordinal));
            Assert.Contains("4min10s", benLine, StringComparison.Ordinal);
            Assert.Contains("card holds 4 min 10 s at its format, less than the expected take of 10 min", benLine, StringComparison.Ordinal);
            Assert.Contains("2h0min", screen.Split('\n').Single(l => l.Contains(" Anna ", StringComparison.Ordinal) && l.Contains("READY", StringComparison.Ordinal)), StringComparison.Ordinal);

            var refused = await Assert.ThrowsAsync<RecordRefusedException>(() => engine.RecordAsync(CancellationToken.None));
            Assert.Contains("track Ben (box Ben): its card holds 4 min 10 s", refused.Message, StringComparison.Ordinal);
            Assert.DoesNotContain("track Anna", refused.Message, StringComparison.Ordinal);
            Assert.Contains("--ignore-card-space", refused.Message, StringComparison.Ordinal);
            Assert.Null(engine.Store.UnfinishedTake(engine.Session.Id)); // no take was created
            Assert.Empty(anna.Records); // no box was asked to record
            Assert.Empty(ben.Records);

            // the card got room (takes deleted): the same console records
            ben.CardFreeSeconds = 601;
            Assert.True(await Wait.UntilAsync(() => engine.Snapshot().Tracks.All(t => t.CardSpaceProblem == null), TimeSpan.FromSeconds(10)));
            var outcome = await engine.RecordAsync(CancellationToken.None);
            Assert.True(outcome.Started, string.Join("; ", outcome.NotRecording));
            Assert.Single(ben.Records);
        }
    }

    [Fact]
    public async Task WithTheOverrideOrAShortExpectedTakeASmallCardRecords()
    {
        await using (var engine = await Start(TimeSpan.FromMinutes(10), checkCardSpace: false))
        {
            var ben = Box(engine, "Ben", 250);
            Assert.True(await engine.WaitForReadyAsync(1, TimeSpan.FromSeconds(20), CancellationToken.None));
            Assert.True(await Wait.UntilAsync(() => Ben(engine).Status?.CardFreeTime != null, TimeSpan.FromSeconds(10)));
            Assert.NotNull(Ben(engine).CardSpaceProblem); // still shown
            var outcome = await engine.RecordAsync(CancellationToken.None);
            Assert.True(outcome.Started, string.Join("; ", outcome.NotRecording));
            Assert.Single(ben.Records);
        }

        _boxes.ForEach(b => b.Dispose());
        _boxes.Clear();
        await using (var engine = await Start(TimeSpan.FromMinutes(4), checkCardSpace: true, session: "Short"))
        {
            var ben = Box(engine, "Ben", 250);
            Assert.True(await engine.WaitForReadyAsync(1, TimeSpan.FromSeconds(20), CancellationToken.None));
            Assert.True(await Wait.UntilAsync(() => Ben(engine).Status?.CardFreeTime != null, TimeSpan.FromSeconds(10)));
            Assert.Null(Ben(engine).CardSpaceProblem);
            var outcome = await engine.RecordAsync(CancellationToken.None);
            Assert.True(outcome.Started, string.Join("; ", outcome.NotRecording));
        }
    }

    [Fact]
    public async Task ABoxThatDoesNotKnowItsCardTimeIsNotRefused()
    {
        await using var engine = await Start(TimeSpan.FromMinutes(10), checkCardSpace: true);
        var anna = Box(engine, "Anna", Octomix.Protocol.StatusMessage.CardFreeUnknown);
        Assert.True(await engine.WaitForReadyAsync(1, TimeSpan.FromSeconds(20), CancellationToken.None));
        Assert.Null(engine.Snapshot().Tracks.Single(t => t.Track.Name == "Anna").Status!.CardFreeTime);
        var outcome = await engine.RecordAsync(CancellationToken.None);
        Assert.True(outcome.Started, string.Join("; ", outcome.NotRecording));
        Assert.Single(anna.Records);
    }

    private async Task<ConsoleEngine> Start(TimeSpan expected, bool checkCardSpace, string session = "Cards")
    {
        var options = new ConsoleEngineOptions
        {
            DatabasePath = Path.Combine(_root, "console.db"),
            RecordingsFolder = Path.Combine(_root, "recordings"),
            Session = new SessionInfo { Name = session, JoinCode = Code },
            Tracks = ["Anna", "Ben"],
            LocalServer = await RestartServerAsync(),
            Monitor = "none",
            ExpectedTakeLength = expected,
            CheckFreeSpace = false, // the console's own disk is DiskFaultTests' subject
            CheckCardSpace = checkCardSpace,
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

    private static TrackView Ben(ConsoleEngine engine) => engine.Snapshot().Tracks.Single(t => t.Track.Name == "Ben");

    private FakeBox Box(ConsoleEngine engine, string name, uint cardSeconds)
    {
        var box = new FakeBox(engine.LocalServer!.Port, Code, name, seed: _boxes.Count + 1) { CardFreeSeconds = cardSeconds };
        _boxes.Add(box);
        box.Start();
        return box;
    }
}
