using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using Octomix.Protocol;
using Octomix.Server.Io;

namespace Octomix.Server.Benchmark;

/// <summary>What <see cref="LoadGenerator"/> does.</summary>
public sealed record LoadGeneratorOptions
{
    /// <summary>The rooms to load (one endpoint per room); null = baseline: the jammers of a room send straight to each other.</summary>
    public IReadOnlyList<IPEndPoint>? Rooms { get; init; }

    public int RoomCount { get; init; } = 4;

    public int JammersPerRoom { get; init; } = 7;

    public int PacketsPerSecond { get; init; } = 750;

    public int Frames { get; init; } = 64;

    public int Channels { get; init; } = 2;

    public double Seconds { get; init; } = 10;

    public double WarmupSeconds { get; init; } = 1;

    public string JoinCode { get; init; } = "BENCH";

    /// <summary>Sends are made in ticks this long (every jammer's packets due by then go out).</summary>
    public double TickMilliseconds { get; init; } = 1;

    // ---- RTJam members (LoadGenerator.RtJam.cs) ----

    /// <summary>The last this many jammers of each room are RTJam clients (server runs only; the rooms must be open to RTJam).</summary>
    public int RtJamPerRoom { get; init; }

    /// <summary>The mixed case (LoadGenerator.Mixed.cs): per room, jammers at 64, 128 and 256 frames and one at 44.1 kHz.</summary>
    public bool Mixed { get; init; }
}

/// <summary>Figures of one load-generator run (only the measurement window counts).</summary>
public sealed record LoadGeneratorResult(
    string Mode,
    int Jammers,
    double Seconds,
    long Sent,
    long Expected,
    long Received,
    double Loss,
    double SentPerSecond,
    double ReceivedPerSecond,
    double LatencyP50Microseconds,
    double LatencyP99Microseconds,
    double LatencyP999Microseconds,
    double LatencyMaxMicroseconds,
    bool KernelTimestamps,
    double CpuSeconds,
    long SendCalls,
    long ReceiveCalls);

/// <summary>
/// The benchmark's load: N jammers (one UDP socket each, so each is its own source address)
/// streaming audio packets at a fixed rate, and receiving what the server forwards. Each packet
/// carries its send time (CLOCK_REALTIME, ns); the kernel stamps each arrival (SO_TIMESTAMPNS),
/// so the latency measured is wire-to-socket and does not depend on when this loop gets round
/// to reading. One thread, batched system calls (recvmmsg per ready socket, sendmmsg for a
/// baseline packet's fan-out, ppoll to sleep and to find ready sockets) so that the generator
/// is not what limits the figures. Linux only.
/// </summary>
public sealed unsafe partial class LoadGenerator : IDisposable
{
    private const int RxBatch = 64;
    private const int RxStride = 2048;
    private const int ControlBytes = 64;
    private const long HistogramBucketNs = 100;
    private const int HistogramBuckets = 500_000; // 50 ms

    private readonly LoadGeneratorOptions options;
    private readonly Action<string> signal;
    private readonly int count;
    private readonly Socket[] sockets;
    private readonly int[] fds;
    private readonly byte[][] packets;
    private readonly byte*[] packetPointers;
    private readonly GCHandle[] pins;
    private readonly int[] packetLengths;
    private readonly int[] jammerFrames;
    private readonly int[] jammerRates;
    private readonly byte* destinations; // per jammer: up to 16 sockaddr_in (16 bytes each)
    private readonly int[] destinationCount;
    private readonly LinuxNative.MMsgHdr* tx;
    private readonly LinuxNative.IoVec* txVec;
    private readonly LinuxNative.MMsgHdr* rx;
    private readonly LinuxNative.IoVec* rxVec;
    private readonly byte* rxData;
    private readonly byte* rxControl;
    private readonly LinuxNative.PollFd* pollFds;
    private readonly long[] histogram = new long[HistogramBuckets + 1];
    private long sendCalls;
    private long receiveCalls;
    private long received;
    private bool kernelTimestamps;

