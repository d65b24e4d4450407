using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Octomix.Tests.Shared;

/// <summary>What a <see cref="UdpImpairmentProxy"/> does to each datagram, in each direction.</summary>
internal sealed record Impairment(double LossPercent = 0, int DelayMilliseconds = 0, int JitterMilliseconds = 0, double DuplicatePercent = 0, double ReorderPercent = 0)
{
    public static readonly Impairment None = new();
}

/// <summary>
/// A real UDP proxy on loopback between one client (a box) and a server, as a home router sees
/// it: the client sends to <see cref="Port"/>, the proxy forwards from an outbound socket of its
/// own (the "NAT mapping") and sends the server's answers back to the client. Each datagram, each
/// way, may be lost, delayed (delay + uniform jitter, so packets reorder), duplicated, or held
/// back behind the next one (reordering). <see cref="Rebind"/> replaces the outbound socket: from
/// then on the server sees the client from a new source port and whatever it sends to the old
/// one is lost — a NAT rebinding. <see cref="Offline"/> drops everything both ways.
/// </summary>
internal sealed class UdpImpairmentProxy : IDisposable
{
    private readonly Socket _client;
    private readonly IPEndPoint _server;
    private readonly Thread _thread;
    private readonly Random _random;
    private readonly PriorityQueue<(byte[] Data, bool ToServer), long> _queue = new();
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly byte[] _rx = new byte[65536];
    private readonly object _lock = new();
    private Socket _outbound;
    private EndPoint? _clientEndPoint;
    private volatile bool _stop;
    private volatile bool _rebind;
    private (byte[] Data, bool ToServer)? _heldBack;

    public UdpImpairmentProxy(IPEndPoint server, Impairment? impairment = null, int seed = 1)
    {
        _server = server;
        _random = new Random(seed);
        Impairment = impairment ?? Impairment.None;
        _client = NewSocket();
        _outbound = NewSocket();
        _thread = new Thread(Run) { IsBackground = true, Name = "udp impairment proxy" };
        _thread.Start();
    }

    /// <summary>The port the client sends to.</summary>
    public int Port => ((IPEndPoint)_client.LocalEndPoint!).Port;

    /// <summary>The source port the server sees now.</summary>
    public int OutboundPort
    {
        get
        {
            lock (_lock)
            {
                return ((IPEndPoint)_outbound.LocalEndPoint!).Port;
            }
        }
    }

    public Impairment Impairment { get; set; }

    /// <summary>True: every datagram both ways is dropped (the client's link is down).</summary>
    public bool Offline { get; set; }

    public long ToServer;
    public long ToClient;
    public long Dropped;
    public long Duplicated;
    public int Rebinds;

    /// <summary>The NAT forgets the mapping: the server sees the client from a new source port from now on.</summary>
    public void Rebind()
    {
        _rebind = true;
        var until = DateTime.UtcNow + TimeSpan.FromSeconds(5);
        while (_rebind && DateTime.UtcNow < until)
        {
            Thread.Sleep(1);
        }
    }

    public void Dispose()
    {
        _stop = true;
        _thread.Join(TimeSpan.FromSeconds(2));
        _client.Dispose();
        _outbound.Dispose();
    }

    private void Run()
    {
        var readable = new List<Socket>(2);
        while (!_stop)
        {
            if (_rebind)
            {
                lock (_lock)
                {
                    var old = _outbound;
                    _outbound = NewSocket();
                    old.Dispose();
                }

                Interlocked.Increment(ref Rebinds);
                _rebind = false;
            }

            readable.Clear();
            readable.Add(_client);
            readable.Add(_outbound);
            try
            {
                Socket.Select(readable, null, null, 1000);
            }
            catch (SocketException)
            {
                continue;
            }
            catch (ObjectDisposedException)
            {
                continue;
            }

            foreach (var socket in readable)
            {
                Drain(socket, socket == _client);
            }

            SendDue();
        }
    }

    private void Drain(Socket socket, bool fromClient)
    {
        for (int i = 0; i < 256 && socket.Available > 0; i++)
        {
            EndPoint from = new IPEndPoint(IPAddress.Any, 0);
            int n;
            try
            {
                n = socket.ReceiveFrom(_rx, ref from);
            }
            catch (SocketException)
            {
                continue;
            }

            if (fromClient)
            {
                _clientEndPoint = from;
            }

            Schedule(_rx.AsSpan(0, n).ToArray(), fromClient);
        }
    }

    private void Schedule(byte[] data, bool toServer)
    {
        var imp = Impairment;
        if (Offline || _random.NextDouble() * 100 < imp.LossPercent)
        {
            Interlocked.Increment(ref Dropped);
            return;
        }

        int copies = _random.NextDouble() * 100 < imp.DuplicatePercent ? 2 : 1;
        if (copies == 2)
        {
            Interlocked.Increment(ref Duplicated);
        }

        for (int c = 0; c < copies; c++)
        {
            if (_heldBack == null && _random.NextDouble() * 100 < imp.ReorderPercent)
            {
                _heldBack = (data, toServer); // goes out right after the next datagram
                continue;
            }

            long due = _clock.ElapsedTicks + ((imp.DelayMilliseconds + (imp.JitterMilliseconds > 0 ? _random.Next(0, imp.JitterMilliseconds + 1) : 0)) * Stopwatch.Frequency / 1000);
            _queue.Enqueue((data, toServer), due);
            if (_heldBack is { } held)
            {
                _heldBack = null;
                _queue.Enqueue(held, due);
            }
        }
    }

    private void SendDue()
    {
        long now = _clock.ElapsedTicks;
        while (_queue.TryPeek(out var item, out long due) && due <= now)
        {
            _queue.Dequeue();
            try
            {
                if (item.ToServer)
                {
                    _outbound.SendTo(item.Data, _server);
                    Interlocked.Increment(ref ToServer);
                }
                else if (_clientEndPoint != null && !Offline)
                {
                    _client.SendTo(item.Data, _clientEndPoint);
                    Interlocked.Increment(ref ToClient);
                }
            }
            catch (SocketException)
            {
            }
        }
    }

    private static Socket NewSocket()
    {
        var s = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp) { ReceiveBufferSize = 4 << 20 };
        s.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return s;
    }
}
