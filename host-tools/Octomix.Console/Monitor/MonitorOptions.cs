namespace Octomix.Desk.Monitor;

/// <summary>Settings of a <see cref="MonitorMixer"/>; the defaults are the ones docs/monitor-mix.md explains.</summary>
public sealed record MonitorOptions
{
    /// <summary>Sample rate of the session and of the monitor output.</summary>
    public int SampleRate { get; init; } = 48000;

    /// <summary>Ring size per track in frames (power of two; 2^19 = 10.9 s at 48 kHz).</summary>
    public int BufferFrames { get; init; } = TimecodeTrackBuffer.DefaultCapacityFrames;

    /// <summary>Playout delay used until the engine reports link quality for some track.</summary>
    public TimeSpan DefaultPlayoutDelay { get; init; } = TimeSpan.FromMilliseconds(100);

    /// <summary>Lower bound of the automatically chosen playout delay.</summary>
    public TimeSpan MinPlayoutDelay { get; init; } = TimeSpan.FromMilliseconds(20);

    /// <summary>Upper bound of the automatically chosen playout delay.</summary>
    public TimeSpan MaxPlayoutDelay { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Jitter is multiplied by this when the delay is chosen (covers ~all arrivals of a normal spread).</summary>
    public double JitterMultiplier { get; init; } = 4;

    /// <summary>Extra time a retransmission needs beyond one round trip (server hops, scheduling).</summary>
    public TimeSpan NackMargin { get; init; } = TimeSpan.FromMilliseconds(10);

    /// <summary>A gap this close to the newest frame may just be reordering; it is not NACKed yet.</summary>
    public TimeSpan ReorderGrace { get; init; } = TimeSpan.FromMilliseconds(5);

    /// <summary>Steer the playout rate to keep buffer depth at the target (off only for tests of exact sample values).</summary>
    public bool RateSteering { get; init; } = true;

    /// <summary>Largest deviation of the playout rate from 1 (0.002 = ±2000 ppm, ±3.5 cents).</summary>
    public double MaxRateAdjustment { get; init; } = 0.002;

    /// <summary>Time constant of the depth controller (critically damped PI loop).</summary>
    public TimeSpan SteeringTimeConstant { get; init; } = TimeSpan.FromSeconds(20);

    /// <summary>Time constant of the exponential average of each track's depth (hides packet sawtooth and jitter).</summary>
    public TimeSpan DepthSmoothing { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>A track with no packet for this long stops steering the playout (its box is gone or stalled).</summary>
    public TimeSpan StallTimeout { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>
    /// Before the playout starts: how long the mixer waits, once the tracks with audio hold the
    /// delay, for a track that has none yet (a box that began its take late) before it starts
    /// without it.
    /// </summary>
    public TimeSpan LateTrackGrace { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>Concealment: full-level repeat per missing run.</summary>
    public TimeSpan ConcealHold { get; init; } = TimeSpan.FromMilliseconds(20);

    /// <summary>Concealment: fade to silence after the hold.</summary>
    public TimeSpan ConcealFade { get; init; } = TimeSpan.FromMilliseconds(20);

    /// <summary>
    /// The master-bus limiter (<see cref="Monitor.MasterLimiter"/>): on by default, so the monitor
    /// never clips; off, an over is clipped to s16 and counted (<see cref="MonitorStatus.ClippedSamples"/>).
    /// </summary>
    public bool MasterLimiter { get; init; } = true;

    /// <summary>The limiter's ceiling, dBFS: 1 dB below full scale leaves room for a player's resampling.</summary>
    public double LimiterCeilingDb { get; init; } = -1;

    /// <summary>How fast the limiter's gain returns to 1 after an over (time constant).</summary>
    public TimeSpan LimiterRelease { get; init; } = TimeSpan.FromMilliseconds(150);

    internal int Frames(TimeSpan span) => (int)Math.Round(span.TotalSeconds * SampleRate);

    internal void Validate()
    {
        if (SampleRate < 8000 || SampleRate > 192000)
        {
            throw new ArgumentOutOfRangeException(nameof(SampleRate), SampleRate, "sample rate must be 8000..192000");
        }

        if (MaxRateAdjustment < 0 || MaxRateAdjustment > 0.05)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxRateAdjustment), MaxRateAdjustment, "must be 0..0.05");
        }

        if (MinPlayoutDelay <= TimeSpan.Zero || MaxPlayoutDelay < MinPlayoutDelay)
        {
            throw new ArgumentException("playout delay bounds must satisfy 0 < min <= max");
        }

        if (Frames(MaxPlayoutDelay) > BufferFrames / 4)
        {
            throw new ArgumentException($"maximum playout delay {MaxPlayoutDelay} does not fit a quarter of the {BufferFrames}-frame buffer");
        }

        if (SteeringTimeConstant <= TimeSpan.Zero || DepthSmoothing <= TimeSpan.Zero || StallTimeout <= TimeSpan.Zero || LateTrackGrace < TimeSpan.Zero)
        {
            throw new ArgumentException("time constants must be positive");
        }

        if (ConcealHold < TimeSpan.Zero || ConcealFade < TimeSpan.Zero)
        {
            throw new ArgumentException("concealment durations must not be negative");
        }

        if (!(LimiterCeilingDb <= 0 && LimiterCeilingDb >= -24) || LimiterRelease <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(LimiterCeilingDb), "the limiter needs a ceiling of -24..0 dBFS and a positive release");
        }
    }
}

/// <summary>Where the mixer is in a take.</summary>
public enum MonitorState
{
    /// <summary>No track has audio yet, or the buffers are filling up to the playout delay: output is silence.</summary>
    Waiting,

    /// <summary>Playing out at the playout position.</summary>
    Playing,
}

/// <summary>Counters of the whole mixer (sums over tracks where it says so).</summary>
public readonly record struct MonitorStatus(
    MonitorState State,
    long FramesRendered,
    double PlayoutPosition,
    double PlayoutRatio,
    int TargetDelayFrames,
    double ControlDepthFrames,
    long Underruns,
    long FramesConcealed,
    long FramesSilenced,
    long LongestConcealedRun,
    long LateFrames,
    long ClippedSamples,
    long LimitedFrames = 0,
    double MaxGainReductionDb = 0);

/// <summary>Counters and state of one track.</summary>
public readonly record struct MonitorTrackStatus(
    int Id,
    string Name,
    bool Started,
    bool Steering,
    long DepthFrames,
    double SmoothedDepthFrames,
    long FramesReceived,
    long DuplicateFrames,
    long LateFrames,
    long RejectedFrames,
    long Underruns,
    long FramesConcealed,
    long FramesSilenced,
    long LongestConcealedRun,
    long FirstTimecode,
    long EndTimecode);
