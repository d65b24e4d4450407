using Octomix.Desk.Export;
using Octomix.Desk.Monitor;
using Octomix.Desk.Sessions;

namespace Octomix.Desk.Engine;

/// <summary>A track left out of a take, and why (not ready, refused by the box, no answer, no box).</summary>
public sealed record TrackProblem(string TrackName, string? BoxName, string Reason)
{
    public override string ToString() => BoxName != null ? $"{TrackName} (box {BoxName}): {Reason}" : $"{TrackName}: {Reason}";
}

/// <summary>What Record did: the take, the tracks recording, and every track that is not, with its reason.</summary>
public sealed record RecordOutcome(TakeInfo? Take, IReadOnlyList<string> Recording, IReadOnlyList<TrackProblem> NotRecording)
{
    public bool Started => Take != null && Recording.Count > 0;
}

/// <summary>What Stop did: boxes that acknowledged, and the ones that did not (with the answer).</summary>
public sealed record StopOutcome(TakeInfo Take, IReadOnlyList<string> Stopped, IReadOnlyList<TrackProblem> Problems);

/// <summary>Collection of a take: one result per track that recorded.</summary>
public sealed record CollectionReport(TakeInfo Take, IReadOnlyList<TrackCollectionResult> Tracks, TimeSpan Duration)
{
    public bool Complete => Tracks.Count > 0 && Tracks.All(t => t.Complete);

    public IEnumerable<TrackCollectionResult> Incomplete => Tracks.Where(t => !t.Complete);
}

/// <summary>What playback did: the boxes that played, the ones that refused or did not answer, frames sent.</summary>
public sealed record PlaybackOutcome(uint TakeId, IReadOnlyList<string> Playing, IReadOnlyList<TrackProblem> Problems, long FramesSent, long PacketsSent, TimeSpan Duration);

/// <summary>The take folder, and where the files are.</summary>
public sealed record ExportOutcome(TakeInfo Take, TakeExportResult Files, IReadOnlyList<string> LeftOut);

/// <summary>Live figures of one track of the open take.</summary>
public sealed record TakeTrackView(
    string TrackName,
    string BoxName,
    int Slot,
    TakeTrackState State,
    long FirstSampleIndex,
    int LatencySamples,
    long PacketsReceived,
    long Retransmissions,
    long NackedPackets,
    long StreamBytes,
    long FetchedBytes,
    long DataBytes,
    double? StreamLossPercent,
    double? JitterMilliseconds,
    MonitorTrackStatus? Monitor,
    string? Problem);

/// <summary>The open take at a glance.</summary>
public sealed record TakeView(TakeInfo Take, IReadOnlyList<TakeTrackView> Tracks, MonitorStatus? Monitor, string? MonitorOutput);

/// <summary>One line of the track table: the track, its box, the ready indicators and the link.</summary>
public sealed record TrackView(
    TrackInfo Track,
    int? Slot,
    BoxStatusSnapshot? Status,
    BoxReadiness Readiness,
    double? BoxRoundTripMilliseconds,
    double StatusLossPercent,
    string? CardSpaceProblem = null);

/// <summary>A box in the room that no track takes (add a track, or unbind another).</summary>
public sealed record UnboundBox(int Slot, string Name, BoxStatusSnapshot? Status);

/// <summary>Everything a console screen shows, taken at once.</summary>
public sealed record ConsoleSnapshot(
    SessionInfo Session,
    string ServerAddress,
    bool Joined,
    int ConsoleSlot,
    double? ConsoleRoundTripMilliseconds,
    IReadOnlyList<TrackView> Tracks,
    IReadOnlyList<UnboundBox> UnboundBoxes,
    TakeView? Take,
    IReadOnlyList<string> Events)
{
    /// <summary>The server's name as it told the console (RoomInfo); empty when it has none or has not said.</summary>
    public string ServerName { get; init; } = string.Empty;
}
