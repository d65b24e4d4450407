using System.Diagnostics;
using Octomix.Protocol;
using Octomix.Tests.Shared;

namespace Octomix.Server.Tests;

/// <summary>
/// RTJam clients in an Octomix room (issue 14, docs/protocol.md "RTJam interop"): real UDP on
/// loopback, an RTJam client built from the byte table and Octomix boxes, on every io path.
/// </summary>
public class RtJamTests
{
    private static BroadcastServer Start(string io, string allow = "127.0.0.0/8", Func<ServerOptions, ServerOptions>? tweak = null) =>
        TestServer.Start(io, o =>
        {
            o = o with { RtJamRooms = [0], RtJamAllow = allow.Split(','), RtJamTimeout = TimeSpan.FromSeconds(30) }; // the expiry tests set 0.5 s
            return tweak == null ? o : tweak(o);
        });

    private static short[] Ramp(int frames, int start, int step) => Enumerable.Range(0, frames).Select(f => (short)(start + (f * step))).ToArray();

    private static short[] Extremes(int frames) => Enumerable.Range(0, frames).Select(f => f switch { 0 => short.MinValue, 1 => short.MaxValue, 2 => (short)0, 3 => (short)-1, _ => (short)((f * 977) - 31000) }).ToArray();

    private static byte[] AudioFrom(TestPeer peer, byte source) =>
        peer.ReceiveType(MessageType.Audio) is var d && d[8] == source ? d : AudioFrom(peer, source);

    [Theory]
    [MemberData(nameof(TestServer.IoModes), MemberType = typeof(TestServer))]
    public void AnRtJamClientAndTwoBoxesHearEachOtherSampleExact(string io)
    {
        using var server = Start(io);
        int port = server.Ports[0];
        using var a = new TestPeer(port, "a");
        using var b = new TestPeer(port, "b");
        a.Join();
        b.Join();
        using var r = new RtJamTestPeer(port, 0x1A2B3C4D);
        using var r2 = new RtJamTestPeer(port, 0x99887766);

        // the second RTJam client joins first (slot 2), so it is there to be forwarded to
        var quiet = new short[64];
        r2.SendPacket(quiet, quiet, 1, 0);
        r2.ReceiveEcho(1);

        // RTJam -> everyone
        var left = Extremes(64);
        var right = Ramp(64, -20000, 613);
        var sent = r.SendPacket(left, right, 7, 48_000);
        var echo = r.ReceiveEcho(7);
        byte slot = echo[0];
        Assert.Equal(3, slot); // a 0, b 1, r2 2: the lowest free jammer slot

        foreach (var box in new[] { a, b })
        {
            var d = AudioFrom(box, slot);
            var audio = new AudioPacket();
            Assert.Equal(DecodeResult.Ok, audio.Read(d, 0, d.Length));
            Assert.Equal((Slot.Everyone, 7u, 48_000L, 64, 2, (byte)SampleFormat.S16, 0u), (audio.DestinationSlot, audio.Sequence, audio.Timecode, audio.FrameCount, audio.Channels, audio.Format, Message.ReadToken(d, 0)));
            for (int f = 0; f < 64; f++)
            {
                Assert.Equal(left[f], BitConverter.ToInt16(d, audio.PayloadOffset + (4 * f)));
                Assert.Equal(right[f], BitConverter.ToInt16(d, audio.PayloadOffset + (4 * f) + 2));
            }
        }

        // forwarded to the other RTJam client as RTJam's server does: audio untouched, Channel = the sender's slot
        var forwarded = r2.ReceiveWhere(d => d.Length == sent.Length && RtJamPacket.ReadU32(d, 20) == r.ClientId, "forward of r's packet");
        Assert.Equal(slot, forwarded[0]);
        Assert.Equal(sent[RtJamPacket.HeaderLength..], forwarded[RtJamPacket.HeaderLength..]);
        Assert.Equal(sent[12..20], forwarded[12..20]); // TimeStamp as sent
        Assert.Equal(RtJamPacket.BeatAt(RtJamPacket.ReadU64(forwarded, 4)), forwarded[3]);

        // a box -> the RTJam clients (converted) and the other box (as always)
        var boxSamples = TestServer.Samples(64, 2, (f, c) => c == 0 ? (f * 511) - 16000 : 32767 - (f * 1024));
        a.SendAudio(boxSamples, 2, 3, 96_000);
        foreach (var client in new[] { r, r2 })
        {
            var d = client.ReceiveWhere(d => d.Length == RtJamPacket.LengthOf(64) && d[0] == a.Slot, "a's audio");
            var p = new RtJamPacket();
            Assert.Equal(DecodeResult.Ok, p.Read(d, 0, d.Length));
            Assert.Equal((RtJamPacket.OctomixClientIdBase | a.Slot, 3u, (ulong)RtJamPacket.MicrosecondsOf(96_000), 64), (p.ClientId, p.SequenceNumber, p.TimeStamp, p.FrameCount));
            Assert.Equal(96_000, RtJamPacket.TimecodeOf((long)p.TimeStamp));
            var l = RtJamTestPeer.Channel(d, 0);
            var rr = RtJamTestPeer.Channel(d, 1);
            for (int f = 0; f < 64; f++)
            {
                Assert.Equal(boxSamples[2 * f], l[f]);
                Assert.Equal(boxSamples[(2 * f) + 1], rr[f]);
            }
        }

        var atB = AudioFrom(b, a.Slot);
        Assert.Equal(a.Audio(boxSamples, 2, 3, 96_000)[12..], atB[12..]);

        var room = server.GetStatus().Rooms[0];
        Assert.Equal(4, room.Jammers);
        Assert.Contains(room.Slots, s => s.Slot == slot && s.Name == "RTJam 1a2b3c4d" && s.AudioPackets == 1);
        Assert.Equal(0, room.TotalDrops);
    }

