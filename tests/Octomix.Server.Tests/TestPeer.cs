using System.Net;
using System.Net.Sockets;
using Octomix.Protocol;

namespace Octomix.Server.Tests;

/// <summary>
/// A box, a console or an attacker in a test: a real UDP socket on 127.0.0.1 talking to a room.
/// <see cref="Sync"/> is the ordering barrier the tests use instead of sleeping: the room handles
/// datagrams in arrival order on one thread and sends in that order, so once the Ack of a Status
/// sent now is back, everything the room sent this peer because of earlier datagrams has
/// arrived before it.
/// </summary>
internal sealed class TestPeer : IDisposable
{
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    private readonly byte[] rx = new byte[65536];
    private uint nextId = (uint)Random.Shared.Next(1, int.MaxValue);
    private uint statusSequence = 1000;

    public TestPeer(int port, string name = "peer", IPAddress? bindAddress = null)
    {
        Name = name;
        Server = new IPEndPoint(IPAddress.Loopback, port);
        Socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        Socket.ReceiveBufferSize = 4 << 20;
        Socket.Bind(new IPEndPoint(bindAddress ?? IPAddress.Loopback, 0));
    }

    public string Name { get; }

    public Socket Socket { get; }

    public IPEndPoint Server { get; }

    public IPEndPoint LocalEndPoint => (IPEndPoint)Socket.LocalEndPoint!;

    public byte Slot { get; set; } = Protocol.Slot.None;

    public uint Token { get; set; }

    public AcceptMessage? Accepted { get; private set; }

    public uint NewMessageId() => nextId++;

    public void Send(byte[] datagram, int length) => Socket.SendTo(datagram, 0, length, SocketFlags.None, Server);

    public void Send(byte[] datagram) => Send(datagram, datagram.Length);

    /// <summary>Encodes with this peer's slot and token (unless the message has its own) and sends.</summary>
    public byte[] Send(Message message, bool stamp = true)
    {
        if (stamp)
        {
            message.Token = Token;
            message.SourceSlot = Slot;
        }

        var bytes = new byte[message.Length];
        message.Write(bytes, 0);
        Send(bytes);
        return bytes;
    }

    /// <summary>
    /// Skip the server's RoomInfo (its name, sent to every member once its address is proven and
    /// every few seconds): true by default, so tests of other traffic see only that traffic.
    /// </summary>
    public bool SkipRoomInfo { get; set; } = true;

