using System.Globalization;
using System.Net;
using System.Text;
using Octomix.Protocol;

namespace Octomix.Server;

/// <summary>How a room moves datagrams between its socket and its loop.</summary>
public enum ServerIoMode
{
    /// <summary>Batched on Linux (recvmmsg/sendmmsg), portable elsewhere.</summary>
    Auto,

    /// <summary>recvmmsg/sendmmsg through libc; Linux only (Start fails elsewhere).</summary>
    Batched,

    /// <summary>Socket.ReceiveFrom/SendTo with a reused SocketAddress: one system call per datagram.</summary>
    Portable,
}

/// <summary>
/// Everything the broadcast server can be told. Defaults are the product's: 4 rooms on UDP
/// 7891–7894, 7 jammers and 4 engineers per room, a slot freed after 1 s of silence.
/// <see cref="Validate"/> names every bad value; <see cref="BroadcastServer.Start"/> calls it.
/// </summary>
public sealed record ServerOptions
{
    /// <summary>The join code used when none is given (printed with a warning at start).</summary>
    public const string DefaultJoinCode = "octomix";

    public int RoomCount { get; init; } = 4;

    /// <summary>UDP port of room 0; room k listens on FirstPort + k. 0 = an ephemeral port per room (tests).</summary>
    public int FirstPort { get; init; } = ProtocolConstants.DefaultFirstPort;

    public IPAddress BindAddress { get; init; } = IPAddress.Any;

    /// <summary>Jammer slots per room, 1..16.</summary>
    public int MaxJammers { get; init; } = 7;

    /// <summary>Engineer (console) slots per room, 0..4; they do not count against <see cref="MaxJammers"/>.</summary>
    public int MaxEngineers { get; init; } = Slot.MaxEngineers;

    /// <summary>Listener (listen-only) slots per room, 0..32; they never take a jammer slot.</summary>
    public int MaxListeners { get; init; } = 16;

    /// <summary>
    /// The server's name, told to every member in RoomInfo and shown in the status table: empty
    /// (no name) or 1..31 bytes of UTF-8 without control characters or surrounding spaces.
    /// </summary>
    public string ServerName { get; init; } = string.Empty;

    /// <summary>A slot that sends nothing for this long is freed (sent to joiners in Accept).</summary>
    public TimeSpan SlotTimeout { get; init; } = TimeSpan.FromMilliseconds(1000);

    /// <summary>How often members must send Status (sent to joiners in Accept).</summary>
    public TimeSpan HeartbeatInterval { get; init; } = TimeSpan.FromMilliseconds(250);

    /// <summary>
    /// How often the room repeats its roster (every jammer's Join) to its engineers, so an
    /// announcement lost on the way is made good. The announcements themselves go at once.
    /// </summary>
    public TimeSpan RosterInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Join code of every room (one entry), or one per room (RoomCount entries): 1..16 printable
    /// ASCII characters each.
    /// </summary>
    public IReadOnlyList<string> JoinCodes { get; init; } = [DefaultJoinCode];

    /// <summary>Sample rate of every room; joins at another rate are rejected (unsupported format).</summary>
    public int SampleRate { get; init; } = 48000;

    /// <summary>
    /// Where the room mix goes: null (none), a path (a FIFO made with mkfifo, or a file that is
    /// created), or "-" for standard output. A path containing "{room}" gives every room its own
    /// output; otherwise only room 0's mix is written.
    /// </summary>
    public string? RoomMixTarget { get; init; }

    /// <summary>Room-mix chunks (20 ms each) queued for a slow reader before whole chunks are dropped.</summary>
    public int RoomMixQueueChunks { get; init; } = 16;

    /// <summary>Join attempts per second allowed per source IP address (token bucket refill).</summary>
    public double JoinRatePerSecond { get; init; } = 5;

    /// <summary>Join attempts a source IP address may make at once (token bucket size).</summary>
    public int JoinBurst { get; init; } = 10;

    public ServerIoMode IoMode { get; init; } = ServerIoMode.Auto;

    /// <summary>
    /// Batched io only: send the datagrams of a batch that go to the same member as one
    /// UDP_SEGMENT (GSO) send. The datagrams on the wire are the same; the kernel's per-datagram
    /// send cost mostly goes. Turned off by itself when the kernel refuses it.
    /// </summary>
    public bool UdpSegmentation { get; init; } = true;

    /// <summary>
    /// Batched io: threads serving the rooms, each waiting on its rooms' sockets with epoll
    /// (rooms are dealt out in turn). 0 = automatic (<see cref="EffectiveRoomThreads"/>). The
    /// portable io always runs a thread per room.
    /// </summary>
    public int RoomThreads { get; init; }

