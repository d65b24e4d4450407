using Octomix.Protocol;
using Octomix.Tests.Shared;

namespace Octomix.Server.Tests;

/// <summary>
/// Reconnection: a member whose source address changes (a NAT rebinding) keeps its slot; a
/// member that lost the server rejoins with its slot and token (docs/protocol.md, "Rejoin").
/// </summary>
public class RejoinTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    [Theory]
    [MemberData(nameof(TestServer.IoModes), MemberType = typeof(TestServer))]
    public void ANewerStatusWithTheSlotsTokenFromANewPortMovesTheSlotThere(string io)
    {
        using var server = TestServer.Start(io);
        using var box = new TestPeer(server.Ports[0], "box");
        using var console = new TestPeer(server.Ports[0], "console");
        var accept = box.Join();
        console.Join(role: JoinRole.Engineer);
        console.Sync();
        box.Sync();

        // the same member from a new port: same slot, same token, a newer sequence
        using var moved = new TestPeer(server.Ports[0], "box") { Slot = box.Slot, Token = box.Token };
        moved.Send(new StatusMessage { Sequence = 5000, SentAtMicroseconds = 99, DestinationSlot = Slot.Server });
        var ack = new AckMessage();
        var d = moved.ReceiveType(MessageType.Ack);
        Assert.Equal(DecodeResult.Ok, ack.Read(d, 0, d.Length));
        Assert.Equal(5000u, ack.AckedId);

        var room = TestServer.WaitFor(server, s => s.Rooms[0].Slots.Any(x => x.Address == moved.LocalEndPoint.ToString()), "the slot at the new address").Rooms[0];
        Assert.Equal(1, room.Jammers);
        Assert.Equal(1, room.Rebinds);
        Assert.Equal(accept.AssignedSlot, room.Slots.Single(x => x.Name == "box").Slot);

        // what the console sends the box now goes to the new port
        console.Send(new SimpleControlMessage(MessageType.Calibrate) { MessageId = 5, DestinationSlot = box.Slot });
        Assert.Equal(5u, ControlMessage.ReadMessageId(moved.ReceiveType(MessageType.Calibrate), 0));

        // the old port is nobody now: a late copy from it (an older sequence) is dropped
        box.Send(new StatusMessage { Sequence = 4000, SentAtMicroseconds = 98, DestinationSlot = Slot.Server });
        TestServer.WaitFor(server, s => s.Rooms[0].Drops[DropReason.NotMember] >= 1, "the old port's Status dropped");
    }

    [Fact]
    public void ALateCopyFromTheOldPathOrAWrongTokenDoesNotMoveTheSlot()
    {
        using var server = TestServer.Start();
        using var box = new TestPeer(server.Ports[0], "box");
        box.Join();
        box.Send(new StatusMessage { Sequence = 5000, SentAtMicroseconds = 1, DestinationSlot = Slot.Server });
        box.ReceiveType(MessageType.Ack);

        using var other = new TestPeer(server.Ports[0], "other") { Slot = box.Slot, Token = box.Token };
        other.Send(new StatusMessage { Sequence = 4999, SentAtMicroseconds = 1, DestinationSlot = Slot.Server }); // older than the slot's last
        using var forger = new TestPeer(server.Ports[0], "forger") { Slot = box.Slot, Token = box.Token ^ 1 };
        forger.Send(new StatusMessage { Sequence = 9000, SentAtMicroseconds = 1, DestinationSlot = Slot.Server });

        var room = TestServer.WaitFor(server, s => s.Rooms[0].Drops[DropReason.NotMember] >= 2, "both dropped").Rooms[0];
        Assert.Equal(0, room.Rebinds);
        Assert.Equal(box.LocalEndPoint.ToString(), room.Slots.Single().Address);
        Assert.Null(other.Receive(TimeSpan.FromMilliseconds(200)));
        Assert.Null(forger.Receive(TimeSpan.FromMilliseconds(50)));
    }

    [Fact]
    public void ARejoinToARestartedServerGetsTheSameSlotAndToken()
    {
        var first = TestServer.Start(tweak: o => o with { SlotTimeout = TimeSpan.FromSeconds(1) });
        int port = first.Ports[0];
        using var box = new RoomTestPeer(port, "box", minimumSilenceMicros: 500_000);
        using var console = new RoomTestPeer(port, "console", JoinRole.Engineer, minimumSilenceMicros: 500_000);
        using var other = new RoomTestPeer(port, "other");
        box.Start();
        console.Start();
        Assert.True(PumpAll(() => box.Membership.IsMember && console.Membership.IsMember, box, console));
        byte slot = box.Membership.Slot;
        uint token = box.Membership.Token;
        byte consoleSlot = console.Membership.Slot;
        uint firstJoin = box.Membership.JoinMessageId;

        first.Dispose();
        Assert.True(PumpAll(() => box.Membership.State == MembershipState.Rejoining && console.Membership.State == MembershipState.Rejoining, box, console), "both found the server silent");
        Assert.Equal(slot, box.Membership.Slot); // kept while rejoining
        using var second = TestServer.Start(tweak: o => o with { FirstPort = port, SlotTimeout = TimeSpan.FromSeconds(1) });

        Assert.True(PumpAll(() => box.Membership.IsMember && console.Membership.IsMember, box, console), "both back");
        Assert.Equal(slot, box.Membership.Slot);
        Assert.Equal(token, box.Membership.Token);
        Assert.Equal(consoleSlot, console.Membership.Slot);
        Assert.NotEqual(firstJoin, box.Membership.JoinMessageId);
        Assert.Contains(MembershipChange.Rejoined, box.Changes);
        Assert.Equal(1, box.Membership.Rejoins);

        // a newcomer does not get the rejoined slot, and the rejoined box is announced to the console
        other.Start();
        Assert.True(PumpAll(() => other.Membership.IsMember, box, console, other));
        Assert.NotEqual(slot, other.Membership.Slot);
        var room = second.GetStatus().Rooms[0];
        Assert.Equal(2, room.Rejoins);
        Assert.True(PumpAll(() => console.Received.Any(d => d[3] == (byte)MessageType.Join && d[8] == slot), box, console, other), "the console hears of the box again");
        second.Dispose();
    }

    [Fact]
    public void ARejoinWhoseSlotWasTakenGetsAnotherSlotAndANewToken()
    {
        using var server = TestServer.Start();
        using var a = new TestPeer(server.Ports[0], "a");
        a.Join();

        using var b = new TestPeer(server.Ports[0], "b");
        var join = b.NewJoin(TestServer.Code, capabilities: JoinCapabilities.Records | JoinCapabilities.Rejoin);
        join.PreviousSlot = a.Slot;
        join.Token = a.Token ^ 0x55; // somebody else's slot, not its token
        var answer = b.JoinRaw(join);
        var accept = new AcceptMessage();
        Assert.Equal(DecodeResult.Ok, accept.Read(answer, 0, answer.Length));
        Assert.NotEqual(a.Slot, accept.AssignedSlot);
        Assert.NotEqual(join.Token, accept.SessionToken);
        Assert.Equal(0, server.GetStatus().Rooms[0].Rejoins);
        Assert.Equal(a.LocalEndPoint.ToString(), server.GetStatus().Rooms[0].Slots.Single(s => s.Name == "a").Address); // a is untouched
    }

    [Fact]
    public void AStillKnownMemberRejoiningFromANewPortKeepsItsSlotWithoutALeave()
    {
        using var server = TestServer.Start();
        using var console = new TestPeer(server.Ports[0], "console");
        console.Join(role: JoinRole.Engineer);
        console.Sync();
        using var box = new RoomTestPeer(server.Ports[0], "box", minimumSilenceMicros: 300_000);
        box.Start();
        Assert.True(box.PumpUntil(() => box.Membership.IsMember, Patience));
        byte slot = box.Membership.Slot;
        uint token = box.Membership.Token;
        console.Sync();

        // the path changes and the heartbeats' answers stop reaching the box: it rejoins from the new port
        box.Rebind();
        box.Membership.Rejoin(box.Now, box);
        Assert.True(box.PumpUntil(() => box.Membership.IsMember, Patience));
        Assert.Equal(slot, box.Membership.Slot);
        Assert.Equal(token, box.Membership.Token);
        var room = server.GetStatus().Rooms[0];
        Assert.Equal(box.LocalEndPoint.ToString(), room.Slots.Single(s => s.Name == "box").Address);
        Assert.Equal(1, room.Rejoins);
        Assert.Equal(1, room.Rebinds);
        var seen = console.Sync();
        Assert.DoesNotContain(seen, d => d[3] == (byte)MessageType.Leave);
    }

    private static bool PumpAll(Func<bool> condition, params RoomTestPeer[] peers) => PumpAll(condition, Patience, peers);

    private static bool PumpAll(Func<bool> condition, TimeSpan timeout, params RoomTestPeer[] peers)
    {
        var end = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < end)
        {
            foreach (var p in peers)
            {
                p.Step();
            }

            if (condition())
            {
                return true;
            }
        }

        return condition();
    }
}
