using System.Runtime.InteropServices;

namespace Octomix.Desk.Output;

/// <summary>
/// The part every sink shares: a bounded queue of preallocated blocks between the mixer's thread
/// and one writer thread that owns the destination. The mixer's side (<see cref="TryWrite"/>)
/// copies and returns; only the writer thread ever waits on the destination, so a reader that
/// is slow, stopped or gone costs the mixer nothing but dropped (and counted) frames.
/// </summary>
public abstract class QueuedSink : IMonitorSink
{
    private const int BlockFrames = 1024;

    private readonly byte[][] _blocks;
    private readonly int[] _lengths;
    private readonly Queue<int> _free;
    private readonly Queue<int> _filled;
    private readonly Lock _lock = new();
    private readonly SemaphoreSlim _signal = new(0);
    private readonly CancellationTokenSource _stop = new();
    private readonly Thread _writer;
    private int _tail;
    private long _framesQueued;
    private long _framesWritten;
    private long _framesDropped;
    private long _droppedWrites;
    private volatile string? _error;
    private volatile bool _connected;
    private bool _disposed;

    /// <param name="queueFrames">Frames the queue holds before it drops (default 0.5 s at 48 kHz).</param>
    protected QueuedSink(int queueFrames = 24000)
    {
        if (queueFrames < BlockFrames)
        {
            throw new ArgumentOutOfRangeException(nameof(queueFrames), queueFrames, $"the queue needs at least {BlockFrames} frames");
        }

        int count = queueFrames / BlockFrames;
        _blocks = new byte[count][];
        _lengths = new int[count];
        _free = new Queue<int>(count);
        _filled = new Queue<int>(count);
        for (int i = 0; i < count; i++)
        {
            _blocks[i] = new byte[BlockFrames * 4];
            _free.Enqueue(i);
        }

        _writer = new Thread(WriterLoop) { IsBackground = true, Name = "monitor sink writer" };
    }

    public abstract string Description { get; }

    /// <summary>Cancelled when the sink is disposed (subclasses stop waiting on it).</summary>
    protected CancellationToken Stopping => _stop.Token;

    protected bool Connected
    {
        get => _connected;
        set => _connected = value;
    }

    public bool TryWrite(ReadOnlySpan<short> interleavedStereo)
    {
        if (interleavedStereo.Length % 2 != 0)
        {
            throw new ArgumentException("interleaved stereo needs an even number of samples", nameof(interleavedStereo));
        }

        int frames = interleavedStereo.Length / 2;
        if (frames == 0)
        {
            return true;
        }

        var bytes = MemoryMarshal.AsBytes(interleavedStereo);
        if (!BitConverter.IsLittleEndian)
        {
            throw new PlatformNotSupportedException("the monitor output is little-endian s16 and this machine is big-endian");
        }

        int blockBytes = _blocks[0].Length;
        int newBlocks = 0;
        lock (_lock)
        {
            // Packed: the newest queued block (still waiting for the writer) is filled up first.
            int tailRoom = _filled.Count > 0 ? blockBytes - _lengths[_tail] : 0;
            if (_disposed || _error is not null || tailRoom + ((long)_free.Count * blockBytes) < bytes.Length)
            {
                _framesDropped += frames;
                _droppedWrites++;
                return false;
            }

            int offset = 0;
            if (tailRoom > 0)
            {
                int n = Math.Min(tailRoom, bytes.Length);
                bytes[..n].CopyTo(_blocks[_tail].AsSpan(_lengths[_tail]));
                _lengths[_tail] += n;
                offset = n;
            }

            while (offset < bytes.Length)
            {
                int index = _free.Dequeue();
                int n = Math.Min(blockBytes, bytes.Length - offset);
                bytes.Slice(offset, n).CopyTo(_blocks[index]);
                _lengths[index] = n;
                _filled.Enqueue(index);
                _tail = index;
                offset += n;
                newBlocks++;
            }

            _framesQueued += frames;
        }

        if (newBlocks > 0)
        {
            _signal.Release(newBlocks);
        }

        return true;
    }