    /// <summary>The next datagram, or null when none comes within <paramref name="timeout"/>.</summary>
    public byte[]? Receive(TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? Patience);
        while (true)
        {
            var left = deadline - DateTime.UtcNow;
            if (!Socket.Poll((int)Math.Max(0, left.TotalMicroseconds), SelectMode.SelectRead))
            {
                return null;
            }

            EndPoint from = new IPEndPoint(IPAddress.Any, 0);
            int n = Socket.ReceiveFrom(rx, ref from);
            if (SkipRoomInfo && n >= 4 && rx[3] == (byte)MessageType.RoomInfo)
            {
                continue;
            }

            return rx.AsSpan(0, n).ToArray();
        }
    }

    /// <summary>Datagrams until one of <paramref name="type"/> (returned); the others are collected in <paramref name="skipped"/>.</summary>
    public byte[] ReceiveType(MessageType type, List<byte[]>? skipped = null, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? Patience);
        while (true)
        {
            var left = deadline - DateTime.UtcNow;
            var d = Receive(left > TimeSpan.Zero ? left : TimeSpan.Zero) ?? throw new TimeoutException($"{Name}: no {type} within {(timeout ?? Patience).TotalSeconds} s");
            if (d.Length >= 4 && d[3] == (byte)type)
            {
                return d;
            }

            skipped?.Add(d);
        }
    }

    public JoinMessage NewJoin(string code, byte role = JoinRole.Jammer, byte capabilities = 0, int channels = 2, int framesPerPacket = 64, int rate = 48000, byte format = (byte)SampleFormat.S16)
    {
        return new JoinMessage
        {
            MessageId = NewMessageId(), Role = role, Capabilities = capabilities, BoxId = 0xB0C5_0000UL + (ulong)LocalEndPoint.Port,
            SampleRate = rate, Channels = channels, Format = format, FramesPerPacket = framesPerPacket, JoinCode = code, Name = Name,
        };
    }

    /// <summary>Sends a Join and returns the answer (Accept or Reject datagram).</summary>
    public byte[] JoinRaw(JoinMessage join)
    {
        var bytes = Send(join, stamp: false);
        var deadline = DateTime.UtcNow + Patience;
        while (DateTime.UtcNow < deadline)
        {
            var d = Receive(deadline - DateTime.UtcNow) ?? throw new TimeoutException($"{Name}: no answer to Join");
            if (d.Length >= 16 && (d[3] == (byte)MessageType.Accept || d[3] == (byte)MessageType.Reject)
                && ControlMessage.ReadMessageId(d, 0) == join.MessageId)
            {
                return d;
            }
        }

        throw new TimeoutException($"{Name}: no answer to Join {bytes.Length}");
    }

    /// <summary>Joins and takes the slot and token; fails the test on Reject.</summary>
    public AcceptMessage Join(string code = TestServer.Code, byte role = JoinRole.Jammer, byte capabilities = 0, int channels = 2, int framesPerPacket = 64, byte format = (byte)SampleFormat.S16, int rate = 48000)
    {
        var answer = JoinRaw(NewJoin(code, role, capabilities, channels, framesPerPacket, rate, format));
        if (answer[3] != (byte)MessageType.Accept)
        {
            var reject = new RejectMessage();
            reject.Read(answer, 0, answer.Length);
            throw new InvalidOperationException($"{Name}: join rejected: {RejectReason.Describe(reject.Reason)}");
        }

        var accept = new AcceptMessage();
        Assert.Equal(DecodeResult.Ok, accept.Read(answer, 0, answer.Length));
        Slot = accept.AssignedSlot;
        Token = accept.SessionToken;
        Accepted = accept;
        return accept;
    }

    /// <summary>
    /// Sends a Status and waits for its Ack; returns every datagram that arrived before the Ack
    /// (i.e. everything the room sent this peer in answer to earlier datagrams).
    /// </summary>
    public List<byte[]> Sync()
    {
        uint sequence = statusSequence++;
        Send(new StatusMessage { Sequence = sequence, SentAtMicroseconds = 77, DestinationSlot = Protocol.Slot.Server });
        var before = new List<byte[]>();
        while (true)
        {
            var d = ReceiveType(MessageType.Ack, before);
            var ack = new AckMessage();
            if (ack.Read(d, 0, d.Length) == DecodeResult.Ok && ack.AckedId == sequence && ack.Echo == 77)
            {
                return before;
            }

            before.Add(d);
        }
    }

    /// <summary>An audio packet of s16 samples (interleaved) with this peer's slot and token.</summary>
    public byte[] Audio(short[] samples, int channels, uint sequence, long timecode, byte destination = Protocol.Slot.Everyone, byte flags = 0)
    {
        int frames = samples.Length / channels;
        var packet = new AudioPacket
        {
            Token = Token, SourceSlot = Slot, DestinationSlot = destination, Flags = flags, Sequence = sequence,
            Timecode = timecode, FrameCount = frames, Channels = channels, Format = (byte)SampleFormat.S16,
        };
        var payload = new byte[samples.Length * 2];
        Buffer.BlockCopy(samples, 0, payload, 0, payload.Length);
        var bytes = new byte[packet.Length];
        packet.Write(bytes, 0, payload, 0);
        return bytes;
    }

    public byte[] SendAudio(short[] samples, int channels, uint sequence, long timecode, byte destination = Protocol.Slot.Everyone, byte flags = 0)
    {
        var bytes = Audio(samples, channels, sequence, timecode, destination, flags);
        Send(bytes);
        return bytes;
    }

    public void Dispose() => Socket.Dispose();
}
