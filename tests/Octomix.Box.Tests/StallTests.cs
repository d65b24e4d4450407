using Octomix.Box;
using Octomix.Protocol;
using Xunit.Abstractions;

namespace Octomix.Box.Tests;

/// <summary>
/// Card write stalls block the loop (one thread, blocking SD writes). The DMA buffers bridge
/// them: a stall shorter than the playback pipeline changes nothing (the click stays on its
/// samples, L stays valid); a longer one makes the click DAC run dry, which the box notices and
/// answers with a new calibration; one longer than the capture buffer loses audio, which the
/// box flags (Status, Notice).
/// </summary>
public class StallTests
{
    private readonly ITestOutputHelper output;

    public StallTests(ITestOutputHelper output)
    {
        this.output = output;
    }

    [Fact]
    public void StallsShorterThanThePipelineLeaveTheTakeExactlyOnTheGrid()
    {
        using var h = new BoxHarness(o => o.ClockPpm = 80, extraSettings: "prefill_blocks = 8");
        h.JoinAndCalibrate();
        int l = h.Controller.LatencyFrames;
        h.Board.SimulatedCard.StallEveryNthWrite = 97;
        h.Board.SimulatedCard.StallMicroseconds = 30_000; // 30 ms; the pipeline holds 7 x 5.33 = 37 ms
        h.Record(51, 9700, countInBars: 1);
        Assert.True(h.RunUntil(c => c.State == BoxState.Recording, 2000), h.Log());
        h.RunUntil(c => c.Timeline.TakeIndexAt(c.Position) > 8 * 29691, 100000);
        h.Stop(51);
        Assert.True(h.RunUntil(c => c.State == BoxState.Ready, 5000), h.Log());
        Assert.Equal(0, h.Board.Audio!.Underruns);
        Assert.Equal(0, h.Board.Audio.Overruns);
        Assert.Equal(0, h.Controller.PipelineUnderruns);
        Assert.Equal(0, h.Controller.CaptureOverruns);
        Assert.Equal(l, h.Controller.LatencyFrames);
        output.WriteLine($"{h.Board.SimulatedCard.Writes} card writes, every 97th stalled 30 ms");
        Assert.Equal(0, Grid.WorstError(h, 9700, l, out int notes));
        Assert.True(notes >= 12);
    }

    [Fact]
    public void AStallLongerThanThePipelineIsNoticedAndTheBoxCalibratesAgainAfterTheTake()
    {
        using var h = new BoxHarness(extraSettings: "prefill_blocks = 3");
        h.JoinAndCalibrate();
        int before = h.Controller.LatencyFrames;
        h.Record(52, 12000, countInBars: 1);
        Assert.True(h.RunUntil(c => c.State == BoxState.Recording, 2000), h.Log());
        h.Board.SimulatedCard.StallEveryNthWrite = 1;
        h.Board.SimulatedCard.StallMicroseconds = 30_000; // 30 ms against 2 x 5.33 ms
        h.Step();
        h.Board.SimulatedCard.StallEveryNthWrite = 0;
        h.Run(100);
        Assert.True(h.Board.Audio!.Underruns > 0, "the simulated DAC ran dry");
        Assert.Equal(1, h.Controller.PipelineUnderruns);
        Assert.Equal(BoxState.Recording, h.Controller.State); // the take goes on
        Assert.Contains("longer than the playback pipeline: the click moved during take 52", h.Log(), StringComparison.Ordinal);
        h.Stop(52);
        Assert.True(h.RunUntil(c => c.LastEvent == BoxEvent.PipelineStall, 3000), h.Log());
        Assert.True(h.RunUntil(c => c.State == BoxState.Ready, 3000), h.Log());
        output.WriteLine($"L before the stall {before}, after {h.Controller.LatencyFrames}");
        Assert.True(h.Controller.LatencyFrames > before);
        Assert.Equal(0, h.Board.Audio.Overruns);
    }

    [Fact]
    public void AStallLongerThanTheCaptureBufferLosesAudioAndIsFlagged()
    {
        using var h = new BoxHarness(o => o.CaptureBufferBlocks = 8, extraSettings: "prefill_blocks = 3\ncapture_buffer_blocks = 8");
        h.JoinAndCalibrate();
        h.Record(53, 12000, countInBars: 1);
        Assert.True(h.RunUntil(c => c.State == BoxState.Recording, 2000), h.Log());
        h.Board.SimulatedCard.StallEveryNthWrite = 1;
        h.Board.SimulatedCard.StallMicroseconds = 120_000; // 120 ms against 8 x 5.33 ms
        h.Step();
        h.Board.SimulatedCard.StallEveryNthWrite = 0;
        h.Run(200);
        Assert.True(h.Board.Audio!.Overruns > 0, "the simulated capture lost frames");
        Assert.True(h.Controller.CaptureOverruns > 0);
        var notice = h.Server.Notices().Single(n => n.Code == NoticeCode.CaptureOverrun);
        Assert.Equal(53u, notice.TakeId);
        output.WriteLine($"the board lost {h.Board.Audio.FramesLost} frames; the box estimated {notice.Detail} block(s)");
        Assert.Equal((h.Board.Audio.FramesLost + 255) / 256, notice.Detail, 1.0);
        Assert.Equal(StatusFlags.CaptureOverrun, h.Server.Statuses().Last().StatusFlags & StatusFlags.CaptureOverrun);
    }
}

/// <summary>How far the note onsets of the last take, shifted by L, are from the click grid.</summary>
public static class Grid
{
    public static int WorstError(BoxHarness h, int tempoCentiBpm, int latency, out int notes)
    {
        var wav = WavFile.Read(Path.Combine(h.CardFolder, "takes", "take-" + h.Controller.LastTakeId.ToString("D6", System.Globalization.CultureInfo.InvariantCulture) + ".wav"));
        long first = h.Controller.Timeline.FirstSampleIndex;
        var onsets = wav.Onsets(threshold: 1000, quietFrames: 480);
        notes = onsets.Count;
        int worst = 0;
        foreach (long frame in onsets)
        {
            long shifted = first + frame - latency;
            long n = (long)Math.Round(shifted * (double)tempoCentiBpm / (60.0 * 48000 * 100));
            long a = n * 60 * 48000 * 100;
            long grid = a >= 0 ? a / tempoCentiBpm : -((-a + tempoCentiBpm - 1) / tempoCentiBpm);
            worst = Math.Max(worst, (int)Math.Abs(shifted - grid));
        }

        return worst;
    }
}