    public MonitorSinkStatus GetStatus()
    {
        lock (_lock)
        {
            int queued = 0;
            foreach (int index in _filled)
            {
                queued += _lengths[index] / 4;
            }

            return new MonitorSinkStatus(Description, _connected, _framesQueued, _framesWritten, _framesDropped, _droppedWrites, queued, _error);
        }
    }

    /// <summary>
    /// Drains what is queued (up to <paramref name="drainTimeout"/>, default 2 s), then stops the
    /// writer; a writer stuck on a stopped reader is aborted by <see cref="Abort"/>.
    /// </summary>
    public void Dispose() => Close(TimeSpan.FromSeconds(2));

    public void Close(TimeSpan drainTimeout)
    {
        lock (_lock)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
        }

        // Drain while the reader makes progress; a stopped reader gets 300 ms, not the whole timeout.
        var deadline = DateTime.UtcNow + drainTimeout;
        long lastWritten = -1;
        var lastProgress = DateTime.UtcNow;
        while (DateTime.UtcNow < deadline && _error is null && QueuedBlocks() > 0 && _writer.IsAlive && _writer.ThreadState != ThreadState.Unstarted)
        {
            long written = Interlocked.Read(ref _framesWritten);
            if (written != lastWritten)
            {
                lastWritten = written;
                lastProgress = DateTime.UtcNow;
            }
            else if (DateTime.UtcNow - lastProgress > TimeSpan.FromMilliseconds(300))
            {
                break;
            }

            Thread.Sleep(5);
        }

        _stop.Cancel();
        _signal.Release();
        if (_writer.ThreadState != ThreadState.Unstarted && !_writer.Join(TimeSpan.FromMilliseconds(500)))
        {
            Abort();
            _writer.Join(TimeSpan.FromSeconds(2));
        }

        Cleanup();
        GC.SuppressFinalize(this);
    }

    /// <summary>Starts the writer thread; subclasses call it at the end of their constructor.</summary>
    protected void StartWriter() => _writer.Start();

    /// <summary>Runs first on the writer thread (connect, open...).</summary>
    protected virtual void OnWriterStart()
    {
    }

    /// <summary>
    /// Writes one block to the destination, waiting as long as it must (this is the writer thread).
    /// Returns false when the destination is not there right now (the block is dropped and
    /// counted); throws when the sink is broken for good (the message becomes <see cref="MonitorSinkStatus.Error"/>).
    /// </summary>
    protected abstract bool WriteBlock(ReadOnlySpan<byte> block);

    /// <summary>Called from <see cref="Dispose"/> when the writer does not stop: make its blocking call fail (kill the process, close the descriptor).</summary>
    protected abstract void Abort();

    /// <summary>Releases the destination after the writer thread ended.</summary>
    protected abstract void Cleanup();

    private int QueuedBlocks()
    {
        lock (_lock)
        {
            return _filled.Count;
        }
    }

    private void WriterLoop()
    {
        int current = -1;
        try
        {
            OnWriterStart();
            while (!_stop.IsCancellationRequested)
            {
                _signal.Wait(100);
                lock (_lock)
                {
                    if (!_filled.TryDequeue(out current))
                    {
                        current = -1;
                        continue;
                    }
                }

                bool written = WriteBlock(_blocks[current].AsSpan(0, _lengths[current]));
                lock (_lock)
                {
                    if (written)
                    {
                        _framesWritten += _lengths[current] / 4;
                    }
                    else
                    {
                        _framesDropped += _lengths[current] / 4;
                    }

                    _free.Enqueue(current);
                    current = -1;
                }
            }
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            if (!_stop.IsCancellationRequested)
            {
                _error = e.Message;
            }

            _connected = false;
            lock (_lock)
            {
                // The block in hand and everything still queued are lost with the destination.
                if (current >= 0)
                {
                    _framesDropped += _lengths[current] / 4;
                    _free.Enqueue(current);
                }

                while (_filled.TryDequeue(out int index))
                {
                    _framesDropped += _lengths[index] / 4;
                    _free.Enqueue(index);
                }
            }
        }
    }
}
