using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using Microsoft.Extensions.Logging;
using Octomix.Desk.Link;
using Octomix.Desk.Sessions;
using Octomix.Protocol;

namespace Octomix.Desk.Engine;

/// <summary>
/// The engineer's console: a session of tracks in a SQLite file, the room joined as an engineer
/// (on a server another machine runs, or one the composition root starts in this process:
/// <see cref="ILocalServer"/>), the boxes bound to the tracks,
/// their ready indicators, and the takes — record, monitor, stop, collect, export, play back —
/// with every step persisted so a restarted console finishes what a crashed one began.
/// </summary>
/// <remarks>
/// Threads: the link's network thread receives (audio into the spools and the monitor, statuses,
/// file data) and sends NACKs; a housekeeping thread learns who is in the room, binds boxes to
/// tracks and persists the spools' progress; the caller's tasks run the take operations one at
/// a time. The terminal UI and scripts read <see cref="Snapshot"/>.
/// </remarks>
public sealed partial class ConsoleEngine : IAsyncDisposable
{
    private readonly ConsoleEngineOptions _options;
    private readonly ILogger _logger;
    private readonly SessionStore _store;
    private readonly IPEndPoint? _localServer;
    private readonly EngineerLink _link;
    private readonly SemaphoreSlim _operation = new(1, 1);
    private readonly ConcurrentDictionary<int, BoxStatusSnapshot> _statuses = new();
    private readonly ConcurrentDictionary<int, Member> _members = new();
    private readonly ConcurrentDictionary<int, long> _firstHeard = new();
    private readonly ConcurrentQueue<string> _events = new();
    private readonly AutoResetEvent _roomChanged = new(false);
    private volatile bool _serverAnnounces;
    private readonly Thread _housekeeping;
    private readonly SpoolWriter _spoolWriter;
    private readonly CancellationTokenSource _stop = new();
    private SessionInfo _session;
    private volatile IReadOnlyDictionary<long, int> _bindings = new Dictionary<long, int>();
    private volatile IReadOnlyList<UnboundBox> _unbound = [];
    private volatile OpenTake? _take;
    private bool _disposed;

    private ConsoleEngine(ConsoleEngineOptions options, ILoggerFactory loggers, SessionStore store, SessionInfo session, IPEndPoint? localServer, EngineerLink link)
    {
        _options = options;
        _logger = loggers.CreateLogger("octomix.console");
        _store = store;
        _session = session;
        _localServer = localServer;
        _link = link;
        _housekeeping = new Thread(Housekeeping) { IsBackground = true, Name = "octomix console housekeeping" };
        _spoolWriter = new SpoolWriter(_logger);
    }

