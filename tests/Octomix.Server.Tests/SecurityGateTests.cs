using System.Net.Sockets;
using Octomix.Protocol;

namespace Octomix.Server.Tests;

/// <summary>The gate: strangers, wrong tokens, spoofed slots and bad headers are dropped and counted; no amplification.</summary>
public class SecurityGateTests
{
    [Theory]
    [MemberData(nameof(TestServer.IoModes), MemberType = typeof(TestServer))]
    public void PacketsFromAnAddressWithoutASlotAreDroppedAndCounted(string io)
    {
        using var server = TestServer.Start(io);
        using var member = new TestPeer(server.Ports[0], "member");
        using var stranger = new TestPeer(server.Ports[0], "stranger");
        member.Join();
        member.Sync(); // the member's Status 1000: the slot's newest

        // a stranger who guessed the member's slot and even its token still owns no slot (a
        // Status newer than the member's own with the token would be a rebinding: the token is
        // the proof, docs/protocol.md "Rejoin and rebinding"; an older one is not)
        stranger.Slot = member.Slot;
        stranger.Token = member.Token;
        stranger.SendAudio(new short[128], 2, 1, 0);
        stranger.Send(new StatusMessage { Sequence = 1, DestinationSlot = Slot.Server });
        stranger.Send(new SimpleControlMessage(MessageType.Leave) { MessageId = 5 });

        Assert.Empty(member.Sync());
        Assert.Null(stranger.Receive(TimeSpan.Zero));
        var room = server.GetStatus().Rooms[0];
        Assert.Equal(3, room.Drops[DropReason.NotMember]);
        Assert.Equal(1, room.Jammers);
    }

    [Fact]
    public void AMemberWithAWrongTokenIsDroppedAndCounted()
    {
        using var server = TestServer.Start();
        using var a = new TestPeer(server.Ports[0], "a");
        using var b = new TestPeer(server.Ports[0], "b");
        a.Join();
        b.Join();
        uint token = a.Token;

        a.Token = token ^ 0x00010000;
        a.SendAudio(new short[128], 2, 1, 0);
        a.Token = 0;
        a.SendAudio(new short[128], 2, 2, 64);
        a.Token = token;

        Assert.Empty(b.Sync());
        Assert.Equal(2, server.GetStatus().Rooms[0].Drops[DropReason.BadToken]);
    }

    [Fact]
    public void AMemberClaimingAnotherMembersSlotIsDroppedAndCounted()
    {
        using var server = TestServer.Start();
        using var a = new TestPeer(server.Ports[0], "a");
        using var b = new TestPeer(server.Ports[0], "b");
        using var c = new TestPeer(server.Ports[0], "c");
        a.Join();
        b.Join();
        c.Join();

        // a sends as b (with b's slot and b's token, as if it had learnt it): its address is not b's
        var packet = new AudioPacket { Token = b.Token, SourceSlot = b.Slot, FrameCount = 1, Channels = 2 };
        var bytes = new byte[packet.Length];
        packet.Write(bytes, 0);
        a.Send(bytes);

        // with its own token but b's slot number: the token is wrong for that slot
        packet.Token = a.Token;
        packet.Write(bytes, 0);
        a.Send(bytes);

        Assert.Empty(c.Sync());
        var room = server.GetStatus().Rooms[0];
        Assert.Equal(1, room.Drops[DropReason.AddressMismatch]);
        Assert.Equal(1, room.Drops[DropReason.BadToken]);
    }

    [Fact]
    public void DatagramsFailingTheHeaderCheckAreDroppedAndCounted()
    {
        using var server = TestServer.Start();
        using var a = new TestPeer(server.Ports[0], "a");
        using var b = new TestPeer(server.Ports[0], "b");
        a.Join();
        b.Join();
        var good = a.Audio(new short[128], 2, 1, 0);

        var badMagic = (byte[])good.Clone();
        badMagic[0] = 0x00;
        var badVersion = (byte[])good.Clone();
        badVersion[2] = 2;
        var badType = (byte[])good.Clone();
        badType[3] = 0x7F;
        a.Send(badMagic);
        a.Send(badVersion);
        a.Send(badType);
        a.Send(good, 5);
        a.Send(new byte[1500]);
        a.Send([]);

        var malformed = (byte[])good.Clone();
        malformed[28] = 65; // frame count no longer matches the length
        a.Send(malformed);

        Assert.Empty(b.Sync());
        var room = server.GetStatus().Rooms[0];
        Assert.Equal(6, room.Drops[DropReason.BadHeader]);
        Assert.Equal(1, room.Drops[DropReason.Malformed]);
    }

