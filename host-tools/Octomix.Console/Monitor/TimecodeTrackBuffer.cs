using System.Numerics;
using Octomix.Protocol;

namespace Octomix.Desk.Monitor;

/// <summary>
/// One track's audio for the monitor, stored by timecode: frame <c>t</c> of the stream lives in
/// slot <c>t mod capacity</c> of a ring (default 2^19 frames, 10.9 s at 48 kHz). Packets may
/// arrive late, twice, out of order or never; the buffer knows which frames are present and
/// answers the missing ranges.
/// </summary>
/// <remarks>
/// <para>The window is [<see cref="WindowEnd"/> − capacity, <see cref="WindowEnd"/>): a write past
/// the end slides it forward and clears what it uncovers, so a slot never answers for a frame
/// from an earlier lap of the ring.</para>
/// <para>The reader (<see cref="MonitorMixer"/>) <em>commits</em> frames just before it plays them:
/// below <see cref="CommittedEnd"/> a frame's fate is final (played from data, or concealed), and
/// a packet for it is counted as late and dropped. Writes that would overwrite frames the reader
/// still needs are refused and counted.</para>
/// <para>Thread safety: every member takes <see cref="SyncRoot"/>; the mixer holds it while it
/// prepares and mixes the track.</para>
/// </remarks>
public sealed class TimecodeTrackBuffer
{
    public const int DefaultCapacityFrames = 1 << 19;

    /// <summary>Largest single write, in frames (a datagram holds at most 684).</summary>
    public const int MaxWriteFrames = 16384;

    /// <summary>
    /// Frames behind <see cref="CommittedEnd"/> that stay readable: interpolation taps and the
    /// history loss concealment repeats from.
    /// </summary>
    internal const int HistoryFrames = 2048;

    /// <summary>
    /// Slots [0, GuardFrames) are mirrored after the end of the array, so a read of up to this
    /// many frames starting anywhere in the ring is contiguous in memory (the SIMD mix loop reads
    /// straight through without testing for the wrap).
    /// </summary>
    internal const int GuardFrames = 8192;

    private readonly float[] _samples;
    private readonly RingBitmap _present;   // real data from the box
    private readonly int _mask;
    private float[] _scratch = new float[1024];

    private long _windowEnd = long.MinValue;
    private long _realEnd = long.MinValue;
    private long _first = long.MaxValue;
    private long _committedEnd = long.MinValue;

    private long _framesReceived;
    private long _duplicateFrames;
    private long _lateFrames;
    private long _rejectedFrames;
    private long _writes;

    public TimecodeTrackBuffer(int capacityFrames = DefaultCapacityFrames)
    {
        if (capacityFrames < 4 * GuardFrames || !BitOperations.IsPow2(capacityFrames))
        {
            throw new ArgumentOutOfRangeException(nameof(capacityFrames), capacityFrames,
                $"capacity must be a power of two of at least {4 * GuardFrames} frames");
        }

        _samples = new float[capacityFrames + GuardFrames];
        // Touch every page now: a fresh large array is backed lazily by the OS, and the first lap
        // of the ring would otherwise take a page fault every 1024 frames in the audio path.
        _samples.AsSpan().Fill(0f);
        _present = new RingBitmap(capacityFrames);
        _mask = capacityFrames - 1;
    }

    internal Lock SyncRoot { get; } = new();

    public int Capacity => _mask + 1;

    /// <summary>True once any frame has been written.</summary>
    public bool HasData { get { lock (SyncRoot) { return _first != long.MaxValue; } } }

    /// <summary>Lowest timecode ever written (<see cref="long.MaxValue"/> before the first write).</summary>
    public long FirstTimecode { get { lock (SyncRoot) { return _first; } } }

    /// <summary>One past the highest timecode received from the box (<see cref="long.MinValue"/> before the first write).</summary>
    public long EndTimecode { get { lock (SyncRoot) { return _realEnd; } } }

    /// <summary>End of the ring's window (exclusive).</summary>
    public long WindowEnd { get { lock (SyncRoot) { return _windowEnd; } } }

    /// <summary>Frames below this are final for playout; writes to them count as late.</summary>
    public long CommittedEnd { get { lock (SyncRoot) { return _committedEnd; } } }

    /// <summary>New frames stored.</summary>
    public long FramesReceived { get { lock (SyncRoot) { return _framesReceived; } } }

    /// <summary>Frames that were already present (a duplicate or a retransmission that crossed a late original).</summary>
    public long DuplicateFrames { get { lock (SyncRoot) { return _duplicateFrames; } } }

    /// <summary>Frames that arrived after their playout (or after they left the window) and were dropped.</summary>
    public long LateFrames { get { lock (SyncRoot) { return _lateFrames; } } }