    /// <summary>The threads the batched io uses: <see cref="RoomThreads"/>, or when 0, one per two cores (at least one), never more than rooms.</summary>
    public int EffectiveRoomThreads => Math.Min(RoomCount, RoomThreads > 0 ? RoomThreads : Math.Max(1, Environment.ProcessorCount / 2));

    /// <summary>
    /// Batched io: the shortest time between two wake-ups of a room thread, in microseconds
    /// (0 = wake for every arrival). When boxes send on independent clocks their datagrams arrive
    /// spread out, a wake-up then finds one or two datagrams, and on a virtual machine the
    /// wake-up costs more than the datagrams; waiting out the rest of this interval before the
    /// next epoll_wait lets the next ones queue and be served together. It adds at most this much
    /// to a datagram's time in the server, and nothing when arrivals are already bunched (a
    /// thread that wakes less often than this never waits). docs/benchmarks.md, "Spread arrivals".
    /// </summary>
    public int WakeIntervalMicroseconds { get; init; } = 400;

    /// <summary>Datagrams received per system call (batched mode) or per loop turn (portable).</summary>
    public int ReceiveBatch { get; init; } = 64;

    /// <summary>Requested SO_RCVBUF/SO_SNDBUF per room socket (the kernel caps it at net.core.*mem_max).</summary>
    public int SocketBufferBytes { get; init; } = 4 << 20;

    /// <summary>
    /// Jitter FIFO target depth, in packets of the source, on top of what one read takes: the
    /// mixes start reading a source once this much is buffered (and again after an underrun).
    /// </summary>
    public int MixJitterPackets { get; init; } = 2;

    /// <summary>Depth beyond the target, in source packets, at which the oldest audio is dropped (drift, bursts).</summary>
    public int MixOverrunPackets { get; init; } = 6;

    /// <summary>Rooms (by index) open to RTJam clients, besides Octomix members; empty (the default): none (docs/server.md, "RTJam clients").</summary>
    public IReadOnlyList<int> RtJamRooms { get; init; } = [];

    /// <summary>Source networks RTJam clients may come from, as CIDR ("192.168.0.0/16", "::1/128"), or the one entry "any" (warned about at start).</summary>
    public IReadOnlyList<string> RtJamAllow { get; init; } = [];

