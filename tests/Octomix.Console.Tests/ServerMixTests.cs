using System.Net;
using Octomix.Cli;
using Octomix.Desk.Engine;
using Octomix.Desk.Sessions;
using Xunit.Abstractions;

namespace Octomix.Console.Tests;

/// <summary>
/// The server-made mixes set from the console (issue 14): the terminal's edit syntax, the range
/// checks, and a level that a real in-process server acknowledges and the engine then remembers.
/// </summary>
public sealed class ServerMixTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const string Code = "MIX-1";
    private readonly TestLog _log = new();
    private readonly string _root = ExportToolRunner.TempDirectory();
    private Microsoft.Extensions.Logging.ILoggerFactory? _loggers;
    private InProcessServer? _server;
    private FakeBox? _box;

    public Task InitializeAsync()
    {
        _loggers = _log.Factory();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        _box?.Dispose();
        if (_server != null)
        {
            await _server.DisposeAsync();
        }

        _loggers?.Dispose();
        _log.WriteTo(output);
    }

    [Theory]
    [InlineData("2 -3 -0.5", null, 2, -3.0, -0.5)]
    [InlineData("1:2 0 1", 1, 2, 0.0, 1.0)]
    [InlineData(" 0   +12   0 ", null, 0, 12.0, 0.0)]
    public void AnEditIsParsed(string text, int? of, int member, double gainDb, double pan)
    {
        var edit = ServerMixEdit.Parse(text, out string? problem);
        Assert.Null(problem);
        Assert.Equal(new ServerMixEdit(of, member, new ServerMixLevel(gainDb, pan)), edit);
    }

    [Theory]
    [InlineData("2 -3", "[JAMMER:]SLOT")]
    [InlineData("16 0 0", "\"16\" is not a jammer slot")]
    [InlineData("x:2 0 0", "\"x\" is not a jammer slot")]
    [InlineData("2 loud 0", "gain and pan are numbers")]
    [InlineData("2 13 0", "gain 13 dB")]
    [InlineData("2 0 1.5", "pan 1.5")]
    public void ABadEditIsRefusedWithTheReason(string text, string reason)
    {
        Assert.Null(ServerMixEdit.Parse(text, out string? problem));
        Assert.Contains(reason, problem, StringComparison.Ordinal);
    }

    [Fact]
    public void TheWireValuesAreQ8Dot8GainAndPanTo127()
    {
        Assert.Equal(256, new ServerMixLevel(0, 0).WireGain);
        Assert.Equal(128, new ServerMixLevel(-6.0206, 0).WireGain);
        Assert.Equal(-127, new ServerMixLevel(0, -1).WirePan);
        Assert.Equal(64, new ServerMixLevel(0, 0.5).WirePan);
    }

    [Fact]
    public async Task ALevelTheServerAcknowledgesIsRememberedPerMix()
    {
        await using var engine = await Start();
        _box = new FakeBox(engine.LocalServer!.Port, Code, "Anna", seed: 1);
        _box.Start();
        Assert.True(await Wait.UntilAsync(() => engine.Snapshot().Tracks.Single().Slot != null, TimeSpan.FromSeconds(20)));
        int slot = engine.Snapshot().Tracks.Single().Slot!.Value;

        Assert.True(await engine.SetServerMixLevelAsync(new ServerMixEdit(null, slot, new ServerMixLevel(-6, -1)), CancellationToken.None));
        Assert.Equal(new ServerMixLevel(-6, -1), engine.ServerMix(null).Levels[slot]);
        Assert.DoesNotContain(slot, engine.ServerMix(slot).Levels.Keys); // the jammer's own mix is another mix

        Assert.True(await engine.SetServerMixLevelAsync(new ServerMixEdit(slot, slot, new ServerMixLevel(3, 0.5)), CancellationToken.None));
        Assert.Equal(new ServerMixLevel(3, 0.5), engine.ServerMix(slot).Levels[slot]);
        Assert.Equal(new ServerMixLevel(-6, -1), engine.ServerMix(null).Levels[slot]);

        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => engine.SetServerMixLevelAsync(new ServerMixEdit(null, slot, new ServerMixLevel(20, 0)), CancellationToken.None));
        Assert.Equal(new ServerMixLevel(-6, -1), engine.ServerMix(null).Levels[slot]);
    }

    private async Task<ConsoleEngine> Start()
    {
        _server = new InProcessServer(0, IPAddress.Loopback, _loggers!);
        var options = new ConsoleEngineOptions
        {
            DatabasePath = Path.Combine(_root, "console.db"),
            RecordingsFolder = Path.Combine(_root, "recordings"),
            Session = new SessionInfo { Name = "Mix", JoinCode = Code },
            Tracks = ["Anna"],
            LocalServer = _server,
            Monitor = "none",
            Collection = new CollectionOptions(),
        };
        return await ConsoleEngine.StartAsync(options, _loggers!, CancellationToken.None);
    }
}
