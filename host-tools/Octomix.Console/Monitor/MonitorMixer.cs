namespace Octomix.Desk.Monitor;

/// <summary>
/// The engineer's monitor: every track read at the same musical timecode a playout delay behind
/// the newest audio, mixed to stereo. A pull mixer: <see cref="Render(Span{short})"/> produces
/// the next frames and advances the playout position; it never looks at a clock, so a test can
/// drive it in simulated time (see <see cref="MonitorOutputLoop"/> for real time).
/// </summary>
/// <remarks>
/// <para><b>Alignment.</b> A track with round-trip latency L has packet timecode t = m + L for
/// musical timecode m. The mixer keeps one playout position P (musical, fractional) and reads
/// every track at t = P + L, so sample k of every track is the same musical instant.</para>
/// <para><b>Clocks.</b> P advances by <see cref="PlayoutRatio"/> frames per output frame. The
/// output runs on the PC's clock, each box streams at its own crystal's rate (±100 ppm), so the
/// ratio is steered (a PI loop on buffer depth) until the track that is shortest of audio stays
/// at the target depth. P is fractional and read with 4-tap cubic interpolation, so the rate
/// changes by stretching, never by dropping or repeating a frame.</para>
/// <para><b>Loss.</b> A frame still missing when it is about to be played is concealed (see
/// <see cref="PacketLossConcealer"/>) and counted. Until then it can be retransmitted:
/// <see cref="MonitorTrack.GetFetchableGaps"/> lists what is still worth a NACK.</para>
/// <para>Threads: one thread renders (the output loop); packets are written from others.</para>
/// </remarks>
public sealed class MonitorMixer
{
    /// <summary>Largest block rendered in one pass; longer requests are split.</summary>
    public const int MaxBlockFrames = 4096;

    private const double FixedOne = 4294967296.0; // 2^32: positions and steps are 32.32 fixed point

    private readonly MonitorOptions _options;
    private readonly Lock _tracksLock = new();
    private readonly Lock _renderLock = new();
    private readonly Lock _masterLock = new();
    private MonitorTrack[] _tracks = [];
    private int _nextTrackId = 1;

    // Render-thread state.
    private MonitorState _state = MonitorState.Waiting;
    private long _positionWhole;
    private uint _positionFraction;
    private ulong _step = 1UL << 32;
    private double _ratio = 1;
    private double _integrator;
    private double _controlDepth = double.NaN;
    private readonly float[] _w0 = new float[MaxBlockFrames];
    private readonly float[] _w1 = new float[MaxBlockFrames];
    private readonly float[] _w2 = new float[MaxBlockFrames];
    private readonly float[] _w3 = new float[MaxBlockFrames];
    private readonly int[] _offsets = new int[MaxBlockFrames];
    private readonly int[] _segmentStarts = new int[MaxBlockFrames + 1];
    private readonly float[] _left = new float[MaxBlockFrames];
    private readonly float[] _right = new float[MaxBlockFrames];
    private int _lastBlockFrames = 480;

    // Published for other threads.
    private long _framesRendered;
    private double _publishedPosition = double.NaN;
    private double _publishedRatio = 1;
    private long _overrideDelayFrames = -1;
    private long _readyToStartSince = long.MinValue;
    private long _clippedSamples;
    private readonly MasterLimiter? _limiter;
    private MeterAccumulator _masterLeft;
    private MeterAccumulator _masterRight;

    public MonitorMixer(MonitorOptions? options = null)
    {
        _options = options ?? new MonitorOptions();
        _options.Validate();
        _limiter = _options.MasterLimiter ? new MasterLimiter(_options.SampleRate, _options.LimiterCeilingDb, _options.LimiterRelease) : null;
    }

    public MonitorOptions Options => _options;

    public int SampleRate => _options.SampleRate;

    /// <summary>Output frames rendered so far: the mixer's clock.</summary>
    public long FramesRendered => Volatile.Read(ref _framesRendered);

    public MonitorState State => Volatile.Read(ref _publishedPosition) is double p && !double.IsNaN(p) ? MonitorState.Playing : MonitorState.Waiting;

