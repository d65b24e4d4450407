using Octomix.Drivers.Ui;
using Octomix.Hal;
using Octomix.Protocol;

namespace Octomix.Box.Tests;

/// <summary>
/// The room link and its command inbox on their own: an in-memory socket, a clock the test moves,
/// no board (the box's use of it: CommandAuthTests, ServerHeardTests, SimulatedNetworkTests).
/// </summary>
public sealed class RoomLinkTests
{
    private const byte BoxSlot = 3;
    private const uint Token = 0xC0FFEE01;
    private const ulong BoxId = 0x1122334455667788UL;

    private readonly MemorySocket socket = new();
    private readonly List<(LogLevel Level, string Text)> lines = new();
    private readonly BoxSettings settings = new() { JoinCode = "ROOM-1234", BoxName = "drums", JoinRetrySeconds = 7 };
    private readonly RoomLink link;
    private int statusesFilled;
    private long now = 1_000_000;
    private ulong key0;
    private ulong key1;
    private ulong sequence = 1;

    public RoomLinkTests()
    {
        link = new RoomLink(socket, socket, new ListLog(lines), s =>
        {
            statusesFilled++;
            s.State = (byte)BoxState.Ready;
        });
        link.Open(settings, BoxId, new PcmFormat(48000, 2, 3), 128, 1000, 3_000_000);
    }

    [Fact]
    public void AJoinAcceptedGivesTheSlotTokenAndCommandKey()
    {
        JoinMessage join = Join();
        Assert.Equal("ROOM-1234", join.JoinCode);
        Assert.Equal(BoxId, join.BoxId);
        Assert.Equal(48000, join.SampleRate);

        Assert.Equal((int)MessageType.Accept, Deliver(AcceptFor(join)));
        Assert.Equal(MembershipChange.Joined, link.LastChange);
        Assert.Equal(BoxSlot, link.Slot);
        Assert.Equal(Token, link.Token);
        Assert.Equal(MembershipState.Member, link.Membership);
        Assert.Equal(join.MessageId, link.JoinMessageId);
        Assert.False(link.JoinFailed);

        // an Accept of a Join the box never sent changes nothing
        link.StateChanged(BoxState.Ready);
        Assert.Equal(RoomLink.Handled, Deliver(new AcceptMessage { MessageId = join.MessageId + 77, AssignedSlot = 9, SessionToken = 5, DestinationSlot = 9 }));
        Assert.Equal(BoxSlot, link.Slot);
        Assert.Equal(1, link.IgnoredDatagrams);
    }

    [Fact]
    public void OnlyASignedFreshCommandForThisSlotReachesTheController()
    {
        InRoom();
        var record = new RecordMessage { MessageId = 40, TakeId = 7, SampleRate = 48000, SourceSlot = Slot.FirstEngineer, DestinationSlot = BoxSlot };

        // unsigned: forged, whatever it claims
        Assert.Equal(RoomLink.Handled, DeliverRaw(Bytes(record)));
        Assert.Equal(1, link.ForgedCommands);

        // signed for this join: handed over, decoded
        byte[] signed = Signed(record);
        Assert.Equal((int)MessageType.Record, DeliverRaw(signed));
        Assert.Equal(7u, link.Record.TakeId);
        link.Answer(link.Record, AckResult.Ok, NotReadyReason.None);
        byte[] answer = socket.Sent[^1];

        // the same datagram again: not handed over, the same answer sent again
        socket.Sent.Clear();
        Assert.Equal(RoomLink.Handled, DeliverRaw(signed));
        Assert.Equal(1, link.ReplayedCommands);
        Assert.Single(socket.Sent);
        Assert.Equal(answer, socket.Sent[0]);

        // signed, but for another slot
        record.MessageId = 41;
        record.DestinationSlot = BoxSlot + 1;
        Assert.Equal(RoomLink.Handled, DeliverRaw(Signed(record)));
        Assert.Equal(1, link.IgnoredDatagrams);
    }