    private LoadGenerator(LoadGeneratorOptions options, Action<string> signal)
    {
        if (!LinuxNative.IsUsable)
        {
            throw new PlatformNotSupportedException("the load generator needs 64-bit Linux (recvmmsg, sendmmsg, SO_TIMESTAMPNS)");
        }

        this.options = options;
        this.signal = signal;
        count = options.RoomCount * options.JammersPerRoom;
        sockets = new Socket[count];
        fds = new int[count];
        packets = new byte[count][];
        packetPointers = new byte*[count];
        pins = new GCHandle[count];
        destinationCount = new int[count];
        packetLengths = new int[count];
        jammerFrames = new int[count];
        jammerRates = new int[count];
        for (int j = 0; j < count; j++)
        {
            Profile(j % options.JammersPerRoom, out jammerFrames[j], out jammerRates[j]);
            packetLengths[j] = AudioPacket.HeaderLength + (jammerFrames[j] * options.Channels * 2);
        }
        destinations = (byte*)NativeMemory.AllocZeroed((nuint)(count * 16 * 16));
        tx = (LinuxNative.MMsgHdr*)NativeMemory.AllocZeroed((nuint)(16 * sizeof(LinuxNative.MMsgHdr)));
        txVec = (LinuxNative.IoVec*)NativeMemory.AllocZeroed((nuint)(16 * sizeof(LinuxNative.IoVec)));
        rx = (LinuxNative.MMsgHdr*)NativeMemory.AllocZeroed((nuint)(RxBatch * sizeof(LinuxNative.MMsgHdr)));
        rxVec = (LinuxNative.IoVec*)NativeMemory.AllocZeroed((nuint)(RxBatch * sizeof(LinuxNative.IoVec)));
        rxData = (byte*)NativeMemory.AllocZeroed((nuint)(RxBatch * RxStride));
        rxControl = (byte*)NativeMemory.AllocZeroed((nuint)(RxBatch * ControlBytes));
        pollFds = (LinuxNative.PollFd*)NativeMemory.AllocZeroed((nuint)(count * sizeof(LinuxNative.PollFd)));
        for (int i = 0; i < RxBatch; i++)
        {
            rxVec[i].Base = rxData + (i * RxStride);
            rxVec[i].Length = RxStride;
            rx[i].Header.Iov = rxVec + i;
            rx[i].Header.IovLength = 1;
        }

        for (int i = 0; i < 16; i++)
        {
            tx[i].Header.Iov = txVec + i;
            tx[i].Header.IovLength = 1;
        }

        for (int j = 0; j < count; j++)
        {
            var s = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
            s.ReceiveBufferSize = 4 << 20;
            s.SendBufferSize = 1 << 20;
            s.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            sockets[j] = s;
            fds[j] = (int)s.Handle;
            LinuxNative.SetBuffers(fds[j], 4 << 20);
            int on = 1;
            kernelTimestamps = LinuxNative.setsockopt(fds[j], LinuxNative.SOL_SOCKET, LinuxNative.SO_TIMESTAMPNS, &on, sizeof(int)) == 0;
            pollFds[j].Fd = fds[j];
            pollFds[j].Events = LinuxNative.POLLIN;
            packets[j] = new byte[Math.Max(packetLengths[j], RtJamLength)]; // an RTJam jammer writes its own shape at options.Frames
            pins[j] = GCHandle.Alloc(packets[j], GCHandleType.Pinned);
            packetPointers[j] = (byte*)pins[j].AddrOfPinnedObject();
        }
    }

    /// <summary>Runs the load (joins first when there is a server) and returns the figures; <paramref name="signal"/> gets "MEASURE-START" and "MEASURE-END".</summary>
    public static LoadGeneratorResult Run(LoadGeneratorOptions options, Action<string> signal)
    {
        using var generator = new LoadGenerator(options, signal);
        generator.Prepare();
        return generator.Load();
    }