    [Fact]
    public void NoReplyToAnUnauthenticatedSourceIsLargerThanItsRequest()
    {
        using var server = TestServer.Start(tweak: o => o with { MaxJammers = 1 });
        using var a = new TestPeer(server.Ports[0], "a");
        using var b = new TestPeer(server.Ports[0], "b");

        // the smallest valid Join (no name) is 53 bytes; Accept is 40, Reject 20
        var join = a.NewJoin(TestServer.Code);
        join.Name = string.Empty;
        Assert.Equal(53, join.Length);
        var accept = a.JoinRaw(join);
        Assert.Equal(40, accept.Length);
        var reject = b.JoinRaw(b.NewJoin("WRONG"));
        Assert.Equal(20, reject.Length);

        // anything shorter that claims to be a Join gets nothing at all
        using var raw = new TestPeer(server.Ports[0], "raw");
        var header = new byte[52];
        Array.Copy(accept, header, 12);
        header[3] = (byte)MessageType.Join;
        for (int n = 12; n <= 52; n += 4)
        {
            raw.Send(header, n);
        }

        a.Token = JoinTests.Decode<AcceptMessage>(accept).SessionToken;
        a.Slot = 0;
        a.Sync();
        Assert.Null(raw.Receive(TimeSpan.Zero));
        Assert.Equal(11, server.GetStatus().Rooms[0].Drops[DropReason.BadJoin]);
    }

    [Fact]
    public void AFloodOfJoinsFromOneAddressCannotFillTheRoom()
    {
        using var server = TestServer.Start(tweak: o => o with { JoinBurst = 5, JoinRatePerSecond = 0.01, MaxJammers = 7 });
        var peers = Enumerable.Range(0, 12).Select(i => new TestPeer(server.Ports[0], "p" + i)).ToList();
        using var member = new TestPeer(server.Ports[0], "member", System.Net.IPAddress.Parse("127.0.0.2"));
        member.Join();
        try
        {
            foreach (var p in peers)
            {
                p.Send(p.NewJoin(TestServer.Code), stamp: false);
            }

            member.Sync();
            var room = server.GetStatus().Rooms[0];
            Assert.Equal(7, room.Drops[DropReason.RateLimited]);
            Assert.Equal(6, room.Jammers); // the member and the first 5 of the flood
            Assert.Equal(5, peers.Count(p => p.Receive(TimeSpan.Zero) != null));
        }
        finally
        {
            peers.ForEach(p => p.Dispose());
        }
    }

    [Fact]
    public void TheServerNeverSendsToAnAddressThatSentOnlyGarbage()
    {
        using var server = TestServer.Start();
        using var raw = new TestPeer(server.Ports[0], "raw");
        using var member = new TestPeer(server.Ports[0], "member");
        member.Join();
        var rng = new Random(5);
        var buffer = new byte[1400];
        for (int i = 0; i < 2000; i++)
        {
            int n = rng.Next(0, buffer.Length);
            rng.NextBytes(buffer);
            buffer[0] = ProtocolConstants.Magic0;
            buffer[1] = ProtocolConstants.Magic1;
            buffer[2] = ProtocolConstants.Version;
            raw.Socket.SendTo(buffer, 0, n, SocketFlags.None, raw.Server);
        }

        member.Sync();
        Assert.Null(raw.Receive(TimeSpan.Zero));
        Assert.Equal(1, server.GetStatus().Rooms[0].Jammers);
        Assert.Equal(0, server.GetStatus().Rooms[0].LoopFaults);
    }
}
