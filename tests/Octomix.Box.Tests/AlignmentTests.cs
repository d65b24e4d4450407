using Octomix.Box;
using Octomix.Protocol;
using Xunit.Abstractions;

namespace Octomix.Box.Tests;

/// <summary>
/// The promise of the whole design, end to end on a simulated box: a musician playing exactly
/// on the click they hear is recorded L frames late, the box measures that L through the same
/// loop, and the note onsets in the file, shifted back by the reported L, sit exactly on the
/// integer click grid — with a crystal 80 ppm off, at a tempo whose beat is an integer (120) and
/// one whose beat is not (97 BPM: 29690.72 frames).
/// </summary>
public class AlignmentTests
{
    private readonly ITestOutputHelper output;

    public AlignmentTests(ITestOutputHelper output)
    {
        this.output = output;
    }

    [Theory]
    [InlineData(12000)]
    [InlineData(9700)]
    public void NotesShiftedByTheReportedLatencySitExactlyOnTheClickGrid(int tempoCentiBpm)
    {
        using var h = new BoxHarness(o =>
        {
            o.OutputDelayFrames = 20;
            o.InputDelayFrames = 17; // analog round trip 37 frames
            o.ClockPpm = 80;
            o.HumanSpreadMilliseconds = 0;
        });
        h.JoinAndCalibrate();
        int l = h.Controller.LatencyFrames;
        int pipeline = h.Controller.Loop!.PrefillBlocks * h.Controller.Loop.BlockFrames;
        Assert.Equal(37 + pipeline, l); // the measurement is exact: analog 37 + the constant playback depth

        long origin = 10L * 3600 * 48000; // 10:00:00
        uint id = h.Record(7, tempoCentiBpm, countInBars: 1, startDelayMs: 100, origin: origin);
        Assert.True(h.RunUntil(c => c.State == BoxState.Recording, 2000), h.Log());
        Assert.Equal(AckResult.Ok, h.Server.AckFor(id)!.Result);
        long beat = 60L * 48000 * 100 / tempoCentiBpm;
        h.RunUntil(c => c.Timeline.TakeIndexAt(c.Position) > 8 * beat, 100000);
        h.Stop(7);
        Assert.True(h.RunUntil(c => c.State == BoxState.Ready, 20000), h.Log());

        var wav = WavFile.Read(Path.Combine(h.CardFolder, "takes", "take-000007.wav"));
        long first = h.Controller.Timeline.FirstSampleIndex;
        long countIn = h.Controller.Timeline.CountInFrames;
        Assert.Equal(-countIn - (48000 / 2) + l, first);
        Assert.Equal(origin + first - l, wav.TimeReference);
        Assert.Contains("first=" + first, wav.Description, StringComparison.Ordinal);
        Assert.Contains("latency=" + l, wav.Description, StringComparison.Ordinal);

        var onsets = wav.Onsets(threshold: 1000, quietFrames: 480);
        var instrument = h.Board.Instrument!;
        output.WriteLine($"tempo {tempoCentiBpm / 100.0} BPM, L = {l}, F = {first}, {wav.Frames} frames, {onsets.Count} onsets, musician played {instrument.Notes} notes");
        Assert.True(onsets.Count >= 4 + 8, "count-in and at least 8 beats: " + onsets.Count);
        int worst = 0;
        foreach (long frame in onsets)
        {
            long shifted = first + frame - l; // take index of the musical instant
            long n = (long)Math.Round(shifted * (double)tempoCentiBpm / (60.0 * 48000 * 100));
            long grid = FloorDiv(n * 60 * 48000 * 100, tempoCentiBpm);
            int error = (int)(shifted - grid);
            output.WriteLine($"  onset at file frame {frame}: take index {shifted} = beat {n} {(error == 0 ? "exactly" : "off by " + error)}");
            worst = Math.Max(worst, Math.Abs(error));
        }

        Assert.Equal(0, worst);

        // every beat from the count-in on is there, none twice
        long firstBeat = -countIn * tempoCentiBpm / (60L * 48000 * 100);
        var beats = onsets.Select(f => (long)Math.Round((first + f - l) * (double)tempoCentiBpm / (60.0 * 48000 * 100))).ToList();
        Assert.Equal(beats.Distinct().Count(), beats.Count);
        Assert.Equal(firstBeat, beats[0]);
        Assert.Equal(Enumerable.Range(0, beats.Count).Select(i => firstBeat + i), beats);
    }

    private static long FloorDiv(long a, long b) => a >= 0 ? a / b : -((-a + b - 1) / b);
}
