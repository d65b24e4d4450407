namespace Octomix.Desk.Monitor;

/// <summary>
/// The monitor's master-bus safety limiter: stereo-linked, instant attack, exponential release.
/// Per frame the envelope is the larger of the frame's peak (|left|, |right|) and the previous
/// envelope decayed by the release; above the ceiling the frame is scaled by ceiling / envelope,
/// so no output sample exceeds the ceiling and both channels get the same gain (the image does
/// not move). Below the ceiling the gain is exactly 1: a mix that fits passes bit for bit.
/// </summary>
/// <remarks>
/// Why a limiter rather than a master gain that falls with the number of tracks: the monitor's
/// tracks are musicians playing on the same click, so their onsets add in amplitude, not in
/// power (four boxes on the downbeat are +12 dB, a 1/√N gain takes off 6); and a gain that
/// depends on how many tracks are unmuted would change the level of every track when one is
/// soloed or muted. The limiter leaves the faders meaning what they say and acts only on overs;
/// its gain reduction is metered (<see cref="MonitorStatus.MaxGainReductionDb"/>,
/// <see cref="MonitorMixer.ReadGainReductionDb"/>) so the engineer sees when to pull the faders
/// down. No look-ahead: it would delay the monitor; the price is that the rising edge of the
/// first over is held at the ceiling for the few samples before the envelope has it.
/// </remarks>
public sealed class MasterLimiter
{
    private readonly double _ceiling;
    private readonly double _release;
    private double _envelope;
    private double _minGainSinceRead = 1;

    /// <param name="sampleRate">Frames per second.</param>
    /// <param name="ceilingDb">Largest output level, dBFS (≤ 0).</param>
    /// <param name="release">Time constant of the gain's return towards 1.</param>
    public MasterLimiter(int sampleRate, double ceilingDb, TimeSpan release)
    {
        if (sampleRate <= 0 || !(ceilingDb <= 0 && ceilingDb >= -24) || release <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(ceilingDb), "the limiter needs a sample rate, a ceiling of -24..0 dBFS and a positive release");
        }

        CeilingDb = ceilingDb;
        _ceiling = Math.Pow(10, ceilingDb / 20);
        _release = Math.Exp(-1 / (release.TotalSeconds * sampleRate));
    }

    public double CeilingDb { get; }

    /// <summary>Largest output sample, full scale = 1.</summary>
    public double Ceiling => _ceiling;

    /// <summary>Frames whose gain was below 1.</summary>
    public long LimitedFrames { get; private set; }

    /// <summary>The deepest gain reduction so far, dB (0 = never limited).</summary>
    public double MaxGainReductionDb { get; private set; }

    /// <summary>Limits one block in place (interleaving-free: one span per channel, same length).</summary>
    public void Process(Span<float> left, Span<float> right)
    {
        double minGain = 1;
        for (int j = 0; j < left.Length; j++)
        {
            double gain = NextGain(Math.Max(Math.Abs(left[j]), Math.Abs(right[j])));
            if (gain < 1)
            {
                left[j] = (float)(left[j] * gain);
                right[j] = (float)(right[j] * gain);
                minGain = Math.Min(minGain, gain);
            }
        }

        Account(minGain);
    }

    /// <summary>The same for a double-precision bus (the benchmark's scalar yardstick).</summary>
    public void Process(Span<double> left, Span<double> right)
    {
        double minGain = 1;
        for (int j = 0; j < left.Length; j++)
        {
            double gain = NextGain(Math.Max(Math.Abs(left[j]), Math.Abs(right[j])));
            if (gain < 1)
            {
                left[j] *= gain;
                right[j] *= gain;
                minGain = Math.Min(minGain, gain);
            }
        }

        Account(minGain);
    }

    /// <summary>The deepest gain reduction since the last call, dB (a meter's reading), then reset.</summary>
    public double ReadGainReductionDb()
    {
        double gain = _minGainSinceRead;
        _minGainSinceRead = 1;
        return gain >= 1 ? 0 : -20 * Math.Log10(gain);
    }

    private double NextGain(double peak)
    {
        double decayed = _envelope * _release;
        _envelope = peak > decayed ? peak : decayed;
        if (_envelope <= _ceiling)
        {
            return 1;
        }

        LimitedFrames++;
        return _ceiling / _envelope;
    }

    private void Account(double minGain)
    {
        if (minGain < 1)
        {
            _minGainSinceRead = Math.Min(_minGainSinceRead, minGain);
            MaxGainReductionDb = Math.Max(MaxGainReductionDb, -20 * Math.Log10(minGain));
        }
    }
}
