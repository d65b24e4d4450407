using Octomix.Protocol;

namespace Octomix.Server.Tests;

/// <summary>
/// Batched io serves the rooms from a few threads (epoll), fewer than rooms: each room still
/// forwards within itself only, runs its own timers, and the server stops cleanly.
/// </summary>
public class RoomThreadTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void RoomsSharingAThreadEachForwardWithinThemselvesAndRunTheirTimers(int threads)
    {
        if (!OperatingSystem.IsLinux())
        {
            return; // batched io (and so shared room threads) is Linux-only
        }

        using var server = TestServer.Start(ServerIoMode.Batched, o => o with
        {
            RoomCount = 3,
            RoomThreads = threads,
            SlotTimeout = TimeSpan.FromMilliseconds(2000),
            HeartbeatInterval = TimeSpan.FromMilliseconds(100),
        });
        Assert.True(server.UsesBatchedIo);
        var senders = new List<TestPeer>();
        var receivers = new List<TestPeer>();
        var quiet = new List<TestPeer>();
        try
        {
            for (int room = 0; room < 3; room++)
            {
                senders.Add(new TestPeer(server.Ports[room], "send" + room));
                receivers.Add(new TestPeer(server.Ports[room], "recv" + room));
                quiet.Add(new TestPeer(server.Ports[room], "quiet" + room));
                senders[room].Join();
                receivers[room].Join();
                quiet[room].Join();
            }

            // every room's sender streams; the packets carry their room in the samples
            for (uint seq = 0; seq < 30; seq++)
            {
                for (int room = 0; room < 3; room++)
                {
                    int r = room;
                    senders[room].SendAudio(TestServer.Samples(64, 2, (f, c) => (r * 1000) + (int)seq), 2, seq, seq * 64);
                }
            }

            for (int room = 0; room < 3; room++)
            {
                var audio = receivers[room].Sync().Where(d => TestServer.Type(d) == (byte)MessageType.Audio).ToList();
                Assert.Equal(30, audio.Count);
                var packet = new AudioPacket();
                for (int i = 0; i < 30; i++)
                {
                    Assert.Equal(DecodeResult.Ok, packet.Read(audio[i], 0, audio[i].Length));
                    Assert.Equal((uint)i, packet.Sequence);
                    Assert.Equal((short)((room * 1000) + i), BitConverter.ToInt16(audio[i], packet.PayloadOffset));
                }
            }

            // every room's timers run on the shared thread: each quiet member is freed, the others kept
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
            while (server.GetStatus().Rooms.Any(r => r.SlotsExpired == 0) && DateTime.UtcNow < deadline)
            {
                foreach (var p in senders.Concat(receivers))
                {
                    p.Sync();
                }

                Thread.Sleep(50);
            }

            var rooms = server.GetStatus().Rooms;
            Assert.All(rooms, r => Assert.Equal(1, r.SlotsExpired));
            Assert.All(rooms, r => Assert.Equal(2, r.Jammers));
            Assert.All(rooms, r => Assert.Equal(0, r.LoopFaults));
        }
        finally
        {
            foreach (var p in senders.Concat(receivers).Concat(quiet))
            {
                p.Dispose();
            }
        }
    }

    [Fact]
    public void TheThreadCountIsAtLeastOneAndNeverMoreThanRooms()
    {
        Assert.Equal(Math.Min(4, Math.Max(1, Environment.ProcessorCount / 2)), new ServerOptions { RoomCount = 4 }.EffectiveRoomThreads);
        Assert.Equal(1, new ServerOptions { RoomCount = 1, RoomThreads = 8 }.EffectiveRoomThreads);
        Assert.Equal(3, new ServerOptions { RoomCount = 4, RoomThreads = 3 }.EffectiveRoomThreads);
    }
}
