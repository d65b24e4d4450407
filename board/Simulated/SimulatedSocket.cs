using System.Net;
using System.Net.Sockets;
using Octomix.Hal;

namespace Octomix.Board.Simulated;

/// <summary>What the simulated network does to datagrams (both directions, independently per datagram).</summary>
public sealed class NetworkConditions
{
    /// <summary>Fixed one-way delay added to every datagram, ms.</summary>
    public int DelayMilliseconds { get; set; }

    /// <summary>Extra one-way delay, uniformly 0..this, ms (0–40 for the end-to-end tests); reorders datagrams.</summary>
    public int JitterMilliseconds { get; set; }

    /// <summary>Percentage of datagrams dropped, each direction.</summary>
    public double LossPercent { get; set; }

    public int Seed { get; set; } = 1;

    public bool IsPerfect => DelayMilliseconds == 0 && JitterMilliseconds == 0 && LossPercent <= 0;
}

/// <summary>
/// A real UDP socket connected to the server, with injectable network conditions: datagrams
/// are dropped or held back (delay and jitter, measured in the simulation's time) on the way
/// out and on the way in. Never blocks; errors (ICMP "port unreachable" turns into a socket
/// error on Linux) are counted, not thrown. Queues are preallocated: allocation-free per datagram.
/// </summary>
public sealed class SimulatedSocket : IDatagramSocket
{
    private const int QueueSlots = 1024;

    /// <summary>Empty datagrams one receive call drops before it returns "nothing waiting".</summary>
    private const int MaxSkippedPerCall = 64;

    private readonly SimulatedTime time;
    private readonly NetworkConditions conditions;
    private readonly Random random;
    private readonly DelayQueue outgoing = new(QueueSlots);
    private readonly DelayQueue incoming = new(QueueSlots);
    private readonly byte[] scratch = new byte[65536];
    private Socket? socket;

    public SimulatedSocket(SimulatedTime time, NetworkConditions conditions)
    {
        this.time = time;
        this.conditions = conditions;
        random = new Random(conditions.Seed);
    }

    public bool IsConnected => socket != null;

    public long Sent { get; private set; }

    public long Received { get; private set; }

    public long Dropped { get; private set; }

    public long Errors { get; private set; }

    /// <summary>Zero-length datagrams received and dropped.</summary>
    public long EmptyDatagrams { get; private set; }

    /// <summary>The local port (to tell boxes apart at a fake server).</summary>
    public int LocalPort => (socket?.LocalEndPoint as IPEndPoint)?.Port ?? 0;

