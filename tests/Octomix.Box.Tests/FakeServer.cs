using System.Net;
using System.Net.Sockets;
using Octomix.Protocol;

namespace Octomix.Box.Tests;

/// <summary>
/// The server and an engineer in one, built from the Protocol classes on a loopback UDP socket:
/// answers Join (Accept, or Reject when told to) and Status (Ack with the echo), records every
/// datagram the box sends, and sends the engineer's commands (source slot 16, token 0 as the
/// real server's forwarding leaves it), signed as the console signs them (CommandAuth: the key of
/// the box's latest Join, from its join code, box id and message id). Polled from the test's
/// thread between box blocks.
/// </summary>
public sealed class FakeServer : IDisposable
{
    public const byte EngineerSlot = Slot.FirstEngineer;

    private readonly Socket socket;
    private readonly byte[] buffer = new byte[65536];
    private uint nextMessageId = 5000;
    private ulong nextSequence = 1;
    private ulong key0;
    private ulong key1;

    public FakeServer()
    {
        socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        socket.Blocking = false;
        socket.ReceiveBufferSize = 8 << 20;
    }

    public int Port => ((IPEndPoint)socket.LocalEndPoint!).Port;

    public EndPoint? Box { get; private set; }

    public byte AssignedSlot { get; set; } = 3;

    public uint SessionToken { get; set; } = 0xC0FFEE01;

    /// <summary>Slot timeout told to the box in Accept (the box gives up on a silent server after 3x this).</summary>
    public int SlotTimeoutMilliseconds { get; set; } = 1000;

    /// <summary>When set, Join gets this Reject reason instead of Accept.</summary>
    public byte? RejectWith { get; set; }

    /// <summary>When false, Join and Status go unanswered (a dead server).</summary>
    public bool Answering { get; set; } = true;

    /// <summary>When false, Status is not acknowledged (but Join still is).</summary>
    public bool AckStatus { get; set; } = true;

    private readonly List<byte[]> received = new();
    private Thread? background;
    private volatile bool backgroundStop;

    /// <summary>Everything the box sent, in order (a snapshot).</summary>
    public List<byte[]> Received
    {
        get
        {
            lock (received)
            {
                return received.ToList();
            }
        }
    }

    /// <summary>Called on every datagram from the box (on the polling thread).</summary>
    public Action<MessageType, byte[]>? OnDatagram { get; set; }

    /// <summary>Polls on a thread of its own (so the test thread's allocations are the box's alone).</summary>
    public void StartBackground()
    {
        backgroundStop = false;
        background = new Thread(() =>
        {
            while (!backgroundStop)
            {
                Poll();
                Thread.Sleep(1);
            }
        }) { IsBackground = true };
        background.Start();
    }

    public void StopBackground()
    {
        backgroundStop = true;
        background?.Join();
        background = null;
    }

    public int Joins { get; private set; }

    /// <summary>Reads everything waiting; answers Join and Status.</summary>
    public void Poll()
    {
        while (socket.Poll(0, SelectMode.SelectRead))
        {
            EndPoint from = new IPEndPoint(IPAddress.Any, 0);
            int n;
            try
            {
                n = socket.ReceiveFrom(buffer, ref from);
            }
            catch (SocketException)
            {
                continue;
            }

            var datagram = buffer[..n];
            lock (received)
            {
                received.Add(datagram);
            }

            if (Message.Peek(datagram, 0, n, out var type) != DecodeResult.Ok)
            {
                continue;
            }

            OnDatagram?.Invoke(type, datagram);

            if (type == MessageType.Join)
            {
                Joins++;
                Box = from;
                if (!Answering)
                {
                    continue;
                }

                var join = new JoinMessage();
                Assert.Equal(DecodeResult.Ok, join.Read(datagram, 0, n));
                CommandAuth.DeriveKey(join.JoinCode, join.BoxId, join.MessageId, out key0, out key1);
                HasCommandKey = true;
                if (RejectWith is byte reason)
                {
                    Send(new RejectMessage { MessageId = join.MessageId, Reason = reason, DestinationSlot = Slot.None });
                }
                else
                {
                    Send(new AcceptMessage
                    {
                        MessageId = join.MessageId, AssignedSlot = AssignedSlot, SessionToken = SessionToken, HeartbeatMilliseconds = 250,
                        SlotTimeoutMilliseconds = SlotTimeoutMilliseconds, MaxJammers = 7, SampleRate = join.SampleRate, DestinationSlot = AssignedSlot,
                    });
                }
            }
            else if ((type == MessageType.Notice || type == MessageType.MixLevels || type == MessageType.Leave) && Answering)
            {
                // the engineer (Notice) or the server (MixLevels, Leave) acknowledges reliable messages
                Send(new AckMessage { AckedId = ControlMessage.ReadMessageId(datagram, 0), SourceSlot = type == MessageType.Notice ? EngineerSlot : Slot.Server, DestinationSlot = AssignedSlot });
            }
            else if (type == MessageType.Status && Answering && AckStatus)
            {
                var status = new StatusMessage();
                Assert.Equal(DecodeResult.Ok, status.Read(datagram, 0, n));
                Send(new AckMessage { AckedId = status.Sequence, Echo = status.SentAtMicroseconds, SourceSlot = Slot.Server, DestinationSlot = AssignedSlot });
            }
        }
    }

