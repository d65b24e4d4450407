using Octomix.Protocol;

namespace Octomix.Server.Tests;

/// <summary>Slots: join, accept fields, repeats, rejoin, full rooms, bad codes, leave, expiry.</summary>
public class JoinTests
{
    [Theory]
    [MemberData(nameof(TestServer.IoModes), MemberType = typeof(TestServer))]
    public void AJoinWithTheRoomCodeGetsAJammerSlotAndARandomToken(string io)
    {
        using var server = TestServer.Start(io);
        using var a = new TestPeer(server.Ports[0], "a");
        using var b = new TestPeer(server.Ports[0], "b");

        var acceptA = a.Join();
        var acceptB = b.Join();

        Assert.Equal(0, acceptA.AssignedSlot);
        Assert.Equal(1, acceptB.AssignedSlot);
        Assert.NotEqual(0u, acceptA.SessionToken);
        Assert.NotEqual(acceptA.SessionToken, acceptB.SessionToken);
        Assert.Equal(0, acceptA.Room);
        Assert.Equal(250, acceptA.HeartbeatMilliseconds);
        Assert.Equal(30000, acceptA.SlotTimeoutMilliseconds);
        Assert.Equal(7, acceptA.MaxJammers);
        Assert.Equal(48000, acceptA.SampleRate);
        Assert.Equal(0u, acceptA.Token);
        Assert.Equal(Slot.Server, acceptA.SourceSlot);

        var status = server.GetStatus().Rooms[0];
        Assert.Equal(2, status.Jammers);
        Assert.Equal(["a", "b"], status.Slots.Select(s => s.Name));
        Assert.Equal(a.LocalEndPoint.ToString(), status.Slots[0].Address);
        Assert.Equal(2, status.JoinsAccepted);
        Assert.Equal(io != "portable", server.UsesBatchedIo);
        Assert.Equal(io == "batched", server.UsesUdpSegmentation);
    }

    [Fact]
    public void AnEngineerGetsAnEngineerSlotThatDoesNotCountAgainstTheJammers()
    {
        using var server = TestServer.Start(tweak: o => o with { MaxJammers = 1, MaxEngineers = 1 });
        using var box = new TestPeer(server.Ports[0], "box");
        using var console = new TestPeer(server.Ports[0], "console");
        using var console2 = new TestPeer(server.Ports[0], "console2");

        box.Join();
        var accept = console.Join(role: JoinRole.Engineer);
        Assert.Equal(Slot.FirstEngineer, accept.AssignedSlot);

        var second = console2.JoinRaw(console2.NewJoin(TestServer.Code, JoinRole.Engineer));
        AssertReject(second, RejectReason.EngineerSlotsFull);
    }

    [Fact]
    public void AFullRoomRejectsWithRoomFullAndTakesNoSlot()
    {
        using var server = TestServer.Start(tweak: o => o with { MaxJammers = 2 });
        using var a = new TestPeer(server.Ports[0]);
        using var b = new TestPeer(server.Ports[0]);
        using var c = new TestPeer(server.Ports[0]);
        a.Join();
        b.Join();

        var answer = c.JoinRaw(c.NewJoin(TestServer.Code));

        var reject = AssertReject(answer, RejectReason.RoomFull);
        Assert.True(reject.RetryAfterMilliseconds > 0);
        var room = server.GetStatus().Rooms[0];
        Assert.Equal(2, room.Jammers);
        Assert.Equal(1, room.JoinsRejected);
    }

    [Fact]
    public void AWrongJoinCodeIsRejectedAndTakesNoSlot()
    {
        using var server = TestServer.Start();
        using var a = new TestPeer(server.Ports[0]);

        AssertReject(a.JoinRaw(a.NewJoin("WRONG")), RejectReason.BadJoinCode);
        AssertReject(a.JoinRaw(a.NewJoin(TestServer.Code + "X")), RejectReason.BadJoinCode);
        AssertReject(a.JoinRaw(a.NewJoin(TestServer.Code[..^1])), RejectReason.BadJoinCode);
        Assert.Equal(0, server.GetStatus().Rooms[0].Jammers);
    }

