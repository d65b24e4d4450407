using System.Globalization;
using Microsoft.Data.Sqlite;

namespace Octomix.Desk.Sessions;

/// <summary>
/// Sessions, tracks, takes and each take's collection progress in one SQLite file. Everything a
/// restarted console needs is here: the take in progress, which box recorded which track, where
/// the console's copy of each track is and which byte ranges of it are already present.
/// </summary>
/// <remarks>
/// WAL journal with <c>synchronous = FULL</c>: a committed change survives a crash of the
/// process and of the machine. One connection shared by the console's threads behind a lock
/// (the writes are few: a take, a track, the spool ranges twice a second).
/// </remarks>
public sealed class SessionStore : IDisposable
{
    private const int SchemaVersion = 1;

    /// <summary>2020-01-01 UTC: the first take id of a new database is the seconds since then (see <see cref="CreateTake"/>).</summary>
    private static readonly DateTime TakeIdEpoch = new(2020, 1, 1, 0, 0, 0, DateTimeKind.Utc);

    private readonly SqliteConnection _connection;
    private readonly Lock _lock = new();
    private bool _disposed;

    /// <summary>Opens (or creates) the database at <paramref name="path"/>; its folder is created when missing.</summary>
    public SessionStore(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        FilePath = System.IO.Path.GetFullPath(path);
        string? folder = System.IO.Path.GetDirectoryName(FilePath);
        if (folder != null)
        {
            Directory.CreateDirectory(folder);
        }

        _connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = FilePath, Pooling = false }.ToString());
        try
        {
            _connection.Open();
            Execute("PRAGMA journal_mode = WAL;");
            Execute("PRAGMA synchronous = FULL;");
            Execute("PRAGMA foreign_keys = ON;");
            Execute("PRAGMA busy_timeout = 5000;");
            CreateSchema();
        }
        catch (SqliteException e)
        {
            _connection.Dispose();
            throw new InvalidDataException($"session database {FilePath}: {e.Message}", e);
        }
    }

    public string FilePath { get; }

    public SessionInfo? FindSession(string name)
    {
        lock (_lock)
        {
            using var c = Command("SELECT * FROM sessions WHERE name = $name", ("$name", name));
            using var r = c.ExecuteReader();
            return r.Read() ? ReadSession(r) : null;
        }
    }

    public SessionInfo? Session(long id)
    {
        lock (_lock)
        {
            using var c = Command("SELECT * FROM sessions WHERE id = $id", ("$id", id));
            using var r = c.ExecuteReader();
            return r.Read() ? ReadSession(r) : null;
        }
    }

    public IReadOnlyList<SessionInfo> Sessions()
    {
        lock (_lock)
        {
            using var c = Command("SELECT * FROM sessions ORDER BY id");
            using var r = c.ExecuteReader();
            var list = new List<SessionInfo>();
            while (r.Read())
            {
                list.Add(ReadSession(r));
            }

            return list;
        }
    }

    /// <summary>Creates a session; <see cref="ArgumentException"/> names every bad setting, or a name already taken.</summary>
    public SessionInfo CreateSession(SessionInfo session)
    {
        ArgumentNullException.ThrowIfNull(session);
        var problems = session.Problems();
        if (problems.Count > 0)
        {
            throw new ArgumentException("session settings: " + string.Join("; ", problems));
        }

        lock (_lock)
        {
            if (Exists("SELECT 1 FROM sessions WHERE name = $name", ("$name", session.Name)))
            {
                throw new ArgumentException($"a session named \"{session.Name}\" exists already");
            }

            using var c = Command(
                "INSERT INTO sessions (name, project, join_code, sample_rate, tempo_centi_bpm, beats_per_bar, beat_unit, count_in_bars, click_sound, click_level, click_during_take, created_utc) " +
                "VALUES ($name, $project, $code, $rate, $tempo, $bpb, $unit, $countin, $sound, $level, $during, $created) RETURNING id",
                ("$name", session.Name), ("$project", session.Project), ("$code", session.JoinCode), ("$rate", session.SampleRate),
                ("$tempo", session.TempoCentiBpm), ("$bpb", session.BeatsPerBar), ("$unit", session.BeatUnit), ("$countin", session.CountInBars),
                ("$sound", session.ClickSound), ("$level", session.ClickLevel), ("$during", session.ClickDuringTake ? 1 : 0), ("$created", Time(session.CreatedUtc)));
            long id = (long)c.ExecuteScalar()!;
            return session with { Id = id };
        }
    }

    /// <summary>Changes the click and audio settings of a session (takes keep what they were recorded with).</summary>
    public SessionInfo UpdateSession(SessionInfo session)
    {
        ArgumentNullException.ThrowIfNull(session);
        var problems = session.Problems();
        if (problems.Count > 0)
        {
            throw new ArgumentException("session settings: " + string.Join("; ", problems));
        }

        lock (_lock)
        {
            using var c = Command(
                "UPDATE sessions SET project = $project, join_code = $code, sample_rate = $rate, tempo_centi_bpm = $tempo, beats_per_bar = $bpb, beat_unit = $unit, " +
                "count_in_bars = $countin, click_sound = $sound, click_level = $level, click_during_take = $during WHERE id = $id",
                ("$id", session.Id), ("$project", session.Project), ("$code", session.JoinCode), ("$rate", session.SampleRate), ("$tempo", session.TempoCentiBpm),
                ("$bpb", session.BeatsPerBar), ("$unit", session.BeatUnit), ("$countin", session.CountInBars), ("$sound", session.ClickSound),
                ("$level", session.ClickLevel), ("$during", session.ClickDuringTake ? 1 : 0));
            if (c.ExecuteNonQuery() != 1)
            {
                throw new ArgumentException($"no session with id {session.Id}");
            }

            return session;
        }
    }

    public IReadOnlyList<TrackInfo> Tracks(long sessionId)
    {
        lock (_lock)
        {
            using var c = Command("SELECT * FROM tracks WHERE session_id = $s ORDER BY position", ("$s", sessionId));
            using var r = c.ExecuteReader();
            var list = new List<TrackInfo>();
            while (r.Read())
            {
                list.Add(ReadTrack(r));
            }

            return list;
        }
    }

    /// <summary>Adds a track at the end of the session. Names are unique within a session (case-insensitive).</summary>
    public TrackInfo AddTrack(long sessionId, string name)
    {
        if (string.IsNullOrWhiteSpace(name))
        {
            throw new ArgumentException("a track needs a name");
        }

        name = name.Trim();
        lock (_lock)
        {
            if (!Exists("SELECT 1 FROM sessions WHERE id = $s", ("$s", sessionId)))
            {
                throw new ArgumentException($"no session with id {sessionId}");
            }

            if (Exists("SELECT 1 FROM tracks WHERE session_id = $s AND name = $n", ("$s", sessionId), ("$n", name)))
            {
                throw new ArgumentException($"the session has a track named \"{name}\" already");
            }

            using var c = Command(
                "INSERT INTO tracks (session_id, position, name) VALUES ($s, (SELECT COALESCE(MAX(position), 0) + 1 FROM tracks WHERE session_id = $s), $n) RETURNING id",
                ("$s", sessionId), ("$n", name));
            long id = (long)c.ExecuteScalar()!;
            using var read = Command("SELECT * FROM tracks WHERE id = $id", ("$id", id));
            using var r = read.ExecuteReader();
            r.Read();
            return ReadTrack(r);
        }
    }

    /// <summary>Binds a box (by name) to a track, or unbinds it (null). A box is bound to one track of a session at most.</summary>
    public void BindTrack(long trackId, string? boxName)
    {
        lock (_lock)
        {
            using var tx = _connection.BeginTransaction();
            if (boxName != null)
            {
                using var clear = Command(
                    "UPDATE tracks SET box_name = NULL WHERE box_name = $b AND session_id = (SELECT session_id FROM tracks WHERE id = $t) AND id <> $t",
                    ("$b", boxName), ("$t", trackId));
                clear.Transaction = tx;
                clear.ExecuteNonQuery();
            }

            using var c = Command("UPDATE tracks SET box_name = $b WHERE id = $t", ("$b", (object?)boxName ?? DBNull.Value), ("$t", trackId));
            c.Transaction = tx;
            if (c.ExecuteNonQuery() != 1)
            {
                throw new ArgumentException($"no track with id {trackId}");
            }

            tx.Commit();
        }
    }

    /// <summary>Renames a track (unique within its session, case-insensitive). Takes keep the name they were recorded with.</summary>
    public TrackInfo RenameTrack(long trackId, string name)
    {
        if (string.IsNullOrWhiteSpace(name))
        {
            throw new ArgumentException("a track needs a name");
        }

        name = name.Trim();
        lock (_lock)
        {
            using var read = Command("SELECT * FROM tracks WHERE id = $id", ("$id", trackId));
            TrackInfo track;
            using (var r = read.ExecuteReader())
            {
                if (!r.Read())
                {
                    throw new KeyNotFoundException($"no track with id {trackId}");
                }

                track = ReadTrack(r);
            }

            if (Exists("SELECT 1 FROM tracks WHERE session_id = $s AND name = $n AND id <> $id", ("$s", track.SessionId), ("$n", name), ("$id", trackId)))
            {
                throw new ArgumentException($"the session has a track named \"{name}\" already");
            }

            using var c = Command("UPDATE tracks SET name = $n WHERE id = $id", ("$n", name), ("$id", trackId));
            c.ExecuteNonQuery();
            return track with { Name = name };
        }
    }

    /// <summary>
    /// Removes a track that no take recorded (a take's stems name their tracks: such a track stays;
    /// mute it instead). The tracks after it move up one position.
    /// </summary>
    public TrackInfo RemoveTrack(long trackId)
    {
        lock (_lock)
        {
            using var read = Command("SELECT * FROM tracks WHERE id = $id", ("$id", trackId));
            TrackInfo track;
            using (var r = read.ExecuteReader())
            {
                if (!r.Read())
                {
                    throw new KeyNotFoundException($"no track with id {trackId}");
                }

                track = ReadTrack(r);
            }

            using (var used = Command("SELECT t.number FROM take_tracks tt JOIN takes t ON t.id = tt.take_id WHERE tt.track_id = $id ORDER BY t.number LIMIT 1", ("$id", trackId)))
            {
                if (used.ExecuteScalar() is long number)
                {
                    throw new InvalidOperationException($"track \"{track.Name}\" is in take {number}: a track with takes stays (mute it)");
                }
            }

            using var tx = _connection.BeginTransaction();
            using var delete = Command("DELETE FROM tracks WHERE id = $id", ("$id", trackId));
            delete.Transaction = tx;
            delete.ExecuteNonQuery();
            using var shift = Command("UPDATE tracks SET position = position - 1 WHERE session_id = $s AND position > $p", ("$s", track.SessionId), ("$p", track.Position));
            shift.Transaction = tx;
            shift.ExecuteNonQuery();
            tx.Commit();
            return track;
        }
    }

    public void SetTrackMix(long trackId, double faderDb, double pan, bool mute, bool solo)
    {
        if (double.IsNaN(faderDb) || faderDb > 12 || pan is < -1 or > 1 || double.IsNaN(pan))
        {
            throw new ArgumentOutOfRangeException(nameof(faderDb), "fader at most +12 dB, pan -1..+1");
        }

        lock (_lock)
        {
            using var c = Command(
                "UPDATE tracks SET fader_db = $f, pan = $p, mute = $m, solo = $s WHERE id = $t",
                ("$f", double.IsNegativeInfinity(faderDb) ? -1000.0 : faderDb), ("$p", pan), ("$m", mute ? 1 : 0), ("$s", solo ? 1 : 0), ("$t", trackId));
            if (c.ExecuteNonQuery() != 1)
            {
                throw new ArgumentException($"no track with id {trackId}");
            }
        }
    }

    /// <summary>
    /// Creates the next take of a session with the session's click settings. Take ids are unique
    /// in the database; the first one of a new database is the seconds since 2020-01-01, so two
    /// databases used with the same boxes do not name takes alike (a box's card keeps takes by id).
    /// </summary>
    public TakeInfo CreateTake(SessionInfo session, long originSamples, DateTime startedUtc)
    {
        ArgumentNullException.ThrowIfNull(session);
        lock (_lock)
        {
            using var tx = _connection.BeginTransaction();
            using var max = Command("SELECT MAX(id) FROM takes");
            max.Transaction = tx;
            object? top = max.ExecuteScalar();
            long id = top is long t ? t + 1 : Math.Max(1, (long)(startedUtc - TakeIdEpoch).TotalSeconds);
            if (id > uint.MaxValue)
            {
                throw new InvalidOperationException("take ids are exhausted (32 bits)");
            }

            using var number = Command("SELECT COALESCE(MAX(number), 0) + 1 FROM takes WHERE session_id = $s", ("$s", session.Id));
            number.Transaction = tx;
            int n = (int)(long)number.ExecuteScalar()!;
            var take = new TakeInfo
            {
                Id = (uint)id,
                SessionId = session.Id,
                Number = n,
                State = TakeState.Recording,
                OriginSamples = originSamples,
                SampleRate = session.SampleRate,
                TempoCentiBpm = session.TempoCentiBpm,
                BeatsPerBar = session.BeatsPerBar,
                BeatUnit = session.BeatUnit,
                CountInBars = session.CountInBars,
                StartedUtc = startedUtc,
            };
            using var c = Command(
                "INSERT INTO takes (id, session_id, number, state, origin_samples, sample_rate, tempo_centi_bpm, beats_per_bar, beat_unit, count_in_bars, started_utc) " +
                "VALUES ($id, $s, $n, $state, $origin, $rate, $tempo, $bpb, $unit, $countin, $started)",
                ("$id", id), ("$s", session.Id), ("$n", n), ("$state", take.State.ToString()), ("$origin", originSamples), ("$rate", take.SampleRate),
                ("$tempo", take.TempoCentiBpm), ("$bpb", take.BeatsPerBar), ("$unit", take.BeatUnit), ("$countin", take.CountInBars), ("$started", Time(startedUtc)));
            c.Transaction = tx;
            c.ExecuteNonQuery();
            tx.Commit();
            return take;
        }
    }

    public TakeInfo? Take(uint id)
    {
        lock (_lock)
        {
            using var c = Command("SELECT * FROM takes WHERE id = $id", ("$id", (long)id));
            using var r = c.ExecuteReader();
            return r.Read() ? ReadTake(r) : null;
        }
    }

    public IReadOnlyList<TakeInfo> Takes(long sessionId)
    {
        lock (_lock)
        {
            using var c = Command("SELECT * FROM takes WHERE session_id = $s ORDER BY number", ("$s", sessionId));
            using var r = c.ExecuteReader();
            var list = new List<TakeInfo>();
            while (r.Read())
            {
                list.Add(ReadTake(r));
            }

            return list;
        }
    }

    /// <summary>
    /// The session's take that a console left unfinished: one recording, stopping or collecting,
    /// or the newest take if it is incomplete (collection can be tried again); null when none.
    /// </summary>
    public TakeInfo? UnfinishedTake(long sessionId)
    {
        var takes = Takes(sessionId);
        return takes.LastOrDefault(t => t.State is TakeState.Recording or TakeState.Stopping or TakeState.Collecting)
            ?? (takes.Count > 0 && takes[^1].State == TakeState.Incomplete ? takes[^1] : null);
    }

    public void SetTakeState(uint takeId, TakeState state, DateTime? stoppedUtc = null)
    {
        lock (_lock)
        {
            using var c = Command(
                "UPDATE takes SET state = $state, stopped_utc = COALESCE($stopped, stopped_utc) WHERE id = $id",
                ("$state", state.ToString()), ("$stopped", stoppedUtc is DateTime s ? Time(s) : DBNull.Value), ("$id", (long)takeId));
            if (c.ExecuteNonQuery() != 1)
            {
                throw new ArgumentException($"no take with id {takeId}");
            }
        }
    }

    public void SetTakeReport(uint takeId, string report)
    {
        lock (_lock)
        {
            using var c = Command("UPDATE takes SET report = $r WHERE id = $id", ("$r", report), ("$id", (long)takeId));
            c.ExecuteNonQuery();
        }
    }

    /// <summary>
    /// The take's end, take index (the end of the tracks that stopped on the console's Stop): a
    /// box that missed the Stop recorded on past it, and its stem is cut there. Kept in the meta
    /// table (no schema change).
    /// </summary>
    public void SetTakeEnd(uint takeId, long endIndex)
    {
        lock (_lock)
        {
            using var c = Command("INSERT OR REPLACE INTO meta (key, value) VALUES ($k, $v)", ("$k", "take-end-" + takeId.ToString(System.Globalization.CultureInfo.InvariantCulture)), ("$v", endIndex.ToString(System.Globalization.CultureInfo.InvariantCulture)));
            c.ExecuteNonQuery();
        }
    }

    /// <summary>The take's end set by <see cref="SetTakeEnd"/>, or −1.</summary>
    public long TakeEnd(uint takeId)
    {
        lock (_lock)
        {
            using var c = Command("SELECT value FROM meta WHERE key = $k", ("$k", "take-end-" + takeId.ToString(System.Globalization.CultureInfo.InvariantCulture)));
            return c.ExecuteScalar() is string v && long.TryParse(v, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out long end) ? end : -1;
        }
    }

    public void SetTakeFolder(uint takeId, string folder)
    {
        lock (_lock)
        {
            using var c = Command("UPDATE takes SET folder = $f WHERE id = $id", ("$f", folder), ("$id", (long)takeId));
            c.ExecuteNonQuery();
        }
    }

    /// <summary>Adds or replaces one track's row of a take.</summary>
    public void SaveTakeTrack(TakeTrackInfo t)
    {
        ArgumentNullException.ThrowIfNull(t);
        lock (_lock)
        {
            using var c = Command(
                "INSERT INTO take_tracks (take_id, track_id, track_name, box_name, box_slot, state, problem, latency, first_sample, channels, format, data_bytes, spool_path, stream_bytes, fetched_bytes, sample_rate) " +
                "VALUES ($take, $track, $tname, $box, $slot, $state, $problem, $l, $f, $ch, $fmt, $bytes, $spool, $sb, $fb, $rate) " +
                "ON CONFLICT (take_id, track_id) DO UPDATE SET track_name = $tname, box_name = $box, box_slot = $slot, state = $state, problem = $problem, latency = $l, " +
                "first_sample = $f, channels = $ch, format = $fmt, data_bytes = $bytes, spool_path = $spool, stream_bytes = $sb, fetched_bytes = $fb, sample_rate = $rate",
                ("$take", (long)t.TakeId), ("$track", t.TrackId), ("$tname", t.TrackName), ("$box", t.BoxName), ("$slot", t.BoxSlot), ("$state", t.State.ToString()),
                ("$problem", (object?)t.Problem ?? DBNull.Value), ("$l", t.LatencySamples), ("$f", t.FirstSampleIndex), ("$ch", t.Channels), ("$fmt", t.Format),
                ("$bytes", t.DataBytes), ("$spool", t.SpoolPath), ("$sb", t.StreamBytes), ("$fb", t.FetchedBytes), ("$rate", t.SampleRate));
            c.ExecuteNonQuery();
        }
    }

    public IReadOnlyList<TakeTrackInfo> TakeTracks(uint takeId)
    {
        lock (_lock)
        {
            using var c = Command(
                "SELECT tt.* FROM take_tracks tt JOIN tracks t ON t.id = tt.track_id WHERE tt.take_id = $take ORDER BY t.position",
                ("$take", (long)takeId));
            using var r = c.ExecuteReader();
            var list = new List<TakeTrackInfo>();
            while (r.Read())
            {
                list.Add(new TakeTrackInfo
                {
                    TakeId = (uint)r.GetInt64(r.GetOrdinal("take_id")),
                    TrackId = r.GetInt64(r.GetOrdinal("track_id")),
                    TrackName = r.GetString(r.GetOrdinal("track_name")),
                    BoxName = r.GetString(r.GetOrdinal("box_name")),
                    BoxSlot = r.GetInt32(r.GetOrdinal("box_slot")),
                    State = Enum.Parse<TakeTrackState>(r.GetString(r.GetOrdinal("state"))),
                    Problem = r.IsDBNull(r.GetOrdinal("problem")) ? null : r.GetString(r.GetOrdinal("problem")),
                    LatencySamples = r.GetInt32(r.GetOrdinal("latency")),
                    FirstSampleIndex = r.GetInt64(r.GetOrdinal("first_sample")),
                    Channels = r.GetInt32(r.GetOrdinal("channels")),
                    Format = r.GetInt32(r.GetOrdinal("format")),
                    DataBytes = r.GetInt64(r.GetOrdinal("data_bytes")),
                    SpoolPath = r.GetString(r.GetOrdinal("spool_path")),
                    StreamBytes = r.GetInt64(r.GetOrdinal("stream_bytes")),
                    FetchedBytes = r.GetInt64(r.GetOrdinal("fetched_bytes")),
                    SampleRate = r.GetInt32(r.GetOrdinal("sample_rate")),
                });
            }

            return list;
        }
    }

    /// <summary>
    /// Replaces the record of which byte ranges of a track's spool file hold the box's audio.
    /// Call only after those bytes reached the file (and the disk, for power-cut safety): the
    /// record must never claim bytes the file does not have.
    /// </summary>
    public void SaveSpoolRanges(uint takeId, long trackId, IReadOnlyList<ByteRange> ranges)
    {
        ArgumentNullException.ThrowIfNull(ranges);
        lock (_lock)
        {
            using var tx = _connection.BeginTransaction();
            using var delete = Command("DELETE FROM spool_ranges WHERE take_id = $take AND track_id = $track", ("$take", (long)takeId), ("$track", trackId));
            delete.Transaction = tx;
            delete.ExecuteNonQuery();
            using var insert = Command("INSERT INTO spool_ranges (take_id, track_id, start, end) VALUES ($take, $track, $start, $end)");
            insert.Transaction = tx;
            insert.Parameters.AddWithValue("$take", (long)takeId);
            insert.Parameters.AddWithValue("$track", trackId);
            var start = insert.Parameters.Add("$start", SqliteType.Integer);
            var end = insert.Parameters.Add("$end", SqliteType.Integer);
            foreach (var range in ranges)
            {
                start.Value = range.Start;
                end.Value = range.End;
                insert.ExecuteNonQuery();
            }

            tx.Commit();
        }
    }

    public IReadOnlyList<ByteRange> SpoolRanges(uint takeId, long trackId)
    {
        lock (_lock)
        {
            using var c = Command(
                "SELECT start, end FROM spool_ranges WHERE take_id = $take AND track_id = $track ORDER BY start",
                ("$take", (long)takeId), ("$track", trackId));
            using var r = c.ExecuteReader();
            var list = new List<ByteRange>();
            while (r.Read())
            {
                list.Add(new ByteRange(r.GetInt64(0), r.GetInt64(1)));
            }

            return list;
        }
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
            _connection.Dispose();
        }
    }

    private void CreateSchema()
    {
        Execute("""
            CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
            CREATE TABLE IF NOT EXISTS sessions (
                id INTEGER PRIMARY KEY,
                name TEXT NOT NULL UNIQUE COLLATE NOCASE,
                project TEXT NOT NULL,
                join_code TEXT NOT NULL,
                sample_rate INTEGER NOT NULL,
                tempo_centi_bpm INTEGER NOT NULL,
                beats_per_bar INTEGER NOT NULL,
                beat_unit INTEGER NOT NULL,
                count_in_bars INTEGER NOT NULL,
                click_sound INTEGER NOT NULL,
                click_level INTEGER NOT NULL,
                click_during_take INTEGER NOT NULL,
                created_utc TEXT NOT NULL);
            CREATE TABLE IF NOT EXISTS tracks (
                id INTEGER PRIMARY KEY,
                session_id INTEGER NOT NULL REFERENCES sessions (id),
                position INTEGER NOT NULL,
                name TEXT NOT NULL COLLATE NOCASE,
                box_name TEXT COLLATE NOCASE,
                fader_db REAL NOT NULL DEFAULT 0,
                pan REAL NOT NULL DEFAULT 0,
                mute INTEGER NOT NULL DEFAULT 0,
                solo INTEGER NOT NULL DEFAULT 0,
                UNIQUE (session_id, name));
            CREATE TABLE IF NOT EXISTS takes (
                id INTEGER PRIMARY KEY,
                session_id INTEGER NOT NULL REFERENCES sessions (id),
                number INTEGER NOT NULL,
                state TEXT NOT NULL,
                origin_samples INTEGER NOT NULL,
                sample_rate INTEGER NOT NULL,
                tempo_centi_bpm INTEGER NOT NULL,
                beats_per_bar INTEGER NOT NULL,
                beat_unit INTEGER NOT NULL,
                count_in_bars INTEGER NOT NULL,
                started_utc TEXT NOT NULL,
                stopped_utc TEXT,
                folder TEXT,
                report TEXT,
                UNIQUE (session_id, number));
            CREATE TABLE IF NOT EXISTS take_tracks (
                take_id INTEGER NOT NULL REFERENCES takes (id),
                track_id INTEGER NOT NULL REFERENCES tracks (id),
                track_name TEXT NOT NULL,
                box_name TEXT NOT NULL,
                box_slot INTEGER NOT NULL,
                state TEXT NOT NULL,
                problem TEXT,
                latency INTEGER NOT NULL,
                first_sample INTEGER NOT NULL,
                channels INTEGER NOT NULL,
                format INTEGER NOT NULL,
                data_bytes INTEGER NOT NULL,
                spool_path TEXT NOT NULL,
                stream_bytes INTEGER NOT NULL,
                fetched_bytes INTEGER NOT NULL,
                PRIMARY KEY (take_id, track_id));
            CREATE TABLE IF NOT EXISTS spool_ranges (
                take_id INTEGER NOT NULL,
                track_id INTEGER NOT NULL,
                start INTEGER NOT NULL,
                end INTEGER NOT NULL,
                PRIMARY KEY (take_id, track_id, start));
            """);
        // Added after schema 1 shipped: a database written before has no box rates (0: the session's).
        using (var column = Command("SELECT COUNT(*) FROM pragma_table_info('take_tracks') WHERE name = 'sample_rate'"))
        {
            if (Convert.ToInt64(column.ExecuteScalar(), CultureInfo.InvariantCulture) == 0)
            {
                Execute("ALTER TABLE take_tracks ADD COLUMN sample_rate INTEGER NOT NULL DEFAULT 0");
            }
        }

        using var read = Command("SELECT value FROM meta WHERE key = 'schema'");
        if (read.ExecuteScalar() is string version)
        {
            if (version != SchemaVersion.ToString(CultureInfo.InvariantCulture))
            {
                throw new InvalidDataException($"session database {FilePath} has schema {version}; this console reads schema {SchemaVersion}");
            }
        }
        else
        {
            Execute($"INSERT INTO meta (key, value) VALUES ('schema', '{SchemaVersion}')");
        }
    }

    private static SessionInfo ReadSession(SqliteDataReader r) => new()
    {
        Id = r.GetInt64(r.GetOrdinal("id")),
        Name = r.GetString(r.GetOrdinal("name")),
        Project = r.GetString(r.GetOrdinal("project")),
        JoinCode = r.GetString(r.GetOrdinal("join_code")),
        SampleRate = r.GetInt32(r.GetOrdinal("sample_rate")),
        TempoCentiBpm = r.GetInt32(r.GetOrdinal("tempo_centi_bpm")),
        BeatsPerBar = r.GetInt32(r.GetOrdinal("beats_per_bar")),
        BeatUnit = r.GetInt32(r.GetOrdinal("beat_unit")),
        CountInBars = r.GetInt32(r.GetOrdinal("count_in_bars")),
        ClickSound = r.GetInt32(r.GetOrdinal("click_sound")),
        ClickLevel = r.GetInt32(r.GetOrdinal("click_level")),
        ClickDuringTake = r.GetInt32(r.GetOrdinal("click_during_take")) != 0,
        CreatedUtc = ParseTime(r.GetString(r.GetOrdinal("created_utc"))),
    };

    private static TrackInfo ReadTrack(SqliteDataReader r) => new()
    {
        Id = r.GetInt64(r.GetOrdinal("id")),
        SessionId = r.GetInt64(r.GetOrdinal("session_id")),
        Position = r.GetInt32(r.GetOrdinal("position")),
        Name = r.GetString(r.GetOrdinal("name")),
        BoxName = r.IsDBNull(r.GetOrdinal("box_name")) ? null : r.GetString(r.GetOrdinal("box_name")),
        FaderDb = r.GetDouble(r.GetOrdinal("fader_db")) <= -1000 ? double.NegativeInfinity : r.GetDouble(r.GetOrdinal("fader_db")),
        Pan = r.GetDouble(r.GetOrdinal("pan")),
        Mute = r.GetInt32(r.GetOrdinal("mute")) != 0,
        Solo = r.GetInt32(r.GetOrdinal("solo")) != 0,
    };

    private static TakeInfo ReadTake(SqliteDataReader r) => new()
    {
        Id = (uint)r.GetInt64(r.GetOrdinal("id")),
        SessionId = r.GetInt64(r.GetOrdinal("session_id")),
        Number = r.GetInt32(r.GetOrdinal("number")),
        State = Enum.Parse<TakeState>(r.GetString(r.GetOrdinal("state"))),
        OriginSamples = r.GetInt64(r.GetOrdinal("origin_samples")),
        SampleRate = r.GetInt32(r.GetOrdinal("sample_rate")),
        TempoCentiBpm = r.GetInt32(r.GetOrdinal("tempo_centi_bpm")),
        BeatsPerBar = r.GetInt32(r.GetOrdinal("beats_per_bar")),
        BeatUnit = r.GetInt32(r.GetOrdinal("beat_unit")),
        CountInBars = r.GetInt32(r.GetOrdinal("count_in_bars")),
        StartedUtc = ParseTime(r.GetString(r.GetOrdinal("started_utc"))),
        StoppedUtc = r.IsDBNull(r.GetOrdinal("stopped_utc")) ? null : ParseTime(r.GetString(r.GetOrdinal("stopped_utc"))),
        Folder = r.IsDBNull(r.GetOrdinal("folder")) ? null : r.GetString(r.GetOrdinal("folder")),
        Report = r.IsDBNull(r.GetOrdinal("report")) ? null : r.GetString(r.GetOrdinal("report")),
    };

    private static string Time(DateTime t) => t.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture);

    private static DateTime ParseTime(string s) => DateTime.Parse(s, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind);

    private bool Exists(string sql, params (string Name, object Value)[] parameters)
    {
        using var c = Command(sql, parameters);
        return c.ExecuteScalar() != null;
    }

    private void Execute(string sql)
    {
        using var c = Command(sql);
        c.ExecuteNonQuery();
    }

    private SqliteCommand Command(string sql, params (string Name, object Value)[] parameters)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var c = _connection.CreateCommand();
        c.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            c.Parameters.AddWithValue(name, value);
        }

        return c;
    }
}