    /// <summary>Musical timecode of the next frame to play (NaN while waiting).</summary>
    public double PlayoutPosition => Volatile.Read(ref _publishedPosition);

    /// <summary>Musical frames played per output frame (1 ± steering).</summary>
    public double PlayoutRatio => Volatile.Read(ref _publishedRatio);

    public IReadOnlyList<MonitorTrack> Tracks => Volatile.Read(ref _tracks);

    /// <summary>
    /// The engineer's playout delay, or null for the automatic choice. Between
    /// <see cref="MonitorOptions.MinPlayoutDelay"/>/4 and a quarter of the buffer.
    /// </summary>
    public TimeSpan? PlayoutDelayOverride
    {
        get
        {
            long frames = Volatile.Read(ref _overrideDelayFrames);
            return frames < 0 ? null : TimeSpan.FromSeconds(frames / (double)SampleRate);
        }

        set
        {
            if (value is null)
            {
                Volatile.Write(ref _overrideDelayFrames, -1);
                return;
            }

            long frames = _options.Frames(value.Value);
            if (frames < _options.Frames(_options.MinPlayoutDelay) / 4 || frames > _options.BufferFrames / 4)
            {
                throw new ArgumentOutOfRangeException(nameof(value), value,
                    $"playout delay must be between {_options.MinPlayoutDelay / 4} and {TimeSpan.FromSeconds(_options.BufferFrames / 4.0 / SampleRate)}");
            }

            Volatile.Write(ref _overrideDelayFrames, frames);
        }
    }

    /// <summary>The playout delay the mixer steers to (the override, or the automatic choice).</summary>
    public TimeSpan TargetDelay => TimeSpan.FromSeconds(TargetDelayFrames() / (double)SampleRate);

    /// <summary>
    /// Adds a track. <paramref name="latencySamples"/> is the box's round-trip latency L;
    /// <paramref name="firstTimecode"/>, when the engine knows it, is the first packet timecode of
    /// the box's stream (F), so frames lost at the very start count as missing.
    /// </summary>
    public MonitorTrack AddTrack(string name, int latencySamples, long? firstTimecode = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        if (latencySamples < 0 || latencySamples > SampleRate)
        {
            throw new ArgumentOutOfRangeException(nameof(latencySamples), latencySamples, "latency must be 0..1 s of samples");
        }

        lock (_tracksLock)
        {
            var track = new MonitorTrack(this, _nextTrackId++, name, latencySamples, firstTimecode, _options);
            Volatile.Write(ref _tracks, [.. _tracks, track]);
            return track;
        }
    }

    public bool RemoveTrack(MonitorTrack track)
    {
        lock (_tracksLock)
        {
            int index = Array.IndexOf(_tracks, track);
            if (index < 0)
            {
                return false;
            }

            Volatile.Write(ref _tracks, [.. _tracks.Where(t => t != track)]);
            return true;
        }
    }

    /// <summary>Renders the next frames as interleaved stereo s16 (length must be even).</summary>
    public void Render(Span<short> interleavedStereo)
    {
        if (interleavedStereo.Length % 2 != 0)
        {
            throw new ArgumentException("interleaved stereo needs an even number of samples", nameof(interleavedStereo));
        }

        lock (_renderLock)
        {
            int done = 0;
            while (done < interleavedStereo.Length)
            {
                int frames = Math.Min(MaxBlockFrames, (interleavedStereo.Length - done) / 2);
                RenderBlock(frames);
                WriteS16(frames, interleavedStereo.Slice(done, frames * 2));
                done += frames * 2;
            }
        }
    }

    /// <summary>Renders the next frames as interleaved stereo float (1.0 = full scale; limited, not clipped).</summary>
    public void Render(Span<float> interleavedStereo)
    {
        if (interleavedStereo.Length % 2 != 0)
        {
            throw new ArgumentException("interleaved stereo needs an even number of samples", nameof(interleavedStereo));
        }

        lock (_renderLock)
        {
            int done = 0;
            while (done < interleavedStereo.Length)
            {
                int frames = Math.Min(MaxBlockFrames, (interleavedStereo.Length - done) / 2);
                RenderBlock(frames);
                var output = interleavedStereo.Slice(done, frames * 2);
                for (int j = 0; j < frames; j++)
                {
                    output[2 * j] = _left[j];
                    output[(2 * j) + 1] = _right[j];
                }

                MeterMaster(frames);
                done += frames * 2;
            }
        }
    }

