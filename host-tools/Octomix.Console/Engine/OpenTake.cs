using Octomix.Desk.Export;
using Octomix.Desk.Monitor;
using Octomix.Desk.Output;
using Octomix.Desk.Sessions;

namespace Octomix.Desk.Engine;

/// <summary>
/// The take the console is working on — recording, stopping, collecting — with one
/// <see cref="TrackStream"/> per box that recorded, and the monitor while it streams. Published
/// to the network thread as one reference: tracks are added before that and only their slots
/// change afterwards.
/// </summary>
public sealed class OpenTake : IDisposable
{
    private readonly Lock _lock = new();
    private TrackStream?[] _bySlot = new TrackStream?[Octomix.Protocol.Slot.MaxJammerSlots];
    private TakeInfo _info;

    public OpenTake(TakeInfo info)
    {
        _info = info;
    }

    public TakeInfo Info
    {
        get
        {
            lock (_lock)
            {
                return _info;
            }
        }

        set
        {
            TakeInfo before;
            lock (_lock)
            {
                before = _info;
                _info = value;
            }

            if (before.State != value.State || before.Report != value.Report)
            {
                Changed?.Invoke(before, value);
            }
        }
    }

    /// <summary>Told (before, after) when the take's state or report changed (on the thread that changed it).</summary>
    public Action<TakeInfo, TakeInfo>? Changed { get; init; }

    private string? _monitorOutput;

    public uint Id => _info.Id;

    /// <summary>The take's end, take index: the end of the tracks that stopped on the Stop; −1 until known.</summary>
    public long EndIndex { get; set; } = -1;

    public List<TrackStream> Tracks { get; } = [];

    /// <summary><see cref="System.Diagnostics.Stopwatch.GetTimestamp"/> when the engineer stopped the take; 0 when this console did not see the Stop (re-opened after a restart).</summary>
    public long StoppedTimestamp { get; set; }

    public MonitorMixer? Mixer { get; set; }

    public MonitorOutputLoop? Output { get; set; }

    public IMonitorSink? Sink { get; set; }

    /// <summary>Where the monitor goes now (the sink's live description: a player that died says so), kept after the output stopped.</summary>
    public string? MonitorOutput
    {
        get => Sink?.Description ?? _monitorOutput;
        set => _monitorOutput = value;
    }

    /// <summary>The exported folder's files, once written.</summary>
    public TakeExportResult? Export { get; set; }

    /// <summary>The collection report, once collected.</summary>
    public CollectionReport? Collection { get; set; }

    /// <summary>The track of the box in <paramref name="slot"/> (network thread).</summary>
    public TrackStream? BySlot(int slot) => slot >= 0 && slot < _bySlot.Length ? Volatile.Read(ref _bySlot)[slot] : null;

    public void Add(TrackStream track)
    {
        lock (_lock)
        {
            Tracks.Add(track);
            Reindex();
        }
    }

    public void Remove(TrackStream track)
    {
        lock (_lock)
        {
            Tracks.Remove(track);
            Reindex();
        }
    }

    /// <summary>A box joined again into another slot: its track follows it.</summary>
    public void Move(TrackStream track, int slot)
    {
        lock (_lock)
        {
            track.Slot = slot;
            Reindex();
        }
    }

    /// <summary>Stops the monitor output (the take ended); the mixer and its counters stay readable.</summary>
    public void StopMonitor()
    {
        _monitorOutput = MonitorOutput;
        Output?.Dispose();
        Output = null;
        Sink?.Dispose();
        Sink = null;
    }

    public void Dispose()
    {
        StopMonitor();
        foreach (var t in Tracks)
        {
            t.Dispose();
        }
    }

    private void Reindex()
    {
        var map = new TrackStream?[_bySlot.Length];
        foreach (var t in Tracks)
        {
            if (t.Slot >= 0 && t.Slot < map.Length)
            {
                map[t.Slot] = t;
            }
        }

        Volatile.Write(ref _bySlot, map);
    }
}
