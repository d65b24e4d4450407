using System.Net;
using System.Net.Sockets;
using Octomix.Protocol;

namespace Octomix.DeviceModel;

/// <summary>
/// The server and the engineer the bench's box talks to, in one loopback UDP socket, polled on
/// the bench's thread after every box block: answers Join (Accept) and Status (Ack), acknowledges
/// reliable messages, sends the engineer's commands, and, when jamming, answers each of the box's
/// audio packets with one personal-mix packet of the box's format.
/// </summary>
internal sealed class BenchRoom : IDisposable
{
    private const byte BoxSlot = 3;
    private readonly Socket socket;
    private readonly byte[] buffer = new byte[65536];
    private readonly byte[] outgoing = new byte[ProtocolConstants.MaxDatagram];
    private readonly AudioPacket received = new();
    private readonly AudioPacket mix = new() { Flags = AudioFlags.Mix, SourceSlot = Slot.Server, DestinationSlot = BoxSlot };
    private byte[] mixPayload = [];
    private EndPoint? box;
    private uint nextId = 7000;

    public BenchRoom()
    {
        socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        socket.Blocking = false;
        socket.ReceiveBufferSize = 8 << 20;
    }

    public int Port => ((IPEndPoint)socket.LocalEndPoint!).Port;

    /// <summary>Answer every audio packet with a personal mix of this many frames (0: none).</summary>
    public void FeedMix(int frames, int channels, int bytesPerSample)
    {
        mix.FrameCount = frames;
        mix.Channels = channels;
        mix.Format = (byte)(bytesPerSample == 3 ? SampleFormat.S24 : SampleFormat.S16);
        mixPayload = new byte[frames * channels * bytesPerSample];
        mixPayload.AsSpan().Fill(0x11);
    }

    public void Poll()
    {
        while (socket.Available > 0)
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

            if (Message.Peek(buffer, 0, n, out var type) != DecodeResult.Ok)
            {
                continue;
            }

            if (type == MessageType.Join)
            {
                box = from;
                var join = new JoinMessage();
                if (join.Read(buffer, 0, n) == DecodeResult.Ok)
                {
                    // the key of the box's commands, as a console derives it from the announced Join
                    CommandAuth.DeriveKey(join.JoinCode, join.BoxId, join.MessageId, out key0, out key1);
                    Send(new AcceptMessage
                    {
                        MessageId = join.MessageId, AssignedSlot = BoxSlot, SessionToken = 0xC0FFEE01, HeartbeatMilliseconds = 250,
                        SlotTimeoutMilliseconds = 60000, MaxJammers = 7, SampleRate = join.SampleRate, DestinationSlot = BoxSlot,
                    });
                }
            }
            else if (type is MessageType.Notice or MessageType.MixLevels or MessageType.Leave)
            {
                Send(new AckMessage { AckedId = ControlMessage.ReadMessageId(buffer, 0), SourceSlot = type == MessageType.Notice ? Slot.FirstEngineer : Slot.Server, DestinationSlot = BoxSlot });
            }
            else if (type == MessageType.Status)
            {
                var status = new StatusMessage();
                if (status.Read(buffer, 0, n) == DecodeResult.Ok)
                {
                    Send(new AckMessage { AckedId = status.Sequence, Echo = status.SentAtMicroseconds, SourceSlot = Slot.Server, DestinationSlot = BoxSlot });
                }
            }
            else if (type == MessageType.Audio && mixPayload.Length > 0 && received.Read(buffer, 0, n) == DecodeResult.Ok)
            {
                // as many frames as the box's packet (a 24-bit stereo block goes in two)
                mix.FrameCount = received.FrameCount;
                mix.Sequence++;
                mix.Timecode += mix.FrameCount;
                int length = mix.Write(outgoing, 0, mixPayload, 0);
                SendRaw(outgoing, length);
            }
        }
    }

    private ulong key0;
    private ulong key1;
    private ulong nextSequence = 1;

    public uint NextId() => nextId++;

    /// <summary>A command as the console sends it: signed with the key of the box's join (docs/protocol.md, "Authenticated commands").</summary>
    public void SendAsEngineer(Message m)
    {
        m.SourceSlot = Slot.FirstEngineer;
        m.DestinationSlot = BoxSlot;
        m.Token = 0;
        int n = m.Write(outgoing, 0);
        if (CommandAuth.IsAuthenticated(m.Type))
        {
            n = CommandAuth.Sign(outgoing, 0, n, nextSequence++, key0, key1);
        }

        SendRaw(outgoing, n);
    }

    public void Record(uint take)
    {
        SendAsEngineer(new RecordMessage
        {
            MessageId = NextId(), TakeId = take, TempoCentiBpm = 12000, BeatsPerBar = 4, BeatUnit = 4, CountInBars = 0,
            ClickSound = 1, ClickLevel = 80, Flags2 = RecordFlags.StreamAudio | RecordFlags.ClickDuringTake, StartDelayMilliseconds = 0,
            OriginSamples = 3600L * 48000, SampleRate = 48000, Project = "Bench", Scene = "Device model", Track = "Bass",
        });
    }

    public void Stop(uint take) => SendAsEngineer(new TakeControlMessage(MessageType.Stop) { MessageId = NextId(), TakeId = take });

    private void Send(Message m)
    {
        int n = m.Write(outgoing, 0);
        SendRaw(outgoing, n);
    }

    private void SendRaw(byte[] bytes, int count)
    {
        if (box != null)
        {
            socket.SendTo(bytes, 0, count, SocketFlags.None, box);
        }
    }

    public void Dispose() => socket.Dispose();
}