    [Theory]
    [MemberData(nameof(TestServer.IoModes), MemberType = typeof(TestServer))]
    public void TheEchoIsTheHeaderWithTheServersTimeAndBeat(string io)
    {
        using var server = Start(io);
        using var r = new RtJamTestPeer(server.Ports[0], 0xCAFE0001);
        var quiet = new short[128];
        var first = r.SendPacket(quiet, quiet, 100, 0);
        var e1 = r.ReceiveEcho(100);
        Thread.Sleep(20);
        r.SendPacket(quiet, quiet, 101, 128);
        var e2 = r.ReceiveEcho(101);

        Assert.Equal(RtJamPacket.HeaderLength, e1.Length); // header only: smaller than the 540 bytes sent
        Assert.True(e1.Length < first.Length);
        var p = new RtJamPacket();
        p.ReadHeader(e1, 0);
        Assert.Equal((byte)0, p.Channel); // its slot
        Assert.Equal((0, 2), (p.SampleRate, p.NumAudioChunks));
        Assert.Equal(RtJamPacket.BeatAt(p.ServerTime), p.Beat);
        Assert.Equal(((ulong)RtJamPacket.MicrosecondsOf(0), r.ClientId, 100u), (p.TimeStamp, p.ClientId, p.SequenceNumber));
        var p2 = new RtJamPacket();
        p2.ReadHeader(e2, 0);
        Assert.True(p2.ServerTime >= p.ServerTime + 15_000, $"server time {p.ServerTime} then {p2.ServerTime}");
        Assert.True(p2.ServerTime < p.ServerTime + 10_000_000);
    }

