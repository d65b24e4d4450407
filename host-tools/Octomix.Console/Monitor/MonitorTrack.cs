using Octomix.Protocol;

namespace Octomix.Desk.Monitor;

/// <summary>
/// One musician's track in the monitor: the timecode-indexed buffer its packets go into, the
/// engineer's controls (fader, pan, mute, solo), its meter and its counters. Created by
/// <see cref="MonitorMixer.AddTrack"/>.
/// </summary>
/// <remarks>
/// Thread use: <see cref="Write"/> from the network thread, the controls from the UI, the mix
/// from the output thread. Controls are swapped as one immutable object, so the mixer never sees
/// half of a change.
/// </remarks>
public sealed class MonitorTrack
{
    private readonly MonitorMixer _mixer;
    private TrackControls _controls = new(0, 0, false, false);
    private long _lastArrivalFrame = long.MinValue;
    private long _expectedStart = long.MaxValue;
    private long _end = long.MaxValue;
    private double _jitterSeconds = double.NaN;
    private double _roundTripSeconds = double.NaN;
    private int _maxPacketFrames;
    private MeterAccumulator _meter;

    internal MonitorTrack(MonitorMixer mixer, int id, string name, int latencySamples, long? firstTimecode, MonitorOptions options)
    {
        _mixer = mixer;
        Id = id;
        Name = name;
        LatencySamples = latencySamples;
        if (firstTimecode.HasValue)
        {
            _expectedStart = firstTimecode.Value;
        }

        Buffer = new TimecodeTrackBuffer(options.BufferFrames);
        Concealer = new PacketLossConcealer(options.SampleRate, options.Frames(options.ConcealHold), options.Frames(options.ConcealFade));
    }

    public int Id { get; }

    public string Name { get; }

    /// <summary>Round-trip latency L of the box in samples: musical timecode = packet timecode − L.</summary>
    public int LatencySamples { get; }

    /// <summary>The track's audio by packet timecode.</summary>
    public TimecodeTrackBuffer Buffer { get; }

    /// <summary>Fader in dB (−infinity or ≤ −120 = off, at most +12).</summary>
    public double FaderDb
    {
        get => Controls.FaderDb;
        set { MixLaw.ValidateFader(value); Update(c => new TrackControls(value, c.Pan, c.Mute, c.Solo)); }
    }

    /// <summary>Pan, −1 (left) … +1 (right), constant power.</summary>
    public double Pan
    {
        get => Controls.Pan;
        set { MixLaw.ValidatePan(value); Update(c => new TrackControls(c.FaderDb, value, c.Mute, c.Solo)); }
    }

    public bool Mute
    {
        get => Controls.Mute;
        set => Update(c => new TrackControls(c.FaderDb, c.Pan, value, c.Solo));
    }

    public bool Solo
    {
        get => Controls.Solo;
        set => Update(c => new TrackControls(c.FaderDb, c.Pan, c.Mute, value));
    }

    /// <summary>Most frames seen in one packet (sizes the playout delay).</summary>
    public int MaxPacketFrames => Volatile.Read(ref _maxPacketFrames);

    /// <summary>Jitter last reported by the engine, or null.</summary>
    public TimeSpan? Jitter => double.IsNaN(Volatile.Read(ref _jitterSeconds)) ? null : TimeSpan.FromSeconds(Volatile.Read(ref _jitterSeconds));

    /// <summary>Round-trip time last reported by the engine, or null.</summary>
    public TimeSpan? RoundTrip => double.IsNaN(Volatile.Read(ref _roundTripSeconds)) ? null : TimeSpan.FromSeconds(Volatile.Read(ref _roundTripSeconds));

    internal TrackControls Controls => Volatile.Read(ref _controls);

    internal PacketLossConcealer Concealer { get; }

    internal long LastArrivalFrame => Volatile.Read(ref _lastArrivalFrame);

    internal long EndTimecode => Volatile.Read(ref _end);

    internal double SmoothedDepth { get; set; } = double.NaN;

    internal double LastDepth { get; set; } = double.NaN;

    internal bool Steering { get; set; }

