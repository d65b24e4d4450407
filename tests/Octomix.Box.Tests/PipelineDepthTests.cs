using Octomix.Board.Simulated;
using Octomix.Protocol;

namespace Octomix.Box.Tests;

/// <summary>
/// The playback pipeline belongs to the box (decisions.md #3): deep for a recording box, shallow
/// for a box that boots into jamming, never more than the board's playback queue; the capture
/// buffer the stall inference assumes is the board's own figure.
/// </summary>
public class PipelineDepthTests
{
    [Theory]
    [InlineData(0, false, 256, 48000, 30)] // 150 ms = 7200 frames = 28.1 blocks -> 29 covered + the block being made
    [InlineData(0, false, 256, 44100, 27)] // 6615 frames = 25.8 -> 26 + 1
    [InlineData(0, false, 512, 48000, 16)] // 14.06 -> 15 + 1
    [InlineData(0, true, 256, 48000, 2)]
    [InlineData(5, false, 256, 48000, 5)]
    [InlineData(5, true, 256, 48000, 5)]
    public void TheTargetIsTheSettingElseDeepForRecordingElseTwoBlocksForJamming(int configured, bool jam, int block, int rate, int expected)
    {
        Assert.Equal(expected, PipelineDepth.Target(configured, jam, block, rate));
    }

    [Theory]
    [InlineData(0, false, 31 * 256, 31 * 256, 30)]  // the reference board's default DMA plan: 32 descriptors, 31 queued
    [InlineData(0, false, 16 * 256, 16 * 256, 15)]  // the simulated board's defaults: one block stays free
    [InlineData(0, false, 16 * 256, 8 * 256, 7)]    // automatic: no deeper than the capture survives
    [InlineData(12, false, 16 * 256, 8 * 256, 12)]  // configured: the capture does not limit it (the box warns)
    [InlineData(40, false, 31 * 256, 31 * 256, 31)] // configured: may fill the queue, not more
    [InlineData(0, false, 0, 0, 30)]                // a board that cannot tell
    [InlineData(0, false, 2 * 256, 2 * 256, 2)]     // never below two blocks
    [InlineData(0, true, 31 * 256, 31 * 256, 2)]
    public void TheBoardsQueuesLimitTheDepth(int configured, bool jam, int playbackFrames, int captureFrames, int expected)
    {
        Assert.Equal(expected, PipelineDepth.Choose(configured, jam, 256, 48000, playbackFrames, captureFrames));
    }

    [Fact]
    public void ARecordingBoxOnTheSimulatedBoardFillsItsQueueButOneAndMeasuresThatDepth()
    {
        using var h = new BoxHarness();
        h.JoinAndCalibrate();
        Assert.Equal(15, h.Controller.Loop!.PrefillBlocks); // 16-block FIFO less the free block
        Assert.Equal(h.Board.AnalogRoundTripFrames + (15 * 256), h.Controller.LatencyFrames);
        Assert.Contains("playback pipeline 15 blocks (80 ms), capture buffer 16 blocks", h.Log(), StringComparison.Ordinal);
    }

    [Fact]
    public void ABoxThatBootsIntoJammingRunsAShallowPipeline()
    {
        using var h = new BoxHarness(extraSettings: "jam = on");
        h.JoinAndCalibrate();
        Assert.Equal(BoxState.Jamming, h.Controller.State);
        Assert.Equal(PipelineDepth.JamBlocks, h.Controller.Loop!.PrefillBlocks);
        Assert.Equal(h.Board.AnalogRoundTripFrames + (2 * 256), h.Controller.LatencyFrames);
    }

    [Fact]
    public void AutoInTheSettingsFileIsTheDefault()
    {
        var s = new BoxSettings();
        Assert.Equal(0, s.PrefillBlocks);
        s.PrefillBlocks = 7;
        var report = SettingsParser.Parse("prefill_blocks = auto\n", s);
        Assert.Equal(0, report.Count);
        Assert.Equal(0, s.PrefillBlocks);
        SettingsParser.Parse("prefill_blocks = 64\n", s);
        Assert.Equal(64, s.PrefillBlocks);
    }

    /// <summary>
    /// A 70 ms stall lies between the board's 8-block capture buffer (43 ms) and the setting's
    /// default of 16 blocks (85 ms): only the board's figure makes the box see the loss the
    /// board really had.
    /// </summary>
    [Theory]
    [InlineData(8, true)]
    [InlineData(16, false)]
    public void TheCaptureOverrunInferenceUsesTheBoardsBuffer(int boardCaptureBlocks, bool lost)
    {
        using var h = new BoxHarness(o => o.CaptureBufferBlocks = boardCaptureBlocks, extraSettings: "prefill_blocks = 3");
        h.JoinAndCalibrate();
        Assert.Equal(16, h.Controller.Settings.CaptureBufferBlocks); // the setting's default, not used
        h.Record(61, 12000, countInBars: 1);
        Assert.True(h.RunUntil(c => c.State == BoxState.Recording, 2000), h.Log());
        h.Board.SimulatedCard.StallEveryNthWrite = 1;
        h.Board.SimulatedCard.StallMicroseconds = 70_000;
        h.Step();
        h.Board.SimulatedCard.StallEveryNthWrite = 0;
        h.Run(100);
        Assert.Equal(lost, h.Board.Audio!.Overruns > 0);
        Assert.Equal(lost, h.Controller.CaptureOverruns > 0);
        Assert.Equal(lost, h.Server.Notices().Any(n => n.Code == NoticeCode.CaptureOverrun));
        Assert.Equal(1, h.Controller.PipelineUnderruns); // 70 ms is beyond the 3-block pipeline either way
    }
}
