using Octomix.Protocol;

namespace Octomix.Server.Tests;

/// <summary>
/// The room tells its engineers who is in it: each accepted jammer's Join is forwarded (token 0,
/// source = the jammer's slot, destination FD); an engineer gets the roster in slot order once
/// it has proven its address; Leave and expiry are announced as a Leave from the slot; the
/// roster is repeated; jammers never get any of it, and no token travels in it.
/// </summary>
public class RosterTests
{
    [Theory]
    [MemberData(nameof(TestServer.IoModes), MemberType = typeof(TestServer))]
    public void AnAcceptedJammersJoinIsForwardedToTheEngineersAsItsSlotWithoutItsToken(string io)
    {
        using var server = TestServer.Start(io);
        using var console = new TestPeer(server.Ports[0], "console");
        using var early = new TestPeer(server.Ports[0], "early");
        using var anna = new TestPeer(server.Ports[0], "Anna");
        using var console2 = new TestPeer(server.Ports[0], "console 2");
        console.Join(role: JoinRole.Engineer);
        Assert.DoesNotContain(console.Sync(), IsAnnouncement); // an empty room: nothing to tell
        early.Join();
        console.Sync();

        // a Join carrying a token (a joiner has none, but may put anything there)
        var join = anna.NewJoin(TestServer.Code, channels: 1, framesPerPacket: 128);
        join.Token = 0xDEADBEEF;
        var sent = anna.Send(join, stamp: false);
        var accept = new AcceptMessage();
        Assert.Equal(DecodeResult.Ok, accept.Read(anna.ReceiveType(MessageType.Accept), 0, 40));
        anna.Slot = accept.AssignedSlot;
        anna.Token = accept.SessionToken;

        // an engineer joining is not announced (engineers hear of jammers only)
        console2.Join(role: JoinRole.Engineer);

        var got = console.Sync().Where(IsAnnouncement).ToList();
        var announced = Assert.Single(got);
        Assert.Equal((byte)MessageType.Join, announced[3]);
        Assert.Equal(0u, Message.ReadToken(announced, 0));
        Assert.Equal(accept.AssignedSlot, announced[8]);
        Assert.Equal(Slot.Engineers, announced[9]);
        Assert.Equal(sent.AsSpan(12).ToArray(), announced.AsSpan(12).ToArray()); // the body as the box sent it
        var decoded = Decode<JoinMessage>(announced);
        Assert.Equal("Anna", decoded.Name);
        Assert.Equal(join.BoxId, decoded.BoxId);
        Assert.Equal(1, decoded.Channels);
        Assert.Equal(128, decoded.FramesPerPacket);
        AssertNoTokenOf(announced, early, anna, console, console2);

        // the jammers heard nothing of it, nor of each other
        Assert.DoesNotContain(early.Sync(), IsAnnouncement);
        Assert.DoesNotContain(anna.Sync(), IsAnnouncement);
        Assert.True(server.GetStatus().Rooms[0].Announcements >= 2);
    }

    [Fact]
    public void AnEngineerGetsTheRosterInSlotOrderOnlyOnceItHasProvenItsAddress()
    {
        using var server = TestServer.Start();
        using var a = new TestPeer(server.Ports[0], "a");
        using var b = new TestPeer(server.Ports[0], "b");
        using var c = new TestPeer(server.Ports[0], "c");
        using var d = new TestPeer(server.Ports[0], "d");
        using var console = new TestPeer(server.Ports[0], "console");
        a.Join();
        b.Join();
        c.Join();
        b.Send(new SimpleControlMessage(MessageType.Leave) { MessageId = b.NewMessageId() });
        b.ReceiveType(MessageType.Ack);
        Assert.Equal(1, d.Join().AssignedSlot); // d takes b's slot: slot order is not join order

        // the Join is answered by the Accept alone (a spoofed Join must not draw the roster)
        var answer = console.JoinRaw(console.NewJoin(TestServer.Code, JoinRole.Engineer));
        Assert.Equal((byte)MessageType.Accept, answer[3]);
        var accept = Decode<AcceptMessage>(answer);
        console.Slot = accept.AssignedSlot;
        console.Token = accept.SessionToken;
        Assert.Null(console.Receive(TimeSpan.FromMilliseconds(300)));

        // its first datagram with its token: the roster, in slot order, before the answer to it
        var roster = console.Sync();
        Assert.All(roster, r => Assert.Equal((byte)MessageType.Join, r[3]));
        Assert.Equal([0, 1, 2], roster.Select(r => (int)r[8]));
        Assert.Equal(["a", "d", "c"], roster.Select(r => Decode<JoinMessage>(r).Name));
        Assert.All(roster, r => AssertNoTokenOf(r, a, c, d, console));

        // once only: nothing more until something changes
        Assert.DoesNotContain(console.Sync(), IsAnnouncement);
    }

