namespace Octomix.Server.Tests;

/// <summary>Every bad option is named; targets of the room mix per room.</summary>
public class OptionsTests
{
    [Fact]
    public void TheDefaultsAreValidAndAreTheProducts()
    {
        var o = new ServerOptions();
        Assert.Empty(o.Problems());
        Assert.Equal(4, o.RoomCount);
        Assert.Equal(7891, o.FirstPort);
        Assert.Equal(7, o.MaxJammers);
        Assert.Equal(TimeSpan.FromSeconds(1), o.SlotTimeout);
        Assert.Contains("rooms: 4 on 0.0.0.0 UDP 7891-7894", o.Describe());
    }

    public static TheoryData<ServerOptions, string> BadOptions() => new()
    {
        { new ServerOptions { RoomCount = 0 }, "room count" },
        { new ServerOptions { FirstPort = 65534 }, "first port" },
        { new ServerOptions { FirstPort = -1 }, "first port" },
        { new ServerOptions { MaxJammers = 0 }, "max jammers" },
        { new ServerOptions { MaxJammers = 17 }, "max jammers" },
        { new ServerOptions { MaxEngineers = 5 }, "max engineers" },
        { new ServerOptions { SlotTimeout = TimeSpan.FromMilliseconds(5), HeartbeatInterval = TimeSpan.FromMilliseconds(1) }, "slot timeout" },
        { new ServerOptions { SlotTimeout = TimeSpan.FromSeconds(70) }, "slot timeout" },
        { new ServerOptions { HeartbeatInterval = TimeSpan.FromSeconds(2) }, "heartbeat" },
        { new ServerOptions { JoinCodes = [] }, "join code" },
        { new ServerOptions { JoinCodes = ["a", "b"] }, "one per room" },
        { new ServerOptions { JoinCodes = ["seventeen-chars-x"] }, "join code 1" },
        { new ServerOptions { JoinCodes = ["tab\t"] }, "join code 1" },
        { new ServerOptions { SampleRate = 44101 }, "sample rate" },
        { new ServerOptions { RoomMixQueueChunks = 0 }, "room-mix queue" },
        { new ServerOptions { JoinRatePerSecond = 0 }, "join rate" },
        { new ServerOptions { JoinRatePerSecond = double.NaN }, "join rate" },
        { new ServerOptions { JoinBurst = 0 }, "join burst" },
        { new ServerOptions { ReceiveBatch = 0 }, "receive batch" },
        { new ServerOptions { WakeIntervalMicroseconds = -1 }, "wake interval" },
        { new ServerOptions { WakeIntervalMicroseconds = 2001 }, "wake interval" },
        { new ServerOptions { RoomThreads = -1 }, "room threads" },
        { new ServerOptions { RoomThreads = 65 }, "room threads" },
        { new ServerOptions { RosterInterval = TimeSpan.Zero }, "roster interval" },
        { new ServerOptions { SocketBufferBytes = 1000 }, "socket buffer" },
        { new ServerOptions { MixJitterPackets = -1 }, "jitter" },
        { new ServerOptions { MixOverrunPackets = 0 }, "overrun" },
    };

    [Theory]
    [MemberData(nameof(BadOptions))]
    public void EachBadOptionIsNamedAndStartRefusesIt(ServerOptions options, string problem)
    {
        var problems = options.Problems();
        Assert.Single(problems);
        Assert.Contains(problem, problems[0]);
        var e = Assert.Throws<ArgumentException>(() => BroadcastServer.Start(options));
        Assert.Contains(problem, e.Message);
    }

    [Fact]
    public void TheRoomMixGoesToRoomZeroUnlessThePathNamesTheRoom()
    {
        var one = new ServerOptions { RoomMixTarget = "/tmp/mix.pcm" };
        Assert.Equal("/tmp/mix.pcm", one.RoomMixTargetOf(0));
        Assert.Null(one.RoomMixTargetOf(1));
        var each = new ServerOptions { RoomMixTarget = "/tmp/mix-{room}.pcm" };
        Assert.Equal("/tmp/mix-3.pcm", each.RoomMixTargetOf(3));
        Assert.Null(new ServerOptions { RoomMixTarget = "none" }.RoomMixTargetOf(0));
        Assert.Equal("-", new ServerOptions { RoomMixTarget = "-" }.RoomMixTargetOf(0));
    }

    [Fact]
    public void APortInUseFailsStartAndLeavesNothingOpen()
    {
        using var first = TestServer.Start(tweak: o => o with { RoomCount = 2 });
        var clash = TestServer.Options() with { FirstPort = first.Ports[1] - 1, RoomCount = 2 };
        if (first.Ports[1] - 1 == first.Ports[0] || first.Ports[1] == 0)
        {
            clash = clash with { FirstPort = first.Ports[0] };
        }

        Assert.Throws<System.Net.Sockets.SocketException>(() => BroadcastServer.Start(clash));
    }

    [Fact]
    public async Task StopIsIdempotentAndStatusStillReadsAfterIt()
    {
        var server = TestServer.Start();
        await server.StopAsync();
        await server.StopAsync();
        server.Dispose();
        Assert.Single(server.GetStatus().Rooms);
    }
}
