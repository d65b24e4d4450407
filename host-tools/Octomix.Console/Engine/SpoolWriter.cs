using System.Buffers;
using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Octomix.Desk.Engine;

/// <summary>
/// Writes the spools on a thread of its own, so the network thread never waits on the disk (a
/// slow or busy disk can hold a write for seconds; the network thread keeps the console's slot
/// alive and NACKs on time). Bounded: beyond <see cref="MaxQueuedBytes"/> a chunk is dropped
/// and counted — it is fetched again by collection, nothing is lost.
/// </summary>
public sealed class SpoolWriter : IDisposable
{
    /// <summary>About 10 s of 8 tracks of 48 kHz stereo 24-bit.</summary>
    public const long MaxQueuedBytes = 64L << 20;

    private readonly BlockingCollection<Chunk> _queue = new();
    private readonly Thread _thread;
    private readonly ILogger _logger;
    private long _queuedBytes;
    private long _dropped;
    private long _failed;
    private long _afterClose;

    public SpoolWriter(ILogger logger)
    {
        _logger = logger;
        _thread = new Thread(Run) { IsBackground = true, Name = "octomix spool writer" };
        _thread.Start();
    }

    /// <summary>Chunks dropped because the queue was full.</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    /// <summary>Chunks whose write failed (disk full, the take closed meanwhile).</summary>
    public long Failed => Interlocked.Read(ref _failed);

    /// <summary>Chunks that arrived for a spool already closed (its take collected): dropped, not an error.</summary>
    public long AfterClose => Interlocked.Read(ref _afterClose);

    public long QueuedBytes => Interlocked.Read(ref _queuedBytes);

    /// <summary>Copies the data and queues it for the track's spool at the data offset. Never blocks.</summary>
    public bool Enqueue(TrackStream track, long offset, ReadOnlySpan<byte> data, bool fromStream)
    {
        if (Interlocked.Read(ref _queuedBytes) + data.Length > MaxQueuedBytes || _queue.IsAddingCompleted)
        {
            Interlocked.Increment(ref _dropped);
            return false;
        }

        var buffer = ArrayPool<byte>.Shared.Rent(data.Length);
        data.CopyTo(buffer);
        Interlocked.Add(ref _queuedBytes, data.Length);
        try
        {
            _queue.Add(new Chunk(track, offset, buffer, data.Length, fromStream));
            return true;
        }
        catch (InvalidOperationException)
        {
            ArrayPool<byte>.Shared.Return(buffer);
            return false; // shutting down
        }
    }

    /// <summary>Waits until everything queued so far is written (tests, the end of a collection).</summary>
    public void Drain(TimeSpan timeout)
    {
        var until = DateTime.UtcNow + timeout;
        while (Interlocked.Read(ref _queuedBytes) > 0 && DateTime.UtcNow < until)
        {
            Thread.Sleep(2);
        }
    }

    public void Dispose()
    {
        _queue.CompleteAdding();
        _thread.Join(TimeSpan.FromSeconds(10));
        _queue.Dispose();
    }

    private void Run()
    {
        foreach (var chunk in _queue.GetConsumingEnumerable())
        {
            try
            {
                long added = chunk.Track.Spool.Write(chunk.Offset, chunk.Buffer.AsSpan(0, chunk.Length));
                chunk.Track.Count(added, chunk.FromStream);
            }
            catch (ObjectDisposedException)
            {
                // a packet that was still on its way when the take's spool closed (collected,
                // exported): nothing is missing, so no error for the engineer
                Interlocked.Increment(ref _afterClose);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                if (Interlocked.Increment(ref _failed) is 1 or 1000)
                {
                    _logger.LogError("spool {Path}: {Message} (collection fetches what is missing)", chunk.Track.Spool.Path, e.Message);
                }
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(chunk.Buffer);
                Interlocked.Add(ref _queuedBytes, -chunk.Length);
            }
        }
    }

    private readonly record struct Chunk(TrackStream Track, long Offset, byte[] Buffer, int Length, bool FromStream);
}
