namespace Octomix.Desk.Output;

/// <summary>Where the monitor's audio goes: raw s16le stereo at the session rate.</summary>
public interface IMonitorSink : IDisposable
{
    /// <summary>What this sink is ("ffplay (pid 1234)", "fifo /tmp/monitor").</summary>
    string Description { get; }

    /// <summary>
    /// Queues interleaved stereo frames and returns at once. Never blocks on the reader: when the
    /// queue is full (a slow, stopped or absent reader) the frames are dropped, counted, and
    /// false is returned.
    /// </summary>
    bool TryWrite(ReadOnlySpan<short> interleavedStereo);

    MonitorSinkStatus GetStatus();
}

/// <summary>Counters of a sink. <see cref="Error"/> says why a sink stopped working (a player that exited, a write error).</summary>
public readonly record struct MonitorSinkStatus(
    string Description,
    bool Connected,
    long FramesQueued,
    long FramesWritten,
    long FramesDropped,
    long DroppedWrites,
    int QueuedFrames,
    string? Error);
