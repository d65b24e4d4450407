using System.Globalization;

namespace Octomix.Desk.Output;

/// <summary>
/// The audio player as a supervised child: a watchdog sees the player die (it exited, its stdin
/// broke), reports "monitor stopped: REASON", and starts it again after a short pause, at most
/// <see cref="MaxRestarts"/> times per take; after that the monitor stays stopped and says so
/// in <see cref="Description"/> and <see cref="MonitorSinkStatus.Error"/> (the screen shows it).
/// While no player runs the frames are dropped and counted; the mixer never waits.
/// </summary>
public sealed class SupervisedPlayerSink : IMonitorSink
{
    private readonly Func<PlayerProcessSink> _start;
    private readonly Action<string> _report;
    private readonly Lock _lock = new();
    private readonly Thread _watchdog;
    private readonly CancellationTokenSource _stop = new();
    private readonly TimeSpan _pause;
    private volatile PlayerProcessSink? _player;
    private long _droppedWhileDown;
    private long _droppedWrites;
    private long _restartAt = long.MaxValue;
    private string? _lastReason;
    private volatile string? _stopped;
    private bool _disposed;

    /// <param name="start">Starts a player (throws IOException when it cannot).</param>
    /// <param name="report">Told every stop and restart, in words (the console's events).</param>
    /// <param name="maxRestarts">Restarts before the monitor is given up.</param>
    /// <param name="pause">Wait before a restart (default 1 s).</param>
    public SupervisedPlayerSink(Func<PlayerProcessSink> start, Action<string> report, int maxRestarts = 3, TimeSpan? pause = null)
    {
        _start = start ?? throw new ArgumentNullException(nameof(start));
        _report = report ?? throw new ArgumentNullException(nameof(report));
        MaxRestarts = maxRestarts;
        _pause = pause ?? TimeSpan.FromSeconds(1);
        _player = start(); // the first start's failure is the caller's (it says "monitoring to nowhere")
        Name = _player.Command.Name;
        _watchdog = new Thread(WatchLoop) { IsBackground = true, Name = "monitor player watchdog" };
        _watchdog.Start();
    }

    public int MaxRestarts { get; }

    /// <summary>Restarts so far.</summary>
    public int Restarts { get; private set; }

    public string Name { get; }

    /// <summary>The running player's pid, or -1.</summary>
    public int ProcessId => _player?.ProcessId ?? -1;

    public string Description
    {
        get
        {
            if (_stopped is string stopped)
            {
                return stopped;
            }

            var player = _player;
            lock (_lock)
            {
                if (player == null)
                {
                    return $"monitor stopped: {_lastReason}; restarting {Name} ({Restarts + 1} of {MaxRestarts})";
                }

                return Restarts == 0 ? player.Description
                    : string.Create(CultureInfo.InvariantCulture, $"{player.Description}, restarted {Restarts} of {MaxRestarts} times (last stop: {_lastReason})");
            }
        }
    }

    public bool TryWrite(ReadOnlySpan<short> interleavedStereo)
    {
        var player = _player;
        if (player != null && player.TryWrite(interleavedStereo))
        {
            return true;
        }

        if (player == null)
        {
            Interlocked.Add(ref _droppedWhileDown, interleavedStereo.Length / 2);
            Interlocked.Increment(ref _droppedWrites);
        }

        return false;
    }

    public MonitorSinkStatus GetStatus()
    {
        var player = _player;
        long down = Interlocked.Read(ref _droppedWhileDown);
        long writes = Interlocked.Read(ref _droppedWrites);
        if (player == null)
        {
            return new MonitorSinkStatus(Description, false, 0, 0, down, writes, 0, _stopped ?? "monitor stopped: " + _lastReason);
        }

        var s = player.GetStatus();
        return s with { Description = Description, FramesDropped = s.FramesDropped + down, DroppedWrites = s.DroppedWrites + writes };
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
        }

        _stop.Cancel();
        _watchdog.Join(TimeSpan.FromSeconds(5));
        var player = _player;
        _player = null;
        player?.Dispose();
    }

    private void WatchLoop()
    {
        while (!_stop.Token.WaitHandle.WaitOne(200))
        {
            Watch();
        }
    }

    /// <summary>One look (the watchdog thread only): a dead player is reported and put aside; a due restart starts one.</summary>
    private void Watch()
    {
        var player = _player;
        if (_stopped != null)
        {
            return;
        }

        if (player != null)
        {
            string? why = player.GetStatus().Error ?? (player.HasExited ? player.ExitDescription() : null);
            if (why == null)
            {
                return;
            }

            lock (_lock)
            {
                _lastReason = why;
                _player = null;
                if (Restarts >= MaxRestarts)
                {
                    _stopped = $"monitor stopped: {why} (restarted {Restarts} times; not again)";
                }
                else
                {
                    _restartAt = Environment.TickCount64 + (long)_pause.TotalMilliseconds;
                }
            }

            player.Dispose();
            _report(_stopped ?? $"monitor stopped: {why}; restarting {Name} in {_pause.TotalSeconds:0.#} s ({Restarts + 1} of {MaxRestarts})");
            return;
        }

        if (Environment.TickCount64 < _restartAt)
        {
            return;
        }

        PlayerProcessSink? started = null;
        string? failed = null;
        try
        {
            started = _start();
        }
        catch (Exception e) when (e is IOException or InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            failed = e.Message;
        }

        lock (_lock)
        {
            Restarts++;
            _restartAt = long.MaxValue;
            if (_disposed)
            {
                started?.Dispose();
                return;
            }

            if (started == null)
            {
                _lastReason = failed;
                if (Restarts >= MaxRestarts)
                {
                    _stopped = $"monitor stopped: {failed} (restarted {Restarts} times; not again)";
                }
                else
                {
                    _restartAt = Environment.TickCount64 + (long)_pause.TotalMilliseconds;
                }
            }
            else
            {
                _player = started;
            }
        }

        _report(started != null ? $"monitor restarted: {started.Description} ({Restarts} of {MaxRestarts})" : _stopped ?? $"monitor stopped: {failed}; trying again");
    }
}