    [Theory]
    [MemberData(nameof(TestServer.IoModes), MemberType = typeof(TestServer))]
    public void MalformedRtJamDatagramsAreDroppedAndCounted(string io)
    {
        using var server = Start(io);
        using var r = new RtJamTestPeer(server.Ports[0], 0x0BAD0BAD);
        var good = r.Packet(new short[64], new short[64], 1, 0);
        var rate = (byte[])good.Clone();
        rate[1] = 1; // 44.1 kHz in RTJam's enum: not taken
        var big = new byte[RtJamPacket.LengthOf(RtJamPacket.MaxFrames + 1)];
        good.AsSpan(0, 28).CopyTo(big);
        var malformed = new[] { good[..20], good[..28], good[..31], good[..^2], good[..^1], rate, big };
        foreach (var d in malformed)
        {
            r.Send(d);
        }

        // an Octomix-looking datagram with a bad header stays the Octomix gate's
        var ox = (byte[])good.Clone();
        ox[0] = 0x4F;
        ox[1] = 0x58;
        r.Send(ox);

        var s = TestServer.WaitFor(server, s => s.Rooms[0].Drops[DropReason.RtJamMalformed] == malformed.Length && s.Rooms[0].Drops[DropReason.BadHeader] == 1, "the drops to be counted");
        Assert.Equal(0, s.Rooms[0].Jammers);
        Assert.Null(r.Receive(TimeSpan.FromMilliseconds(300)));
        Assert.Equal(0, s.Rooms[0].PacketsOut);

        // and a good one after them is taken
        r.Send(good);
        r.ReceiveEcho(1);
    }

    [Theory]
    [MemberData(nameof(TestServer.IoModes), MemberType = typeof(TestServer))]
    public void ASourceOutsideTheAllowListOrARoomNotOpenedGetsNothing(string io)
    {
        using var server = Start(io, allow: "10.0.0.0/8,192.168.0.0/16", tweak: o => o with { RoomCount = 2, RtJamRooms = [1] });
        using var a = new TestPeer(server.Ports[1], "a");
        a.Join();
        using var outside = new RtJamTestPeer(server.Ports[1], 0x51515151);
        using var closed = new RtJamTestPeer(server.Ports[0], 0x52525252);
        for (uint i = 0; i < 20; i++)
        {
            outside.SendPacket(new short[64], new short[64], i, i * 64);
            closed.SendPacket(new short[64], new short[64], i, i * 64);
        }

        var s = TestServer.WaitFor(server, s => s.Rooms[1].Drops[DropReason.RtJamStranger] == 20 && s.Rooms[0].Drops[DropReason.BadHeader] == 20, "the strangers to be counted");
        Assert.Null(outside.Receive(TimeSpan.FromMilliseconds(300)));
        Assert.Null(closed.Receive(TimeSpan.FromMilliseconds(50)));
        Assert.Equal(1, s.Rooms[1].Jammers);
        Assert.Equal(0, s.Rooms[0].PacketsOut);
        Assert.Empty(a.Sync()); // the box heard nothing of them
    }

    [Fact]
    public void AnRtJamMemberSilentForHalfASecondIsFreed()
    {
        // the Octomix slot timeout is 30 s here: only the RTJam timeout can free it in time
        using var server = Start("portable", tweak: o => o with { RtJamTimeout = TimeSpan.FromMilliseconds(500) });
        using var r = new RtJamTestPeer(server.Ports[0], 0x0E0E0E0E);
        var clock = Stopwatch.StartNew(); // before the send: the server's clock for it starts later
        r.SendPacket(new short[64], new short[64], 1, 0);
        r.ReceiveEcho(1);
        TestServer.WaitFor(server, s => s.Rooms[0].Jammers == 0, "the RTJam member to be freed", TimeSpan.FromSeconds(10));
        Assert.True(clock.Elapsed >= TimeSpan.FromMilliseconds(500), "freed after " + clock.Elapsed.TotalMilliseconds + " ms");
        Assert.Equal(1, server.GetStatus().Rooms[0].SlotsExpired);

        // it comes back in when it plays again
        r.SendPacket(new short[64], new short[64], 2, 64);
        r.ReceiveEcho(2);
        Assert.Equal(1, server.GetStatus().Rooms[0].Jammers);
    }

    [Fact]
    public void AnRtJamMemberStillPlayingIsNotFreed()
    {
        using var server = Start("portable", tweak: o => o with { RtJamTimeout = TimeSpan.FromMilliseconds(500) });
        using var r = new RtJamTestPeer(server.Ports[0], 0x0F0F0F0F);
        var clock = Stopwatch.StartNew();
        uint seq = 0;
        while (clock.Elapsed < TimeSpan.FromSeconds(1.2))
        {
            r.SendPacket(new short[64], new short[64], seq, seq * 64L);
            r.ReceiveEcho(seq);
            seq++;
            Thread.Sleep(20);
        }

        var s = server.GetStatus().Rooms[0];
        Assert.Equal((1, 0L), (s.Jammers, s.SlotsExpired));
    }