    /// <summary>
    /// Stores one audio packet (the Audio message's timecode, payload, channels and format).
    /// Returns how many frames were new. Malformed payloads throw <see cref="ArgumentException"/>.
    /// </summary>
    public int Write(long timecode, ReadOnlySpan<byte> pcm, int channels, SampleFormat format)
    {
        int stored = Buffer.Write(timecode, pcm, channels, format);
        int frames = pcm.Length / (channels * PcmDownmix.BytesPerSample(format));
        if (frames > Volatile.Read(ref _maxPacketFrames))
        {
            Volatile.Write(ref _maxPacketFrames, frames);
        }

        Volatile.Write(ref _lastArrivalFrame, _mixer.FramesRendered);
        return stored;
    }

    /// <summary>
    /// The engine's measurement of this track's link: arrival jitter (e.g. RFC 3550's smoothed
    /// interarrival jitter) and the round-trip time console → server → box. The playout delay is
    /// chosen from these (see <see cref="MonitorMixer.TargetDelay"/>).
    /// </summary>
    public void ReportLinkQuality(TimeSpan jitter, TimeSpan roundTrip)
    {
        if (jitter < TimeSpan.Zero || roundTrip < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(jitter), "jitter and round trip must not be negative");
        }

        Volatile.Write(ref _jitterSeconds, jitter.TotalSeconds);
        Volatile.Write(ref _roundTripSeconds, roundTrip.TotalSeconds);
    }

    /// <summary>The box's stream ends before this packet timecode (take stopped): later frames are silence, not loss.</summary>
    public void SetEnd(long endTimecode) => Volatile.Write(ref _end, endTimecode);

    /// <summary>
    /// Missing timecode ranges that a retransmission can still fill before they are played: the
    /// engine maps them to sequence numbers and NACKs them. Returns how many ranges were written.
    /// </summary>
    public int GetFetchableGaps(Span<TimecodeRange> destination) => _mixer.GetFetchableGaps(this, destination);

    /// <summary>Peak and RMS since the last read: post-fader, pre-pan, pre-mute (a muted track still shows its level).</summary>
    public MeterReading ReadMeter()
    {
        lock (Buffer.SyncRoot)
        {
            return _meter.ReadAndReset();
        }
    }

    public MonitorTrackStatus GetStatus()
    {
        lock (Buffer.SyncRoot)
        {
            long start = StartLocked();
            return new MonitorTrackStatus(
                Id,
                Name,
                start != long.MaxValue,
                Steering,
                double.IsNaN(LastDepth) ? 0 : (long)Math.Floor(LastDepth),
                SmoothedDepth,
                Buffer.FramesReceived,
                Buffer.DuplicateFrames,
                Buffer.LateFrames,
                Buffer.RejectedFrames,
                Concealer.Underruns,
                Concealer.FramesConcealed,
                Concealer.FramesSilenced,
                Concealer.LongestRun,
                start,
                Buffer.RealEndLocked);
        }
    }

    /// <summary>First timecode of the track: the one announced, else the first received (MaxValue: none yet).</summary>
    internal long StartLocked() => _expectedStart != long.MaxValue ? _expectedStart : Buffer.FirstLocked;

    internal void AddMeterLocked(double peak, double sumSquares, long frames) => _meter.Add(peak, sumSquares, frames);

    private void Update(Func<TrackControls, TrackControls> change)
    {
        // Compare-and-swap so two UI threads changing different controls do not lose one.
        while (true)
        {
            var current = Volatile.Read(ref _controls);
            var next = change(current);
            if (Interlocked.CompareExchange(ref _controls, next, current) == current)
            {
                return;
            }
        }
    }
}

/// <summary>The engineer's controls of one track, swapped as a whole; gains computed once per change.</summary>
internal sealed class TrackControls
{
    public TrackControls(double faderDb, double pan, bool mute, bool solo)
    {
        FaderDb = faderDb;
        Pan = pan;
        Mute = mute;
        Solo = solo;
        Gain = MixLaw.FaderGain(faderDb);
        (PanLeft, PanRight) = MixLaw.PanGains(pan);
    }

    public double FaderDb { get; }

    public double Pan { get; }

    public bool Mute { get; }

    public bool Solo { get; }

    public double Gain { get; }

    public double PanLeft { get; }

    public double PanRight { get; }
}
