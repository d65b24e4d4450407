using Octomix.Board.Simulated;
using Octomix.Hal;

namespace Octomix.Box.Tests;

/// <summary>Card health on its own, on the simulated card (the box's use of it: CardFullTests, CardWaitTests).</summary>
public sealed class CardHealthTests : IDisposable
{
    private readonly string folder = Path.Combine(Path.GetTempPath(), "octomix-cardhealth-" + Guid.NewGuid().ToString("N"));
    private readonly List<(LogLevel Level, string Text)> lines = new();
    private readonly SimulatedBoard board;

    public CardHealthTests()
    {
        board = new SimulatedBoard(new SimulatedBoardOptions { CardFolder = folder, LogSink = (l, t) => lines.Add((l, t)) });
    }

    public void Dispose()
    {
        if (Directory.Exists(folder))
        {
            Directory.Delete(folder, true);
        }
    }

    private static PcmFormat Stereo24 => new(48000, 2, 3);

    [Fact]
    public void NoCardIsNotMountedAndSaysSo()
    {
        board.SimulatedCard.Present = false;
        var health = new CardHealth(board.Card);
        Assert.False(health.Mount(board.Log));
        Assert.False(health.Mounted);
        Assert.Contains(lines, l => l.Level == LogLevel.Error && l.Text.StartsWith("no SD card", StringComparison.Ordinal));
        Assert.Equal(-1, health.FreeBytes);
    }

    [Fact]
    public void AFastCardPassesTheSelfTestAndAFullOneIsMarkedFull()
    {
        var health = new CardHealth(board.Card);
        Assert.True(health.Mount(board.Log));
        health.SelfTest(board.Clock, Stereo24, 256 * 6, 150, board.Log);
        Assert.True(health.FastEnough, string.Join("\n", lines));
        Assert.True(health.WriteKBps > 0);
        Assert.True(health.FreeBytes > 0);
        Assert.False(health.CheckFull(Stereo24.ByteRate, board.Log));

        board.SimulatedCard.CapacityBytes = board.SimulatedCard.UsedBytes + (5L * Stereo24.ByteRate); // 5 s left
        Assert.Equal(5L * Stereo24.ByteRate, health.RefreshFreeBytes());
        Assert.True(health.CheckFull(Stereo24.ByteRate, board.Log));
        Assert.True(health.Full);
        Assert.Contains(lines, l => l.Text.StartsWith("the SD card is full", StringComparison.Ordinal));
    }

    [Fact]
    public void ASlowCardFailsTheSelfTestForTheFormat()
    {
        board.SimulatedCard.WriteBytesPerSecond = 200_000; // 48 kHz 24-bit stereo needs 288 kB/s
        var health = new CardHealth(board.Card);
        Assert.True(health.Mount(board.Log));
        health.SelfTest(board.Clock, Stereo24, 256 * 6, 150, board.Log);
        Assert.False(health.FastEnough);
        Assert.True(health.WriteKBps < 288, health.WriteKBps.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Contains(lines, l => l.Level == LogLevel.Error && l.Text.Contains("TOO SLOW", StringComparison.Ordinal));
    }

    [Fact]
    public void ATakeThatRanTheCardFullMarksItFullAndFreeSpaceIsReadAgain()
    {
        var health = new CardHealth(board.Card);
        Assert.True(health.Mount(board.Log));
        Assert.False(health.Full);
        health.MarkFull();
        Assert.True(health.Full);
        Assert.Equal(board.SimulatedCard.FreeBytes, health.RefreshFreeBytes());
    }
}