    /// <summary>Master meters (left, right) since the last read.</summary>
    public (MeterReading Left, MeterReading Right) ReadMasterMeters()
    {
        lock (_masterLock)
        {
            return (_masterLeft.ReadAndReset(), _masterRight.ReadAndReset());
        }
    }

    /// <summary>
    /// The master limiter's deepest gain reduction since the last read, dB (0: it did not act;
    /// always 0 without the limiter) — the gain-reduction meter beside the master meters.
    /// </summary>
    public double ReadGainReductionDb()
    {
        if (_limiter is null)
        {
            return 0;
        }

        lock (_masterLock)
        {
            return _limiter.ReadGainReductionDb();
        }
    }

    public MonitorStatus GetStatus()
    {
        long underruns = 0, concealed = 0, silenced = 0, longest = 0, late = 0, limitedFrames = 0;
        double maxGainReduction = 0;
        if (_limiter is not null)
        {
            lock (_masterLock)
            {
                limitedFrames = _limiter.LimitedFrames;
                maxGainReduction = _limiter.MaxGainReductionDb;
            }
        }

        foreach (var track in Tracks)
        {
            var status = track.GetStatus();
            underruns += status.Underruns;
            concealed += status.FramesConcealed;
            silenced += status.FramesSilenced;
            longest = Math.Max(longest, status.LongestConcealedRun);
            late += status.LateFrames;
        }

        return new MonitorStatus(
            State,
            FramesRendered,
            PlayoutPosition,
            PlayoutRatio,
            TargetDelayFrames(),
            Volatile.Read(ref _controlDepth),
            underruns,
            concealed,
            silenced,
            longest,
            late,
            Interlocked.Read(ref _clippedSamples),
            limitedFrames,
            maxGainReduction);
    }

    /// <summary>Start position and step (32.32 fixed point) of the last block rendered, for the benchmark's baseline.</summary>
    internal (long Whole, uint Fraction, ulong Step) LastBlockReadPosition { get; private set; }

    internal int GetFetchableGaps(MonitorTrack track, Span<TimecodeRange> destination)
    {
        var buffer = track.Buffer;
        long lower;
        long upper = buffer.EndTimecode - _options.Frames(_options.ReorderGrace);
        double position = PlayoutPosition;
        long committed = buffer.CommittedEnd;
        if (double.IsNaN(position))
        {
            // Not playing yet: everything from the track's start is still in time.
            long start;
            lock (buffer.SyncRoot)
            {
                start = track.StartLocked();
            }

            if (start == long.MaxValue)
            {
                return 0;
            }

            lower = start;
        }
        else
        {
            // A retransmission asked for now arrives one round trip (plus margin) later; the frame
            // must still be ahead of the playout position (plus the interpolation look-ahead) then.
            double roundTrip = track.RoundTrip?.TotalSeconds ?? 0;
            double leadFrames = ((roundTrip * SampleRate) + _options.Frames(_options.NackMargin)) * PlayoutRatio;
            lower = (long)Math.Ceiling(position + track.LatencySamples + leadFrames) + 3;
        }

        if (committed != long.MinValue)
        {
            lower = Math.Max(lower, committed);
        }

        return lower >= upper ? 0 : buffer.GetMissingRanges(lower, upper, destination);
    }

