
namespace Octomix.Server;

/// <summary>A snapshot of the whole server (<see cref="BroadcastServer.GetStatus"/>).</summary>
/// <param name="TakenAt">When the snapshot was taken.</param>
/// <param name="Uptime">Time since the server started.</param>
/// <param name="BatchedIo">True when the rooms use recvmmsg/sendmmsg.</param>
/// <param name="Rooms">One entry per room, by index.</param>
public sealed record ServerStatus(DateTimeOffset TakenAt, TimeSpan Uptime, bool BatchedIo, IReadOnlyList<RoomStatus> Rooms)
{
    /// <summary>The server's name (<see cref="ServerOptions.ServerName"/>), empty when it has none.</summary>
    public string ServerName { get; init; } = string.Empty;

    public long PacketsIn => Rooms.Sum(r => r.PacketsIn);

    public long PacketsOut => Rooms.Sum(r => r.PacketsOut);

    public long Drops(DropReason reason) => Rooms.Sum(r => r.Drops[reason]);
}

/// <summary>Figures of one room.</summary>
/// <param name="Index">Room index (0-based).</param>
/// <param name="Port">UDP port the room listens on.</param>
/// <param name="Jammers">Occupied jammer slots.</param>
/// <param name="MaxJammers">Jammer slots of the room.</param>
/// <param name="Engineers">Occupied engineer slots.</param>
/// <param name="PacketsIn">Datagrams received (all, before any check).</param>
/// <param name="BytesIn">Bytes received.</param>
/// <param name="PacketsOut">Datagrams handed to the kernel (forwards, replies, mix packets).</param>
/// <param name="BytesOut">Bytes sent.</param>
/// <param name="ReceiveCalls">System calls made to receive (a measure of batching).</param>
/// <param name="SendCalls">System calls made to send.</param>
/// <param name="Drops">Dropped datagrams by reason (every reason present, zeros included).</param>
/// <param name="JoinsAccepted">Joins that got a slot (repeats of the same Join not counted).</param>
/// <param name="JoinsRejected">Joins answered with Reject.</param>
/// <param name="DuplicateJoins">Repeated Joins answered with the Accept already sent.</param>
/// <param name="SlotsExpired">Slots freed by the timeout.</param>
/// <param name="Announcements">Joins and Leaves of jammers told to engineers (the roster, its replays and repeats).</param>
/// <param name="LoopFaults">Unexpected exceptions caught in the room loop (should stay 0).</param>
/// <param name="LoopAllocatedBytes">Bytes the room's thread has allocated since it started, with the other rooms it serves when it serves several (joins and logs allocate; packets must not).</param>
/// <param name="RoomMix">Room-mix output figures, or null when this room writes none.</param>
/// <param name="Slots">Occupied slots.</param>
public sealed record RoomStatus(
    int Index,
    int Port,
    int Jammers,
    int MaxJammers,
    int Engineers,
    long PacketsIn,
    long BytesIn,
    long PacketsOut,
    long BytesOut,
    long ReceiveCalls,
    long SendCalls,
    IReadOnlyDictionary<DropReason, long> Drops,
    long JoinsAccepted,
    long JoinsRejected,
    long DuplicateJoins,
    long SlotsExpired,
    long Announcements,
    long LoopFaults,
    long LoopAllocatedBytes,
    RoomMixStatus? RoomMix,
    IReadOnlyList<SlotStatus> Slots)
{
    public long TotalDrops => Drops.Values.Sum();

    /// <summary>Occupied listener slots.</summary>
    public int Listeners { get; init; }

    /// <summary>Listener slots of the room.</summary>
    public int MaxListeners { get; init; }

    /// <summary>Slots moved to a new source address (a NAT rebinding: a newer Status with the slot's token, or a rejoin).</summary>
    public long Rebinds { get; init; }

    /// <summary>Joins with the Rejoin capability that got their previous slot and token back.</summary>
    public long Rejoins { get; init; }
}

