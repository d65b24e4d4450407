namespace Octomix.Protocol.Tests;

/// <summary>The join / heartbeat / rejoin logic the box and the console share.</summary>
public class RoomMembershipTests
{
    private const long Second = 1_000_000;

    [Fact]
    public void AFirstJoinCarriesNoIdentityAndItsAcceptGivesSlotTokenAndHeartbeats()
    {
        var (m, wire, _) = New();
        m.Join(0, wire);
        var join = wire.LastJoin();
        Assert.Equal(MembershipState.Joining, m.State);
        Assert.False(join.IsRejoin);
        Assert.Equal(0u, join.Token);
        Assert.Equal(0, join.PreviousSlot);
        Assert.Equal(JoinCapabilities.Records, join.Capabilities);

        Assert.Equal(MembershipChange.None, m.OnAccept(Accept(join.MessageId + 1, 3, 0xAB), 10));
        Assert.Equal(MembershipChange.Joined, m.OnAccept(Accept(join.MessageId, 3, 0xAB, heartbeatMs: 100, slotTimeoutMs: 5000), 10));
        Assert.True(m.IsMember);
        Assert.Equal(3, m.Slot);
        Assert.Equal(0xABu, m.Token);
        Assert.Equal(join.MessageId, m.JoinMessageId);
        Assert.Equal(5 * Second, m.SilenceLimitMicroseconds);

        Assert.True(m.HeartbeatDue(10));
        m.HeartbeatSent(10);
        Assert.False(m.HeartbeatDue(10 + 99_999));
        Assert.True(m.HeartbeatDue(10 + 100_000));
    }

    [Fact]
    public void SilenceForTheLimitStartsARejoinThatKeepsTheIdentity()
    {
        var (m, wire, _) = New(minimumSilence: 3 * Second);
        m.Join(0, wire);
        m.OnAccept(Accept(wire.LastJoin().MessageId, 5, 0x1234, slotTimeoutMs: 1000), 0);
        Assert.Equal(3 * Second, m.SilenceLimitMicroseconds); // slot timeout 1 s, never below the minimum

        m.Heard(2 * Second);
        Assert.False(m.Poll(2 * Second + (3 * Second), wire));
        Assert.True(m.IsMember);
        int sent = wire.Joins.Count;
        Assert.True(m.Poll(2 * Second + (3 * Second) + 1, wire));
        Assert.Equal(MembershipState.Rejoining, m.State);
        Assert.True(m.HasIdentity);
        Assert.Equal(5, m.Slot);
        Assert.Equal(0x1234u, m.Token);
        Assert.False(m.HeartbeatDue(10 * Second));
        Assert.Equal(sent + 1, wire.Joins.Count);
        var rejoin = wire.LastJoin();
        Assert.True(rejoin.IsRejoin);
        Assert.Equal(0x1234u, rejoin.Token);
        Assert.Equal(5, rejoin.PreviousSlot);
        Assert.Equal(JoinCapabilities.Records | JoinCapabilities.Rejoin, rejoin.Capabilities);
        Assert.Equal(1, m.Rejoins);

        Assert.Equal(MembershipChange.Rejoined, m.OnAccept(Accept(rejoin.MessageId, 5, 0x1234), 6 * Second));
        Assert.True(m.IsMember);
        Assert.Equal(rejoin.MessageId, m.JoinMessageId);
        Assert.Equal(2, m.Joins);
    }

    [Fact]
    public void ARejoinAnsweredWithAnotherSlotSaysSo()
    {
        var (m, wire, _) = New();
        m.Join(0, wire);
        m.OnAccept(Accept(wire.LastJoin().MessageId, 5, 0x1234), 0);
        m.Rejoin(Second, wire);
        Assert.Equal(MembershipChange.RejoinedAs, m.OnAccept(Accept(wire.LastJoin().MessageId, 6, 0x9999), Second));
        Assert.Equal(6, m.Slot);
        Assert.Equal(0x9999u, m.Token);
    }

