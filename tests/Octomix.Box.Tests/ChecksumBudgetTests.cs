using Octomix.Board.Simulated;
using Octomix.Box;
using Octomix.Drivers.Bwf;
using Octomix.Hal;
using Octomix.Protocol;
using Xunit.Abstractions;

namespace Octomix.Box.Tests;

/// <summary>
/// The post-take checksum is time-boxed by the board clock: a turn sums chunks until its budget
/// would be used, so a card that reads like the ESP32's (300 KB/s, in simulated time) does not
/// make the loop fall behind the audio while a take is collected.
/// </summary>
public class ChecksumBudgetTests
{
    /// <summary>An ESP32 reading a card from managed code: ~300–500 KB/s (docs/device-budget.md); the slow end.</summary>
    private const long DeviceCardReadBytesPerSecond = 300_000;

    private readonly ITestOutputHelper output;

    public ChecksumBudgetTests(ITestOutputHelper output)
    {
        this.output = output;
    }

    [Fact]
    public void AutomaticBudgetIsAQuarterOfTheBlockPeriod()
    {
        Assert.Equal(1333, TakeFileServer.AutoBudgetMicros(256, 48000));
        Assert.Equal(2666, TakeFileServer.AutoBudgetMicros(512, 48000));
        Assert.Equal(1451, TakeFileServer.AutoBudgetMicros(256, 44100));
    }

    [Fact]
    public void EachTurnStopsWithinItsBudgetAndTheSumStillMatchesTheFile()
    {
        string folder = Path.Combine(Path.GetTempPath(), "octomix-budget-" + Guid.NewGuid().ToString("N"));
        try
        {
            var time = new SimulatedTime(false);
            var card = new SimulatedCard(folder, time);
            Assert.True(card.Mount());
            string path = WriteTake(card, 78, blocks: 300);
            card.ReadBytesPerSecond = DeviceCardReadBytesPerSecond; // a 64-byte chunk = 213 µs of simulated time
            var files = new TakeFileServer(card, new SimulatedClock(time, DateTime.UnixEpoch), 1333, 65536, 2, TakeFileServer.DefaultChunkBytes);
            files.TakeClosed(78, path, 1, -72000, 805);
            int turns = 0;
            while (files.ChecksumPending)
            {
                long before = time.NowMicroseconds;
                files.ChecksumStep();
                long spent = time.NowMicroseconds - before;
                turns++;
                Assert.True(spent <= 1333 || files.ChecksumBytesLastTurn <= TakeFileServer.ChecksumChunkBytes, $"turn {turns}: {spent} µs for {files.ChecksumBytesLastTurn} bytes");
            }

            // 213 µs per chunk: six fit in 1333 µs (1278 µs), a seventh would not.
            Assert.Equal(64, TakeFileServer.ChecksumChunkBytes);
            Assert.Equal(6 * 64, files.ChecksumMaxBytesPerTurn);
            Assert.InRange(files.ChecksumMaxMicrosPerTurn, 1200, 1333);
            int dataBytes = 300 * 1024;
            Assert.Equal((dataBytes + 383) / 384, turns);
            AssertChecksumMatches(files, folder, path, 78);
        }
        finally
        {
            Directory.Delete(folder, true);
        }
    }

    [Fact]
    public void AClockThatDoesNotMoveStopsAtTheByteLimit()
    {
        string folder = Path.Combine(Path.GetTempPath(), "octomix-budget-" + Guid.NewGuid().ToString("N"));
        try
        {
            var time = new SimulatedTime(false); // fast time, free reads: the clock stands still while the box sums
            var card = new SimulatedCard(folder, time);
            Assert.True(card.Mount());
            string path = WriteTake(card, 79, blocks: 100);
            var files = new TakeFileServer(card, new SimulatedClock(time, DateTime.UnixEpoch), 1333, 4000, 2, TakeFileServer.DefaultChunkBytes);
            files.TakeClosed(79, path, 1, 0, 805);
            int turns = 0;
            while (files.ChecksumPending)
            {
                files.ChecksumStep();
                turns++;
            }

            Assert.Equal(4000, files.ChecksumMaxBytesPerTurn); // not a multiple of the chunk: the last chunk is cut
            Assert.Equal((102400 + 3999) / 4000, turns);
            AssertChecksumMatches(files, folder, path, 79);
        }
        finally
        {
            Directory.Delete(folder, true);
        }
    }

