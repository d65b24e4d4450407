using System.Globalization;
using Microsoft.Extensions.Logging;
using Octomix.Desk.Monitor;
using Octomix.Desk.Sessions;
using Octomix.Protocol;

namespace Octomix.Desk.Engine;

/// <summary>
/// The typed events (<see cref="EngineEvent"/>): every state change the screens show, emitted to
/// the subscribers (the terminal screen, the web console) and — the ones that are lines — to the
/// string log. A watcher thread emits what is measured rather than done: the meters while a
/// take's monitor runs (<see cref="MeterInterval"/>), and, every <see cref="WatchInterval"/>, a
/// track's ready state, its link's figures, collection progress and the monitor's state when they changed.
/// </summary>
public sealed partial class ConsoleEngine
{
    /// <summary>How often the meters are read while a take's monitor runs (25 per second).</summary>
    public static readonly TimeSpan MeterInterval = TimeSpan.FromMilliseconds(40);

    /// <summary>Late meter readings caught up at once (beyond this many, the schedule starts afresh).</summary>
    private const int MaxMeterCatchUp = 5;

    /// <summary>How often ready state, link health, collection progress and the monitor are compared with what was emitted.</summary>
    public static readonly TimeSpan WatchInterval = TimeSpan.FromMilliseconds(200);

    private readonly Lock _subscribersLock = new();
    private volatile Action<EngineEvent>[] _subscribers = [];
    private readonly Dictionary<long, string> _lastReadiness = [];
    private readonly Dictionary<long, string> _lastHealth = [];
    private readonly Dictionary<(uint, string), string> _lastProgress = [];
    private string? _lastMonitor;
    private long _meterSequence;
    private Thread? _watcher;

    /// <summary>
    /// Calls <paramref name="handler"/> with every event from now on, on the engine's threads (the
    /// network thread, the watcher, the caller of an operation): it must return quickly and not
    /// call back into a take operation. Dispose the result to stop.
    /// </summary>
    public IDisposable Subscribe(Action<EngineEvent> handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        lock (_subscribersLock)
        {
            _subscribers = [.. _subscribers, handler];
        }

        return new Subscription(this, handler);
    }

    /// <summary>
    /// The events that describe the state as it is now (each track's ready state and link, the
    /// take's state): what a new subscriber (a page that just connected) starts from.
    /// </summary>
    public IReadOnlyList<EngineEvent> CurrentState()
    {
        var list = new List<EngineEvent>();
        var snapshot = Snapshot();
        foreach (var view in snapshot.Tracks)
        {
            list.Add(Readiness(view));
            list.Add(Health(view));
        }

        if (_take is { } take)
        {
            var info = take.Info;
            list.Add(new TakeStateChanged(info.Id, info.Number, info.State, null, info.Report));
        }

        return list;
    }

    private void Unsubscribe(Action<EngineEvent> handler)
    {
        lock (_subscribersLock)
        {
            _subscribers = [.. _subscribers.Where(h => h != handler)];
        }
    }

    /// <summary>Logs the event (when it is a line) and hands it to every subscriber.</summary>
    private void Emit(EngineEvent e)
    {
        if (e.Logged)
        {
            _logger.Log(e.Level, "{Event}", e.Describe());
            _events.Enqueue(e.LogLine());
            while (_events.Count > 100)
            {
                _events.TryDequeue(out _);
            }
        }

        foreach (var handler in _subscribers)
        {
            try
            {
                handler(e);
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                _logger.LogError(ex, "a subscriber of the console's events failed on {Event}", e.GetType().Name);
            }
        }
    }

    private void OnTakeChanged(TakeInfo before, TakeInfo after) =>
        Emit(new TakeStateChanged(after.Id, after.Number, after.State, before.State, after.Report) { Level = after.State == TakeState.Incomplete ? LogLevel.Warning : LogLevel.Information });

    private void StartWatcher()
    {
        _watcher = new Thread(Watch) { IsBackground = true, Name = "octomix console events" };
        _watcher.Start();
    }

    private void StopWatcher()
    {
        if (_watcher != null && _watcher.ThreadState != ThreadState.Unstarted)
        {
            _watcher.Join(TimeSpan.FromSeconds(5));
        }
    }

    private void Watch()
    {
        int perWatch = Math.Max(1, (int)(WatchInterval / MeterInterval));
        long tick = 0;
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (!_stop.IsCancellationRequested)
        {
            try
            {
                EmitMeters();
                if (tick % perWatch == 0)
                {
                    EmitChanges();
                }
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                _logger.LogError(e, "console events");
            }

            tick++;
            // paced by the clock, not by the sleeps: 25 readings a second however long one took.
            // A reading that came late (this thread was not scheduled, a slow subscriber) is
            // caught up at once rather than dropped, so the page still gets 25 a second on a busy
            // machine; only a stall longer than MaxMeterCatchUp readings starts the count afresh.
            var due = MeterInterval * tick - clock.Elapsed;
            if (due < TimeSpan.Zero)
            {
                if (-due > MeterInterval * MaxMeterCatchUp)
                {
                    tick = (long)(clock.Elapsed / MeterInterval) + 1;
                    due = MeterInterval * tick - clock.Elapsed;
                }
                else
                {
                    due = TimeSpan.Zero;
                }
            }

            _stop.Token.WaitHandle.WaitOne(due);
        }
    }

