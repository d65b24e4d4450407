using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Microsoft.Extensions.Logging;
using Octomix.Protocol;
using Octomix.Server.Io;
using Octomix.Server.Output;

namespace Octomix.Server.Rooms;

/// <summary>
/// One room: one UDP socket and one thread that owns everything about the room (slots, jitter
/// FIFOs, mixes, figures), so the packet path takes no lock (style habit 10). That thread is the
/// room's own (portable io) or a <see cref="RoomWorker"/> that serves several rooms from one epoll
/// wait (batched io: one wake-up for rooms whose boxes send in the same instant). The loop receives
/// a batch, runs each datagram through the security gate and routes it, then sends everything
/// the batch produced at once. All buffers are allocated here, at start.
/// This file: lifecycle, the loop and the send helpers. Room.Gate.cs: the gate, join and leave.
/// Room.Routing.cs: audio and control routing. Room.Roster.cs: who is in the room, told to the engineers. Room.Mixing.cs: personal mixes, room mix,
/// timers. Room.Status.cs: snapshots for other threads.
/// </summary>
internal sealed unsafe partial class Room : IDisposable
{
    /// <summary>Longest the loop sleeps waiting for a datagram: bounds timer lateness and stop time.</summary>
    public const int WaitMilliseconds = 5;

    /// <summary>Cells for datagrams the server writes itself (replies, mix packets) per send batch.</summary>
    private const int OutCells = 256;

    private const int OutStride = 1408;

    private readonly ServerOptions options;
    private readonly ILogger logger;
    private readonly string label;
    private readonly DatagramIo io;
    private readonly TxQueue tx = new(LinuxBatchedIo.TxQueueCapacity);
    private readonly RoomSlotTable table;
    private readonly JoinRateLimiter limiter;
    private readonly byte[] joinCode;
    private readonly byte[] outCells = GC.AllocateArray<byte>(OutCells * OutStride, pinned: true);
    private readonly byte* outBase;
    private int outUsed;

    // one decoder/encoder of each kind, reused for every datagram
    private readonly AudioPacket audio = new();
    private readonly AudioPacket mixPacket = new();
    private readonly JoinMessage join = new();
    private readonly StatusMessage status = new();
    private readonly MixLevelsMessage mixLevels = new();
    private readonly AckMessage ack = new();
    private readonly AcceptMessage accept = new();
    private readonly RejectMessage reject = new();

    private readonly long[] drops = new long[Enum.GetValues<DropReason>().Length];
    private long packetsIn;
    private long bytesIn;
    private long bytesOut;
    private long joinsAccepted;
    private long joinsRejected;
    private long duplicateJoins;
    private long rebinds;
    private long rejoins;
    private long slotsExpired;
    private long loopFaults;

    private readonly Thread thread;
    private readonly long startTicks;
    private readonly double samplesPerTick;
    private volatile bool stopping;

    public Room(ServerOptions options, int index, ILogger logger)
    {
        this.options = options;
        this.logger = logger;
        Index = index;
        label = "room " + index;
        table = new RoomSlotTable(options.MaxJammers, options.MaxEngineers, options.MaxListeners);
        limiter = new JoinRateLimiter(options.JoinRatePerSecond, options.JoinBurst);
        joinCode = System.Text.Encoding.ASCII.GetBytes(options.JoinCodeOf(index));
        outBase = (byte*)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(outCells));
        startTicks = Stopwatch.GetTimestamp();
        samplesPerTick = (double)options.SampleRate / Stopwatch.Frequency;
        slotTimeoutTicks = (long)(options.SlotTimeout.TotalSeconds * Stopwatch.Frequency);
        rosterTicks = (long)(options.RosterInterval.TotalSeconds * Stopwatch.Frequency);

        var socket = new Socket(options.BindAddress.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        try
        {
            if (options.BindAddress.AddressFamily == AddressFamily.InterNetworkV6)
            {
                socket.DualMode = true;
            }

            socket.ReceiveBufferSize = options.SocketBufferBytes;
            socket.SendBufferSize = options.SocketBufferBytes;
            int port = options.FirstPort == 0 ? 0 : options.FirstPort + index;
            socket.Bind(new IPEndPoint(options.BindAddress, port));
            Port = ((IPEndPoint)socket.LocalEndPoint!).Port;
            if (LinuxNative.IsUsable)
            {
                // a room that falls behind for a moment (another process on the core) must not
                // lose audio for want of buffer: ask past the default limit when allowed
                LinuxNative.SetBuffers((int)socket.Handle, options.SocketBufferBytes);
            }

            io = DatagramIo.Create(socket, options.IoMode, options.ReceiveBatch, WaitMilliseconds, options.UdpSegmentation);
        }
        catch
        {
            socket.Dispose();
            throw;
        }

        InitMixing();
        InitRtJam();
        InitRoomInfo();
        thread = new Thread(Run) { IsBackground = true, Name = "octomix-room-" + index };
    }

    public int Index { get; }

    public int Port { get; }

    public bool IsBatched => io.IsBatched;