    internal int TargetDelayFrames()
    {
        long overrideFrames = Volatile.Read(ref _overrideDelayFrames);
        if (overrideFrames >= 0)
        {
            return (int)overrideFrames;
        }

        // Automatic: one packet (audio arrives a packet at a time) + one output block + a multiple
        // of the worst jitter + time to NACK a gap and receive the retransmission.
        double jitter = -1, roundTrip = -1;
        int packetFrames = 0;
        foreach (var track in Volatile.Read(ref _tracks)) // the array, not the interface: no enumerator allocated per block
        {
            jitter = Math.Max(jitter, track.Jitter?.TotalSeconds ?? -1);
            roundTrip = Math.Max(roundTrip, track.RoundTrip?.TotalSeconds ?? -1);
            packetFrames = Math.Max(packetFrames, track.MaxPacketFrames);
        }

        if (jitter < 0 && roundTrip < 0)
        {
            return _options.Frames(_options.DefaultPlayoutDelay);
        }

        double seconds = ((packetFrames == 0 ? 256 : packetFrames) + Volatile.Read(ref _lastBlockFrames)) / (double)SampleRate
            + (_options.JitterMultiplier * Math.Max(0, jitter))
            + (roundTrip >= 0 ? roundTrip + (_options.ReorderGrace + _options.NackMargin).TotalSeconds : 0);
        seconds = Math.Clamp(seconds, _options.MinPlayoutDelay.TotalSeconds, _options.MaxPlayoutDelay.TotalSeconds);
        return (int)Math.Round(seconds * SampleRate);
    }

    private void RenderBlock(int frames)
    {
        Volatile.Write(ref _lastBlockFrames, frames);
        var tracks = Volatile.Read(ref _tracks);
        Array.Clear(_left, 0, frames);
        Array.Clear(_right, 0, frames);

        if (_state == MonitorState.Waiting && !TryStart(tracks))
        {
            Volatile.Write(ref _framesRendered, _framesRendered + frames);
            return;
        }

        Steer(tracks, frames);
        LastBlockReadPosition = (_positionWhole, _positionFraction, _step);
        int segments = ComputeWeights(frames);
        bool anySolo = false;
        foreach (var track in tracks)
        {
            anySolo |= track.Controls.Solo;
        }

        foreach (var track in tracks)
        {
            MixTrack(track, frames, segments, anySolo);
        }

        if (_limiter is not null)
        {
            lock (_masterLock)
            {
                _limiter.Process(_left.AsSpan(0, frames), _right.AsSpan(0, frames));
            }
        }

        ulong advanced = _positionFraction + ((ulong)frames * _step);
        _positionWhole += (long)(advanced >> 32);
        _positionFraction = (uint)advanced;
        Volatile.Write(ref _framesRendered, _framesRendered + frames);
        Volatile.Write(ref _publishedPosition, _positionWhole + (_positionFraction / FixedOne));
        Volatile.Write(ref _publishedRatio, _ratio);
    }

    /// <summary>
    /// Starts playing once every track that has audio holds the target delay of it, beginning
    /// at the earliest musical start among the tracks.
    /// </summary>
    private bool TryStart(MonitorTrack[] tracks)
    {
        long start = long.MaxValue;
        foreach (var track in tracks)
        {
            lock (track.Buffer.SyncRoot)
            {
                long trackStart = track.StartLocked();
                if (trackStart != long.MaxValue)
                {
                    start = Math.Min(start, trackStart - track.LatencySamples);
                }
            }
        }

        if (start == long.MaxValue)
        {
            return false;
        }

        long now = FramesRendered;
        long stall = _options.Frames(_options.StallTimeout);
        long minDepth = long.MaxValue;
        bool silentTrack = false;
        foreach (var track in tracks)
        {
            long end = track.Buffer.EndTimecode;
            if (end == long.MinValue)
            {
                silentTrack = true; // no audio yet: waited for, up to LateTrackGrace (below)
                continue;
            }

            if (now - track.LastArrivalFrame > stall)
            {
                continue; // stalled: waiting for it would hold everyone
            }

            minDepth = Math.Min(minDepth, end - track.LatencySamples - start);
        }

        if (minDepth == long.MaxValue || minDepth < TargetDelayFrames())
        {
            return false;
        }

        // The others hold the delay. A track with no audio yet is usually a box that began its take
        // late (its Record needed a retry, or its first packets were lost): starting without it
        // would put the playout ahead of its whole stream, and every frame of it would arrive late
        // for the rest of the take. So wait a little for it; a box that never streams must not
        // hold the monitor for longer than the grace.
        if (silentTrack)
        {
            if (_readyToStartSince == long.MinValue)
            {
                _readyToStartSince = now;
            }

            if (now - _readyToStartSince < _options.Frames(_options.LateTrackGrace))
            {
                return false;
            }
        }

        _state = MonitorState.Playing;
        _positionWhole = start;
        _positionFraction = 0;
        _integrator = 0;
        _ratio = 1;
        _step = 1UL << 32;
        return true;
    }

