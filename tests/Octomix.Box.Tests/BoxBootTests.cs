using Octomix.Board.Simulated;
using Octomix.Drivers.Ui;
using Octomix.Hal;

namespace Octomix.Box.Tests;

/// <summary>
/// The boot on its own: the simulated board's card and codec, a clock the test moves, no state
/// machine (the box's use of it: CardWaitTests, SettingsTests, SmokeTests).
/// </summary>
public sealed class BoxBootTests : IDisposable
{
    private const string GoodSettings = "server_host = 127.0.0.1\nserver_port = 7891\njoin_code = TEST42\nbox_name = Anna\n";
    private readonly string folder = Path.Combine(Path.GetTempPath(), "octomix-boxboot-" + Guid.NewGuid().ToString("N"));
    private readonly List<(LogLevel Level, string Text)> lines = new();

    public void Dispose()
    {
        if (Directory.Exists(folder))
        {
            Directory.Delete(folder, true);
        }
    }

    private (BoxBoot Boot, SimulatedBoard Board) Make(string? settings, bool codec = true, SettingsAdjuster? adjust = null)
    {
        if (settings != null)
        {
            SimulatedBox.WriteSettings(folder, settings);
        }

        var board = new SimulatedBoard(new SimulatedBoardOptions { CardFolder = folder, CodecPresent = codec, LogSink = (l, t) => lines.Add((l, t)) });
        return (new BoxBoot(board, board.Card, board.Clock, new CardHealth(board.Card), board.Log, adjust), board);
    }

    [Fact]
    public void AGoodCardBootsWithItsSettingsAndNoWarning()
    {
        var (boot, _) = Make(GoodSettings, adjust: s => s.BoxName = "Bert");
        Assert.Equal(BoxBoot.Booted, boot.Run(0));
        Assert.Equal("Bert", boot.Settings.BoxName); // adjusted before the check
        Assert.Equal(0, boot.Report.Count);
        Assert.NotEqual(0UL, boot.BoxId);
        Assert.Equal(0, boot.WarningCode);
        Assert.False(boot.WaitingForCard);
        Assert.Contains(lines, l => l.Text.StartsWith("settings: Bert", StringComparison.Ordinal));
    }

    [Fact]
    public void NoCodecIsACodecFault()
    {
        var (boot, _) = Make(GoodSettings, codec: false);
        Assert.Equal(BoxBoot.CodecFault, boot.Run(0));
        Assert.False(boot.WaitingForCard);
    }

    [Fact]
    public void NoCardStopsTheBootAndTheCardWatchSeesOneInserted()
    {
        var (boot, board) = Make(GoodSettings);
        board.SimulatedCard.Present = false;
        Assert.Equal(BoxBoot.NoCard, boot.Run(0));
        Assert.True(boot.WaitingForCard);

        string? detail;
        Assert.False(boot.CardChanged(500_000, out detail)); // not before the poll interval
        Assert.False(boot.CardChanged(1_000_000, out detail)); // looked: still no card
        board.SimulatedCard.Present = true;
        Assert.False(boot.CardChanged(1_500_000, out detail)); // the next look is a second after the last
        Assert.True(boot.CardChanged(2_000_000, out detail));
        Assert.Equal("reading settings.txt again", detail);
        Assert.False(boot.WaitingForCard);
    }

    [Fact]
    public void ABadSettingsFileStopsTheBootUntilItIsEdited()
    {
        var (boot, _) = Make(GoodSettings + "bits = 20\n");
        Assert.Equal(BoxBoot.SettingsError, boot.Run(0));
        Assert.True(boot.Report.HasFatal);
        Assert.Contains(lines, l => l.Level == LogLevel.Error);

        string? detail;
        Assert.False(boot.CardChanged(1_000_000, out detail));
        SimulatedBox.WriteSettings(folder, GoodSettings + "bits = 24\n");
        Assert.True(boot.CardChanged(2_000_000, out detail));
        Assert.Equal(BoxBoot.Booted, boot.Run(2_000_000));
        Assert.Equal(24, boot.Settings.BitsPerSample);

        // a press stops the watch as well
        SimulatedBox.WriteSettings(folder, GoodSettings + "bits = 20\n");
        Assert.Equal(BoxBoot.SettingsError, boot.Run(3_000_000));
        boot.StopWatching();
        Assert.False(boot.CardChanged(10_000_000, out detail));
    }

    [Fact]
    public void AWarningInTheFileIsFlashedAfterABoot()
    {
        var (boot, _) = Make(GoodSettings + "no_such_key = 1\n");
        Assert.Equal(BoxBoot.Booted, boot.Run(0));
        Assert.True(boot.Report.Count > 0);
        Assert.Equal(BoxErrorCode.SettingsFileError, boot.WarningCode);
    }
}