    /// <summary>Frames refused because they lie further ahead of playout than the ring can hold.</summary>
    public long RejectedFrames { get { lock (SyncRoot) { return _rejectedFrames; } } }

    /// <summary>Calls to <see cref="Write"/> that were accepted as well-formed.</summary>
    public long Writes { get { lock (SyncRoot) { return _writes; } } }

    /// <summary>
    /// Stores one packet's PCM (interleaved little-endian, <paramref name="channels"/> channels of
    /// <paramref name="format"/>) at <paramref name="timecode"/>. Returns how many frames were new.
    /// Malformed input (channel count, format, length that is not whole frames, oversize) throws
    /// <see cref="ArgumentException"/> and changes nothing.
    /// </summary>
    public int Write(long timecode, ReadOnlySpan<byte> pcm, int channels, SampleFormat format)
    {
        int frames = PcmDownmix.FrameCount(pcm.Length, channels, format);
        if (frames > MaxWriteFrames)
        {
            throw new ArgumentException($"a write of {frames} frames exceeds the maximum of {MaxWriteFrames}", nameof(pcm));
        }

        if (timecode > long.MaxValue / 2 || timecode < long.MinValue / 2)
        {
            throw new ArgumentOutOfRangeException(nameof(timecode), timecode, "timecode out of range");
        }

        lock (SyncRoot)
        {
            _writes++;
            if (_scratch.Length < frames)
            {
                _scratch = new float[Math.Max(frames, _scratch.Length * 2)];
            }

            return WriteLocked(timecode, frames, pcm, channels, format);
        }
    }

    /// <summary>True when frame <paramref name="timecode"/> holds data received from the box.</summary>
    public bool IsPresent(long timecode)
    {
        lock (SyncRoot)
        {
            return InWindow(timecode) && _present.Get(timecode);
        }
    }

    /// <summary>
    /// Ranges in [<paramref name="from"/>, <paramref name="to"/>) with no data from the box, in
    /// order, clipped to the ring's window. Returns how many were written to
    /// <paramref name="destination"/> (at most its length).
    /// </summary>
    public int GetMissingRanges(long from, long to, Span<TimecodeRange> destination)
    {
        lock (SyncRoot)
        {
            if (_windowEnd == long.MinValue)
            {
                return 0;
            }

            from = Math.Max(from, _windowEnd - Capacity);
            to = Math.Min(to, _windowEnd);
            int count = 0;
            while (from < to && count < destination.Length)
            {
                long gapStart = _present.FindNext(from, to, false);
                if (gapStart >= to)
                {
                    break;
                }

                long gapEnd = _present.FindNext(gapStart, to, true);
                destination[count++] = new TimecodeRange(gapStart, gapEnd);
                from = gapEnd;
            }

            return count;
        }
    }

    // ---- reader side (MonitorMixer / PacketLossConcealer), called with SyncRoot held ----

    internal float[] Samples => _samples;

    internal int SlotOf(long timecode) => (int)(timecode & _mask);

    internal long FirstLocked => _first;

    internal long RealEndLocked => _realEnd;

    internal long CommittedEndLocked => _committedEnd;

    internal bool PresentLocked(long timecode) => InWindow(timecode) && _present.Get(timecode);

    /// <summary>First frame in [from, to) with no data from the box, or <paramref name="to"/>.</summary>
    internal long NextMissingLocked(long from, long to)
    {
        if (_windowEnd == long.MinValue || from < _windowEnd - Capacity || from >= _windowEnd)
        {
            return from < to ? from : to;
        }

        long limit = Math.Min(to, _windowEnd);
        long found = _present.FindNext(from, limit, false);
        return found < limit ? found : limit;
    }

    internal bool AllPresentLocked(long from, int count) =>
        InWindow(from) && InWindow(from + count - 1) && _present.AllSet(from, count);

    internal float GetLocked(long timecode) => InWindow(timecode) ? _samples[SlotOf(timecode)] : 0f;

    /// <summary>Writes a reader-made value (concealment, crossfade, silence) for a frame.</summary>
    internal void SetLocked(long timecode, float value)
    {
        if (!InWindow(timecode))
        {
            return; // its slot belongs to another frame now
        }

        int slot = SlotOf(timecode);
        _samples[slot] = value;
        if (slot < GuardFrames)
        {
            _samples[Capacity + slot] = value;
        }
    }

    /// <summary>True when every frame of [from, to) is inside the window (its slot answers for it).</summary>
    internal bool CoversLocked(long from, long to) =>
        _windowEnd != long.MinValue && from >= _windowEnd - Capacity && to <= _windowEnd;