    private void Prepare()
    {
        int perRoom = options.JammersPerRoom;
        var header = new AudioPacket { FrameCount = options.Frames, Channels = options.Channels, Format = (byte)SampleFormat.S16 };
        for (int j = 0; j < count; j++)
        {
            header.FrameCount = jammerFrames[j];
            int room = j / perRoom;
            if (IsRtJam(j))
            {
                PrepareRtJam(j, room); // LoadGenerator.RtJam.cs
                continue;
            }

            if (options.Rooms != null)
            {
                var accept = Join(sockets[j], options.Rooms[room], j);
                header.Token = accept.SessionToken;
                header.SourceSlot = accept.AssignedSlot;
                WriteSockaddr(destinations + (j * 256), options.Rooms[room]);
                destinationCount[j] = 1;
            }
            else
            {
                header.Token = 0;
                header.SourceSlot = (byte)(j % perRoom);
                int n = 0;
                for (int k = room * perRoom; k < (room + 1) * perRoom; k++)
                {
                    if (k != j)
                    {
                        WriteSockaddr(destinations + (j * 256) + (n * 16), (IPEndPoint)sockets[k].LocalEndPoint!);
                        n++;
                    }
                }

                destinationCount[j] = n;
            }

            header.WriteHeader(packets[j], 0);
            BitConverter.TryWriteBytes(packets[j].AsSpan(AudioPacket.HeaderLength + 8), j);
        }
    }

    private LoadGeneratorResult Load()
    {
        var period = new long[count];
        for (int j = 0; j < count; j++)
        {
            period[j] = PeriodNanoseconds(j);
        }

        long tick = (long)(options.TickMilliseconds * 1_000_000);
        long t0 = LinuxNative.RealtimeNanoseconds() + 10_000_000;
        long measureStart = t0 + (long)(options.WarmupSeconds * 1e9);
        long measureEnd = measureStart + (long)(options.Seconds * 1e9);
        var next = new long[count];
        var sequence = new uint[count];
        for (int j = 0; j < count; j++)
        {
            next[j] = t0 + (period[j] * j / count);
        }

        long sent = 0;
        bool started = false;
        TimeSpan cpuStart = TimeSpan.Zero;
        var me = Process.GetCurrentProcess();
        while (true)
        {
            long now = LinuxNative.RealtimeNanoseconds();
            if (!started && now >= measureStart)
            {
                started = true;
                me.Refresh();
                cpuStart = me.TotalProcessorTime;
                signal("MEASURE-START");
            }

            if (now >= measureEnd)
            {
                break;
            }

            for (int j = 0; j < count; j++)
            {
                while (next[j] <= now)
                {
                    long stamp = Send(j, sequence[j]++);
                    if (stamp >= measureStart && stamp < measureEnd)
                    {
                        sent++;
                    }

                    next[j] += period[j];
                }
            }

            ReceiveReady(measureStart, measureEnd, 0);
            Sleep(tick - ((LinuxNative.RealtimeNanoseconds() - t0) % tick));
        }

        me.Refresh();
        var cpu = me.TotalProcessorTime - cpuStart;
        signal("MEASURE-END");

        // stragglers: whatever arrives in the next 300 ms still counts (late, not lost)
        long drainEnd = LinuxNative.RealtimeNanoseconds() + 300_000_000;
        while (LinuxNative.RealtimeNanoseconds() < drainEnd)
        {
            ReceiveReady(measureStart, measureEnd, 10);
        }

        long expected = sent * (options.JammersPerRoom - 1);
        double seconds = options.Seconds;
        return new LoadGeneratorResult(
            options.Rooms == null ? "baseline" : "server",
            count,
            seconds,
            sent,
            expected,
            received,
            expected == 0 ? 0 : Math.Max(0, expected - received) / (double)expected,
            sent / seconds,
            received / seconds,
            Percentile(0.50),
            Percentile(0.99),
            Percentile(0.999),
            Percentile(1.0),
            kernelTimestamps,
            cpu.TotalSeconds,
            sendCalls,
            receiveCalls);
    }