    [Fact]
    public void AnRtJamMemberIsMixedIntoTheRoomMix()
    {
        string dir = Directory.CreateTempSubdirectory("octomix-rtjam-mix-").FullName;
        try
        {
            string file = Path.Combine(dir, "room.pcm");
            using (var server = Start("portable", tweak: o => o with { RoomMixTarget = file }))
            {
                using var box = new TestPeer(server.Ports[0], "box");
                box.Join(framesPerPacket: 240);
                using var r = new RtJamTestPeer(server.Ports[0], 0x00C0FFEE);
                var left = Enumerable.Repeat((short)1000, 240).ToArray();
                var right = Enumerable.Repeat((short)-2000, 240).ToArray();
                var boxSamples = TestServer.Samples(240, 2, (f, c) => 500);
                var clock = Stopwatch.StartNew();
                for (uint seq = 0; seq < 200; seq++)
                {
                    // 5 ms packets in real time for a second
                    r.SendPacket(left, right, seq, seq * 240L);
                    box.SendAudio(boxSamples, 2, seq, seq * 240L);
                    while (clock.Elapsed.TotalMilliseconds < (seq + 1) * 5.0)
                    {
                        Thread.Sleep(1);
                    }
                }
            }

            var bytes = File.ReadAllBytes(file);
            int sums = 0;
            for (int i = 0; i + 4 <= bytes.Length; i += 4)
            {
                var frame = (BitConverter.ToInt16(bytes, i), BitConverter.ToInt16(bytes, i + 2));
                Assert.True(frame is (0, 0) or (1500, -1500) or (1000, -2000) or (500, 500), $"frame {i / 4}: {frame}");
                sums += frame == (1500, -1500) ? 1 : 0;
            }

            Assert.True(sums > 48000 / 4, $"expected a quarter second of the RTJam client and the box mixed, got {sums} frames");
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Theory]
    [MemberData(nameof(TestServer.IoModes), MemberType = typeof(TestServer))]
    public void TheRtJamPathAllocatesNothingOnTheRoomThread(string io)
    {
        string dir = Directory.CreateTempSubdirectory("octomix-rtjam-alloc-").FullName;
        try
        {
            using var server = Start(io, tweak: o => o with { RoomMixTarget = Path.Combine(dir, "mix.pcm") });
            using var box = new TestPeer(server.Ports[0], "box");
            using var listener = new TestPeer(server.Ports[0], "listener");
            box.Join();
            listener.Join(capabilities: JoinCapabilities.WantsPersonalMix);
            using var r = new RtJamTestPeer(server.Ports[0], 0xA110CA7E);
            using var r2 = new RtJamTestPeer(server.Ports[0], 0xA110CA7F);
            var samples = Ramp(64, -3000, 97);
            var pr = r.Packet(samples, samples, 0, 0);
            var pr2 = r2.Packet(samples, samples, 0, 0);
            var pb = box.Audio(TestServer.Samples(64, 2, (f, c) => f * 100), 2, 0, 0);
            var bad = pr[..^2];

            void Round(uint from, uint rounds)
            {
                for (uint n = from; n < from + rounds; n++)
                {
                    RtJamPacket.WriteU32(pr, 24, n);
                    RtJamPacket.WriteU64(pr, 12, (ulong)RtJamPacket.MicrosecondsOf(n * 64L));
                    RtJamPacket.WriteU32(pr2, 24, n);
                    RtJamPacket.WriteU64(pr2, 12, (ulong)RtJamPacket.MicrosecondsOf(n * 64L));
                    AudioPacket.StampSequenceAndTimecode(pb, 0, n, n * 64L);
                    r.Send(pr);
                    r2.Send(pr2);
                    box.Send(pb);
                    if (n % 50 == 0)
                    {
                        r.Send(bad);
                        box.Sync();
                        listener.Sync();
                    }
                }
            }

            Round(0, 2000);
            var rounds = new List<(long Bytes, long Datagrams)>();
            for (int k = 0; k < AllocationWindow.MaxRounds && !rounds.Exists(x => x.Bytes == 0); k++)
            {
                AllocationWindow.RetireAllocationContexts();
                long before = Settled(server);
                long packetsBefore = server.GetStatus().Rooms[0].PacketsIn;
                Round((uint)(2000 * (k + 1)), 2000);
                long after = Settled(server);
                rounds.Add((after - before, server.GetStatus().Rooms[0].PacketsIn - packetsBefore));
            }

            string figures = string.Join(", ", rounds.Select(x => $"{x.Bytes} bytes for {x.Datagrams} datagrams"));
            Assert.True(rounds.Exists(x => x.Bytes == 0) && rounds.TrueForAll(x => x.Bytes < x.Datagrams), "the room thread allocated: " + figures);
            Assert.True(rounds.TrueForAll(x => x.Datagrams >= 6000), "every round went through the room: " + figures);
            var room = server.GetStatus().Rooms[0];
            Assert.Equal(4, room.Jammers);
            Assert.True(room.Drops[DropReason.RtJamMalformed] > 0);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

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

    [Fact]
    public void RtJamOptionsAreCheckedAndOffByDefault()
    {
        Assert.Empty(new ServerOptions().RtJamRooms);
        Assert.Equal(TimeSpan.FromMilliseconds(500), new ServerOptions().RtJamTimeout);
        Assert.Empty(new ServerOptions { RtJamRooms = [0, 2], RtJamAllow = ["192.168.0.0/16", "127.0.0.0/8"] }.Problems());
        Assert.Empty(new ServerOptions { RtJamRooms = [1], RtJamAllow = ["any"] }.Problems());
        Assert.Empty(new ServerOptions { RtJamRooms = [1], RtJamAllow = ["::1/128", "10.1.2.3"] }.Problems());
        Assert.Contains(new ServerOptions { RtJamRooms = [4] }.Problems(), p => p.Contains("RTJam room 4 does not exist", StringComparison.Ordinal));
        Assert.Contains(new ServerOptions { RtJamRooms = [0] }.Problems(), p => p.Contains("need the source networks", StringComparison.Ordinal));
        Assert.Contains(new ServerOptions { RtJamAllow = ["any"] }.Problems(), p => p.Contains("opens nothing", StringComparison.Ordinal));
        Assert.Contains(new ServerOptions { RtJamRooms = [0], RtJamAllow = ["10.0.0.0/33"] }.Problems(), p => p.Contains("prefix length", StringComparison.Ordinal));
        Assert.Contains(new ServerOptions { RtJamRooms = [0], RtJamAllow = ["any", "10.0.0.0/8"] }.Problems(), p => p.Contains("only entry", StringComparison.Ordinal));
        Assert.Contains(new ServerOptions { RtJamRooms = [0, 0], RtJamAllow = ["any"] }.Problems(), p => p.Contains("more than once", StringComparison.Ordinal));
    }

    [Fact]
    public void TheAllowListMatchesPrefixesOfRawAddresses()
    {
        var list = Rooms.RtJamAllowList.TryParse(["192.168.0.0/16", "10.1.2.3", "fd00::/8"], out var problem)!;
        Assert.Null(problem);
        bool Allows(string endpoint)
        {
            var sa = System.Net.IPEndPoint.Parse(endpoint).Serialize();
            var raw = new byte[sa.Size];
            for (int i = 0; i < sa.Size; i++)
            {
                raw[i] = sa[i];
            }

            return list.Allows(raw);
        }

        Assert.True(Allows("192.168.44.5:4000"));
        Assert.False(Allows("192.169.0.1:4000"));
        Assert.True(Allows("10.1.2.3:1"));
        Assert.False(Allows("10.1.2.4:1"));
        Assert.True(Allows("[fd12::1]:5"));
        Assert.False(Allows("[fe80::1]:5"));
        Assert.True(Allows("[::ffff:192.168.1.1]:5")); // an IPv4 client of a dual-mode socket
        Assert.False(Allows("127.0.0.1:5"));
    }
}