    /// <summary>
    /// Opens the database and the session (created when missing, its tracks added), asks the
    /// <see cref="ConsoleEngineOptions.LocalServer"/> for the room unless a server elsewhere is
    /// given (<see cref="ConsoleEngineOptions.Server"/>), joins the room and waits for the Accept, and
    /// re-opens a take a previous console left unfinished (see <see cref="OpenTake"/>).
    /// </summary>
    public static async Task<ConsoleEngine> StartAsync(ConsoleEngineOptions options, ILoggerFactory loggers, CancellationToken cancel)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(loggers);
        var logger = loggers.CreateLogger("octomix.console");
        var store = new SessionStore(options.DatabasePath);
        IPEndPoint? localServer = null;
        EngineerLink? link = null;
        try
        {
            var session = OpenSession(store, options);
            foreach (var name in options.Tracks)
            {
                if (!store.Tracks(session.Id).Any(t => string.Equals(t.Name, name, StringComparison.OrdinalIgnoreCase)))
                {
                    store.AddTrack(session.Id, name);
                }
            }

            string host;
            int port;
            if (options.Server is null)
            {
                var provider = options.LocalServer
                    ?? throw new ArgumentException("no server: name one elsewhere (--server host:port) or give the engine a server in this process (ConsoleEngineOptions.LocalServer)");
                localServer = await provider.StartRoomAsync(new LocalRoom(session.JoinCode, session.SampleRate), cancel).ConfigureAwait(false);
                host = localServer.Address.ToString();
                port = localServer.Port;
                logger.LogInformation("server in this process: room 0 on UDP {Port}, join code {Code}", port, session.JoinCode);
            }
            else
            {
                var endpoint = LinkOptions.ParseEndpoint(options.Server, out string? problem) ?? throw new ArgumentException("--server: " + problem);
                (host, port) = endpoint;
            }

            link = new EngineerLink(
                new LinkOptions { Host = host, Port = port, JoinCode = session.JoinCode, Name = options.ConsoleName, SampleRate = session.SampleRate },
                loggers.CreateLogger("octomix.link"));
            var engine = new ConsoleEngine(options, loggers, store, session, localServer, link);
            link.Start(engine);
            await link.WaitJoinedAsync(TimeSpan.FromSeconds(10), cancel).ConfigureAwait(false);
            engine._housekeeping.Start();
            engine.ReopenUnfinishedTake();
            engine.StartWatcher();
            return engine;
        }
        catch
        {
            link?.Dispose();
            store.Dispose();
            throw;
        }
    }

    public SessionInfo Session => Volatile.Read(ref _session);

    public SessionStore Store => _store;

    /// <summary>Where the console joined the server in this process, or null when it joined one elsewhere.</summary>
    public IPEndPoint? LocalServer => _localServer;

    public EngineerLink Link => _link;

    /// <summary>The take being recorded, stopped or collected (or the last one, until the next Record).</summary>
    public OpenTake? CurrentTake => _take;

    public ConsoleEngineOptions Options => _options;

    /// <summary>Where the boxes reach the room: the server's address as given, or this machine's room port.</summary>
    public string ServerAddress => _localServer != null
        ? string.Create(CultureInfo.InvariantCulture, $"this machine, UDP {_localServer.Port}")
        : _link.Server.ToString();

    public IReadOnlyList<TrackInfo> Tracks => _store.Tracks(Session.Id);

    /// <summary>Adds a track; a box in the room without one is bound to it.</summary>
    public TrackInfo AddTrack(string name)
    {
        var track = _store.AddTrack(Session.Id, name);
        Emit(new TrackAdded(track.Id, track.Position, track.Name));
        Rebind();
        return track;
    }

    /// <summary>
    /// Switches to another session (created with the current one's settings when it does not
    /// exist). The join code stays the room's: boxes keep their settings.
    /// </summary>
    public async Task<SessionInfo> SwitchSessionAsync(string name, CancellationToken cancel)
    {
        await _operation.WaitAsync(cancel).ConfigureAwait(false);
        try
        {
            if (_take is { } open && open.Info.State is TakeState.Recording or TakeState.Stopping or TakeState.Collecting)
            {
                throw new InvalidOperationException($"take {open.Info.Number} is not finished ({open.Info.State}): stop and collect it first");
            }

            var current = Session;
            var session = _store.FindSession(name) ?? _store.CreateSession(current with { Id = 0, Name = name, CreatedUtc = DateTime.UtcNow });
            if (session.JoinCode != current.JoinCode || session.SampleRate != current.SampleRate)
            {
                throw new InvalidOperationException($"session \"{name}\" has join code {session.JoinCode} at {session.SampleRate} Hz: restart the console with it");
            }

            Volatile.Write(ref _session, session);
            _take?.Dispose();
            _take = null;
            Emit(new SessionOpened(session.Id, session.Name));
            Rebind();
            return session;
        }
        finally
        {
            _operation.Release();
        }
    }

    /// <summary>Changes the mix settings of a track (monitor now, and the take's mix on export).</summary>
    public void SetTrackMix(long trackId, double faderDb, double pan, bool mute, bool solo)
    {
        _store.SetTrackMix(trackId, faderDb, pan, mute, solo);
        var track = Tracks.FirstOrDefault(t => t.Id == trackId);
        var stream = _take?.Tracks.FirstOrDefault(t => t.Info.TrackId == trackId);
        if (track != null && stream?.Monitor is { } monitor)
        {
            monitor.FaderDb = faderDb;
            monitor.Pan = pan;
            monitor.Mute = mute;
            monitor.Solo = solo;
        }
    }

    /// <summary>
    /// Sets the server's room mix (the stream for listeners): a Q8.8 gain (256 = unity) and a pan
    /// (−127 hard left … 0 centre … +127 hard right) per jammer slot, missing entries unity and
    /// centre. MixLevels to the server (docs/protocol.md); true when the server acknowledged it.
    /// For the web console too.
    /// </summary>
    public Task<bool> SetRoomMixAsync(IReadOnlyList<int>? gains, IReadOnlyList<int>? pans, CancellationToken cancel)
        => SendMixLevelsAsync(Slot.Server, enable: true, gains, pans, cancel);

    /// <summary>
    /// Turns the server-made personal mix of the box in <paramref name="slot"/> on or off, with a
    /// gain and pan per source slot as <see cref="SetRoomMixAsync"/>. True when acknowledged.
    /// </summary>
    public Task<bool> SetPersonalMixAsync(int slot, bool enable, IReadOnlyList<int>? gains, IReadOnlyList<int>? pans, CancellationToken cancel)
    {
        if (!Slot.IsJammer(slot))
        {
            throw new ArgumentOutOfRangeException(nameof(slot), "a jammer slot, 0–15");
        }

        return SendMixLevelsAsync((byte)slot, enable, gains, pans, cancel);
    }

    private async Task<bool> SendMixLevelsAsync(byte destination, bool enable, IReadOnlyList<int>? gains, IReadOnlyList<int>? pans, CancellationToken cancel)
    {
        var message = new MixLevelsMessage { Enable = enable, WithPans = true };
        for (int i = 0; i < Slot.MaxJammerSlots; i++)
        {
            message.Gains[i] = gains != null && i < gains.Count ? Math.Clamp(gains[i], 0, 0xFFFF) : MixLevelsMessage.Unity;
            message.Pans[i] = pans != null && i < pans.Count ? Math.Clamp(pans[i], -MixLevelsMessage.MaxPan, MixLevelsMessage.MaxPan) : 0;
        }

        var answer = await _link.SendCommandAsync(message, destination).WaitAsync(cancel).ConfigureAwait(false);
        return answer is { Ok: true };
    }

    /// <summary>
    /// Asks the box of a track (or every bound box: null) to measure its round trip again
    /// (Calibrate). Returns the tracks whose box did not take it, with the reason.
    /// </summary>
    public async Task<IReadOnlyList<TrackProblem>> CalibrateAsync(long? trackId, CancellationToken cancel)
    {
        var problems = new List<TrackProblem>();
        var pending = new List<(TrackView View, Task<Link.CommandAnswer?> Answer)>();
        foreach (var view in Snapshot().Tracks.Where(t => trackId == null || t.Track.Id == trackId))
        {
            if (view.Slot is not int slot)
            {
                problems.Add(new TrackProblem(view.Track.Name, view.Track.BoxName, "no box"));
                continue;
            }

            pending.Add((view, _link.SendCommandAsync(new SimpleControlMessage(MessageType.Calibrate), (byte)slot)));
        }

        foreach (var (view, answer) in pending)
        {
            var result = await answer.WaitAsync(cancel).ConfigureAwait(false);
            if (result is not { Ok: true })
            {
                problems.Add(new TrackProblem(view.Track.Name, view.Track.BoxName, result == null ? "did not answer Calibrate" : "answered " + result.Value));
            }
            else
            {
                Event($"box {view.Track.BoxName} (track {view.Track.Name}) calibrates again");
            }
        }

        return problems;
    }

    /// <summary>Waits until at least <paramref name="count"/> tracks have a ready box; false on timeout.</summary>
    public async Task<bool> WaitForReadyAsync(int count, TimeSpan timeout, CancellationToken cancel)
    {
        var until = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < until)
        {
            if (Snapshot().Tracks.Count(t => t.Readiness.Ready) >= count)
            {
                return true;
            }

            await Task.Delay(100, cancel).ConfigureAwait(false);
        }

        return false;
    }

    /// <summary>Everything the screen shows, at once.</summary>
    public ConsoleSnapshot Snapshot()
    {
        long now = _link.NowMicros;
        var session = Session;
        var timeline = new TakeTimelineMath(session.SampleRate, session.TempoCentiBpm, session.BeatsPerBar, session.CountInBars);
        var bindings = _bindings;
        var tracks = new List<TrackView>();
        foreach (var track in Tracks)
        {
            int? slot = bindings.TryGetValue(track.Id, out int s) ? s : null;
            var status = slot is int k && _statuses.TryGetValue(k, out var st) ? st : null;
            var readiness = slot == null
                ? new BoxReadiness(false, false, false, false, false, [track.BoxName != null ? $"box {track.BoxName} not in the room" : "no box"])
                : BoxReadiness.Evaluate(status, now, timeline.PreRollFrames);
            double? rtt = status is { RttTenthsMs: < 0xFFFF } ? status.RttTenthsMs / 10.0 : null;
            double loss = status is { StatusReceived: > 0 } ? 100.0 * status.StatusLost / (status.StatusLost + status.StatusReceived) : 0;
            tracks.Add(new TrackView(track, slot, status, readiness, rtt, loss, RecordPreflight.CardProblem(track.Name, track.BoxName, status, _options.ExpectedTakeLength)));
        }

        return new ConsoleSnapshot(
            session,
            ServerAddress,
            _link.IsJoined,
            _link.Slot,
            _link.RoundTrip?.TotalMilliseconds,
            tracks,
            _unbound,
            TakeSnapshot(),
            [.. _events])
        {
            ServerName = _link.ServerName,
        };
    }

    /// <summary>Leaves the room and closes the session; the server in this process is its provider's to stop (after this).</summary>
    public ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return ValueTask.CompletedTask;
        }

        _disposed = true;
        _stop.Cancel();
        if (_housekeeping.ThreadState != ThreadState.Unstarted)
        {
            _housekeeping.Join(TimeSpan.FromSeconds(5));
        }

        StopWatcher();

        _link.Dispose();
        _spoolWriter.Dispose(); // writes what is queued
        PersistProgress();
        _take?.Dispose();
        _store.Dispose();
        _operation.Dispose();
        _roomChanged.Dispose();
        return ValueTask.CompletedTask;
    }

    private static SessionInfo OpenSession(SessionStore store, ConsoleEngineOptions options)
    {
        var existing = store.FindSession(options.Session.Name);
        if (existing == null)
        {
            return store.CreateSession(options.Session);
        }

        return options.UpdateSessionSettings ? store.UpdateSession(options.Session with { Id = existing.Id, CreatedUtc = existing.CreatedUtc }) : existing;
    }

    /// <summary>A line for the screen's event list (and the log): an <see cref="EngineNotice"/>.</summary>
    private void Event(string text, LogLevel level = LogLevel.Information) => Emit(new EngineNotice(text) { Level = level });

    private void Housekeeping()
    {
        while (!_stop.IsCancellationRequested)
        {
            try
            {
                RefreshMembers();
                Rebind();
                PersistProgress();
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                _logger.LogError(e, "console housekeeping");
            }

            // every 250 ms, and at once when a box came or went
            WaitHandle.WaitAny([_stop.Token.WaitHandle, _roomChanged], 250);
        }
    }

    /// <summary>
    /// Who is in the room: the boxes the server announced (OnMemberJoined/OnMemberLeft, wherever
    /// the server runs); from a server that announces nothing, the slots heard, named "slot N".
    /// </summary>
    private void RefreshMembers()
    {
        long now = _link.NowMicros;
        foreach (var (slot, heard) in _firstHeard)
        {
            if (!_serverAnnounces && !_members.ContainsKey(slot) && now - heard > (long)_options.NamelessAfter.TotalMicroseconds)
            {
                // no roster from this server: the box can only be told apart by its slot
                _members[slot] = new Member(slot, "slot " + slot.ToString(CultureInfo.InvariantCulture), 0, 0, 0, false, now);
            }
        }

        // a box whose Leave went missing: neither heard nor announced for 10 s (the server repeats its roster every second)
        foreach (var (slot, member) in _members)
        {
            bool silent = !_statuses.TryGetValue(slot, out var st) || now - st.HeardAtMicros > 10_000_000;
            if (silent && now - member.SeenAtMicros > 10_000_000)
            {
                _members.TryRemove(slot, out _);
                _firstHeard.TryRemove(slot, out _);
            }
        }
    }

    /// <summary>
    /// Binds the boxes in the room to tracks: a box to the track that has its name bound already;
    /// else to a free track of its own name; else to the next free track (persisted, so the box
    /// finds its track again after a restart). Boxes left over are listed as unbound.
    /// </summary>
    private void Rebind()
    {
        var session = Session;
        var tracks = _store.Tracks(session.Id);
        var members = _members.Values.OrderBy(m => m.Slot).ToList();
        var bindings = new Dictionary<long, int>();
        var placed = new HashSet<int>();
        void Bind(TrackInfo track, Member m)
        {
            if (!string.Equals(track.BoxName, m.Name, StringComparison.OrdinalIgnoreCase))
            {
                _store.BindTrack(track.Id, m.Name);
                Emit(new TrackBound(track.Id, track.Position, track.Name, m.Name, m.Slot));
            }

            bindings[track.Id] = m.Slot;
            placed.Add(m.Slot);
        }

        // 1. a box named like a track takes it (even from a box that was given it for want of a better one)
        foreach (var m in members)
        {
            var track = tracks.FirstOrDefault(t => string.Equals(t.Name, m.Name, StringComparison.OrdinalIgnoreCase));
            if (track != null && m.Named)
            {
                Bind(track, m);
            }
        }

        // 2. the track a box was bound to before (by name, persisted)
        foreach (var m in members.Where(m => !placed.Contains(m.Slot)))
        {
            var track = tracks.FirstOrDefault(t => !bindings.ContainsKey(t.Id) && string.Equals(t.BoxName, m.Name, StringComparison.OrdinalIgnoreCase));
            if (track != null)
            {
                Bind(track, m);
            }
        }

        // 3. the next free track (keeping tracks named like a box in the room for that box)
        tracks = _store.Tracks(session.Id);
        var free = tracks
            .Where(t => t.BoxName == null && !bindings.ContainsKey(t.Id) && !members.Any(m => m.Named && string.Equals(m.Name, t.Name, StringComparison.OrdinalIgnoreCase)))
            .ToList();
        foreach (var m in members.Where(m => !placed.Contains(m.Slot)).ToList())
        {
            var track = free.FirstOrDefault();
            if (track == null)
            {
                continue;
            }

            free.Remove(track);
            Bind(track, m);
        }

        _bindings = bindings;
        _unbound = members.Where(m => !placed.Contains(m.Slot))
            .Select(m => new UnboundBox(m.Slot, m.Name, _statuses.TryGetValue(m.Slot, out var st) ? st : null))
            .ToList();

        // a box that joined again into another slot takes its track of the open take with it
        if (_take is { } take)
        {
            foreach (var stream in take.Tracks)
            {
                if (bindings.TryGetValue(stream.Info.TrackId, out int slot) && slot != stream.Slot && members.Any(m => m.Slot == slot && m.Named))
                {
                    Event($"box {stream.Info.BoxName} is now in slot {slot} (was {stream.Slot})", LogLevel.Warning);
                    take.Move(stream, slot);
                }
            }
        }
    }

    /// <summary>Makes the spools durable, then records their present ranges and counters (never the other way round).</summary>
    private void PersistProgress()
    {
        if (_take is not { } take)
        {
            return;
        }

        foreach (var stream in take.Tracks.ToList())
        {
            try
            {
                var ranges = stream.Spool.TakeChangedRanges();
                if (ranges == null)
                {
                    continue;
                }

                stream.Spool.FlushToDisk();
                _store.SaveSpoolRanges(take.Id, stream.Info.TrackId, ranges);
                _store.SaveTakeTrack(stream.Info with { StreamBytes = stream.StreamBytes, FetchedBytes = stream.FetchedBytes });
            }
            catch (ObjectDisposedException)
            {
                // the take was closed meanwhile
            }
        }
    }

    /// <summary>A member of the room as the console knows it.</summary>
    private sealed record Member(int Slot, string Name, ulong BoxId, int Channels, int Format, bool Named, long SeenAtMicros);
}