    /// <summary>Stamps and sends jammer <paramref name="j"/>'s next packet; returns the stamp.</summary>
    private long Send(int j, uint seq)
    {
        byte* p = packetPointers[j];
        long stamp;
        int length = packetLengths[j];
        if (IsRtJam(j))
        {
            stamp = LinuxNative.RealtimeNanoseconds();
            StampRtJam(p, seq, stamp); // LoadGenerator.RtJam.cs
            length = RtJamLength;
        }
        else
        {
            *(uint*)(p + 12) = seq;
            *(long*)(p + 20) = (long)seq * jammerFrames[j];
            stamp = LinuxNative.RealtimeNanoseconds();
            *(long*)(p + AudioPacket.HeaderLength) = stamp;
        }

        int n = destinationCount[j];
        for (int i = 0; i < n; i++)
        {
            txVec[i].Base = p;
            txVec[i].Length = (nuint)length;
            tx[i].Header.Name = destinations + (j * 256) + (i * 16);
            tx[i].Header.NameLength = 16;
        }

        int done = 0;
        while (done < n)
        {
            sendCalls++;
            int r = LinuxNative.sendmmsg(fds[j], tx + done, (uint)(n - done), 0);
            if (r <= 0)
            {
                if (Marshal.GetLastPInvokeError() == LinuxNative.EINTR)
                {
                    continue;
                }

                break;
            }

            done += r;
        }

        return stamp;
    }

    private void ReceiveReady(long measureStart, long measureEnd, int waitMilliseconds)
    {
        var timeout = new LinuxNative.TimeSpec { Seconds = 0, Nanoseconds = waitMilliseconds * 1_000_000L };
        int ready = LinuxNative.ppoll(pollFds, (nuint)count, &timeout, null);
        if (ready <= 0)
        {
            return;
        }

        for (int j = 0; j < count; j++)
        {
            if ((pollFds[j].ReturnedEvents & LinuxNative.POLLIN) == 0)
            {
                continue;
            }

            while (true)
            {
                for (int i = 0; i < RxBatch; i++)
                {
                    rx[i].Header.Control = rxControl + (i * ControlBytes);
                    rx[i].Header.ControlLength = ControlBytes;
                    rx[i].Header.Name = null;
                    rx[i].Header.NameLength = 0;
                }

                receiveCalls++;
                int n = LinuxNative.recvmmsg(fds[j], rx, RxBatch, LinuxNative.MSG_DONTWAIT, null);
                if (n <= 0)
                {
                    break;
                }

                long userNow = LinuxNative.RealtimeNanoseconds();
                for (int i = 0; i < n; i++)
                {
                    Account(rxData + (i * RxStride), (int)rx[i].Length, rxControl + (i * ControlBytes), (int)rx[i].Header.ControlLength, userNow, measureStart, measureEnd);
                }

                if (n < RxBatch)
                {
                    break;
                }
            }
        }
    }

    private void Account(byte* d, int length, byte* control, int controlLength, long userNow, long measureStart, long measureEnd)
    {
        long stamp;
        if (length >= 2 && (d[0] != ProtocolConstants.Magic0 || d[1] != ProtocolConstants.Magic1))
        {
            if (!TryRtJamStamp(d, length, out stamp)) // LoadGenerator.RtJam.cs: an RTJam member's datagram
            {
                return;
            }
        }
        else if (length < AudioPacket.HeaderLength + 12 || d[3] != (byte)MessageType.Audio)
        {
            return;
        }
        else
        {
            stamp = *(long*)(d + AudioPacket.HeaderLength);
        }

        if (stamp < measureStart || stamp >= measureEnd)
        {
            return;
        }

        long arrival = userNow;

        // cmsghdr: u64 length, i32 level, i32 type, then the timespec
        if (controlLength >= 32 && *(int*)(control + 8) == LinuxNative.SOL_SOCKET && *(int*)(control + 12) == LinuxNative.SO_TIMESTAMPNS)
        {
            arrival = (*(long*)(control + 16) * 1_000_000_000L) + *(long*)(control + 24);
        }

        received++;
        long bucket = Math.Clamp((arrival - stamp) / HistogramBucketNs, 0, HistogramBuckets);
        histogram[bucket]++;
    }

