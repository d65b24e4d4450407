using Octomix.Protocol;
using Octomix.Tests.Shared;

namespace Octomix.Server.Tests;

/// <summary>The packet path allocates nothing: the room thread's own allocation counter stays put under traffic.</summary>
public class AllocationTests
{
    [Theory]
    [MemberData(nameof(TestServer.IoModes), MemberType = typeof(TestServer))]
    public void ForwardingMixingAndStatusAllocateNothingOnTheRoomThread(string io)
    {
        string dir = Directory.CreateTempSubdirectory("octomix-alloc-").FullName;
        try
        {
            using var server = TestServer.Start(io, o => o with { RoomMixTarget = Path.Combine(dir, "mix.pcm"), RosterInterval = TimeSpan.FromMilliseconds(10) });
            using var a = new TestPeer(server.Ports[0], "a");
            using var b = new TestPeer(server.Ports[0], "b");
            using var listener = new TestPeer(server.Ports[0], "listener");
            using var eng = new TestPeer(server.Ports[0], "eng");
            a.Join();
            b.Join(format: (byte)SampleFormat.S24);
            listener.Join(capabilities: JoinCapabilities.WantsPersonalMix);
            eng.Join(role: JoinRole.Engineer);
            var sa = a.Audio(TestServer.Samples(64, 2, (f, c) => f * 100), 2, 0, 0);
            var sb = PersonalMixTests.Raw(b, new byte[64 * 2 * 3], 2, SampleFormat.S24, 64, 0, 0);
            var sl = listener.Audio(new short[128], 2, 0, 0);

            void Round(uint from, uint rounds)
            {
                for (uint r = from; r < from + rounds; r++)
                {
                    AudioPacket.StampSequenceAndTimecode(sa, 0, r, r * 64);
                    AudioPacket.StampSequenceAndTimecode(sb, 0, r, r * 64);
                    AudioPacket.StampSequenceAndTimecode(sl, 0, r, r * 64);
                    a.Send(sa);
                    b.Send(sb);
                    listener.Send(sl);
                    if (r % 50 == 0)
                    {
                        a.Sync();
                        b.Sync();
                        listener.Sync();
                        eng.Sync();
                    }
                }
            }

            // warm up (first calls, tier-up), then measure rounds of 2000 (6000 datagrams in).
            // The rule of AllocationWindow.AssertNone: one round exactly 0 bytes, and no round as
            // much as a byte per datagram — a real allocation per datagram, even one in a
            // thousand, is in every round. Each round starts with a collection, so a later one
            // cannot show the room thread's unused allocation context as allocated; housekeeping
            // publishes the counter every millisecond, when the thread gets a core.
            Round(0, 2000);
            long first = 0;
            long announcementsBefore = server.GetStatus().Rooms[0].Announcements;
            var rounds = new List<(long Bytes, long Datagrams)>();
            for (int r = 0; r < AllocationWindow.MaxRounds && !rounds.Exists(x => x.Bytes == 0); r++)
            {
                AllocationWindow.RetireAllocationContexts();
                long before = Settled(server);
                long packetsBefore = server.GetStatus().Rooms[0].PacketsIn;
                Round((uint)(2000 * (r + 1)), 2000);
                long after = Settled(server);
                rounds.Add((after - before, server.GetStatus().Rooms[0].PacketsIn - packetsBefore));
                first = first == 0 ? before : first;
            }

            var room = server.GetStatus().Rooms[0];
            Assert.True(first > 0, "the counter is published");
            string figures = string.Join(", ", rounds.Select(x => $"{x.Bytes} bytes for {x.Datagrams} datagrams"));
            Assert.True(rounds.Exists(x => x.Bytes == 0) && rounds.TrueForAll(x => x.Bytes < x.Datagrams), "the room thread allocated: " + figures);
            Assert.True(rounds.TrueForAll(x => x.Datagrams >= 6000), "every round went through the room: " + figures);
            Assert.True(room.Announcements > announcementsBefore, "the roster was repeated while measuring");
            Assert.True(room.RoomMix!.ChunksMixed > 0);

            // the counter is live: a join (names, log lines) does allocate, and shows
            using var late = new TestPeer(server.Ports[0], "late");
            late.Join();
            TestServer.WaitFor(server, s => s.Rooms[0].LoopAllocatedBytes > room.LoopAllocatedBytes, "the join's allocations to show");
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    /// <summary>The room thread's published allocation counter once it has stopped moving (two reads 100 ms apart agree).</summary>
    private static long Settled(BroadcastServer server)
    {
        long last = server.GetStatus().Rooms[0].LoopAllocatedBytes;
        for (int i = 0; i < 100; i++)
        {
            Thread.Sleep(100);
            long now = server.GetStatus().Rooms[0].LoopAllocatedBytes;
            if (now == last)
            {
                return now;
            }

            last = now;
        }

        return last;
    }
}