    /// <summary>Makes the window reach <paramref name="end"/> (reading past the newest data during an outage).</summary>
    internal void EnsureWindowLocked(long end)
    {
        if (_windowEnd == long.MinValue || end > _windowEnd)
        {
            AdvanceWindow(end);
        }
    }

    /// <summary>Frames below <paramref name="end"/> are final; later writes to them count as late.</summary>
    internal void CommitLocked(long end)
    {
        if (end > _committedEnd)
        {
            _committedEnd = end;
        }
    }

    private bool InWindow(long timecode) =>
        _windowEnd != long.MinValue && timecode < _windowEnd && timecode >= _windowEnd - Capacity;

    private int WriteLocked(long timecode, int frames, ReadOnlySpan<byte> pcm, int channels, SampleFormat format)
    {
        long start = timecode;
        long end = timecode + frames;

        if (_committedEnd != long.MinValue)
        {
            if (end <= _committedEnd)
            {
                _lateFrames += frames;
                return 0;
            }

            if (start < _committedEnd)
            {
                _lateFrames += _committedEnd - start;
                start = _committedEnd;
            }

            // The reader still needs HistoryFrames behind its commit point: a write reaching
            // further ahead than the ring can hold would overwrite them.
            if (end > _committedEnd - HistoryFrames + Capacity)
            {
                _rejectedFrames += end - start;
                return 0;
            }
        }

        if (_windowEnd == long.MinValue || end > _windowEnd)
        {
            AdvanceWindow(end, start);
        }

        long windowStart = _windowEnd - Capacity;
        if (start < windowStart)
        {
            // Only before playout starts: the stream ran further than a ring ahead of this packet.
            _lateFrames += Math.Min(windowStart, end) - start;
            start = windowStart;
        }

        if (start >= end)
        {
            return 0;
        }

        Span<float> mono = _scratch.AsSpan(0, frames);
        PcmDownmix.ToMono(pcm, channels, format, mono);
        int offset = (int)(start - timecode);
        int count = (int)(end - start);
        int stored;
        if (!_present.AnySet(start, count))
        {
            CopyIn(start, mono.Slice(offset, count));
            _present.Fill(start, count, true);
            stored = count;
        }
        else
        {
            stored = 0;
            for (int i = 0; i < count; i++)
            {
                long t = start + i;
                if (!_present.Get(t))
                {
                    SetLocked(t, mono[offset + i]);
                    _present.Set(t);
                    stored++;
                }
            }
        }

        _duplicateFrames += count - stored;
        _framesReceived += stored;
        if (end > _realEnd)
        {
            _realEnd = end;
        }

        if (start < _first)
        {
            _first = start;
        }

        return stored;
    }

    private void CopyIn(long start, ReadOnlySpan<float> values)
    {
        int slot = SlotOf(start);
        int first = Math.Min(values.Length, Capacity - slot);
        values[..first].CopyTo(_samples.AsSpan(slot));
        if (first < values.Length)
        {
            values[first..].CopyTo(_samples.AsSpan(0));
        }

        // Keep the mirror of the first GuardFrames slots in step.
        MirrorRange(slot, first);
        if (first < values.Length)
        {
            MirrorRange(0, values.Length - first);
        }
    }

    private void MirrorRange(int slot, int count)
    {
        if (slot < GuardFrames)
        {
            int n = Math.Min(count, GuardFrames - slot);
            _samples.AsSpan(slot, n).CopyTo(_samples.AsSpan(Capacity + slot));
        }
    }

    /// <param name="writtenFrom">Frames from here to <paramref name="newEnd"/> are about to be written: no need to zero them.</param>
    private void AdvanceWindow(long newEnd, long writtenFrom = long.MaxValue)
    {
        if (_windowEnd == long.MinValue || newEnd - _windowEnd >= Capacity)
        {
            _present.ClearAll();
            Array.Clear(_samples);
            _windowEnd = newEnd;
            return;
        }

        // Slots entering the window held frames of the previous lap: forget them.
        long from = _windowEnd;
        int count = (int)(newEnd - from);
        _present.Fill(from, count, false);
        count = (int)(Math.Clamp(writtenFrom, from, newEnd) - from);
        int slot = SlotOf(from);
        int first = Math.Min(count, Capacity - slot);
        Array.Clear(_samples, slot, first);
        MirrorClear(slot, first);
        if (first < count)
        {
            Array.Clear(_samples, 0, count - first);
            MirrorClear(0, count - first);
        }

        _windowEnd = newEnd;
    }

    private void MirrorClear(int slot, int count)
    {
        if (slot < GuardFrames)
        {
            int n = Math.Min(count, GuardFrames - slot);
            Array.Clear(_samples, Capacity + slot, n);
        }
    }
}
