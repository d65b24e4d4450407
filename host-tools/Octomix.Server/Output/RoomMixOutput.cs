using System.Runtime.InteropServices;
using Microsoft.Extensions.Logging;
using Octomix.Server.Io;

namespace Octomix.Server.Output;

/// <summary>
/// Writes a room's mix (20 ms chunks of interleaved stereo s16le) to a FIFO, a file or standard
/// output without ever making the room wait. The room thread copies each chunk into a bounded
/// queue (<see cref="TryEnqueue"/>: a single-producer/single-consumer ring, no lock); a writer
/// thread of its own drains it. A full queue drops the whole new chunk (counted): a slow or
/// stopped reader costs its own audio, nothing else. On Linux a path is opened with O_NONBLOCK,
/// so a FIFO without a reader fails at once (ENXIO) and is retried every 250 ms, queued chunks
/// being dropped meanwhile (counted); a reader that goes away (EPIPE) is waited for again.
/// </summary>
internal sealed unsafe class RoomMixOutput : IDisposable
{
    private const int ReopenMilliseconds = 250;

    private readonly string target;
    private readonly int chunkBytes;
    private readonly byte[][] chunks;
    private readonly ILogger logger;
    private readonly string label;
    private readonly Thread writer;
    private readonly AutoResetEvent wake = new(false);
    private long head; // next chunk to write (writer thread)
    private long tail; // next free chunk (room thread)
    private volatile bool stopping;
    private int fd = -1;
    private Stream? stream;
    private bool everOpened;
    private bool warnedOpen;

    private long chunksQueued;
    private long chunksWritten;
    private long chunksDroppedFull;
    private long chunksDroppedNoReader;
    private long opens;
    private volatile bool connected;

    public RoomMixOutput(string target, int chunkBytes, int queueChunks, ILogger logger, string label)
    {
        this.target = target;
        this.chunkBytes = chunkBytes;
        this.logger = logger;
        this.label = label;
        chunks = new byte[queueChunks][];
        for (int i = 0; i < queueChunks; i++)
        {
            chunks[i] = GC.AllocateArray<byte>(chunkBytes, pinned: true);
        }

        writer = new Thread(WriterLoop) { IsBackground = true, Name = "octomix-mix-out" };
        writer.Start();
    }

    public string Target => target;

    public long ChunksQueued => Volatile.Read(ref chunksQueued);

    public long ChunksWritten => Volatile.Read(ref chunksWritten);

    /// <summary>Chunks dropped because the queue was full (a slow or stopped reader).</summary>
    public long ChunksDroppedFull => Volatile.Read(ref chunksDroppedFull);

    /// <summary>Chunks dropped because no reader had the FIFO open (or the target could not be opened).</summary>
    public long ChunksDroppedNoReader => Volatile.Read(ref chunksDroppedNoReader);

    /// <summary>Times the target was opened (a FIFO is reopened for each new reader).</summary>
    public long Opens => Volatile.Read(ref opens);

    public bool ReaderConnected => connected;

    /// <summary>Room thread: queues a copy of one chunk, or drops it when the queue is full. Never blocks.</summary>
    public bool TryEnqueue(ReadOnlySpan<byte> chunk)
    {
        long t = tail;
        if (t - Volatile.Read(ref head) >= chunks.Length)
        {
            chunksDroppedFull++;
            return false;
        }

        chunk.CopyTo(chunks[(int)(t % chunks.Length)]);
        Volatile.Write(ref tail, t + 1);
        chunksQueued++;
        wake.Set();
        return true;
    }

    private void WriterLoop()
    {
        long nextOpenAttempt = 0;
        while (!stopping)
        {
            long h = head;
            if (Volatile.Read(ref tail) == h)
            {
                wake.WaitOne(100);
                continue;
            }

            if (!IsOpen)
            {
                long now = Environment.TickCount64;
                if (now < nextOpenAttempt || !TryOpen())
                {
                    if (now >= nextOpenAttempt)
                    {
                        nextOpenAttempt = now + ReopenMilliseconds;
                    }

                    // nobody listening: what is queued would be stale by the time someone is
                    long t = Volatile.Read(ref tail);
                    Interlocked.Add(ref chunksDroppedNoReader, t - h);
                    Volatile.Write(ref head, t);
                    wake.WaitOne(50);
                    continue;
                }
            }

            bool written = fd >= 0 ? WriteFd(chunks[(int)(h % chunks.Length)]) : WriteStream(chunks[(int)(h % chunks.Length)]);
            if (written)
            {
                Interlocked.Increment(ref chunksWritten);
            }
            else if (!stopping)
            {
                Interlocked.Increment(ref chunksDroppedNoReader);
            }

            Volatile.Write(ref head, h + 1);
        }

        CloseTarget();
    }