    public uint NextId() => nextMessageId++;

    /// <summary>True once a Join arrived: the key of the box's commands is known.</summary>
    public bool HasCommandKey { get; private set; }

    /// <summary>Sends a message to the box as the engineer (token 0, source 16), destination the box's slot; commands signed.</summary>
    public void SendAsEngineer(Message m)
    {
        var bytes = EngineerDatagram(m);
        SendRaw(bytes, bytes.Length);
    }

    /// <summary>
    /// The datagram <see cref="SendAsEngineer"/> sends (a fresh sequence each call when the type
    /// is authenticated): for tests that replay or bend genuine commands.
    /// </summary>
    public byte[] EngineerDatagram(Message m)
    {
        m.SourceSlot = EngineerSlot;
        m.DestinationSlot = AssignedSlot;
        m.Token = 0;
        var bytes = new byte[ProtocolConstants.MaxDatagram];
        int n = m.Write(bytes, 0);
        if (CommandAuth.IsAuthenticated(m.Type))
        {
            Assert.True(HasCommandKey, "no Join yet: no key to sign the command with");
            n = CommandAuth.Sign(bytes, 0, n, nextSequence++, key0, key1);
        }

        return bytes[..n];
    }

    /// <summary>Signs a hand-made command datagram of <paramref name="n"/> bytes as the engineer; returns its new length.</summary>
    public int Sign(byte[] bytes, int n)
    {
        Assert.True(HasCommandKey, "no Join yet: no key to sign the command with");
        return CommandAuth.Sign(bytes, 0, n, nextSequence++, key0, key1);
    }

    public void Send(Message m)
    {
        var bytes = new byte[ProtocolConstants.MaxDatagram];
        int n = m.Write(bytes, 0);
        SendRaw(bytes, n);
    }

    public void SendRaw(byte[] bytes, int count)
    {
        Assert.NotNull(Box);
        lock (socket)
        {
            socket.SendTo(bytes, 0, count, SocketFlags.None, Box!);
        }
    }

    public IEnumerable<T> Decoded<T>(MessageType type, Func<T> make) where T : Message
    {
        foreach (var d in Received)
        {
            if (Message.Peek(d, 0, d.Length, out var t) == DecodeResult.Ok && t == type)
            {
                var m = make();
                if (m.Read(d, 0, d.Length) == DecodeResult.Ok)
                {
                    yield return m;
                }
            }
        }
    }

    public List<AckMessage> Acks() => Decoded(MessageType.Ack, () => new AckMessage()).ToList();

    public AckMessage? AckFor(uint messageId) => Acks().LastOrDefault(a => a.AckedId == messageId);

    /// <summary>Notices, once per message id (the box re-sends until acknowledged).</summary>
    public List<NoticeMessage> Notices() => Decoded(MessageType.Notice, () => new NoticeMessage()).DistinctBy(n => n.MessageId).ToList();

    public List<StatusMessage> Statuses() => Decoded(MessageType.Status, () => new StatusMessage()).ToList();

    public List<AudioPacket> Audio() => Decoded(MessageType.Audio, () => new AudioPacket()).ToList();

    public void Dispose()
    {
        StopBackground();
        socket.Dispose();
    }
}