    [Fact]
    public void ARejoinNobodyAnswersIsSentAgainForeverAndAnAnswerToAnOldOneIsIgnored()
    {
        var (m, wire, reliable) = New(retryMicros: 100_000, attempts: 3);
        m.Join(0, wire);
        m.OnAccept(Accept(wire.LastJoin().MessageId, 2, 77), 0);
        m.Rejoin(0, wire);
        uint first = wire.LastJoin().MessageId;
        var ids = new HashSet<uint> { first };
        for (long t = 0; t < 5 * Second; t += 50_000)
        {
            reliable.Poll(t, wire);
            while (reliable.TryTakeFailure(out uint id, out _, out _))
            {
                Assert.True(m.OnSendFailed(id, t, wire));
            }

            ids.Add(wire.LastJoin().MessageId);
        }

        Assert.True(ids.Count >= 10, "a new Join after each one given up: " + ids.Count);
        Assert.Equal(MembershipState.Rejoining, m.State);
        Assert.Equal(MembershipChange.None, m.OnAccept(Accept(first, 2, 77), 5 * Second));
        Assert.Equal(MembershipChange.Rejoined, m.OnAccept(Accept(wire.LastJoin().MessageId, 2, 77), 5 * Second));
    }

    [Fact]
    public void ARejectedFirstJoinIsOutButARejectedRejoinWaitsAndTriesAgain()
    {
        var (m, wire, reliable) = New();
        m.Join(0, wire);
        Assert.Equal(MembershipChange.Rejected, m.OnReject(Reject(wire.LastJoin().MessageId, RejectReason.BadJoinCode, 0), 0));
        Assert.Equal(MembershipState.Out, m.State);
        Assert.Equal(RejectReason.BadJoinCode, m.LastRejectReason);
        Assert.False(m.OnSendFailed(wire.LastJoin().MessageId, 0, wire)); // out: nothing of its own pending

        m.Join(Second, wire);
        m.OnAccept(Accept(wire.LastJoin().MessageId, 1, 5), Second);
        m.Rejoin(2 * Second, wire);
        int sent = wire.Joins.Count;
        Assert.Equal(MembershipChange.RejoinDeferred, m.OnReject(Reject(wire.LastJoin().MessageId, RejectReason.RateLimited, 500), 2 * Second));
        Assert.Equal(0, reliable.Outstanding);
        m.Poll(2 * Second + 499_000, wire);
        Assert.Equal(sent, wire.Joins.Count);
        m.Poll(2 * Second + 500_000, wire);
        Assert.Equal(sent + 1, wire.Joins.Count);
        Assert.True(wire.LastJoin().IsRejoin);
    }

    [Fact]
    public void AFirstJoinThatIsNeverAnsweredIsOutAndLeaveForgetsTheIdentity()
    {
        var (m, wire, _) = New();
        m.Join(0, wire);
        Assert.True(m.OnSendFailed(wire.LastJoin().MessageId, Second, wire));
        Assert.Equal(MembershipState.Out, m.State);

        m.Join(Second, wire);
        m.OnAccept(Accept(wire.LastJoin().MessageId, 1, 5), Second);
        m.Leave();
        Assert.False(m.HasIdentity);
        Assert.Equal(Slot.None, m.Slot);
        Assert.Equal(0u, m.Token);
        Assert.False(m.Poll(100 * Second, wire));
        m.Rejoin(100 * Second, wire); // without an identity: a first join
        Assert.False(wire.LastJoin().IsRejoin);
    }

    private static (RoomMembership, Wire, ReliableSender) New(long minimumSilence = Second, long retryMicros = 200_000, int attempts = 10)
    {
        var reliable = new ReliableSender(8, retryMicros, attempts, 100);
        var join = new JoinMessage { Role = JoinRole.Jammer, Capabilities = JoinCapabilities.Records, BoxId = 42, JoinCode = "JAM", Name = "box" };
        return (new RoomMembership(join, reliable, minimumSilence), new Wire(), reliable);
    }

    private static AcceptMessage Accept(uint id, byte slot, uint token, int heartbeatMs = 250, int slotTimeoutMs = 1000) => new()
    {
        MessageId = id, AssignedSlot = slot, SessionToken = token, HeartbeatMilliseconds = heartbeatMs, SlotTimeoutMilliseconds = slotTimeoutMs, SampleRate = 48000,
    };

    private static RejectMessage Reject(uint id, byte reason, int retryAfterMs) => new() { MessageId = id, Reason = reason, RetryAfterMilliseconds = retryAfterMs };

    private sealed class Wire : IDatagramSender
    {
        public List<JoinMessage> Joins { get; } = [];

        public JoinMessage LastJoin() => Joins[^1];

        public bool Send(byte[] buffer, int offset, int count)
        {
            var join = new JoinMessage();
            Assert.Equal(DecodeResult.Ok, join.Read(buffer, offset, count));
            if (Joins.Count == 0 || Joins[^1].MessageId != join.MessageId)
            {
                Joins.Add(join);
            }

            return true;
        }
    }
}