    [Fact]
    public void ABadBudgetLimitOrChunkSizeIsRefused()
    {
        var time = new SimulatedTime(false);
        var card = new SimulatedCard(Path.GetTempPath(), time);
        var clock = new SimulatedClock(time, DateTime.UnixEpoch);
        Assert.Throws<ArgumentException>(() => new TakeFileServer(card, null!, 1333, 4096, 2, 512));
        Assert.Throws<ArgumentException>(() => new TakeFileServer(card, clock, 0, 4096, 2, 512));
        Assert.Throws<ArgumentException>(() => new TakeFileServer(card, clock, 1333, 0, 2, 512));
        Assert.Throws<ArgumentException>(() => new TakeFileServer(card, clock, 1333, 4096, 0, 512));
        Assert.Throws<ArgumentException>(() => new TakeFileServer(card, clock, 1333, 4096, 2, 63));
        Assert.Throws<ArgumentException>(() => new TakeFileServer(card, clock, 1333, 4096, 2, FileDataMessage.MaxData + 1));
        Assert.Equal(64, new TakeFileServer(card, clock, 1333, 4096, 2, 64).ChunkBytes);
        Assert.Equal(1372, new TakeFileServer(card, clock, 1333, 4096, 2, 1372).ChunkBytes);
    }

    [Theory]
    [InlineData("checksum_budget_us = auto", 1333)]
    [InlineData("checksum_budget_us = 2500", 2500)]
    public void TheBudgetComesFromTheSettings(string line, int budget)
    {
        using var h = new BoxHarness(extraSettings: line);
        h.JoinAndCalibrate();
        Assert.Equal(budget, h.Controller.Files.ChecksumBudgetMicros);
    }

    /// <summary>
    /// The default settings (byte limit 4096) on a card that reads at 300 KB/s: a fixed 4 KB slice
    /// took 13.7 ms per 5.33 ms block, ran the playback pipeline dry within a few blocks and made
    /// the box calibrate again. Time-boxed, the collecting loop keeps up.
    /// </summary>
    [Fact]
    public void CollectingOnADeviceSpeedCardDoesNotFallBehindTheAudio()
    {
        using var h = new BoxHarness(o => o.CardReadBytesPerSecond = DeviceCardReadBytesPerSecond);
        h.JoinAndCalibrate();
        h.Record(41, 12000, countInBars: 0);
        Assert.True(h.RunUntil(c => c.State == BoxState.Recording, 1000), h.Log());
        h.RunUntil(c => c.Recorder.FramesSoFar > 2 * 48000, 100000);
        int underrunsBefore = h.Controller.PipelineUnderruns;
        int overrunsBefore = h.Controller.CaptureOverruns;
        long audioUnderrunsBefore = h.Board.Audio!.Underruns;
        h.Stop(41);
        Assert.True(h.RunUntil(c => c.State == BoxState.Collecting, 100), h.Log());
        long startedAt = h.Board.Time.NowMicroseconds;
        Assert.True(h.RunUntil(c => c.State == BoxState.Ready, 5000), h.Log());
        var files = h.Controller.Files;
        double seconds = (h.Board.Time.NowMicroseconds - startedAt) / 1e6;
        output.WriteLine($"collected in {files.ChecksumTurns} turns ({seconds:F2} s of audio clock), at most {files.ChecksumMaxBytesPerTurn} bytes " +
            $"and {files.ChecksumMaxMicrosPerTurn} µs per turn (budget {files.ChecksumBudgetMicros} µs)");
        Assert.Equal(underrunsBefore, h.Controller.PipelineUnderruns);
        Assert.Equal(overrunsBefore, h.Controller.CaptureOverruns);
        Assert.Equal(audioUnderrunsBefore, h.Board.Audio!.Underruns);
        Assert.DoesNotContain(h.Transitions, t => t.Cause == BoxEvent.PipelineStall);
        Assert.InRange(files.ChecksumMaxMicrosPerTurn, 1, files.ChecksumBudgetMicros);
        Assert.True(files.ChecksumMaxBytesPerTurn < 4096, "the budget, not the byte limit, stopped the turns");
    }

    internal static string WriteTake(SimulatedCard card, uint take, int blocks)
    {
        card.CreateDirectory("takes");
        string path = Recorder.TakePath(take);
        var writer = new BwfWriter(card, path, new BwfMetadata(new PcmFormat(48000, 2, 2)), new BwfWriterOptions());
        var block = new byte[256 * 4];
        for (int i = 0; i < blocks; i++)
        {
            for (int k = 0; k < block.Length; k++)
            {
                block[k] = (byte)((i * 31) + (k * 7));
            }

            writer.Write(block, 0, block.Length);
        }

        writer.Close();
        return path;
    }

    private static void AssertChecksumMatches(TakeFileServer files, string folder, string path, uint take)
    {
        var info = new FileInfoMessage();
        files.Describe(info, take, 0, recording: false);
        Assert.Equal(FileStatus.Ready, info.FileStatus);
        var wav = WavFile.Read(Path.Combine(folder, path));
        var sum = new TakeChecksum();
        sum.Update(wav.Data, 0, wav.Data.Length);
        Assert.Equal(sum.A, info.ChecksumA);
        Assert.Equal(sum.B, info.ChecksumB);
        Assert.Equal((uint)wav.Data.Length, info.DataBytes);
    }
}