    [Fact]
    public void AWrongJoinCodeIsLoggedAsSuchAtMostOncePerSourceAndPerSecond()
    {
        var log = new LineLogger();
        using var server = BroadcastServer.Start(TestServer.Options(), log);
        using var a = new TestPeer(server.Ports[0], "Probe");
        using var b = new TestPeer(server.Ports[0], "Other");

        // a burst of guesses from one address: every one is answered "wrong join code", one line is logged
        for (int i = 0; i < 20; i++)
        {
            AssertReject(a.JoinRaw(a.NewJoin("GUESS-" + i)), RejectReason.BadJoinCode);
        }

        Assert.Equal(1, log.Count("wrong join code"));
        Assert.Contains("join of Probe from 127.0.0.1:", log.Lines.Single(l => l.Contains("wrong join code", StringComparison.Ordinal)), StringComparison.Ordinal);

        // another address within the same second is counted, not logged (the log cannot be flooded by many sources)
        AssertReject(b.JoinRaw(b.NewJoin("NOPE")), RejectReason.BadJoinCode);
        Assert.Equal(1, log.Count("wrong join code"));

        // a second later the other address gets its line, with the count of what was left out
        Thread.Sleep(1100);
        AssertReject(b.JoinRaw(b.NewJoin("NOPE")), RejectReason.BadJoinCode);
        Assert.Equal(2, log.Count("wrong join code"));
        Assert.Contains("20 more refused since the last line", log.Lines.Last(l => l.Contains("wrong join code", StringComparison.Ordinal)), StringComparison.Ordinal);

        // the first address, still within its 10 s: not logged again
        Thread.Sleep(1100);
        AssertReject(a.JoinRaw(a.NewJoin("GUESS-X")), RejectReason.BadJoinCode);
        Assert.Equal(2, log.Count("wrong join code"));
    }

    /// <summary>Log lines into memory.</summary>
    private sealed class LineLogger : Microsoft.Extensions.Logging.ILogger
    {
        private readonly System.Collections.Concurrent.ConcurrentQueue<string> _lines = new();

        public IEnumerable<string> Lines => _lines;

        public int Count(string text) => _lines.Count(l => l.Contains(text, StringComparison.Ordinal));

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(Microsoft.Extensions.Logging.LogLevel logLevel) => logLevel >= Microsoft.Extensions.Logging.LogLevel.Information;