    private double Percentile(double q)
    {
        long total = 0;
        foreach (var h in histogram)
        {
            total += h;
        }

        if (total == 0)
        {
            return 0;
        }

        long rank = Math.Max(1, (long)Math.Ceiling(q * total));
        long seen = 0;
        for (int i = 0; i < histogram.Length; i++)
        {
            seen += histogram[i];
            if (seen >= rank)
            {
                return (i + 1) * HistogramBucketNs / 1000.0;
            }
        }

        return HistogramBuckets * HistogramBucketNs / 1000.0;
    }

    private static void Sleep(long nanoseconds)
    {
        if (nanoseconds <= 0)
        {
            return;
        }

        var t = new LinuxNative.TimeSpec { Seconds = nanoseconds / 1_000_000_000L, Nanoseconds = nanoseconds % 1_000_000_000L };
        LinuxNative.ppoll(null, 0, &t, null);
    }

    private static void WriteSockaddr(byte* a, IPEndPoint endpoint)
    {
        *(ushort*)a = LinuxNative.AF_INET;
        a[2] = (byte)(endpoint.Port >> 8);
        a[3] = (byte)endpoint.Port;
        endpoint.Address.MapToIPv4().TryWriteBytes(new Span<byte>(a + 4, 4), out _);
    }

    /// <summary>Joins like a box: Join, retried every 200 ms, until Accept (a Reject or silence fails the run).</summary>
    private AcceptMessage Join(Socket socket, IPEndPoint room, int index)
    {
        var join = new JoinMessage
        {
            MessageId = ((uint)index + 1) * 7919, Role = JoinRole.Jammer, BoxId = 0xBE4C_0000UL + (ulong)index, SampleRate = jammerRates[index],
            Channels = options.Channels, Format = (byte)SampleFormat.S16, FramesPerPacket = jammerFrames[index], JoinCode = options.JoinCode,
            Name = "load " + index,
        };
        var request = new byte[join.Length];
        join.Write(request, 0);
        var answer = new byte[2048];
        for (int attempt = 0; attempt < 25; attempt++)
        {
            socket.SendTo(request, room);
            var deadline = DateTime.UtcNow.AddMilliseconds(200);
            while (socket.Poll((int)Math.Max(0, (deadline - DateTime.UtcNow).TotalMicroseconds), SelectMode.SelectRead))
            {
                int n = socket.Receive(answer);
                var accept = new AcceptMessage();
                if (accept.Read(answer, 0, n) == DecodeResult.Ok && accept.MessageId == join.MessageId)
                {
                    return accept;
                }

                var reject = new RejectMessage();
                if (reject.Read(answer, 0, n) == DecodeResult.Ok && reject.MessageId == join.MessageId)
                {
                    throw new InvalidOperationException($"jammer {index} was rejected by {room}: {RejectReason.Describe(reject.Reason)}");
                }
            }
        }

        throw new TimeoutException($"jammer {index} got no answer to its Join from {room}");
    }

    public void Dispose()
    {
        foreach (var s in sockets)
        {
            s?.Dispose();
        }

        foreach (var p in pins)
        {
            if (p.IsAllocated)
            {
                p.Free();
            }
        }

        NativeMemory.Free(destinations);
        NativeMemory.Free(tx);
        NativeMemory.Free(txVec);
        NativeMemory.Free(rx);
        NativeMemory.Free(rxVec);
        NativeMemory.Free(rxData);
        NativeMemory.Free(rxControl);
        NativeMemory.Free(pollFds);
    }
}
