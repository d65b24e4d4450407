using System.Globalization;
using Microsoft.Extensions.Logging;
using Octomix.Desk.Monitor;
using Octomix.Desk.Sessions;

namespace Octomix.Desk.Engine;

/// <summary>
/// A state change of the console, as the engine emits it (<see cref="ConsoleEngine.Subscribe"/>):
/// the terminal screen's event list and the web console are both fed from these. Events whose
/// <see cref="Logged"/> is true make the string log (<see cref="ConsoleSnapshot.Events"/>, the
/// logger): one line each, <see cref="Describe"/>.
/// </summary>
public abstract record EngineEvent
{
    /// <summary>When it happened (the machine's local time, as the log shows it).</summary>
    public DateTime Time { get; init; } = DateTime.Now;

    /// <summary>How the log line is logged (warnings and errors are the faults the engineer must see).</summary>
    public LogLevel Level { get; init; } = LogLevel.Information;

    /// <summary>False for the live figures (meters, link health, collection progress): not a line in the log.</summary>
    public virtual bool Logged => true;

    /// <summary>The line of the event list (without the time).</summary>
    public abstract string Describe();

    /// <summary>The line with its time, as the event list shows it.</summary>
    public string LogLine() => Time.ToString("HH:mm:ss ", CultureInfo.InvariantCulture) + Describe();
}

/// <summary>Anything the engine says in a sentence: progress, a warning, an error (<see cref="EngineEvent.Level"/>).</summary>
public sealed record EngineNotice(string Text) : EngineEvent
{
    public override string Describe() => Text;
}

/// <summary>Another session was opened (the tracks and takes shown are its).</summary>
public sealed record SessionOpened(long SessionId, string Name) : EngineEvent
{
    public override string Describe() => $"session \"{Name}\" opened";
}

/// <summary>A track was added to the open session.</summary>
public sealed record TrackAdded(long TrackId, int Position, string Name) : EngineEvent
{
    public override string Describe() => $"track {Position} \"{Name}\" added";
}

/// <summary>A box came into the room.</summary>
public sealed record BoxJoined(int Slot, string Box) : EngineEvent
{
    public override string Describe() => $"box {Box} is in the room (slot {Slot})";
}

/// <summary>A box left the room (said so, or the server freed its silent slot).</summary>
public sealed record BoxLeft(int Slot, string Box, bool FreedByServer) : EngineEvent
{
    public override string Describe() => FreedByServer
        ? $"box {Box} (slot {Slot}) is gone: the server freed its slot (silent, or it joined again)"
        : $"box {Box} (slot {Slot}) left the room";
}

/// <summary>A box was bound to a track (persisted: it finds the track again after a restart).</summary>
public sealed record TrackBound(long TrackId, int Position, string Track, string Box, int Slot) : EngineEvent
{
    public override string Describe() => $"box {Box} (slot {Slot}) bound to track {Position} \"{Track}\"";
}

/// <summary>A track turned ready, or not ready (with the reasons, as the strip shows them).</summary>
public sealed record TrackReadinessChanged(long TrackId, string Track, string? Box, bool Ready, IReadOnlyList<string> Reasons) : EngineEvent
{
    /// <summary>The track table shows it; the event list stays as it was.</summary>
    public override bool Logged => false;

    public override string Describe() => Ready
        ? $"track \"{Track}\" ready (box {Box})"
        : $"track \"{Track}\" not ready: {string.Join(", ", Reasons)}";
}

/// <summary>
/// The link of a track's box, when a figure changed: the box's measured round trip to the
/// server, its latency L, the Status heartbeat's loss and jitter, the box's playout buffer, and its
/// SD card (free space, and how long a take can still run on it at the session's format).
/// </summary>
public sealed record LinkHealth(
    long TrackId,
    string Track,
    string? Box,
    double? RoundTripMs,
    int? LatencySamples,
    double LossPercent,
    double? JitterMs,
    int? BufferMs,
    uint? SdFreeMiB,
    double? SdMinutesLeft) : EngineEvent
{
    public override bool Logged => false;

    public override string Describe() => string.Create(
        CultureInfo.InvariantCulture,
        $"track \"{Track}\": round trip {RoundTripMs?.ToString("0.0", CultureInfo.InvariantCulture) ?? "?"} ms, loss {LossPercent:0.##} %, jitter {JitterMs?.ToString("0.0", CultureInfo.InvariantCulture) ?? "?"} ms, buffer {BufferMs?.ToString(CultureInfo.InvariantCulture) ?? "?"} ms, SD {SdFreeMiB?.ToString(CultureInfo.InvariantCulture) ?? "?"} MiB");
}

/// <summary>The open take moved on: recording, stopping, collecting, complete, incomplete (and why: <see cref="Report"/>).</summary>
public sealed record TakeStateChanged(uint TakeId, int Number, TakeState State, TakeState? Previous, string? Report) : EngineEvent
{
    /// <summary>The engine says what it did in words already (a notice each): this one is for the pages.</summary>
    public override bool Logged => false;

    public override string Describe() => $"take {Number}: {State.ToString().ToLowerInvariant()}" + (Report != null ? $" ({Report})" : "");
}

/// <summary>Collection of one track of the take: bytes here of the file's, and the track's state.</summary>
public sealed record CollectionProgress(uint TakeId, int Number, string Track, string Box, TakeTrackState State, long StreamBytes, long FetchedBytes, long DataBytes, string? Problem) : EngineEvent
{
    public override bool Logged => false;

    /// <summary>0..1 when the file's size is known.</summary>
    public double? Fraction => DataBytes > 0 ? Math.Clamp((double)(StreamBytes + FetchedBytes) / DataBytes, 0, 1) : null;

    public override string Describe() => string.Create(CultureInfo.InvariantCulture, $"take {Number} {Track}: {State.ToString().ToLowerInvariant()}, {StreamBytes + FetchedBytes} of {DataBytes} bytes");
}

/// <summary>The take's monitor: waiting (filling up to the playout delay) or playing, where it goes, and its delay.</summary>
public sealed record MonitorStateChanged(uint TakeId, int Number, MonitorState? State, string? Output, double DelayMs) : EngineEvent
{
    public override bool Logged => false;

    public override string Describe() => State == null
        ? $"take {Number}: monitor stopped"
        : string.Create(CultureInfo.InvariantCulture, $"take {Number}: monitor {State.ToString()!.ToLowerInvariant()}, {DelayMs:0} ms behind, to {Output}");
}

/// <summary>The level of one track of the monitor since the last reading (dBFS; −∞ for silence).</summary>
public readonly record struct TrackMeter(long TrackId, string Track, double PeakDb, double RmsDb);

/// <summary>
/// The monitor's meters, <see cref="ConsoleEngine.MeterInterval"/> apart while a take's monitor
/// runs: each track post-fader (see <see cref="MonitorTrack.ReadMeter"/>), and the master.
/// </summary>
public sealed record MetersUpdate(uint TakeId, long Sequence, IReadOnlyList<TrackMeter> Tracks, double MasterPeakDbLeft, double MasterPeakDbRight, double DelayMs) : EngineEvent
{
    public override bool Logged => false;

    public override string Describe() => string.Create(CultureInfo.InvariantCulture, $"meters {Sequence}: {Tracks.Count} track(s)");

    public static double Db(double linear) => linear > 0 ? Math.Round(20 * Math.Log10(linear), 1) : double.NegativeInfinity;
}
