using Octomix.Box;
using Octomix.Desk.Engine;
using Octomix.Desk.Sessions;
using Octomix.Drivers.Click;
using Octomix.Hal;
using Octomix.Protocol;

namespace Octomix.Console.Tests;

/// <summary>The engine's small parts: byte ranges, the timeline arithmetic, readiness, the spool, playback conversion.</summary>
public class EnginePartsTests
{
    [Fact]
    public void ByteRangesMergeAndReportWhatIsMissing()
    {
        var set = new ByteRangeSet();
        Assert.Equal(100, set.Add(100, 200));
        Assert.Equal(100, set.Add(300, 400));
        Assert.Equal(50, set.Add(150, 250)); // overlaps: only the new bytes count
        Assert.Equal(50, set.Add(250, 300)); // touching on both sides: one range
        Assert.Equal(1, set.RangeCount);
        Assert.Equal(300, set.Count);
        Assert.Equal(0, set.Add(120, 380));
        Assert.True(set.Contains(100, 400));
        Assert.False(set.Contains(99, 400));
        Assert.Equal([new ByteRange(0, 100), new ByteRange(400, 500)], set.Missing(0, 500));
        set.Remove(200, 210);
        Assert.Equal([new ByteRange(200, 210)], set.Missing(100, 400));
        Assert.Equal(290, set.Count);
        Assert.Equal(290, set.CountIn(0, 1000));
        Assert.Throws<ArgumentOutOfRangeException>(() => set.Add(10, 5));
    }

    [Theory]
    [InlineData(12000, 4, 4, 1)]
    [InlineData(9700, 4, 4, 2)]
    [InlineData(14000, 6, 8, 1)]
    [InlineData(3000, 3, 4, 0)]
    public void TheConsoleComputesTheBoxesTimeline(int tempo, int beats, int unit, int countIn)
    {
        var math = new TakeTimelineMath(48000, tempo, beats, countIn);
        var click = new ClickGenerator(new PcmFormat(48000, 2, 2), ClickSound.Beep, 100);
        click.Configure(tempo, beats, unit, countIn);
        Assert.Equal(click.CountInFrames, math.CountInFrames);
        for (long n = -9; n < 40; n++)
        {
            Assert.Equal(click.BeatStart(n), math.BeatStart(n));
            Assert.Equal(n, math.NearestBeat(math.BeatStart(n)));
            Assert.Equal(n, math.NearestBeat(math.BeatStart(n) + 3));
        }

        var timeline = new TakeTimeline();
        timeline.Set(7, click.CountInFrames, 24000, 805, 0, 0, true, 48000);
        Assert.Equal(timeline.FirstSampleIndex, math.FirstSampleIndex(805));
        Assert.Equal(805, math.LatencyFromFirstSample(timeline.FirstSampleIndex));
    }

    [Theory]
    [InlineData("14:03:07.000", 200, (50_587_200 * 48L) + 24000 + 96000)] // midday: now + start delay + pre-roll + count-in
    [InlineData("23:59:58.500", 200, 4_147_137_600 + 24000 + 96000)]         // the count-in crosses midnight: past one day
    [InlineData("23:59:59.900", 200, 4800 + 24000 + 96000)]                   // the files start after midnight: today's clock
    [InlineData("23:59:59.800", 200, 0 + 24000 + 96000)]                      // the files start on the stroke of midnight
    [InlineData("00:00:00.500", 200, 33600 + 24000 + 96000)]                  // just after midnight
    public void TheOriginNeverGivesANegativeTimeReference(string timeOfDay, int startDelayMs, long expectedOrigin)
    {
        var math = new TakeTimelineMath(48000, 12000, 4, 1); // count-in: 4 beats at 120 BPM = 96000 frames
        Assert.Equal(96000, math.CountInFrames);
        var now = TimeSpan.Parse(timeOfDay, System.Globalization.CultureInfo.InvariantCulture);
        long origin = math.ChooseOrigin(now, startDelayMs);
        Assert.Equal(expectedOrigin, origin);

        // The files start the start delay after now: that time of day is the TimeReference, always in one day.
        long reference = math.TimeReference(origin);
        long filesStart = (long)Math.Round((now.TotalSeconds + (startDelayMs / 1000.0)) * 48000) % math.SamplesPerDay;
        Assert.Equal(filesStart, reference);
        Assert.InRange(reference, 0, math.SamplesPerDay - 1);

        // The box computes the same TimeReference for every round trip (decision 1), even past one day.
        foreach (int latency in new[] { 37, 805, 8000 })
        {
            var timeline = new TakeTimeline();
            timeline.Set(9, math.CountInFrames, 24000, latency, 0, origin, true, 48000);
            Assert.Equal(math.FirstSampleIndex(latency), timeline.FirstSampleIndex);
            Assert.Equal(reference, timeline.TimeReference);
        }
    }

    [Fact]
    public void AtEveryTimeOfDayTheTimeReferenceIsWhenTheFilesStart()
    {
        var math = new TakeTimelineMath(44100, 9700, 3, 2);
        for (long ms = 0; ms < 86_400_000; ms += 997)
        {
            var now = TimeSpan.FromMilliseconds(ms);
            long origin = math.ChooseOrigin(now, 350);
            long reference = math.TimeReference(origin);
            Assert.Equal(((ms + 350) * 44100 / 1000) % math.SamplesPerDay, reference);
            Assert.InRange(origin, math.PreRollFrames + math.CountInFrames, math.SamplesPerDay + math.PreRollFrames + math.CountInFrames - 1);
        }
    }