    /// <summary>An RTJam member silent this long is freed (RTJam's own server: 0.5 s).</summary>
    public TimeSpan RtJamTimeout { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>True when room <paramref name="room"/> is open to RTJam clients.</summary>
    public bool IsRtJamRoom(int room) => RtJamRooms.Contains(room);

    /// <summary>True when the RTJam rooms accept packets from any source address.</summary>
    public bool RtJamAllowsAny => RtJamAllow.Count == 1 && RtJamAllow[0].Trim().Equals("any", StringComparison.OrdinalIgnoreCase);

    /// <summary>Join code of room <paramref name="room"/>.</summary>
    public string JoinCodeOf(int room) => JoinCodes.Count == 1 ? JoinCodes[0] : JoinCodes[room];

    /// <summary>Room-mix target of room <paramref name="room"/>, or null when that room writes none.</summary>
    public string? RoomMixTargetOf(int room)
    {
        if (string.IsNullOrEmpty(RoomMixTarget) || RoomMixTarget.Equals("none", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        if (RoomMixTarget.Contains("{room}", StringComparison.Ordinal))
        {
            return RoomMixTarget.Replace("{room}", room.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal);
        }

        return room == 0 ? RoomMixTarget : null;
    }

    /// <summary>Every problem with these options, as sentences; empty when they are usable.</summary>
    public IReadOnlyList<string> Problems()
    {
        var p = new List<string>();
        if (RoomCount < 1 || RoomCount > 64)
        {
            p.Add($"room count must be 1..64 (got {RoomCount})");
        }

        if (FirstPort < 0 || FirstPort > 65535 || (FirstPort > 0 && FirstPort + RoomCount - 1 > 65535))
        {
            p.Add($"first port must be 0 (ephemeral) or leave room for {RoomCount} ports below 65536 (got {FirstPort})");
        }

        if (BindAddress is null)
        {
            p.Add("bind address is missing");
        }

        if (MaxJammers < 1 || MaxJammers > Slot.MaxJammerSlots)
        {
            p.Add($"max jammers must be 1..{Slot.MaxJammerSlots} (got {MaxJammers})");
        }

        if (MaxEngineers < 0 || MaxEngineers > Slot.MaxEngineers)
        {
            p.Add($"max engineers must be 0..{Slot.MaxEngineers} (got {MaxEngineers})");
        }

        if (MaxListeners < 0 || MaxListeners > Slot.MaxListeners)
        {
            p.Add($"max listeners must be 0..{Slot.MaxListeners} (got {MaxListeners})");
        }

        if (ServerNameProblem(ServerName) is { } nameProblem)
        {
            p.Add(nameProblem);
        }

        if (SlotTimeout.TotalMilliseconds < 10 || SlotTimeout.TotalMilliseconds > 65535)
        {
            p.Add($"slot timeout must be 10..65535 ms (got {SlotTimeout.TotalMilliseconds} ms)");
        }

        if (HeartbeatInterval.TotalMilliseconds < 1 || HeartbeatInterval >= SlotTimeout)
        {
            p.Add($"heartbeat interval must be at least 1 ms and shorter than the slot timeout (got {HeartbeatInterval.TotalMilliseconds} ms)");
        }

        if (RosterInterval.TotalMilliseconds < 10 || RosterInterval > TimeSpan.FromHours(24))
        {
            p.Add($"roster interval must be 10 ms..24 h (got {RosterInterval.TotalMilliseconds} ms)");
        }

        if (JoinCodes is null || (JoinCodes.Count != 1 && JoinCodes.Count != RoomCount))
        {
            p.Add($"give one join code for all rooms or one per room ({RoomCount}); got {JoinCodes?.Count ?? 0}");
        }
        else
        {
            for (int i = 0; i < JoinCodes.Count; i++)
            {
                if (!JoinMessage.IsValidJoinCode(JoinCodes[i]))
                {
                    p.Add($"join code {i + 1} must be 1..16 printable ASCII characters without spaces (got \"{JoinCodes[i]}\")");
                }
            }
        }

        if (SampleRate < 8000 || SampleRate > 192000 || SampleRate % 50 != 0)
        {
            p.Add($"sample rate must be 8000..192000 Hz and a multiple of 50 (20 ms room-mix chunks) (got {SampleRate})");
        }

        if (RoomMixQueueChunks < 1 || RoomMixQueueChunks > 1000)
        {
            p.Add($"room-mix queue must be 1..1000 chunks (got {RoomMixQueueChunks})");
        }

        if (!(JoinRatePerSecond > 0) || JoinRatePerSecond > 100000)
        {
            p.Add($"join rate must be above 0 and at most 100000 per second (got {JoinRatePerSecond})");
        }

        if (JoinBurst < 1 || JoinBurst > 100000)
        {
            p.Add($"join burst must be 1..100000 (got {JoinBurst})");
        }

        if (RoomThreads < 0 || RoomThreads > 64)
        {
            p.Add($"room threads must be 0 (automatic)..64 (got {RoomThreads})");
        }

        if (WakeIntervalMicroseconds < 0 || WakeIntervalMicroseconds > 2000)
        {
            p.Add($"wake interval must be 0 (none)..2000 microseconds (got {WakeIntervalMicroseconds})");
        }

        if (ReceiveBatch < 1 || ReceiveBatch > 1024)
        {
            p.Add($"receive batch must be 1..1024 (got {ReceiveBatch})");
        }

        if (SocketBufferBytes < 65536 || SocketBufferBytes > (256 << 20))
        {
            p.Add($"socket buffer must be 64 KiB..256 MiB (got {SocketBufferBytes})");
        }

        if (MixJitterPackets < 0 || MixJitterPackets > 16)
        {
            p.Add($"mix jitter depth must be 0..16 packets (got {MixJitterPackets})");
        }

        if (MixOverrunPackets < 1 || MixOverrunPackets > 16)
        {
            p.Add($"mix overrun depth must be 1..16 packets (got {MixOverrunPackets})");
        }

        RtJamProblems(p);
        return p;
    }

    private void RtJamProblems(List<string> p)
    {
        if (RtJamRooms is null || RtJamAllow is null)
        {
            p.Add("RTJam rooms and allow list must not be null");
            return;
        }

        foreach (int room in RtJamRooms)
        {
            if (room < 0 || room >= RoomCount)
            {
                p.Add($"RTJam room {room} does not exist: rooms are 0..{RoomCount - 1} (--rtjam-rooms)");
            }
        }

        if (RtJamRooms.Distinct().Count() != RtJamRooms.Count)
        {
            p.Add("RTJam rooms are listed more than once (--rtjam-rooms)");
        }

        if (RtJamRooms.Count > 0 && RtJamAllow.Count == 0)
        {
            p.Add("rooms opened to RTJam need the source networks RTJam clients may come from: --rtjam-allow 192.168.0.0/16,... or --rtjam-allow any");
        }
        else if (RtJamRooms.Count == 0 && RtJamAllow.Count > 0)
        {
            p.Add("--rtjam-allow opens nothing without --rtjam-rooms (the rooms RTJam clients may play in)");
        }

        if (RtJamAllow.Count > 0 && Rooms.RtJamAllowList.TryParse(RtJamAllow, out string? problem) == null)
        {
            p.Add(problem! + " (--rtjam-allow)");
        }

        if (RtJamTimeout.TotalMilliseconds < 10 || RtJamTimeout.TotalMilliseconds > 65535)
        {
            p.Add($"RTJam timeout must be 10..65535 ms (got {RtJamTimeout.TotalMilliseconds} ms)");
        }
    }

    /// <summary>What is wrong with a server name, as a sentence, or null when it is usable (empty = no name).</summary>
    public static string? ServerNameProblem(string? name)
    {
        if (name is null)
        {
            return "the server name is missing (use an empty name for none)";
        }

        if (name.Length == 0)
        {
            return null;
        }

        int bytes = Encoding.UTF8.GetByteCount(name);
        if (bytes > RoomInfoMessage.MaxNameBytes)
        {
            return $"the server name must be at most {RoomInfoMessage.MaxNameBytes} bytes of UTF-8 (\"{name}\" is {bytes})";
        }

        for (int i = 0; i < name.Length; i++)
        {
            char c = name[i];
            bool pair = char.IsHighSurrogate(c) && i + 1 < name.Length && char.IsLowSurrogate(name[i + 1]);
            if (char.IsControl(c) || (char.IsSurrogate(c) && !pair))
            {
                return "the server name must be printable text: no control characters (tabs, newlines) or broken characters";
            }

            i += pair ? 1 : 0;
        }

        if (name.Trim().Length != name.Length)
        {
            return $"the server name must not start or end with spaces (got \"{name}\")";
        }

        return null;
    }

    /// <summary>Throws <see cref="ArgumentException"/> listing every problem.</summary>
    public void Validate()
    {
        var problems = Problems();
        if (problems.Count > 0)
        {
            throw new ArgumentException("invalid server options: " + string.Join("; ", problems));
        }
    }

    /// <summary>The effective settings, one "name: value" per line (printed at start).</summary>
    public string Describe()
    {
        var s = new StringBuilder();
        string ports = FirstPort == 0 ? "ephemeral" : $"{FirstPort}-{FirstPort + RoomCount - 1}";
        s.AppendLine(CultureInfo.InvariantCulture, $"rooms: {RoomCount} on {BindAddress} UDP {ports}");
        s.AppendLine(CultureInfo.InvariantCulture, $"server name: {(ServerName.Length > 0 ? "\"" + ServerName + "\"" : "none")}");
        s.AppendLine(CultureInfo.InvariantCulture, $"slots per room: {MaxJammers} jammers, {MaxEngineers} engineers, {MaxListeners} listeners");
        s.AppendLine(CultureInfo.InvariantCulture, $"slot timeout: {SlotTimeout.TotalMilliseconds} ms, heartbeat: {HeartbeatInterval.TotalMilliseconds} ms, roster repeated every {RosterInterval.TotalMilliseconds} ms");
        s.AppendLine(CultureInfo.InvariantCulture, $"join code: {(JoinCodes.Count == 1 ? "one for all rooms" : "one per room")} ({JoinCodes.Count} given)");
        s.AppendLine(CultureInfo.InvariantCulture, $"join rate limit: {JoinRatePerSecond}/s per source IP, burst {JoinBurst}");
        s.AppendLine(CultureInfo.InvariantCulture, $"sample rate: {SampleRate} Hz");
        s.AppendLine(CultureInfo.InvariantCulture, $"room mix: {RoomMixTarget ?? "none"} (queue {RoomMixQueueChunks} x 20 ms)");
        s.AppendLine(CultureInfo.InvariantCulture, $"RTJam clients: {(RtJamRooms.Count == 0 ? "off" : $"rooms {string.Join(",", RtJamRooms)} from {string.Join(", ", RtJamAllow)}, freed after {RtJamTimeout.TotalMilliseconds} ms of silence")}");
        s.AppendLine(CultureInfo.InvariantCulture, $"mix jitter FIFO: target +{MixJitterPackets} packets, drop oldest beyond +{MixOverrunPackets}");
        s.Append(CultureInfo.InvariantCulture, $"io: {IoMode}{(UdpSegmentation ? " with UDP segmentation where batched" : string.Empty)}, {EffectiveRoomThreads} room thread(s) where batched, wake interval {WakeIntervalMicroseconds} µs, receive batch {ReceiveBatch}, socket buffers {SocketBufferBytes / 1024} KiB");
        return s.ToString();
    }
}
