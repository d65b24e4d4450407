namespace Octomix.Desk.Output;

/// <summary>
/// A monitor that goes nowhere: the mixer still runs in real time (playout, concealment, NACKs
/// and their counters all work) when there is no player and no FIFO, e.g. in scripts and tests.
/// </summary>
public sealed class DiscardSink(string description = "none (monitor discarded)") : IMonitorSink
{
    private long _frames;

    /// <summary>"none (monitor discarded)", or why there is no monitor ("monitor stopped: no audio player found…").</summary>
    public string Description => description;

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
