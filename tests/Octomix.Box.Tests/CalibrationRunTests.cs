using Octomix.Box;
using Octomix.Hal;

namespace Octomix.Box.Tests;

/// <summary>
/// Calibration as a part on its own (the box's use of it: CalibrationTests, StallTests): a fake
/// codec that records its routing, and the test loopback of CalibrationTests in place of the
/// analog path — what the run plays at position p comes back at p + delay. 48 kHz 16-bit stereo,
/// blocks of 256 frames, a pre-roll of 2,000 frames.
/// </summary>
public class CalibrationRunTests
{
    private const int Block = 256;
    private const int PreRoll = 2000;
    private static readonly PcmFormat Format = new(48000, 2, 2);

    private readonly FakeCodec codec = new();
    private readonly List<(LogLevel Level, string Text)> lines = new();
    private readonly CalibrationRun run;
    private long position;

    public CalibrationRunTests()
    {
        run = new CalibrationRun(Format, Block, PreRoll, codec, new RoomLinkTests.ListLog(lines));
    }

    /// <summary>Blocks through the loopback until the run answers something other than Going (or the blocks run out).</summary>
    private int Drive(int delay, bool silent = false, int maxBlocks = 2000)
    {
        var loop = new CalibrationTests.Loopback(Format, Block);
        for (int i = 0; i < maxBlocks; i++)
        {
            var output = new byte[Block * Format.FrameBytes];
            run.FillOutput(output, position);
            if (!silent)
            {
                loop.Write(output, position, delay);
            }

            int result = run.OnCapture(loop.Read(position), position);
            position += Block;
            if (result != CalibrationRun.Going)
            {
                return result;
            }
        }

        return CalibrationRun.Going;
    }

    [Fact]
    public void EnterRoutesTheClickIntoTheCaptureAndTheRunMeasuresLToTheFrame()
    {
        Assert.Equal(-1, run.LatencyFrames);
        run.Enter(position);
        Assert.True(codec.Routing);
        Assert.Equal(CalibrationRun.Measured, Drive(777));
        Assert.Equal(777, run.LatencyFrames);
        Assert.Equal(0, run.FailureReason);
        Assert.Equal(2, run.Calibrator.MeasurementCount); // two measurements agreed
        Assert.StartsWith("L = 777 frames (16 ms) in 2 measurements", run.Describe(CalibrationRun.Measured), StringComparison.Ordinal);
        Assert.Equal(CalibrationRun.Going, run.Turn()); // no codec fault to answer

        run.Exit();
        Assert.False(codec.Routing);
        Assert.False(run.Calibrator.IsActive);
        Assert.Equal(777, run.LatencyFrames); // the box keeps its L after the run
    }

    [Fact]
    public void NoPulseHeardFailsAndLeavesTheBoxWithoutAnL()
    {
        run.Enter(position);
        Assert.Equal(CalibrationRun.Measured, Drive(300));
        run.Exit();

        run.Enter(position);
        Assert.Equal(CalibrationRun.Failed, Drive(300, silent: true));
        Assert.Equal(Calibrator.ReasonNoPulse, run.FailureReason);
        Assert.Equal(-1, run.LatencyFrames);
        Assert.Equal(Calibrator.DescribeReason(Calibrator.ReasonNoPulse), run.Describe(CalibrationRun.Failed));
    }

    [Fact]
    public void ACodecThatDoesNotSwitchTheRoutingIsAnsweredByTheNextTurnOnce()
    {
        run.Enter(position);
        Assert.Equal(CalibrationRun.Measured, Drive(300));
        run.Exit();

        codec.FailRouting = true;
        run.Enter(position); // inside the box's transition: no answer yet
        Assert.False(run.Calibrator.IsActive);
        Assert.Equal(CalibrationRun.Going, Drive(300, maxBlocks: 20)); // the calibrator never started
        Assert.Equal(CalibrationRun.Failed, run.Turn());
        Assert.Equal(Calibrator.ReasonCodec, run.FailureReason);
        Assert.Equal(-1, run.LatencyFrames);
        Assert.Contains(lines, l => l.Level == LogLevel.Error && l.Text == "codec: routing refused");
        Assert.Equal(CalibrationRun.Going, run.Turn()); // answered once

        run.Exit(); // the routing cannot be switched back either: logged, not thrown
        Assert.Equal(2, lines.Count(l => l.Level == LogLevel.Error));
    }

    [Fact]
    public void AStallMakesACalibrationDueOnlyWhenTheBoxHasAnLAndEnterClearsIt()
    {
        Assert.Equal(CalibrationRun.Unaffected, run.PipelineRanDry(false, false, 0, 90_000));
        Assert.False(run.IsDue);
        Assert.Empty(lines);

        run.Enter(position);
        Assert.Equal(CalibrationRun.Measured, Drive(300));
        run.Exit();
        Assert.Equal(CalibrationRun.Due, run.PipelineRanDry(false, true, 7, 90_000));
        Assert.True(run.IsDue);
        Assert.Contains(lines, l => l.Level == LogLevel.Warning && l.Text.Contains("90 ms", StringComparison.Ordinal)
            && l.Text.EndsWith("during take 7; the box calibrates again after the take", StringComparison.Ordinal));

        run.Enter(position);
        Assert.False(run.IsDue);
    }

    [Fact]
    public void AStallDuringTheRunDropsItsMeasurementAndTheRunStillMeasuresTheNewPipeline()
    {
        run.Enter(position);
        Assert.Equal(CalibrationRun.Going, Drive(300, maxBlocks: 12)); // one measurement under way
        Assert.Equal(CalibrationRun.Disturbed, run.PipelineRanDry(true, false, 0, 120_000));
        Assert.False(run.IsDue); // the run under way is the calibration
        Assert.Contains(lines, l => l.Text == "the loop stalled 120 ms during calibration: the measurement is dropped");

        Assert.Equal(CalibrationRun.Measured, Drive(300 + Block));
        Assert.Equal(300 + Block, run.LatencyFrames);
        Assert.True(run.Calibrator.DisturbedCount >= 1);
    }

    [Fact]
    public void ForgetDropsTheLSoAStallNoLongerMakesACalibrationDue()
    {
        run.Enter(position);
        Assert.Equal(CalibrationRun.Measured, Drive(300));
        run.Exit();
        run.Forget();
        Assert.Equal(-1, run.LatencyFrames);
        Assert.Equal(CalibrationRun.Unaffected, run.PipelineRanDry(false, false, 0, 90_000));
        Assert.False(run.IsDue);
    }

    /// <summary>A codec that records the routing and can refuse to switch it.</summary>
    private sealed class FakeCodec : IAudioCodec
    {
        public bool Routing { get; private set; }

        public bool FailRouting { get; set; }

        public bool IsInitialized => true;

        public string LastError { get; private set; } = string.Empty;

        public BusStatus Configure(int bitsPerSample, int clickLevelPercent) => BusStatus.Ok;

        public BusStatus SetClickVolume(int levelPercent) => BusStatus.Ok;

        public BusStatus SetCalibrationRouting(bool on)
        {
            if (FailRouting)
            {
                LastError = "routing refused";
                return BusStatus.DataNack;
            }

            Routing = on;
            return BusStatus.Ok;
        }

        public BusStatus PowerDown() => BusStatus.Ok;
    }
}