/// <summary>The room-mix output of a room.</summary>
/// <param name="Target">FIFO, file or "-".</param>
/// <param name="ChunksMixed">20 ms chunks produced by the room.</param>
/// <param name="ChunksWritten">Chunks written to the target.</param>
/// <param name="ChunksDroppedFull">Chunks dropped because the reader was too slow (queue full).</param>
/// <param name="ChunksDroppedNoReader">Chunks dropped because nobody was reading.</param>
/// <param name="ReaderConnected">True while the target is open.</param>
/// <param name="SourceUnderruns">Times a jammer's FIFO ran dry for the room mix (silence filled in).</param>
/// <param name="SourceOverruns">Times a jammer's FIFO overflowed for the room mix (oldest audio dropped).</param>
public sealed record RoomMixStatus(string Target, long ChunksMixed, long ChunksWritten, long ChunksDroppedFull, long ChunksDroppedNoReader, bool ReaderConnected, long SourceUnderruns, long SourceOverruns);

/// <summary>Who holds a slot.</summary>
public enum SlotRole
{
    Jammer,
    Engineer,

    /// <summary>A listen-only member (slots 32–63): never a jammer slot, never sends audio.</summary>
    Listener,
}

/// <summary>Figures of one occupied slot.</summary>
/// <param name="Slot">Slot number (jammers 0–15, engineers 16–19, listeners 32–63).</param>
/// <param name="Role">Jammer, engineer or listener.</param>
/// <param name="Name">Name from the Join.</param>
/// <param name="BoxId">Box id from the Join.</param>
/// <param name="Address">The owner's address (ip:port).</param>
/// <param name="Channels">Channels from the Join.</param>
/// <param name="FramesPerPacket">Frames per packet from the Join.</param>
/// <param name="Connected">How long the slot has been held.</param>
/// <param name="SinceHeard">Time since the last datagram from the owner.</param>
/// <param name="PacketsIn">Datagrams from the owner that passed the security gate.</param>
/// <param name="BytesIn">Their bytes.</param>
/// <param name="PacketsOut">Datagrams sent to the owner.</param>
/// <param name="BytesOut">Their bytes.</param>
/// <param name="AudioPackets">Audio packets received.</param>
/// <param name="Lost">Audio packets never received (from sequence numbers).</param>
/// <param name="Reordered">Audio packets that arrived after a later one.</param>
/// <param name="Duplicates">Audio packets received twice.</param>
/// <param name="JitterMilliseconds">RFC 3550 interarrival jitter.</param>
/// <param name="PeakLeftDbfs">Peak of channel 0 over the last 100 ms (sampled), dBFS (−∞ for silence).</param>
/// <param name="PeakRightDbfs">Peak of channel 1, dBFS.</param>
/// <param name="BoxState">Last state the owner reported in Status (BoxStateCode), or −1.</param>
/// <param name="PersonalMix">True when the server mixes for this jammer.</param>
/// <param name="MixUnderruns">Personal mix: source FIFO underruns (silence filled in).</param>
/// <param name="MixOverruns">Personal mix: source FIFO overruns (oldest audio dropped).</param>
/// <param name="Drops">Datagrams from the owner dropped after the gate (bad body, bad destination).</param>
public sealed record SlotStatus(
    int Slot,
    SlotRole Role,
    string Name,
    ulong BoxId,
    string Address,
    int Channels,
    int FramesPerPacket,
    TimeSpan Connected,
    TimeSpan SinceHeard,
    long PacketsIn,
    long BytesIn,
    long PacketsOut,
    long BytesOut,
    long AudioPackets,
    long Lost,
    long Reordered,
    long Duplicates,
    double JitterMilliseconds,
    double PeakLeftDbfs,
    double PeakRightDbfs,
    int BoxState,
    bool PersonalMix,
    long MixUnderruns,
    long MixOverruns,
    long Drops);