        public void Log<TState>(Microsoft.Extensions.Logging.LogLevel logLevel, Microsoft.Extensions.Logging.EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel))
            {
                _lines.Enqueue(formatter(state, exception));
            }
        }
    }

    [Fact]
    public void EachRoomHasItsOwnJoinCodeWhenGivenOnePerRoom()
    {
        using var server = TestServer.Start(tweak: o => o with { RoomCount = 2, JoinCodes = ["ROOM-A", "ROOM-B"] });
        using var toA = new TestPeer(server.Ports[0]);
        using var toB = new TestPeer(server.Ports[1]);

        AssertReject(toA.JoinRaw(toA.NewJoin("ROOM-B")), RejectReason.BadJoinCode);
        Assert.Equal(0, toA.Join("ROOM-A").Room);
        Assert.Equal(1, toB.Join("ROOM-B").Room);
    }

    [Fact]
    public void AJoinAtASampleRateTheServerCannotResampleIsRejectedAsUnsupported()
    {
        // 44.1 kHz and the like are resampled (SampleRateTests); 48001 Hz would need 48000 filter phases
        using var server = TestServer.Start();
        using var a = new TestPeer(server.Ports[0]);
        AssertReject(a.JoinRaw(a.NewJoin(TestServer.Code, rate: 48001)), RejectReason.UnsupportedFormat);
    }

    [Fact]
    public void ARepeatedJoinGetsTheSameAcceptNotASecondSlot()
    {
        using var server = TestServer.Start();
        using var a = new TestPeer(server.Ports[0]);
        var join = a.NewJoin(TestServer.Code);

        var first = a.JoinRaw(join);
        var second = a.JoinRaw(join);
        var third = a.JoinRaw(join);

        Assert.Equal(first, second);
        Assert.Equal(first, third);
        var room = server.GetStatus().Rooms[0];
        Assert.Equal(1, room.Jammers);
        Assert.Equal(1, room.JoinsAccepted);
        Assert.Equal(2, room.DuplicateJoins);
    }

    [Fact]
    public void ANewJoinFromAnAddressThatHoldsASlotReplacesItCleanly()
    {
        using var server = TestServer.Start();
        using var box = new TestPeer(server.Ports[0], "box");
        using var other = new TestPeer(server.Ports[0], "other");
        other.Join();
        var before = box.Join();
        uint oldToken = box.Token;

        // the box rebooted: same address, new message id
        var after = box.Join();

        Assert.Equal(before.AssignedSlot, after.AssignedSlot);
        Assert.NotEqual(oldToken, after.SessionToken);
        Assert.Equal(2, server.GetStatus().Rooms[0].Jammers);

        // the old token is dead
        box.Token = oldToken;
        box.SendAudio(new short[128], 2, 1, 0);
        box.Token = after.SessionToken;
        box.Sync();
        Assert.Equal(1, server.GetStatus().Rooms[0].Drops[DropReason.BadToken]);
    }

    [Fact]
    public void LeaveFreesTheSlotAtOnceAndIsAcknowledgedAgainWhenRetried()
    {
        using var server = TestServer.Start();
        using var a = new TestPeer(server.Ports[0]);
        a.Join();
        var leave = new SimpleControlMessage(MessageType.Leave) { MessageId = a.NewMessageId() };

        var bytes = a.Send(leave);
        var ack = Decode<AckMessage>(a.ReceiveType(MessageType.Ack));
        Assert.Equal(leave.MessageId, ack.AckedId);
        Assert.Equal(AckResult.Ok, ack.Result);
        Assert.Equal(0, server.GetStatus().Rooms[0].Jammers);

        // the Ack was "lost": the retry is acknowledged again, without a slot
        a.Send(bytes);
        Assert.Equal(leave.MessageId, Decode<AckMessage>(a.ReceiveType(MessageType.Ack)).AckedId);
        Assert.Equal(0, server.GetStatus().Rooms[0].Jammers);
    }

    [Fact]
    public void ASilentSlotIsFreedAfterTheTimeoutAndAnActiveOneIsKept()
    {
        using var server = TestServer.Start(tweak: o => o with { SlotTimeout = TimeSpan.FromMilliseconds(300), HeartbeatInterval = TimeSpan.FromMilliseconds(50) });
        using var quiet = new TestPeer(server.Ports[0], "quiet");
        using var talker = new TestPeer(server.Ports[0], "talker");
        quiet.Join();
        talker.Join();

        // the talker keeps its slot with heartbeats while the quiet one times out
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        ServerStatus status;
        do
        {
            talker.Sync();
            Thread.Sleep(50);
            status = server.GetStatus();
        }
        while (status.Rooms[0].Jammers > 1 && DateTime.UtcNow < deadline);

        Assert.Equal(["talker"], status.Rooms[0].Slots.Select(s => s.Name));
        Assert.Equal(1, status.Rooms[0].SlotsExpired);

        // and the freed slot number is given to the next joiner
        using var next = new TestPeer(server.Ports[0], "next");
        Assert.Equal(0, next.Join().AssignedSlot);
    }

    [Fact]
    public void JoinsOverTheRateLimitGetNoReplyAtAllAndAreCounted()
    {
        using var server = TestServer.Start(tweak: o => o with { JoinBurst = 3, JoinRatePerSecond = 0.01 });
        using var member = new TestPeer(server.Ports[0], "member");
        using var a = new TestPeer(server.Ports[0], "a");
        member.Join(); // 1 of the 3 attempts 127.0.0.1 may make

        AssertReject(a.JoinRaw(a.NewJoin("WRONG")), RejectReason.BadJoinCode);
        AssertReject(a.JoinRaw(a.NewJoin("WRONG")), RejectReason.BadJoinCode);

        // the fourth attempt from this IP address, even with the right code, gets nothing
        a.Send(a.NewJoin(TestServer.Code), stamp: false);
        member.Sync(); // the room has handled it once the member's Status is answered
        Assert.Null(a.Receive(TimeSpan.Zero));
        var room = server.GetStatus().Rooms[0];
        Assert.Equal(1, room.Drops[DropReason.RateLimited]);
        Assert.Equal(1, room.Jammers);

        // another source address has its own bucket
        using var elsewhere = new TestPeer(server.Ports[0], "elsewhere", System.Net.IPAddress.Parse("127.0.0.2"));
        Assert.Equal(1, elsewhere.Join().AssignedSlot);
    }

    private static RejectMessage AssertReject(byte[] answer, byte reason)
    {
        Assert.Equal((byte)MessageType.Reject, answer[3]);
        var reject = Decode<RejectMessage>(answer);
        Assert.Equal(reason, reject.Reason);
        return reject;
    }

    internal static T Decode<T>(byte[] d)
        where T : Message, new()
    {
        var m = new T();
        Assert.Equal(DecodeResult.Ok, m.Read(d, 0, d.Length));
        return m;
    }
}
