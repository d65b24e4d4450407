namespace Octomix.Console.Tests;

/// <summary>
/// A ramp that encodes its own sample index (8 steps per sample, wrapping every 8192 samples),
/// and a checker that the decoded output positions advance by about one per output frame: a
/// dropped frame shows as +2, a repeated one as 0. Frames whose 4 interpolation taps straddle
/// the ramp's wrap carry no position and are skipped.
/// </summary>
internal sealed class RampPositionChecker
{
    public const int Steps = 8;      // ramp steps per sample: 1/8-sample resolution
    public const int Period = 8192;  // ramp wraps every 8192 samples (65536 / 8)

    private long _trustedFrame = -1;
    private double _trusted;
    private readonly List<(long Frame, double Position)> _samples = [];

    public List<string> Errors { get; } = [];

    /// <summary>s16 value encoding musical position m.</summary>
    public static long Value(long m) => ((((m % Period) + Period) % Period) * Steps) - 32768;

    /// <summary>Position (mod <see cref="Period"/>) encoded by an output value.</summary>
    public static double Decode(short value) => (value + 32768) / (double)Steps;

    public long Checked { get; private set; }

    public void Next(long frame, double position)
    {
        if (_trustedFrame < 0)
        {
            _trustedFrame = frame;
            _trusted = position;
            return;
        }

        long gap = frame - _trustedFrame;
        double expected = _trusted + gap;
        double expectedMod = ((expected % Period) + Period) % Period;
        if (expectedMod < 3 || expectedMod > Period - 3)
        {
            return; // the 4 taps straddle the ramp's wrap: value meaningless, check the next one
        }

        double advance = Wrap(position - _trusted);
        // Rate is within ±0.2 %: over a gap of a few frames the advance is gap ± 0.01; a drop or a repeat is ±1.
        if (Math.Abs(advance - gap) > 0.3 + (gap * 0.0025))
        {
            if (Errors.Count < 20)
            {
                Errors.Add($"frame {frame}: advanced {advance:F3} in {gap} frames");
            }
        }

        _trustedFrame = frame;
        _trusted = position;
        Checked++;
        if (frame % 4801 == 0)
        {
            _samples.Add((frame, position));
        }
    }

    public bool AlignedWith(RampPositionChecker other)
    {
        var theirs = other._samples.ToDictionary(s => s.Frame, s => s.Position);
        int compared = 0;
        foreach (var (frame, position) in _samples)
        {
            if (theirs.TryGetValue(frame, out double their))
            {
                compared++;
                if (Math.Abs(Wrap(position - their)) > 0.3)
                {
                    return false;
                }
            }
        }

        return compared > 1000;
    }

    private static double Wrap(double d)
    {
        d %= Period;
        if (d > Period / 2)
        {
            d -= Period;
        }
        else if (d < -Period / 2)
        {
            d += Period;
        }

        return d;
    }
}