    public bool Connect(string host, int port)
    {
        try
        {
            IPAddress? address = IPAddress.TryParse(host, out var literal) ? literal
                : Dns.GetHostAddresses(host).FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork);
            if (address == null)
            {
                return false;
            }

            var s = new Socket(address.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
            s.Bind(new IPEndPoint(address.AddressFamily == AddressFamily.InterNetworkV6 ? IPAddress.IPv6Any : IPAddress.Any, 0));
            s.Connect(new IPEndPoint(address, port));
            s.Blocking = false;
            s.ReceiveBufferSize = 1 << 20;
            s.SendBufferSize = 1 << 20;
            socket = s;
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    public bool Send(byte[] buffer, int offset, int count)
    {
        if (socket == null)
        {
            return false;
        }

        if (conditions.IsPerfect)
        {
            return SendNow(buffer, offset, count);
        }

        Pump();
        if (Lost())
        {
            Dropped++;
            return true; // sent into the void, as far as the box can tell
        }

        if (!outgoing.Add(buffer, offset, count, time.NowMicroseconds + Delay()))
        {
            Dropped++;
        }

        Pump();
        return true;
    }

    public int Receive(byte[] buffer, int offset, int count)
    {
        if (socket == null)
        {
            return 0;
        }

        if (conditions.IsPerfect)
        {
            return ReceiveNow(buffer, offset, count);
        }

        Pump();
        while (true)
        {
            int n = ReceiveNow(scratch, 0, scratch.Length);
            if (n <= 0)
            {
                break;
            }

            if (Lost() || !incoming.Add(scratch, 0, n, time.NowMicroseconds + Delay()))
            {
                Dropped++;
            }
        }

        int got = incoming.TakeDue(time.NowMicroseconds, buffer, offset, count);
        return got > 0 ? got : 0;
    }

    public void Close()
    {
        socket?.Dispose();
        socket = null;
    }

    /// <summary>Sends what is due in the outgoing queue.</summary>
    private void Pump()
    {
        long now = time.NowMicroseconds;
        int n;
        while ((n = outgoing.TakeDue(now, scratch, 0, scratch.Length)) > 0)
        {
            SendNow(scratch, 0, n);
        }
    }

    private bool SendNow(byte[] buffer, int offset, int count)
    {
        try
        {
            socket!.Send(buffer, offset, count, SocketFlags.None);
            Sent++;
            return true;
        }
        catch (SocketException)
        {
            Errors++;
            return false;
        }
    }

    /// <summary>
    /// The next datagram with data, or 0 when none is waiting. Datagrams of any length are
    /// consumed, 0 included: readiness is asked with a zero-timeout poll, not with
    /// <see cref="Socket.Available"/> (the size of the datagram at the head of the queue, 0 for
    /// an empty one, which would then stay there and hide everything behind it). At most
    /// <see cref="MaxSkippedPerCall"/> empty or oversized datagrams are dropped per call.
    /// </summary>
    private int ReceiveNow(byte[] buffer, int offset, int count)
    {
        try
        {
            for (int skipped = 0; skipped < MaxSkippedPerCall && socket!.Poll(0, SelectMode.SelectRead); skipped++)
            {
                int n = socket.Receive(buffer, offset, count, SocketFlags.None);
                if (n > 0)
                {
                    Received++;
                    return n;
                }

                EmptyDatagrams++;
            }
        }
        catch (SocketException)
        {
            Errors++; // e.g. the server's port is closed (ICMP port unreachable)
        }

        return 0;
    }

    private bool Lost() => conditions.LossPercent > 0 && random.NextDouble() * 100.0 < conditions.LossPercent;

    private long Delay() => (conditions.DelayMilliseconds * 1000L) + (conditions.JitterMilliseconds > 0 ? random.Next(conditions.JitterMilliseconds * 1000 + 1) : 0);

    /// <summary>Datagrams held until a due time; fixed slots, earliest due first.</summary>
    private sealed class DelayQueue
    {
        private readonly byte[][] data;
        private readonly int[] length;
        private readonly long[] due;

        public DelayQueue(int slots)
        {
            data = new byte[slots][];
            length = new int[slots];
            due = new long[slots];
            for (int i = 0; i < slots; i++)
            {
                data[i] = new byte[Octomix.Protocol.ProtocolConstants.MaxDatagram];
            }
        }

        public bool Add(byte[] buffer, int offset, int count, long dueAt)
        {
            if (count > Octomix.Protocol.ProtocolConstants.MaxDatagram)
            {
                return false;
            }

            for (int i = 0; i < data.Length; i++)
            {
                if (length[i] == 0)
                {
                    Buffer.BlockCopy(buffer, offset, data[i], 0, count);
                    length[i] = count;
                    due[i] = dueAt;
                    return true;
                }
            }

            return false;
        }

        public int TakeDue(long now, byte[] buffer, int offset, int count)
        {
            int best = -1;
            for (int i = 0; i < data.Length; i++)
            {
                if (length[i] > 0 && due[i] <= now && (best < 0 || due[i] < due[best]))
                {
                    best = i;
                }
            }

            if (best < 0)
            {
                return 0;
            }

            int n = Math.Min(length[best], count);
            Buffer.BlockCopy(data[best], 0, buffer, offset, n);
            length[best] = 0;
            return n;
        }
    }
}
