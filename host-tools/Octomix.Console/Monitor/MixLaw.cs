namespace Octomix.Desk.Monitor;

/// <summary>
/// The gain laws shared by the live monitor and the exported mix, so the file sounds like what
/// the engineer heard: fader in dB, constant-power pan of a mono voice.
/// </summary>
public static class MixLaw
{
    /// <summary>Faders at or below this are off (gain exactly 0).</summary>
    public const double FaderOffDb = -120;

    /// <summary>Highest fader setting.</summary>
    public const double FaderMaxDb = 12;

    /// <summary>Linear gain of a fader setting: 10^(dB/20), 0 at or below <see cref="FaderOffDb"/>.</summary>
    public static double FaderGain(double db)
    {
        ValidateFader(db);
        return db <= FaderOffDb ? 0 : Math.Pow(10, db / 20);
    }

    /// <summary>
    /// Constant-power pan: θ = (pan + 1)·π/4, left = cos θ, right = sin θ. Centre is −3 dB on each
    /// side; hard left/right are exactly (1, 0) and (0, 1).
    /// </summary>
    public static (double Left, double Right) PanGains(double pan)
    {
        ValidatePan(pan);
        if (pan <= -1)
        {
            return (1, 0);
        }

        if (pan >= 1)
        {
            return (0, 1);
        }

        double theta = (pan + 1) * Math.PI / 4;
        return (Math.Cos(theta), Math.Sin(theta));
    }

    /// <summary>Whether a track is heard: not muted, and soloed when any track is soloed.</summary>
    public static bool IsAudible(bool mute, bool solo, bool anySolo) => !mute && (!anySolo || solo);

    public static void ValidateFader(double db)
    {
        if (double.IsNaN(db) || db > FaderMaxDb)
        {
            throw new ArgumentOutOfRangeException(nameof(db), db, $"fader must be a number up to +{FaderMaxDb} dB (-infinity = off)");
        }
    }

    public static void ValidatePan(double pan)
    {
        if (double.IsNaN(pan) || pan < -1 || pan > 1)
        {
            throw new ArgumentOutOfRangeException(nameof(pan), pan, "pan must be between -1 (left) and +1 (right)");
        }
    }
}

/// <summary>Peak and RMS of a signal over a metering period, linear (1.0 = full scale).</summary>
public readonly record struct MeterReading(double Peak, double Rms)
{
    public double PeakDbfs => ToDb(Peak);

    public double RmsDbfs => ToDb(Rms);

    private static double ToDb(double value) => value <= 0 ? double.NegativeInfinity : 20 * Math.Log10(value);
}

/// <summary>Accumulates peak and sum of squares between two reads of a meter.</summary>
internal struct MeterAccumulator
{
    private double _peak;
    private double _sumSquares;
    private long _count;

    public void Add(double peak, double sumSquares, long count)
    {
        if (peak > _peak)
        {
            _peak = peak;
        }

        _sumSquares += sumSquares;
        _count += count;
    }

    public MeterReading ReadAndReset()
    {
        var reading = new MeterReading(_peak, _count == 0 ? 0 : Math.Sqrt(_sumSquares / _count));
        this = default;
        return reading;
    }
}
