namespace Octomix.Desk.Monitor;

/// <summary>
/// Decides the fate of a track's frames just before they are played: a frame with data is played
/// as is; a frame still missing is concealed by repeating the previous pitch period, then faded
/// to silence. Also counts what it had to do.
/// </summary>
/// <remarks>
/// <para>Concealment of one missing run: the period <c>W</c> (2.5–15 ms) is the lag with the best
/// normalised correlation between the last 5 ms and the audio one lag earlier, so the repeat
/// continues the waveform (the idea of ITU-T G.711 Appendix I, much simplified). The run is the
/// periodic extension <c>y[i] = x[s − W + i mod W]</c>; the step at each junction is removed by
/// an offset that decays over a few frames. Full level for <see cref="HoldFrames"/>, a linear
/// fade over <see cref="FadeFrames"/>, then silence: at most Hold + Fade frames of invented
/// audio per run (40 ms by default), never more.</para>
/// <para>When data returns, the first <see cref="RecoveryFrames"/> frames crossfade from the
/// continued concealment into the real audio, so neither edge of a gap clicks.</para>
/// <para>Frames before a track's start or after its end are silence and not counted.</para>
/// </remarks>
internal sealed class PacketLossConcealer
{
    private const int CorrelationFrames = 240;
    private const int MaxJunctionFrames = 64;
    private const int RecoveryFrames = 96;

    private readonly int _minLag;
    private readonly int _maxLag;
    private readonly float[] _history;

    private bool _inRun;
    private long _runStart;
    private int _runLength;
    private int _lag;
    private int _junction;
    private float _delta;
    private bool _recovering;
    private long _recoveryStart;

    public PacketLossConcealer(int sampleRate, int holdFrames, int fadeFrames)
    {
        HoldFrames = holdFrames;
        FadeFrames = fadeFrames;
        _minLag = Math.Max(16, sampleRate / 400);   // 2.5 ms: 400 Hz
        _maxLag = Math.Max(_minLag + 1, sampleRate * 15 / 1000); // 15 ms: 67 Hz
        _history = new float[CorrelationFrames + _maxLag + 1];
    }

    /// <summary>Frames of a missing run played at full level before the fade starts.</summary>
    public int HoldFrames { get; }

    /// <summary>Frames of the fade from full level to silence.</summary>
    public int FadeFrames { get; }

    /// <summary>Most frames of invented audio in one missing run; after that the run is silent.</summary>
    public int MaxConcealedFrames => HoldFrames + FadeFrames;

    /// <summary>Missing frames played as concealment (repeat or fade).</summary>
    public long FramesConcealed { get; private set; }

    /// <summary>Missing frames played as silence because their run outlasted the concealment.</summary>
    public long FramesSilenced { get; private set; }

    /// <summary>Missing runs (each starts with the first frame not there at its playout time).</summary>
    public long Underruns { get; private set; }

    /// <summary>Longest missing run in frames (concealed and silenced together).</summary>
    public long LongestRun { get; private set; }

    /// <summary>
    /// Makes frames [<paramref name="from"/>, <paramref name="to"/>) final. Called with the
    /// buffer's lock held, frames in increasing order across calls.
    /// </summary>
    public void Commit(TimecodeTrackBuffer buffer, long from, long to, bool started, long trackStart, long trackEnd)
    {
        buffer.EnsureWindowLocked(to);
        long t = from;
        while (t < to)
        {
            if (!started || t < trackStart || t >= trackEnd)
            {
                // Outside the take of this track: silence that nobody has to conceal.
                long limit = !started ? to : t < trackStart ? Math.Min(to, trackStart) : to;
                for (; t < limit; t++)
                {
                    if (!buffer.PresentLocked(t))
                    {
                        buffer.SetLocked(t, 0f);
                    }
                }

                _inRun = false;
                _recovering = false;
                continue;
            }

            long inTrackEnd = Math.Min(to, trackEnd);
            if (!_inRun && !_recovering)
            {
                // Fast path: skip over everything that arrived in time.
                t = buffer.NextMissingLocked(t, inTrackEnd);
                if (t >= inTrackEnd)
                {
                    continue;
                }

                StartRun(buffer, t);
            }

            if (_inRun)
            {
                if (buffer.PresentLocked(t))
                {
                    _inRun = false;
                    _recovering = true;
                    _recoveryStart = t;
                    continue;
                }

                float value = Synthesize(buffer, t - _runStart, out bool audible);
                buffer.SetLocked(t, value);
                if (audible)
                {
                    FramesConcealed++;
                }
                else
                {
                    FramesSilenced++;
                }

                _runLength++;
                if (_runLength > LongestRun)
                {
                    LongestRun = _runLength;
                }

                t++;
                continue;
            }

            // Recovering: crossfade from the continued concealment into the returned audio.
            long k = t - _recoveryStart;
            if (k >= RecoveryFrames || !buffer.PresentLocked(t))
            {
                _recovering = false;
                continue;
            }

            float a = (k + 1) / (float)(RecoveryFrames + 1);
            float synth = Synthesize(buffer, t - _runStart, out _);
            buffer.SetLocked(t, (a * buffer.GetLocked(t)) + ((1 - a) * synth));
            t++;
        }
    }

    private void StartRun(TimecodeTrackBuffer buffer, long start)
    {
        _inRun = true;
        _recovering = false;
        _runStart = start;
        _runLength = 0;
        Underruns++;

        // history[i] = x[start - history.Length + i]
        int n = _history.Length;
        for (int i = 0; i < n; i++)
        {
            _history[i] = buffer.GetLocked(start - n + i);
        }

        _lag = FindLag();
        _junction = Math.Min(_lag / 2, MaxJunctionFrames);
        float last = _history[n - 1];
        float beforeRepeat = _history[n - 1 - _lag];
        _delta = last - beforeRepeat;
    }

    /// <summary>The lag in [minLag, maxLag] whose past best matches the last 5 ms.</summary>
    private int FindLag()
    {
        int n = _history.Length;
        int aStart = n - CorrelationFrames;
        double energyA = 0;
        for (int i = 0; i < CorrelationFrames; i++)
        {
            energyA += _history[aStart + i] * (double)_history[aStart + i];
        }

        if (energyA < 1e-12)
        {
            return _minLag;
        }

        int bestLag = _minLag;
        double best = double.NegativeInfinity;
        for (int lag = _minLag; lag <= _maxLag; lag++)
        {
            int bStart = aStart - lag;
            double cross = 0;
            double energyB = 0;
            for (int i = 0; i < CorrelationFrames; i++)
            {
                double b = _history[bStart + i];
                cross += _history[aStart + i] * b;
                energyB += b * b;
            }

            if (energyB < 1e-12)
            {
                continue;
            }

            double score = cross / Math.Sqrt(energyA * energyB);
            if (score > best)
            {
                best = score;
                bestLag = lag;
            }
        }

        return bestLag;
    }

    /// <summary>Concealment value for frame <paramref name="i"/> of the current run.</summary>
    private float Synthesize(TimecodeTrackBuffer buffer, long i, out bool audible)
    {
        float gain;
        if (i < HoldFrames)
        {
            gain = 1f;
        }
        else if (i < HoldFrames + FadeFrames)
        {
            gain = 1f - ((i - HoldFrames + 1) / (float)(FadeFrames + 1));
        }
        else
        {
            audible = false;
            return 0f;
        }

        audible = true;
        int phase = (int)(i % _lag);
        float value = buffer.GetLocked(_runStart - _lag + phase);
        if (phase < _junction)
        {
            value += _delta * (1f - (phase / (float)_junction));
        }

        return value * gain;
    }
}