    private bool IsOpen => fd >= 0 || stream != null;

    private bool TryOpen()
    {
        try
        {
            if (target == "-")
            {
                stream = Console.OpenStandardOutput();
            }
            else if (LinuxNative.IsUsable)
            {
                int flags = LinuxNative.O_WRONLY | LinuxNative.O_NONBLOCK | LinuxNative.O_CREAT | LinuxNative.O_CLOEXEC;
                if (!everOpened)
                {
                    flags |= LinuxNative.O_TRUNC; // a regular file starts empty; ignored for a FIFO
                }

                int f = LinuxNative.open(target, flags, 0x1A4 /* 0644 */);
                if (f < 0)
                {
                    int errno = Marshal.GetLastPInvokeError();
                    if (errno != LinuxNative.ENXIO && !warnedOpen)
                    {
                        warnedOpen = true;
                        logger.LogWarning("{Room}: cannot open room-mix target {Target} (errno {Errno}); retrying", label, target, errno);
                    }

                    return false;
                }

                fd = f;
            }
            else
            {
                stream = new FileStream(target, everOpened ? FileMode.Append : FileMode.Create, FileAccess.Write, FileShare.Read);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            if (!warnedOpen)
            {
                warnedOpen = true;
                logger.LogWarning("{Room}: cannot open room-mix target {Target}: {Message}; retrying", label, target, e.Message);
            }

            return false;
        }

        everOpened = true;
        warnedOpen = false;
        connected = true;
        Interlocked.Increment(ref opens);
        logger.LogInformation("{Room}: room mix connected to {Target}", label, target);
        return true;
    }

    private bool WriteFd(byte[] chunk)
    {
        fixed (byte* p = chunk)
        {
            int done = 0;
            while (done < chunkBytes)
            {
                nint r = LinuxNative.write(fd, p + done, (nuint)(chunkBytes - done));
                if (r > 0)
                {
                    done += (int)r;
                    continue;
                }

                int errno = Marshal.GetLastPInvokeError();
                if (r < 0 && errno == LinuxNative.EINTR)
                {
                    continue;
                }

                if (r < 0 && errno == LinuxNative.EAGAIN)
                {
                    // the reader is slow or stopped: wait here, on this thread only
                    if (stopping)
                    {
                        return false;
                    }

                    var pfd = new LinuxNative.PollFd { Fd = fd, Events = LinuxNative.POLLOUT };
                    LinuxNative.poll(&pfd, 1, 100);
                    continue;
                }

                logger.LogInformation("{Room}: room-mix reader of {Target} went away; waiting for a new one", label, target);
                CloseTarget();
                return false;
            }

            return true;
        }
    }

    private bool WriteStream(byte[] chunk)
    {
        try
        {
            stream!.Write(chunk, 0, chunkBytes);
            stream.Flush();
            return true;
        }
        catch (IOException e)
        {
            logger.LogInformation("{Room}: room-mix output {Target} failed ({Message}); retrying", label, target, e.Message);
            CloseTarget();
            return false;
        }
    }

    private void CloseTarget()
    {
        connected = false;
        if (fd >= 0)
        {
            LinuxNative.close(fd);
            fd = -1;
        }

        if (stream != null)
        {
            try
            {
                stream.Dispose();
            }
            catch (IOException)
            {
                // the reader is gone; nothing to flush to
            }

            stream = null;
        }
    }

    public void Dispose()
    {
        stopping = true;
        wake.Set();

        // a blocking stdout write can hold the writer; it is a background thread, so give up on it
        writer.Join(TimeSpan.FromSeconds(2));
        wake.Dispose();
    }
}