    /// <summary>
    /// PI control of the playout ratio on the smallest smoothed depth among the tracks that are
    /// streaming. Why the smallest and not the average: with boxes at +100 and −100 ppm the
    /// average keeps its depth while the slow box's buffer drains by 0.36 s an hour and finally
    /// runs dry; following the box that is shortest of audio means no track ever underruns, and
    /// the fast boxes' buffers grow by their surplus (0.72 s an hour at 200 ppm apart, against a
    /// 10.9 s ring).
    /// </summary>
    private void Steer(MonitorTrack[] tracks, int frames)
    {
        double rate = SampleRate;
        double position = _positionWhole + (_positionFraction / FixedOne);
        double alpha = 1 - Math.Exp(-frames / (_options.DepthSmoothing.TotalSeconds * rate));
        long now = FramesRendered;
        long stall = _options.Frames(_options.StallTimeout);
        double control = double.PositiveInfinity;
        foreach (var track in tracks)
        {
            long end;
            long start;
            lock (track.Buffer.SyncRoot)
            {
                end = track.Buffer.RealEndLocked;
                start = track.StartLocked();
            }

            if (end == long.MinValue)
            {
                track.Steering = false;
                continue;
            }

            double depth = end - track.LatencySamples - position;
            track.LastDepth = depth;
            track.SmoothedDepth = double.IsNaN(track.SmoothedDepth) ? depth : track.SmoothedDepth + (alpha * (depth - track.SmoothedDepth));
            bool ended = track.EndTimecode != long.MaxValue && end >= track.EndTimecode;
            track.Steering = start != long.MaxValue && !ended && now - track.LastArrivalFrame <= stall;
            if (track.Steering)
            {
                control = Math.Min(control, track.SmoothedDepth);
            }
        }

        Volatile.Write(ref _controlDepth, double.IsInfinity(control) ? double.NaN : control);
        if (!_options.RateSteering)
        {
            _ratio = 1;
            _step = 1UL << 32;
            return;
        }

        if (double.IsInfinity(control))
        {
            return; // nobody streaming: hold the last ratio
        }

        // Critically damped: e'' + Kp e' + Ki e = 0 with both poles at -1/tau.
        double kp = 2 / _options.SteeringTimeConstant.TotalSeconds;
        double ki = kp * kp / 4;
        double limit = _options.MaxRateAdjustment;
        double error = (control - TargetDelayFrames()) / rate; // seconds of audio too many (+) or too few (-)
        double dt = frames / rate;
        double integrator = _integrator + (ki * error * dt);
        double adjustment = (kp * error) + integrator;
        if (Math.Abs(adjustment) <= limit || Math.Sign(error) != Math.Sign(adjustment))
        {
            _integrator = Math.Clamp(integrator, -limit, limit); // no wind-up while saturated
        }

        adjustment = Math.Clamp((kp * error) + _integrator, -limit, limit);
        _ratio = 1 + adjustment;
        _step = (ulong)Math.Round(_ratio * FixedOne);
    }

    /// <summary>
    /// Interpolation weights of this block (the same for every track) and the segments within
    /// which the integer read index advances by exactly one per frame. Returns the segment count.
    /// </summary>
    private int ComputeWeights(int frames)
    {
        int segments = 0;
        int previousDrift = int.MinValue;
        for (int j = 0; j < frames; j++)
        {
            ulong relative = _positionFraction + ((ulong)j * _step);
            int offset = (int)(relative >> 32);
            float fraction = (float)((uint)relative / FixedOne);
            MixKernel.CubicWeights(fraction, out _w0[j], out _w1[j], out _w2[j], out _w3[j]);
            _offsets[j] = offset;
            int drift = offset - j;
            if (drift != previousDrift)
            {
                _segmentStarts[segments++] = j;
                previousDrift = drift;
            }
        }

        _segmentStarts[segments] = frames;
        return segments;
    }