    [Fact]
    public void ALeaveAnExpiryAndARejoinAreAnnouncedAsALeaveFromTheSlot()
    {
        using var server = TestServer.Start(tweak: o => o with { SlotTimeout = TimeSpan.FromMilliseconds(400), HeartbeatInterval = TimeSpan.FromMilliseconds(50) });
        using var console = new TestPeer(server.Ports[0], "console");
        using var leaver = new TestPeer(server.Ports[0], "leaver");
        using var quiet = new TestPeer(server.Ports[0], "quiet");
        using var rebooter = new TestPeer(server.Ports[0], "rebooter");
        console.Join(role: JoinRole.Engineer);
        console.Sync();
        leaver.Join();
        quiet.Join();
        rebooter.Join();
        Assert.Equal([0, 1, 2], console.Sync().Where(IsAnnouncement).Select(j => (int)j[8]));

        // Leave: announced with the member's own message id
        var leave = new SimpleControlMessage(MessageType.Leave) { MessageId = leaver.NewMessageId() };
        leaver.Send(leave);
        leaver.ReceiveType(MessageType.Ack);
        var left = Assert.Single(console.Sync(), IsAnnouncement);
        Assert.Equal((byte)MessageType.Leave, left[3]);
        Assert.Equal(16, left.Length);
        Assert.Equal(0, left[8]);
        Assert.Equal(Slot.Engineers, left[9]);
        Assert.Equal(0u, Message.ReadToken(left, 0));
        Assert.Equal(leave.MessageId, ControlMessage.ReadMessageId(left, 0));

        // a box that rebooted (a new Join from its address): Leave (id 0), then its new Join, same slot
        rebooter.Join();
        var rejoin = console.Sync().Where(IsAnnouncement).ToList();
        Assert.Equal([(byte)MessageType.Leave, (byte)MessageType.Join], rejoin.Select(r => r[3]));
        Assert.All(rejoin, r => Assert.Equal(2, r[8]));
        Assert.Equal(0u, ControlMessage.ReadMessageId(rejoin[0], 0));
        Assert.All(rejoin, r => AssertNoTokenOf(r, rebooter, quiet, console));

        // expiry: quiet says nothing; the console and the rebooter keep their slots
        var seen = new List<byte[]>();
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (!seen.Any(r => r[3] == (byte)MessageType.Leave) && DateTime.UtcNow < deadline)
        {
            seen.AddRange(console.Sync().Where(IsAnnouncement));
            Assert.DoesNotContain(rebooter.Sync(), IsAnnouncement); // a jammer never hears any of it
            Thread.Sleep(50);
        }

        var expired = Assert.Single(seen);
        Assert.Equal((byte)MessageType.Leave, expired[3]);
        Assert.Equal(1, expired[8]);
        Assert.Equal(0u, ControlMessage.ReadMessageId(expired, 0));
        Assert.Equal(1, server.GetStatus().Rooms[0].SlotsExpired);
    }

    [Fact]
    public void TheRosterIsRepeatedSoALostAnnouncementIsMadeGood()
    {
        using var server = TestServer.Start(tweak: o => o with { RosterInterval = TimeSpan.FromMilliseconds(100) });
        using var console = new TestPeer(server.Ports[0], "console");
        using var anna = new TestPeer(server.Ports[0], "Anna");
        using var ben = new TestPeer(server.Ports[0], "Ben");
        anna.Join();
        ben.Join();
        console.Join(role: JoinRole.Engineer);
        console.Sync();

        // without sending anything more, the console hears the whole roster again and again
        var heard = new List<byte[]>();
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (heard.Count < 6 && DateTime.UtcNow < deadline)
        {
            var d = console.Receive(TimeSpan.FromSeconds(2));
            if (d != null && IsAnnouncement(d))
            {
                heard.Add(d);
            }
        }

        Assert.True(heard.Count >= 6, $"{heard.Count} repeats heard");
        Assert.All(heard, j => Assert.Equal((byte)MessageType.Join, j[3]));
        Assert.Equal(Enumerable.Range(0, heard.Count).Select(i => i % 2), heard.Select(j => (int)j[8])); // each time in slot order
        Assert.All(heard, j => AssertNoTokenOf(j, anna, ben, console));

        // the jammers, meanwhile, heard none of it
        Assert.DoesNotContain(anna.Sync(), IsAnnouncement);
        Assert.DoesNotContain(ben.Sync(), IsAnnouncement);
    }

    /// <summary>A Join or a Leave from a jammer slot: the room telling who is here.</summary>
    private static bool IsAnnouncement(byte[] d) => d.Length >= 12 && (d[3] == (byte)MessageType.Join || d[3] == (byte)MessageType.Leave);

    private static void AssertNoTokenOf(byte[] datagram, params TestPeer[] peers)
    {
        foreach (var p in peers)
        {
            var token = BitConverter.GetBytes(p.Token);
            Assert.True(datagram.AsSpan().IndexOf(token) < 0, $"{p.Name}'s token is in an announcement");
        }
    }

    private static T Decode<T>(byte[] d)
        where T : Message, new()
    {
        var m = new T();
        Assert.Equal(DecodeResult.Ok, m.Read(d, 0, d.Length));
        return m;
    }
}
