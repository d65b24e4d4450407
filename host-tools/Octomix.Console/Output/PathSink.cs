using System.Runtime.InteropServices;

namespace Octomix.Desk.Output;

/// <summary>
/// The monitor to a named pipe (FIFO) or a file, e.g. for ffmpeg, ices or a recorder reading
/// the FIFO. On Linux the writer uses non-blocking I/O: with no reader on the FIFO, audio is
/// dropped (and counted) while it retries every 50 ms; a reader that stops reading fills the
/// pipe and the queue, then audio is dropped; a reader that goes away is waited for again.
/// Elsewhere a plain FileStream is used (a FIFO without a reader then holds the writer thread,
/// never the mixer).
/// </summary>
public sealed unsafe class PathSink : QueuedSink
{
    private readonly string _path;
    private int _fd = -1;
    private FileStream? _stream;
    private bool _truncated;
    private DateTime _nextOpen = DateTime.MinValue;

    public PathSink(string path, int queueFrames = 24000)
        : base(queueFrames)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        _path = Path.GetFullPath(path);
        string? directory = Path.GetDirectoryName(_path);
        if (directory is null || !Directory.Exists(directory))
        {
            throw new DirectoryNotFoundException($"monitor output {path}: directory {directory} does not exist");
        }

        if (Directory.Exists(_path))
        {
            throw new IOException($"monitor output {path} is a directory");
        }

        StartWriter();
    }

    public override string Description => $"fifo/file {_path}";

    protected override bool WriteBlock(ReadOnlySpan<byte> block)
    {
        if (!OperatingSystem.IsLinux())
        {
            _stream ??= new FileStream(_path, FileMode.Create, FileAccess.Write, FileShare.Read);
            Connected = true;
            _stream.Write(block);
            _stream.Flush();
            return true;
        }

        if (_fd < 0 && !TryOpen())
        {
            return false;
        }

        fixed (byte* start = block)
        {
            int offset = 0;
            while (offset < block.Length)
            {
                nint n = LibC.Write(_fd, start + offset, block.Length - offset);
                if (n >= 0)
                {
                    offset += (int)n;
                    continue;
                }

                int errno = Marshal.GetLastPInvokeError();
                if (errno == LibC.EIntr)
                {
                    continue;
                }

                if (errno == LibC.EAgain)
                {
                    // The reader is slow or stopped: wait for room, but keep an ear on Dispose.
                    if (Stopping.IsCancellationRequested)
                    {
                        return false;
                    }

                    var poll = new LibC.PollFd { Fd = _fd, Events = LibC.PollOut };
                    LibC.Poll(&poll, 1, 50);
                    continue;
                }

                if (errno == LibC.EPipe)
                {
                    // The reader went away: drop this block and wait for the next reader.
                    CloseDescriptor();
                    return false;
                }

                throw new IOException($"writing the monitor to {_path}: {LibC.Describe(errno)}");
            }
        }

        return true;
    }

    protected override void Abort() => CloseDescriptor();

    protected override void Cleanup()
    {
        CloseDescriptor();
        _stream?.Dispose();
    }

    private bool TryOpen()
    {
        if (DateTime.UtcNow < _nextOpen)
        {
            return false;
        }

        // Truncate a regular file once (the first open); a FIFO ignores O_TRUNC.
        int flags = LibC.OWronly | LibC.ONonBlock | LibC.OCloExec | LibC.OCreat | (_truncated ? 0 : LibC.OTrunc);
        int fd = LibC.Open(_path, flags, Convert.ToInt32("644", 8));
        if (fd < 0)
        {
            int errno = Marshal.GetLastPInvokeError();
            if (errno == LibC.ENxio)
            {
                _nextOpen = DateTime.UtcNow.AddMilliseconds(50); // a FIFO with no reader yet
                return false;
            }

            throw new IOException($"cannot open the monitor output {_path}: {LibC.Describe(errno)}");
        }

        _truncated = true;
        _fd = fd;
        Connected = true;
        return true;
    }

    private void CloseDescriptor()
    {
        int fd = Interlocked.Exchange(ref _fd, -1);
        if (fd >= 0)
        {
            LibC.Close(fd);
        }

        Connected = false;
    }
}