    public bool IsSegmenting => io is LinuxBatchedIo { Segmenting: true };

    public void Start() => thread.Start();

    /// <summary>Asks the loop to end and waits for it (at most one wait period plus the current batch).</summary>
    public void Stop()
    {
        stopping = true;
        if (thread.IsAlive)
        {
            thread.Join();
        }
    }

    public void Dispose()
    {
        Stop();
        io.Dispose();
        output?.Dispose();
    }

    /// <summary>The room's own loop (portable io; batched io is served by a <see cref="RoomWorker"/>).</summary>
    private void Run()
    {
        while (!stopping)
        {
            int n;
            try
            {
                n = io.Receive();
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException)
            {
                Fault(e);
                continue;
            }

            Serve(n, Stopwatch.GetTimestamp());
        }

        Flush();
    }

    /// <summary>The socket (batched io) a <see cref="RoomWorker"/> waits on; −1 for the portable io.</summary>
    public int Descriptor => io is LinuxBatchedIo b ? b.Descriptor : -1;

    /// <summary>For a <see cref="RoomWorker"/>: the socket has datagrams; take a batch, handle it, send what it produced.</summary>
    public void ServeQueued(long now)
    {
        int n;
        try
        {
            n = ((LinuxBatchedIo)io).ReceiveQueued();
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            Fault(e);
            n = 0;
        }

        Serve(n, now);
    }

    /// <summary>For a <see cref="RoomWorker"/>: the room's timers, when due (expiry, mixes, the roster).</summary>
    public void ServeTimers(long now)
    {
        if (now >= nextHousekeeping)
        {
            Serve(0, now);
        }
    }

    /// <summary>For a <see cref="RoomWorker"/> that stops: sends what is still queued.</summary>
    public void FinalFlush() => Flush();

    /// <summary>Handles the <paramref name="n"/> datagrams just received, runs the timers when due, sends everything.</summary>
    private void Serve(int n, long now)
    {
        for (int i = 0; i < n; i++)
        {
            try
            {
                Handle(i, now);
            }
            catch (Exception e)
            {
                // a bug, never hostile input: decoders return result codes. Keep serving.
                Fault(e);
            }
        }

        if (now >= nextHousekeeping)
        {
            try
            {
                Housekeeping(now);
            }
            catch (Exception e)
            {
                Fault(e);
            }
        }

        Flush();
    }

    private void Fault(Exception e)
    {
        long n = ++loopFaults;
        if (n <= 10 || n % 1000 == 0)
        {
            logger.LogError(e, "{Room}: unexpected error in the room loop (fault {Count})", label, n);
        }
    }

    /// <summary>Sends what the batch produced; the reply cells are free again afterwards.</summary>
    private void Flush()
    {
        if (tx.Count > 0)
        {
            io.Send(tx);
            drops[(int)DropReason.SendFailed] = tx.Failed;
        }

        outUsed = 0;
    }

    /// <summary>Makes sure one more datagram's worth of sends and reply cells fit before it is handled.</summary>
    private void EnsureRoom()
    {
        if (tx.Capacity - tx.Count < RoomSlotTable.SlotCount + 4 || OutCells - outUsed < 4)
        {
            Flush();
        }
    }

    /// <summary>A cell for a datagram the server writes; valid until the next flush.</summary>
    private int RentCell()
    {
        if (outUsed == OutCells)
        {
            Flush();
        }

        return (outUsed++) * OutStride;
    }

    private void Drop(DropReason reason) => drops[(int)reason]++;

    private void DropFrom(SlotState slot, DropReason reason)
    {
        drops[(int)reason]++;
        slot.Drops++;
    }

    /// <summary>Queues a datagram for a slot's owner.</summary>
    private void SendTo(SlotState to, byte* data, int length)
    {
        tx.Add(data, length, table.AddressOf(to.Index), to.AddressLength);
        to.Stats.PacketsOut++;
        to.Stats.BytesOut += length;
        bytesOut += length;
    }

    /// <summary>
    /// Queues a reply to a source that has not proven anything yet (a Join): never larger than
    /// what it sent, so the server cannot be used to amplify a spoofed flood.
    /// </summary>
    private void ReplyUnauthenticated(int cell, int length, int requestLength, byte* address, int addressLength)
    {
        if (length > requestLength)
        {
            Drop(DropReason.AmplificationGuard);
            return;
        }

        tx.Add(outBase + cell, length, address, addressLength);
        bytesOut += length;
    }

    private static string FormatAddress(byte* a, int length)
    {
        if (length >= 24)
        {
            var ip6 = new IPAddress(new ReadOnlySpan<byte>(a + 8, 16));
            return new IPEndPoint(ip6.IsIPv4MappedToIPv6 ? ip6.MapToIPv4() : ip6, (a[2] << 8) | a[3]).ToString();
        }

        if (length >= 8)
        {
            return new IPEndPoint(new IPAddress(new ReadOnlySpan<byte>(a + 4, 4)), (a[2] << 8) | a[3]).ToString();
        }

        return "?";
    }
}
