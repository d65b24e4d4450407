namespace Octomix.Desk.Output;

/// <summary>
/// A monitor that goes nowhere: the mixer still runs in real time (playout, concealment, NACKs
/// and their counters all work) when there is no player and no FIFO, e.g. in scripts and tests.
/// </summary>
public sealed class DiscardSink : IMonitorSink
{
    private long _frames;

    public string Description => "none (monitor discarded)";

    public bool TryWrite(ReadOnlySpan<short> interleavedStereo)
    {
        Interlocked.Add(ref _frames, interleavedStereo.Length / 2);
        return true;
    }

    public MonitorSinkStatus GetStatus()
    {
        long frames = Interlocked.Read(ref _frames);
        return new MonitorSinkStatus(Description, true, frames, frames, 0, 0, 0, null);
    }

    public void Dispose()
    {
    }
}
