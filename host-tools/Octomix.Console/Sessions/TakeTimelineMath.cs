namespace Octomix.Desk.Sessions;

/// <summary>
/// The take's timeline as every box computes it (docs/box.md, decision 1), so the console knows
/// without asking where each box's file starts: beat n at
/// <c>floor(n · 60 · rate · 100 / tempoCentiBpm)</c>, the count-in before take index 0, a fixed
/// pre-roll of half a second before that, and a box with round trip L starting its file and
/// stream at <c>F = −countIn − preRoll + L</c>.
/// </summary>
public readonly record struct TakeTimelineMath(int SampleRate, int TempoCentiBpm, int BeatsPerBar, int CountInBars)
{
    /// <summary>The box's fixed pre-roll: half a second (BoxController.PreRollMilliseconds).</summary>
    public long PreRollFrames => SampleRate / 2;

    /// <summary>Frames of the count-in: take index 0 is the downbeat after it.</summary>
    public long CountInFrames => -BeatStart(-(long)CountInBars * BeatsPerBar);

    /// <summary>Where a box with round trip <paramref name="latencySamples"/> starts its file: F.</summary>
    public long FirstSampleIndex(int latencySamples) => -CountInFrames - PreRollFrames + latencySamples;

    /// <summary>
    /// The Record's origin — where take sample 0 falls, in samples since midnight — for a Record
    /// sent at <paramref name="localTimeOfDay"/> with a start delay of
    /// <paramref name="startDelayMilliseconds"/>. The files start the start delay after now, at
    /// TimeReference = origin − countIn − preRoll, and take sample 0 follows pre-roll and count-in
    /// later. Midnight is the one before the files start: when the count-in crosses it, the
    /// origin runs past one day (the previous day's clock, "24:00:01") instead of wrapping to a
    /// small number, so the TimeReference is never negative and is still the true time of day
    /// at which the files start (just before midnight). Range: preRoll + countIn ≤ origin &lt;
    /// one day + preRoll + countIn.
    /// </summary>
    public long ChooseOrigin(TimeSpan localTimeOfDay, int startDelayMilliseconds)
    {
        long day = SamplesPerDay;
        long now = localTimeOfDay.Ticks * SampleRate / TimeSpan.TicksPerSecond;
        long filesStart = (now + ((long)startDelayMilliseconds * SampleRate / 1000)) % day;
        return filesStart + PreRollFrames + CountInFrames;
    }

    /// <summary>The stems' and card files' bext TimeReference for <paramref name="origin"/>: origin − countIn − preRoll.</summary>
    public long TimeReference(long origin) => origin - CountInFrames - PreRollFrames;

    /// <summary>Samples in 24 hours at the session's rate.</summary>
    public long SamplesPerDay => 86400L * SampleRate;

    /// <summary>The round trip a box's F implies (F + countIn + preRoll).</summary>
    public int LatencyFromFirstSample(long firstSampleIndex) => (int)(firstSampleIndex + CountInFrames + PreRollFrames);

    /// <summary>First frame of beat n (a true floor for the negative count-in beats).</summary>
    public long BeatStart(long n) => FloorDiv(n * 60L * SampleRate * 100L, TempoCentiBpm);

    /// <summary>The beat whose grid point is nearest to take index <paramref name="takeIndex"/>.</summary>
    public long NearestBeat(long takeIndex)
    {
        long n = FloorDiv(takeIndex * (long)TempoCentiBpm, 60L * SampleRate * 100L);
        long best = n;
        for (long k = n - 1; k <= n + 2; k++)
        {
            if (Math.Abs(takeIndex - BeatStart(k)) < Math.Abs(takeIndex - BeatStart(best)))
            {
                best = k;
            }
        }

        return best;
    }

    private static long FloorDiv(long a, long b) => a >= 0 ? a / b : -((-a + b - 1) / b);
}