    private void MixTrack(MonitorTrack track, int frames, int segments, bool anySolo)
    {
        var buffer = track.Buffer;
        var controls = track.Controls;
        bool audible = MixLaw.IsAudible(controls.Mute, controls.Solo, anySolo);
        float gainLeft = (float)(controls.Gain * controls.PanLeft);
        float gainRight = (float)(controls.Gain * controls.PanRight);
        long latency = track.LatencySamples;
        long readStart = _positionWhole + _offsets[0] + latency - 1;
        long readEnd = _positionWhole + _offsets[frames - 1] + latency + 3;

        lock (buffer.SyncRoot)
        {
            long committed = buffer.CommittedEndLocked;
            long from = committed == long.MinValue ? readStart : committed;
            long start = track.StartLocked();
            track.Concealer.Commit(buffer, from, readEnd, start != long.MaxValue, start, track.EndTimecode);
            buffer.CommitLocked(readEnd);
            if (!buffer.CoversLocked(readStart, readEnd))
            {
                return; // the ring holds another stretch of this stream (a timecode jump): nothing to play here
            }

            double sumSquares = 0;
            float peak = 0;
            var samples = buffer.Samples;
            for (int s = 0; s < segments; s++)
            {
                int j0 = _segmentStarts[s];
                int count = _segmentStarts[s + 1] - j0;
                long tap = _positionWhole + _offsets[j0] + latency - 1;
                int slot = buffer.SlotOf(tap);
                peak = MathF.Max(peak, MixKernel.Mix(
                    samples.AsSpan(slot, count + 3),
                    _w0.AsSpan(j0, count),
                    _w1.AsSpan(j0, count),
                    _w2.AsSpan(j0, count),
                    _w3.AsSpan(j0, count),
                    _left.AsSpan(j0, count),
                    _right.AsSpan(j0, count),
                    gainLeft,
                    gainRight,
                    audible && (gainLeft != 0 || gainRight != 0),
                    ref sumSquares));
            }

            track.AddMeterLocked(peak * controls.Gain, sumSquares * controls.Gain * controls.Gain, frames);
        }
    }

    private void WriteS16(int frames, Span<short> output)
    {
        long clipped = 0;
        for (int j = 0; j < frames; j++)
        {
            output[2 * j] = ToS16(_left[j], ref clipped);
            output[(2 * j) + 1] = ToS16(_right[j], ref clipped);
        }

        if (clipped != 0)
        {
            Interlocked.Add(ref _clippedSamples, clipped);
        }

        MeterMaster(frames);
    }

    /// <summary>Full scale 1.0 = 32768; beyond the s16 range the sample is clipped and counted (with the master limiter on, nothing gets there).</summary>
    private static short ToS16(float value, ref long clipped)
    {
        float scaled = MathF.Round(value * 32768f);
        if (scaled > short.MaxValue)
        {
            clipped++;
            return short.MaxValue;
        }

        if (scaled < short.MinValue)
        {
            clipped++;
            return short.MinValue;
        }

        return (short)scaled;
    }

    private void MeterMaster(int frames)
    {
        float peakLeft = 0, peakRight = 0;
        double squaresLeft = 0, squaresRight = 0;
        for (int j = 0; j < frames; j++)
        {
            float l = _left[j], r = _right[j];
            peakLeft = MathF.Max(peakLeft, MathF.Abs(l));
            peakRight = MathF.Max(peakRight, MathF.Abs(r));
            squaresLeft += l * l;
            squaresRight += r * r;
        }

        lock (_masterLock)
        {
            _masterLeft.Add(peakLeft, squaresLeft, frames);
            _masterRight.Add(peakRight, squaresRight, frames);
        }
    }
}