    /// <summary>The meters of the take's monitor, while it runs (each reading empties the meters).</summary>
    private void EmitMeters()
    {
        if (_take is not { Mixer: { } mixer, Output: not null } take)
        {
            return;
        }

        var tracks = new List<TrackMeter>(take.Tracks.Count);
        foreach (var stream in take.Tracks.ToList())
        {
            if (stream.Monitor is { } monitor)
            {
                var m = monitor.ReadMeter();
                tracks.Add(new TrackMeter(stream.Info.TrackId, stream.Info.TrackName, MetersUpdate.Db(m.Peak), MetersUpdate.Db(m.Rms)));
            }
        }

        var (left, right) = mixer.ReadMasterMeters();
        Emit(new MetersUpdate(take.Id, ++_meterSequence, tracks, MetersUpdate.Db(left.Peak), MetersUpdate.Db(right.Peak), Math.Round(mixer.TargetDelay.TotalMilliseconds, 1)));
    }

    /// <summary>Ready state, link health, collection progress and the monitor's state: emitted when they changed.</summary>
    private void EmitChanges()
    {
        var snapshot = Snapshot();
        var present = new HashSet<long>();
        foreach (var view in snapshot.Tracks)
        {
            present.Add(view.Track.Id);
            var ready = Readiness(view);
            string readyKey = ready.Ready + "|" + ready.Box + "|" + string.Join(",", ready.Reasons);
            if (!_lastReadiness.TryGetValue(view.Track.Id, out var last) || last != readyKey)
            {
                _lastReadiness[view.Track.Id] = readyKey;
                Emit(ready);
            }

            var health = Health(view);
            string healthKey = health.Describe() + "|" + health.LatencySamples + "|" + health.SdMinutesLeft;
            if (!_lastHealth.TryGetValue(view.Track.Id, out var lastHealth) || lastHealth != healthKey)
            {
                _lastHealth[view.Track.Id] = healthKey;
                Emit(health);
            }
        }

        foreach (var gone in _lastReadiness.Keys.Where(k => !present.Contains(k)).ToList())
        {
            _lastReadiness.Remove(gone);
            _lastHealth.Remove(gone);
        }

        if (snapshot.Take is { } take)
        {
            foreach (var t in take.Tracks)
            {
                var progress = new CollectionProgress(take.Take.Id, take.Take.Number, t.TrackName, t.BoxName, t.State, t.StreamBytes, t.FetchedBytes, t.DataBytes, t.Problem);
                string key = progress.Describe() + "|" + t.Problem;
                if (!_lastProgress.TryGetValue((take.Take.Id, t.TrackName), out var lastProgress) || lastProgress != key)
                {
                    _lastProgress[(take.Take.Id, t.TrackName)] = key;
                    Emit(progress);
                }
            }
        }

        var current = _take;
        MonitorStateChanged? monitor = current is { Mixer: { } mixer }
            ? new MonitorStateChanged(current.Id, current.Info.Number, current.Output != null ? mixer.State : null, current.MonitorOutput, Math.Round(mixer.TargetDelay.TotalMilliseconds))
            : null;
        string? monitorKey = monitor == null ? null : monitor.TakeId + "|" + monitor.State + "|" + monitor.Output;
        if (monitorKey != _lastMonitor)
        {
            _lastMonitor = monitorKey;
            if (monitor != null)
            {
                Emit(monitor);
            }
        }
    }

    private static TrackReadinessChanged Readiness(TrackView view) =>
        new(view.Track.Id, view.Track.Name, view.Track.BoxName, view.Readiness.Ready, view.Readiness.Reasons);

    private LinkHealth Health(TrackView view)
    {
        var st = view.Status;
        double? minutes = null;
        if (st != null && view.Slot is int slot && _members.TryGetValue(slot, out var member) && member.Channels > 0)
        {
            int bytes = SampleFormats.BytesPerSample((byte)member.Format);
            double perSecond = (double)Session.SampleRate * member.Channels * bytes;
            if (perSecond > 0)
            {
                minutes = Math.Round(st.SdFreeMiB * 1048576.0 / perSecond / 60, 1);
            }
        }

        return new LinkHealth(
            view.Track.Id,
            view.Track.Name,
            view.Track.BoxName,
            view.BoxRoundTripMilliseconds,
            st is { LatencySamples: >= 0 } ? st.LatencySamples : null,
            Math.Round(view.StatusLossPercent, 2),
            st != null && !double.IsNaN(st.JitterMilliseconds) ? Math.Round(st.JitterMilliseconds, 1) : null,
            st?.BufferMilliseconds,
            st?.SdFreeMiB,
            minutes);
    }

    private sealed class Subscription(ConsoleEngine engine, Action<EngineEvent> handler) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                engine.Unsubscribe(handler);
            }
        }
    }
}
