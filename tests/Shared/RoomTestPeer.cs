using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Octomix.Protocol;

namespace Octomix.Tests.Shared;

/// <summary>
/// A room member for tests: a real UDP socket on loopback driven by the real
/// <see cref="RoomMembership"/> (join, heartbeat, "server silent → rejoin"), pumped by the test
/// (no thread of its own). <see cref="Rebind"/> swaps the socket for one on a new source port,
/// as a NAT that forgot the mapping does. Datagrams that are not the membership's business are
/// kept in <see cref="Received"/>.
/// </summary>
internal sealed class RoomTestPeer : IDisposable, IDatagramSender
{
    private readonly IPEndPoint _server;
    private readonly byte[] _rx = new byte[ProtocolConstants.MaxDatagram + 64];
    private readonly byte[] _tx = new byte[ProtocolConstants.MaxDatagram];
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly AcceptMessage _accept = new();
    private readonly RejectMessage _reject = new();
    private readonly AckMessage _ack = new();
    private readonly StatusMessage _status = new();
    private readonly ReliableSender _reliable;
    private Socket _socket;
    private uint _sequence;

    public RoomTestPeer(int port, string name, byte role = JoinRole.Jammer, string joinCode = "TEST-CODE", ulong boxId = 0, long minimumSilenceMicros = 1_000_000)
    {
        _server = new IPEndPoint(IPAddress.Loopback, port);
        _socket = NewSocket();
        _reliable = new ReliableSender(16, 200_000, 10, (uint)Random.Shared.Next(1, int.MaxValue));
        Join = new JoinMessage
        {
            Role = role, Capabilities = role == JoinRole.Engineer ? JoinCapabilities.CanMix : JoinCapabilities.Records,
            BoxId = boxId != 0 ? boxId : 0xB0C5_0000UL + (ulong)Random.Shared.Next(1, 1 << 30),
            SampleRate = 48000, Channels = 2, Format = (byte)SampleFormat.S16, FramesPerPacket = 64, JoinCode = joinCode, Name = name,
        };
        Membership = new RoomMembership(Join, _reliable, minimumSilenceMicros);
    }

    public JoinMessage Join { get; }

    public RoomMembership Membership { get; }

    public List<byte[]> Received { get; } = [];

    public List<MembershipChange> Changes { get; } = [];

    public IPEndPoint LocalEndPoint => (IPEndPoint)_socket.LocalEndPoint!;

    public long Now => _clock.ElapsedTicks * 1_000_000L / Stopwatch.Frequency;

    /// <summary>False: the peer sends nothing (its heartbeats stop), as a box whose link is down.</summary>
    public bool Sending { get; set; } = true;

    public void Start() => Membership.Join(Now, this);

    /// <summary>Receives and runs the timers for <paramref name="duration"/>.</summary>
    public void Pump(TimeSpan duration) => PumpUntil(() => false, duration);

    /// <summary>Pumps until the condition holds (true) or the timeout (false).</summary>
    public bool PumpUntil(Func<bool> condition, TimeSpan timeout)
    {
        var end = _clock.Elapsed + timeout;
        while (_clock.Elapsed < end)
        {
            Step();
            if (condition())
            {
                return true;
            }
        }

        return condition();
    }

    /// <summary>One turn: what arrived, then the timers.</summary>
    public void Step()
    {
        if (_socket.Poll(5_000, SelectMode.SelectRead))
        {
            while (_socket.Available > 0)
            {
                int n;
                try
                {
                    n = _socket.Receive(_rx);
                }
                catch (SocketException)
                {
                    break;
                }

                Dispatch(n);
            }
        }

        long now = Now;
        _reliable.Poll(now, this);
        while (_reliable.TryTakeFailure(out uint id, out _, out _))
        {
            Membership.OnSendFailed(id, now, this);
        }

        if (Membership.State == MembershipState.Out && Sending)
        {
            Membership.Join(now, this);
        }

        Membership.Poll(now, this);
        if (Membership.HeartbeatDue(now))
        {
            Membership.HeartbeatSent(now);
            _status.Token = Membership.Token;
            _status.SourceSlot = Membership.Slot;
            _status.DestinationSlot = Slot.Server;
            _status.Sequence = ++_sequence;
            _status.SentAtMicroseconds = 1;
            _status.State = Join.Role == JoinRole.Engineer ? BoxStateCode.Engineer : BoxStateCode.Ready;
            int length = _status.Write(_tx, 0);
            Send(_tx, 0, length);
        }
    }

    /// <summary>The NAT forgot the mapping: from now on the peer's datagrams come from a new source port.</summary>
    public void Rebind()
    {
        var old = _socket;
        _socket = NewSocket();
        old.Dispose();
    }

    public bool Send(byte[] buffer, int offset, int count)
    {
        if (!Sending)
        {
            return false;
        }

        try
        {
            _socket.SendTo(buffer, offset, count, SocketFlags.None, _server);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    public void Dispose() => _socket.Dispose();

    private void Dispatch(int n)
    {
        if (Message.Peek(_rx, 0, n, out var type) != DecodeResult.Ok)
        {
            return;
        }

        long now = Now;
        Membership.Heard(now);
        switch (type)
        {
            case MessageType.Accept when _accept.Read(_rx, 0, n) == DecodeResult.Ok:
                Record(Membership.OnAccept(_accept, now));
                return;
            case MessageType.Reject when _reject.Read(_rx, 0, n) == DecodeResult.Ok:
                Record(Membership.OnReject(_reject, now));
                return;
            case MessageType.Ack when _ack.Read(_rx, 0, n) == DecodeResult.Ok && _ack.Echo != 0:
                return; // a heartbeat's answer
        }

        Received.Add(_rx.AsSpan(0, n).ToArray());
    }

    private void Record(MembershipChange change)
    {
        if (change != MembershipChange.None)
        {
            Changes.Add(change);
        }
    }

    private static Socket NewSocket()
    {
        var s = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        s.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return s;
    }
}
