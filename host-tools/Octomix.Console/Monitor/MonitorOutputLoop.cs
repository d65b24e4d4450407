using System.Diagnostics;
using Octomix.Desk.Output;

namespace Octomix.Desk.Monitor;

/// <summary>
/// Runs a <see cref="MonitorMixer"/> in real time: a thread renders one block (10 ms by default)
/// whenever the PC's clock says it is due and hands it to a sink, which never blocks.
/// </summary>
/// <remarks>
/// Pacing is the PC's monotonic clock. After a stall (the machine was busy) the loop renders the
/// missed blocks at once, up to <see cref="MaxCatchUp"/>; beyond that it skips ahead in time
/// (counted in <see cref="SkippedFrames"/>): the mixer then simply finds more audio buffered and
/// steers the extra depth away. The sound card has a clock of its own: over hours its few ppm
/// against the PC's clock move the player's buffer, which the sink's queue absorbs (see
/// docs/monitor-mix.md).
/// </remarks>
public sealed class MonitorOutputLoop : IDisposable
{
    private readonly MonitorMixer _mixer;
    private readonly IMonitorSink _sink;
    private readonly int _blockFrames;
    private readonly Thread _thread;
    private readonly CancellationTokenSource _stop = new();
    private long _blocks;
    private long _skippedFrames;
    private long _maxRenderTicks;

    public MonitorOutputLoop(MonitorMixer mixer, IMonitorSink sink, TimeSpan? block = null)
    {
        _mixer = mixer ?? throw new ArgumentNullException(nameof(mixer));
        _sink = sink ?? throw new ArgumentNullException(nameof(sink));
        _blockFrames = mixer.Options.Frames(block ?? TimeSpan.FromMilliseconds(10));
        if (_blockFrames < 16 || _blockFrames > MonitorMixer.MaxBlockFrames)
        {
            throw new ArgumentOutOfRangeException(nameof(block), block, $"block must be 16..{MonitorMixer.MaxBlockFrames} frames");
        }

        _thread = new Thread(Run) { IsBackground = true, Name = "monitor output", Priority = ThreadPriority.AboveNormal };
    }

    /// <summary>How far behind the clock the loop may fall before it skips ahead instead of catching up.</summary>
    public TimeSpan MaxCatchUp { get; init; } = TimeSpan.FromMilliseconds(200);

    public long BlocksRendered => Interlocked.Read(ref _blocks);

    public long SkippedFrames => Interlocked.Read(ref _skippedFrames);

    /// <summary>Longest single render of a block (a cost indicator, not a benchmark).</summary>
    public TimeSpan MaxRenderTime => TimeSpan.FromTicks(Interlocked.Read(ref _maxRenderTicks) * TimeSpan.TicksPerSecond / Stopwatch.Frequency);

    public void Start() => _thread.Start();

    public void Dispose()
    {
        _stop.Cancel();
        if (_thread.ThreadState != System.Threading.ThreadState.Unstarted)
        {
            _thread.Join(TimeSpan.FromSeconds(2));
        }
    }

    private void Run()
    {
        var buffer = new short[_blockFrames * 2];
        double rate = _mixer.SampleRate;
        long maxBehind = _mixer.Options.Frames(MaxCatchUp);
        var clock = Stopwatch.StartNew();
        long rendered = 0;
        while (!_stop.IsCancellationRequested)
        {
            long due = (long)(clock.Elapsed.TotalSeconds * rate);
            if (due - rendered > maxBehind + _blockFrames)
            {
                long skip = due - rendered - _blockFrames;
                Interlocked.Add(ref _skippedFrames, skip);
                rendered += skip;
            }

            while (due - rendered >= _blockFrames)
            {
                long before = Stopwatch.GetTimestamp();
                _mixer.Render(buffer);
                long took = Stopwatch.GetTimestamp() - before;
                if (took > Interlocked.Read(ref _maxRenderTicks))
                {
                    Interlocked.Exchange(ref _maxRenderTicks, took);
                }

                _sink.TryWrite(buffer);
                rendered += _blockFrames;
                Interlocked.Increment(ref _blocks);
            }

            double untilNext = (rendered + _blockFrames - (clock.Elapsed.TotalSeconds * rate)) / rate;
            int sleep = Math.Max(1, (int)(untilNext * 1000));
            _stop.Token.WaitHandle.WaitOne(sleep);
        }
    }
}