    [Fact]
    public void ReadinessNamesEveryMissingIndicator()
    {
        long now = 10_000_000;
        BoxStatusSnapshot Status(byte state, byte flags, int latency = 805, long heard = 9_900_000) =>
            new(0, heard, state, flags, 20, 255, latency, 1000, 900, 0, 0, 50, 0, 0, 0, 10, 40, 0);
        const byte all = StatusFlags.SdCardOk | StatusFlags.SdFastEnough | StatusFlags.Calibrated;

        var ready = BoxReadiness.Evaluate(Status(BoxStateCode.Ready, all), now, 24000);
        Assert.True(ready.Ready);
        Assert.Empty(ready.Reasons);
        Assert.True(BoxReadiness.Evaluate(Status(BoxStateCode.Jamming, all), now, 24000).Ready);

        Assert.Equal(["no box"], BoxReadiness.Evaluate(null, now, 24000).Reasons);
        Assert.Equal(["not heard for 3.0 s"], BoxReadiness.Evaluate(Status(BoxStateCode.Ready, all, heard: 7_000_000), now, 24000).Reasons);
        Assert.Equal(["no SD card", "not calibrated"], BoxReadiness.Evaluate(Status(BoxStateCode.Ready, StatusFlags.SdFastEnough, latency: -1), now, 24000).Reasons);
        Assert.Equal(["SD card full"], BoxReadiness.Evaluate(Status(BoxStateCode.Ready, all | StatusFlags.SdFull), now, 24000).Reasons);
        Assert.Equal(["SD card too slow (900 KB/s)"], BoxReadiness.Evaluate(Status(BoxStateCode.Ready, StatusFlags.SdCardOk | StatusFlags.Calibrated), now, 24000).Reasons);
        Assert.Equal(["calibrating"], BoxReadiness.Evaluate(Status(BoxStateCode.Calibrating, StatusFlags.SdCardOk | StatusFlags.SdFastEnough, latency: -1), now, 24000).Reasons);
        Assert.Equal(["round trip 30000 samples is longer than the pre-roll"], BoxReadiness.Evaluate(Status(BoxStateCode.Ready, all, latency: 30000), now, 24000).Reasons);
        Assert.Equal(["recording"], BoxReadiness.Evaluate(Status(BoxStateCode.Recording, all), now, 24000).Reasons);
        Assert.Equal(["error 0"], BoxReadiness.Evaluate(Status(BoxStateCode.Error, all), now, 24000).Reasons);
    }

    [Fact]
    public void TheSpoolKeepsOnlyRangesItsFileHolds()
    {
        string path = Path.Combine(ExportToolRunner.TempDirectory(), "spool", "t.pcm");
        using (var spool = new StreamSpool(path, []))
        {
            Assert.Equal(4, spool.Write(100, new byte[] { 1, 2, 3, 4 }));
            Assert.Equal(0, spool.Write(100, new byte[] { 1, 2, 3, 4 }));
            Assert.Equal([new ByteRange(0, 100), new ByteRange(104, 200)], spool.Missing(200));
            Assert.NotNull(spool.TakeChangedRanges());
            Assert.Null(spool.TakeChangedRanges()); // nothing new since
            spool.FlushToDisk();
        }

        // a record claiming more than the file holds (ranges saved, file lost its tail) is cut to the file
        using (var spool = new StreamSpool(path, [new ByteRange(100, 104), new ByteRange(150, 400)]))
        {
            Assert.Equal(4, spool.PresentBytes);
            var (a, b) = spool.Checksum(100, 4);
            var reference = new TakeChecksum();
            reference.Update([1, 2, 3, 4], 0, 4);
            Assert.Equal((reference.A, reference.B), (a, b));
        }
    }

    [Fact]
    public void PlaybackConvertsTheMixToEachBoxsFormat()
    {
        // two stereo s24 frames: (0x123456, -0x100), (0x7FFFFF, -0x800000)
        byte[] mix = [0x56, 0x34, 0x12, 0x00, 0xFF, 0xFF, 0xFF, 0xFF, 0x7F, 0x00, 0x00, 0x80];
        var s16 = new byte[8];
        PlaybackStreamer.Convert(mix, 2, 3, s16, 2, SampleFormat.S16);
        Assert.Equal([0x34, 0x12, 0xFF, 0xFF, 0xFF, 0x7F, 0x00, 0x80], s16); // rounded to 16 bits, clamped
        var mono24 = new byte[6];
        PlaybackStreamer.Convert(mix, 2, 3, mono24, 1, SampleFormat.S24);
        Assert.Equal([0xAB, 0x19, 0x09, 0xFF, 0xFF, 0xFF], mono24); // (L + R) / 2
        var stereo16From16 = new byte[8];
        byte[] mix16 = [0x34, 0x12, 0xCC, 0xED, 0xFF, 0x7F, 0x00, 0x80];
        PlaybackStreamer.Convert(mix16, 2, 2, stereo16From16, 2, SampleFormat.S16);
        Assert.Equal(mix16, stereo16From16); // the same format passes through unchanged
    }
}