    [Fact]
    public void ACommandOutsideARoomIsIgnoredAndABadDatagramCounted()
    {
        InRoom();
        link.StateChanged(BoxState.Idle);
        var stop = new TakeControlMessage(MessageType.Stop) { MessageId = 5, TakeId = 1, SourceSlot = Slot.FirstEngineer, DestinationSlot = BoxSlot };
        Assert.Equal(RoomLink.Handled, DeliverRaw(Signed(stop)));
        Assert.Equal(1, link.IgnoredDatagrams);

        Assert.Equal(RoomLink.Handled, DeliverRaw(new byte[] { 1, 2, 3 }));
        Assert.Equal(1, link.BadDatagrams);
        Assert.Equal(RoomLink.NothingWaiting, link.Next(now));
    }

    [Fact]
    public void TheHeartbeatCarriesTheBoxsFieldsAndAnEchoingAckGivesTheRoundTrip()
    {
        InRoom();
        socket.Sent.Clear();
        link.KeepAlive(now);
        Assert.Equal(1, statusesFilled);
        var status = new StatusMessage();
        Assert.Equal(DecodeResult.Ok, status.Read(socket.Sent[0], 0, socket.Sent[0].Length));
        Assert.Equal((byte)BoxState.Ready, status.State);
        Assert.Equal(Token, status.Token);
        Assert.Equal(BoxSlot, status.SourceSlot);

        now += 1500; // 1.5 ms later the server echoes it
        Assert.Equal(RoomLink.Handled, Deliver(new AckMessage { AckedId = status.Sequence, Echo = status.SentAtMicroseconds, SourceSlot = Slot.Server, DestinationSlot = BoxSlot }));
        Assert.Equal(15, link.RttTenthsMs);

        // not due again at once; out of a room, never
        link.KeepAlive(now);
        Assert.Equal(1, statusesFilled);
        link.StateChanged(BoxState.Idle);
        link.KeepAlive(now + 10_000_000);
        Assert.Equal(1, statusesFilled);
    }

    [Fact]
    public void AServerSilentPastTheSlotTimeoutIsRejoinedWithTheSameSlot()
    {
        InRoom();
        link.StateChanged(BoxState.Recording);
        socket.Sent.Clear();
        now += 3_500_000; // past the 3 s minimum silence
        link.KeepAlive(now);
        Assert.Equal(MembershipState.Rejoining, link.Membership);
        Assert.Equal(1, link.Rejoins);
        Assert.Contains(lines, l => l.Text.StartsWith("the server is silent", StringComparison.Ordinal) && l.Text.EndsWith("the take goes on recording to the card", StringComparison.Ordinal));
        JoinMessage rejoin = LastJoin();
        Assert.Equal(BoxSlot, rejoin.PreviousSlot);
        Assert.Equal(Token, rejoin.Token);

        Assert.Equal((int)MessageType.Accept, Deliver(AcceptFor(rejoin)));
        Assert.Equal(MembershipChange.Rejoined, link.LastChange);
        Assert.Equal(MembershipState.Member, link.Membership);
        Assert.Equal(BoxSlot, link.Slot);
    }

    [Fact]
    public void AJoinNeverAnsweredWhileJoiningPlansTheRetryFromTheSettings()
    {
        link.StateChanged(BoxState.Joining);
        link.SendJoin(now);
        bool timedOut = false;
        for (int i = 0; i < 50 && !timedOut; i++)
        {
            now += 200_000;
            timedOut = link.Turn(now);
        }

        Assert.True(timedOut);
        Assert.True(link.JoinFailed);
        Assert.Equal(now + 7_000_000, link.JoinRetryAt);
        Assert.Equal(10, socket.Sent.Count(d => d[3] == (byte)MessageType.Join));
    }

    [Fact]
    public void AWrongJoinCodeIsFinalAndHasItsOwnCode()
    {
        link.StateChanged(BoxState.Joining);
        JoinMessage join = Join();
        Assert.Equal((int)MessageType.Reject, Deliver(new RejectMessage { MessageId = join.MessageId, Reason = RejectReason.BadJoinCode, DestinationSlot = Slot.None }));
        Assert.True(link.JoinFailed);
        Assert.Equal(BoxErrorCode.WrongJoinCode, link.JoinRejectedCode);
        Assert.Equal(long.MaxValue, link.JoinRetryAt);

        // a room that is full says when to come back
        link.SendJoin(now);
        JoinMessage again = LastJoin();
        Deliver(new RejectMessage { MessageId = again.MessageId, Reason = RejectReason.RoomFull, RetryAfterMilliseconds = 2000, DestinationSlot = Slot.None });
        Assert.Equal(now + 2_000_000, link.JoinRetryAt);

        // an accepted join clears the code
        link.SendJoin(now);
        Deliver(AcceptFor(LastJoin()));
        Assert.Equal(0, link.JoinRejectedCode);
        Assert.False(link.JoinFailed);
    }

