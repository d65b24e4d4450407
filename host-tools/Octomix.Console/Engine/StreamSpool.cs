using Microsoft.Win32.SafeHandles;
using Octomix.Desk.Sessions;
using Octomix.Protocol;

namespace Octomix.Desk.Engine;

/// <summary>
/// The console's copy of one track of a take: a file holding exactly the box's audio data bytes,
/// written at data offset <c>(timecode − F) · frameBytes</c> as packets arrive (the stream) and
/// as FileData arrives (collection), plus the set of byte ranges that are present.
/// </summary>
/// <remarks>
/// Writes go straight to the file with positional writes (no user-space buffer), so a killed
/// console loses nothing it wrote; one writer (<see cref="SpoolWriter"/>) makes them. The present ranges are persisted by the owner only after
/// <see cref="FlushToDisk"/>: the record never claims bytes the file does not hold, and whatever
/// arrived after the last record is simply fetched again. Thread-safe: the network thread
/// writes, the collector reads the ranges and the data.
/// </remarks>
public sealed class StreamSpool : IDisposable
{
    private readonly Lock _lock = new();
    private readonly ByteRangeSet _present;
    private readonly SafeFileHandle _handle;
    private bool _dirty;
    private bool _disposed;

    /// <param name="path">The spool file (created when missing; its folder too).</param>
    /// <param name="present">The ranges recorded as present (after a restart); empty for a new take.</param>
    public StreamSpool(string path, IEnumerable<ByteRange> present)
    {
        Path = System.IO.Path.GetFullPath(path);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(Path)!);
        _handle = File.OpenHandle(Path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.Read);
        _present = new ByteRangeSet(present);
        long length = RandomAccess.GetLength(_handle);
        var beyond = _present.Snapshot().Where(r => r.End > length).ToList();
        foreach (var r in beyond)
        {
            // a record can only claim what the file holds; drop anything past its end
            _present.Remove(Math.Max(r.Start, length), r.End);
        }
    }

    public string Path { get; }

    /// <summary>The last write that failed (a full disk), or null; collection clears it when it starts.</summary>
    public IOException? WriteFailure { get; set; }

    /// <summary>Bytes present.</summary>
    public long PresentBytes
    {
        get
        {
            lock (_lock)
            {
                return _present.Count;
            }
        }
    }

    /// <summary>Writes data at a data offset; returns how many of its bytes were not present before.</summary>
    public long Write(long offset, ReadOnlySpan<byte> data)
    {
        if (offset < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(offset));
        }

        // the write itself outside the lock: whoever reads the ranges never waits on the disk
        ObjectDisposedException.ThrowIf(_disposed, this);
        try
        {
            RandomAccess.Write(_handle, data, offset);
        }
        catch (IOException e)
        {
            WriteFailure = e; // collection says "disk full on the console", not "no file data"
            throw;
        }

        lock (_lock)
        {
            long added = _present.Add(offset, offset + data.Length);
            _dirty |= added > 0;
            return added;
        }
    }

    /// <summary>The ranges of [0, length) still missing.</summary>
    public List<ByteRange> Missing(long length)
    {
        lock (_lock)
        {
            return _present.Missing(0, length);
        }
    }

    public bool Contains(long start, long end)
    {
        lock (_lock)
        {
            return _present.Contains(start, end);
        }
    }

    /// <summary>Bytes of [start, end) present.</summary>
    public long CountIn(long start, long end)
    {
        lock (_lock)
        {
            return _present.CountIn(start, end);
        }
    }

    /// <summary>Forgets bytes found wrong (they will be fetched again).</summary>
    public void Forget(long start, long end)
    {
        lock (_lock)
        {
            _present.Remove(start, end);
            _dirty = true;
        }
    }

    /// <summary>Forgets everything and empties the file (the stream did not match the box's file).</summary>
    public void Reset()
    {
        lock (_lock)
        {
            _present.Clear();
            RandomAccess.SetLength(_handle, 0);
            _dirty = true;
        }
    }

    /// <summary>Sets the file to exactly the box's data length; bytes past it are forgotten.</summary>
    public void SetLength(long length)
    {
        lock (_lock)
        {
            RandomAccess.SetLength(_handle, length);
            _present.Remove(length, long.MaxValue);
            _dirty = true;
        }
    }

    public long FileLength
    {
        get
        {
            lock (_lock)
            {
                return RandomAccess.GetLength(_handle);
            }
        }
    }

    /// <summary>The present ranges if they changed since the last call (then clean), else null.</summary>
    public ByteRange[]? TakeChangedRanges()
    {
        lock (_lock)
        {
            if (!_dirty || _disposed)
            {
                return null;
            }

            _dirty = false;
            return _present.Snapshot();
        }
    }

    /// <summary>Makes everything written so far durable (call before recording the ranges).</summary>
    public void FlushToDisk()
    {
        // not under the lock: an fsync can take seconds on a busy disk
        if (!_disposed)
        {
            RandomAccess.FlushToDisk(_handle);
        }
    }

    /// <summary>The take checksum (A, B) of [offset, offset + length) of the file.</summary>
    public (ulong A, ulong B) Checksum(long offset, long length)
    {
        var checksum = new TakeChecksum();
        var buffer = new byte[1 << 16];
        long done = 0;
        while (done < length)
        {
            int want = (int)Math.Min(buffer.Length, length - done);
            int n = RandomAccess.Read(_handle, buffer.AsSpan(0, want), offset + done);
            if (n <= 0)
            {
                break;
            }

            checksum.Update(buffer, 0, n);
            done += n;
        }

        return (checksum.A, checksum.B);
    }

    public void Dispose()
    {
        lock (_lock)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            _handle.Dispose();
        }
    }
}
