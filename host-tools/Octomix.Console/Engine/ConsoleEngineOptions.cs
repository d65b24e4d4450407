using Octomix.Desk.Sessions;

namespace Octomix.Desk.Engine;

/// <summary>Everything the engine needs to start.</summary>
public sealed record ConsoleEngineOptions
{
    /// <summary>The SQLite file of sessions, tracks and takes.</summary>
    public required string DatabasePath { get; init; }

    /// <summary>Where takes are written (take folders) and where the spool files live while collecting.</summary>
    public required string RecordingsFolder { get; init; }

    /// <summary>
    /// The session to open: found by name, or created with these settings. An existing session
    /// keeps its settings unless <see cref="UpdateSessionSettings"/>.
    /// </summary>
    public required SessionInfo Session { get; init; }

    public bool UpdateSessionSettings { get; init; }

    /// <summary>Tracks the session must have (added when missing, in this order).</summary>
    public IReadOnlyList<string> Tracks { get; init; } = [];

    /// <summary>
    /// "host:port" of a server on another machine (the room's port); null: the server in this
    /// process, <see cref="LocalServer"/>.
    /// </summary>
    public string? Server { get; init; }

    /// <summary>
    /// The server in this process, started by the composition root (the CLI) for the session's
    /// join code and rate when <see cref="Server"/> is null; the engine references no server.
    /// </summary>
    public ILocalServer? LocalServer { get; init; }

    /// <summary>
    /// Makes each take's monitor sink (a player, a FIFO, the web console's browsers, none, or a
    /// <see cref="Output.MonitorSinks.Tee"/> of them): the composition root chooses. Null: the
    /// sinks of <see cref="Monitor"/>.
    /// </summary>
    public Output.IMonitorSinkFactory? MonitorSinks { get; init; }

    /// <summary>
    /// The --monitor choice, used when <see cref="MonitorSinks"/> is null
    /// (<see cref="Output.MonitorSinks.FromChoice"/>): "auto" (an audio player found on the machine,
    /// else nowhere), "none", or a FIFO/file path.
    /// </summary>
    public string Monitor { get; init; } = "auto";

    /// <summary>The engineer's playout delay; null: chosen from each link's jitter and round trip.</summary>
    public TimeSpan? PlayoutDelay { get; init; }

    /// <summary>The wall clock whose local time of day sets each take's origin (tests inject one).</summary>
    public TimeProvider Clock { get; init; } = TimeProvider.System;

    /// <summary>The Record's start delay: boxes start their take at least this long after the command.</summary>
    public int StartDelayMilliseconds { get; init; } = 200;

    /// <summary>Playback: how much each box buffers before it plays (≤ 500 ms: half its playout ring).</summary>
    public int PlaybackDelayMilliseconds { get; init; } = 300;

    public CollectionOptions Collection { get; init; } = new();

    /// <summary>Name of the console in the room.</summary>
    public string ConsoleName { get; init; } = "Octomix console";

    /// <summary>
    /// How long a take is expected to run: before a Record the recordings folder's disk must hold
    /// twice such a take (<see cref="RecordPreflight"/>). Default 10 minutes.
    /// </summary>
    public TimeSpan ExpectedTakeLength { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>Check the free space before a Record (false: record anyway; the folder must still be writable).</summary>
    public bool CheckFreeSpace { get; init; } = true;

    /// <summary>
    /// Refuse a take when a ready box's card holds less than <see cref="ExpectedTakeLength"/> at its
    /// format (its Status says how long; <see cref="RecordPreflight.CardProblem"/>). False: record
    /// anyway (the box stops its take itself when its card fills, and says so).
    /// </summary>
    public bool CheckCardSpace { get; init; } = true;

    /// <summary>Keep the spool files after the take was exported (they hold the same audio as the stems).</summary>
    public bool KeepSpools { get; init; }

    /// <summary>
    /// A server that announces nothing (older than the roster) leaves a box's name unknown: a box
    /// heard for this long without an announcement is named "slot N" and bound to the next free
    /// track. Never once the server has announced anything (it repeats its roster every second,
    /// so a lost announcement is made good well within this).
    /// </summary>
    public TimeSpan NamelessAfter { get; init; } = TimeSpan.FromSeconds(5);
}