    [Fact]
    public void AudioIsHandedOverOnlyInTheFormatAndKindTheStatePlays()
    {
        InRoom();
        var packet = new AudioPacket { Flags = AudioFlags.Mix, Channels = 2, Format = (byte)SampleFormats.FromBytesPerSample(3), FrameCount = 4, SourceSlot = Slot.Server, DestinationSlot = BoxSlot };
        var buffer = new byte[ProtocolConstants.MaxDatagram];
        byte[] bytes = buffer[..packet.Write(buffer, 0, new byte[4 * 6], 0)];

        Assert.Equal(RoomLink.Handled, DeliverRaw(bytes)); // ready: plays nothing
        link.StateChanged(BoxState.Jamming);
        Assert.Equal((int)MessageType.Audio, DeliverRaw(bytes));
        link.StateChanged(BoxState.Playback);
        Assert.Equal(RoomLink.Handled, DeliverRaw(bytes)); // a mix packet is not the take
        Assert.Equal(2, link.IgnoredDatagrams);
    }

    private void InRoom()
    {
        link.StateChanged(BoxState.Joining);
        Assert.Equal((int)MessageType.Accept, Deliver(AcceptFor(Join())));
        link.StateChanged(BoxState.Ready);
    }

    /// <summary>Sends the Join and returns it as the server reads it (and the command key it implies).</summary>
    private JoinMessage Join()
    {
        link.SendJoin(now);
        return LastJoin();
    }

    private JoinMessage LastJoin()
    {
        byte[] d = socket.Sent.Last(x => x[3] == (byte)MessageType.Join);
        var join = new JoinMessage();
        Assert.Equal(DecodeResult.Ok, join.Read(d, 0, d.Length));
        CommandAuth.DeriveKey(join.JoinCode, join.BoxId, join.MessageId, out key0, out key1);
        return join;
    }

    private static AcceptMessage AcceptFor(JoinMessage join) => new()
    {
        MessageId = join.MessageId, AssignedSlot = BoxSlot, SessionToken = Token, HeartbeatMilliseconds = 250,
        SlotTimeoutMilliseconds = 1000, MaxJammers = 7, SampleRate = 48000, DestinationSlot = BoxSlot,
    };

    private int Deliver(Message m) => DeliverRaw(Bytes(m));

    private int DeliverRaw(byte[] datagram)
    {
        socket.Incoming.Enqueue(datagram);
        return link.Next(now);
    }

    private static byte[] Bytes(Message m)
    {
        var bytes = new byte[ProtocolConstants.MaxDatagram];
        return bytes[..m.Write(bytes, 0)];
    }

    private byte[] Signed(Message m)
    {
        var bytes = new byte[ProtocolConstants.MaxDatagram];
        int n = m.Write(bytes, 0);
        return bytes[..CommandAuth.Sign(bytes, 0, n, sequence++, key0, key1)];
    }

    /// <summary>A socket in memory: what the test queued is received, what the link sent is kept.</summary>
    internal sealed class MemorySocket : IDatagramSocket, IDatagramSender
    {
        public Queue<byte[]> Incoming { get; } = new();

        public List<byte[]> Sent { get; } = new();

        public bool IsConnected => true;

        public bool Connect(string host, int port) => true;

        public void Close()
        {
        }

        public bool Send(byte[] buffer, int offset, int count)
        {
            Sent.Add(buffer.AsSpan(offset, count).ToArray());
            return true;
        }

        public int Receive(byte[] buffer, int offset, int count)
        {
            if (Incoming.Count == 0)
            {
                return 0;
            }

            byte[] d = Incoming.Dequeue();
            Array.Copy(d, 0, buffer, offset, d.Length);
            return d.Length;
        }
    }

    internal sealed class ListLog : ILog
    {
        private readonly List<(LogLevel Level, string Text)> lines;

        public ListLog(List<(LogLevel Level, string Text)> lines) => this.lines = lines;

        public void Write(LogLevel level, string message) => lines.Add((level, message));
    }
}
