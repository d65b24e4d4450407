using Octomix.Protocol;

namespace Octomix.Server.Tests;

/// <summary>
/// Members at 64, 128 and 256 frames per packet in one room: forwarding is untouched (each
/// packet byte for byte, at its own size), and the personal mixes re-block every source to the
/// listener's own packet size — sample for sample what the documented jitter-FIFO rule gives
/// (a model of it below, fed the same sends in the same order).
/// </summary>
public class MixedFrameSizeTests
{
    [Theory]
    [MemberData(nameof(TestServer.IoModes), MemberType = typeof(TestServer))]
    public void PersonalMixesReblockSourcesOfEverySizeToTheListenersPacketsExactly(string io)
    {
        using var server = TestServer.Start(io);
        int[] sizes = [64, 128, 256];
        var sources = sizes.Select(n => new TestPeer(server.Ports[0], "src" + n)).ToArray();
        using var small = new TestPeer(server.Ports[0], "listener64");
        using var large = new TestPeer(server.Ports[0], "listener256");
        using var mixer = new TestPeer(server.Ports[0], "pc");
        try
        {
            for (int i = 0; i < sources.Length; i++)
            {
                sources[i].Join(framesPerPacket: sizes[i]);
            }

            small.Join(capabilities: JoinCapabilities.WantsPersonalMix, framesPerPacket: 64);
            large.Join(capabilities: JoinCapabilities.WantsPersonalMix, framesPerPacket: 256);
            mixer.Join(capabilities: JoinCapabilities.CanMix);

            // x_i(t): a different pseudo-random stereo signal per source, by timecode
            static short X(int source, long t, int c) => (short)((((t * 7919) + (source * 104729) + (c * 31)) % 16001) - 8000);
            var models = sizes.Select(n => new RingModel(n)).ToArray();
            var smallReaders = sizes.Select(_ => new ReaderModel()).ToArray();
            var largeReaders = sizes.Select(_ => new ReaderModel()).ToArray();
            var expectedSmall = new List<short[]>();
            var expectedLarge = new List<short[]>();
            var sent = new List<byte[]>();
            const int Rounds = 12;
            uint ownSmall = 0, ownLarge = 0;
            var silence64 = new short[64 * 2];
            var silence256 = new short[256 * 2];
            for (int r = 0; r < Rounds; r++)
            {
                // every source sends the round's 256 frames in its own packet size
                for (int i = 0; i < sources.Length; i++)
                {
                    for (int at = 0; at < 256; at += sizes[i])
                    {
                        long t = (r * 256L) + at;
                        var s = TestServer.Samples(sizes[i], 2, (f, c) => X(i, t + f, c));
                        sent.Add(sources[i].SendAudio(s, 2, (uint)(t / sizes[i]), t));
                        models[i].WriteEnd = t + sizes[i];
                    }
                }

                // then the 64-frame listener's four packets (a mix of 64 frames each), and the 256-frame one's
                for (int k = 0; k < 4; k++)
                {
                    small.SendAudio(silence64, 2, ownSmall, 100_000 + (ownSmall * 64L));
                    ownSmall++;
                    expectedSmall.Add(Mix(models, smallReaders, 64, X));
                }

                large.SendAudio(silence256, 2, ownLarge, 200_000 + (ownLarge * 256L));
                ownLarge++;
                expectedLarge.Add(Mix(models, largeReaders, 256, X));
            }

            AssertMixes(small.Sync(), expectedSmall, 64, 100_000);
            AssertMixes(large.Sync(), expectedLarge, 256, 200_000);
            Assert.Contains(expectedSmall, m => m.Any(v => v != 0));
            Assert.Contains(expectedLarge[^1], v => v != 0);

            // forwarding is unchanged: the PC gets every packet as sent (token blanked), in its own size
            var forwarded = mixer.Sync().Where(d => TestServer.Type(d) == (byte)MessageType.Audio && d[8] != small.Slot && d[8] != large.Slot).ToList();
            Assert.Equal(sent.Count, forwarded.Count);
            for (int k = 0; k < sent.Count; k++)
            {
                var expected = (byte[])sent[k].Clone();
                Message.WriteToken(expected, 0, 0);
                Assert.Equal(expected, forwarded[k]);
            }

            var status = server.GetStatus().Rooms[0];
            Assert.Equal(0, status.LoopFaults);
        }
        finally
        {
            foreach (var s in sources)
            {
                s.Dispose();
            }
        }
    }

    [Fact]
    public void TheRoomMixReblocksSourcesOfEverySizeTo20MsChunks()
    {
        // three jammers at 64, 128, 256 frames, streaming in real time constants 1000, 2000, 4000
        // (left; the negatives right): every frame of the room mix is the sum of the sources being
        // read, and once all are read, exactly 7000/−7000
        var dir = Directory.CreateTempSubdirectory("octomix-mixed-").FullName;
        try
        {
            string file = Path.Combine(dir, "room.pcm");
            int[] sizes = [64, 128, 256];
            using (var server = TestServer.Start(tweak: o => o with { RoomMixTarget = file }))
            {
                var peers = sizes.Select(n => new TestPeer(server.Ports[0], "src" + n)).ToArray();
                try
                {
                    for (int i = 0; i < peers.Length; i++)
                    {
                        peers[i].Join(framesPerPacket: sizes[i]);
                    }

                    var clock = System.Diagnostics.Stopwatch.StartNew();
                    var sent = new long[3];
                    while (clock.Elapsed < TimeSpan.FromSeconds(1.5))
                    {
                        long due = (long)(clock.Elapsed.TotalSeconds * 48000) + 512;
                        for (int i = 0; i < peers.Length; i++)
                        {
                            while (sent[i] < due)
                            {
                                int value = 1000 << i;
                                peers[i].SendAudio(TestServer.Samples(sizes[i], 2, (f, c) => c == 0 ? value : -value), 2, (uint)(sent[i] / sizes[i]), sent[i]);
                                sent[i] += sizes[i];
                            }
                        }

                        Thread.Sleep(1);
                    }
                }
                finally
                {
                    foreach (var p in peers)
                    {
                        p.Dispose();
                    }
                }
            }

            var bytes = File.ReadAllBytes(file);
            Assert.Equal(0, bytes.Length % 3840);
            int full = 0;
            for (int i = 0; i + 4 <= bytes.Length; i += 4)
            {
                short l = BitConverter.ToInt16(bytes, i), r = BitConverter.ToInt16(bytes, i + 2);
                Assert.True(l == -r && l >= 0 && l <= 7000 && l % 1000 == 0, $"frame {i / 4}: {l}/{r}");
                full += l == 7000 ? 1 : 0;
            }

            Assert.True(full > 48000 / 2, $"only {full} frames of all three sources");
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private static void AssertMixes(List<byte[]> datagrams, List<short[]> expected, int frames, long firstTimecode)
    {
        var mixes = datagrams.Where(d => TestServer.Type(d) == (byte)MessageType.Audio).ToList();
        Assert.Equal(expected.Count, mixes.Count);
        var packet = new AudioPacket();
        for (int k = 0; k < mixes.Count; k++)
        {
            Assert.Equal(DecodeResult.Ok, packet.Read(mixes[k], 0, mixes[k].Length));
            Assert.Equal(Slot.Server, packet.SourceSlot);
            Assert.Equal(frames, packet.FrameCount);
            Assert.Equal(firstTimecode + (k * frames), packet.Timecode);
            var got = PersonalMixTests.Shorts(mixes[k], packet.PayloadOffset, frames * 2);
            for (int i = 0; i < got.Length; i++)
            {
                Assert.True(expected[k][i] == got[i], $"{frames}-frame mix {k}, sample {i}: expected {expected[k][i]}, got {got[i]}");
            }
        }
    }

    /// <summary>One listener read of <paramref name="frames"/> from every source, by the jitter-FIFO rule (docs/server.md, Personal mix).</summary>
    private static short[] Mix(RingModel[] rings, ReaderModel[] readers, int frames, Func<int, long, int, short> x)
    {
        var sum = new long[frames * 2];
        for (int i = 0; i < rings.Length; i++)
        {
            var ring = rings[i];
            var reader = readers[i];
            int target = frames + (2 * ring.PacketFrames);
            int max = target + frames + (6 * ring.PacketFrames);
            if (!reader.Started)
            {
                reader.Started = true;
                reader.Position = Math.Max(0, ring.WriteEnd - target);
                reader.Priming = true;
            }

            long available = ring.WriteEnd - reader.Position;
            if (reader.Priming)
            {
                if (available < target)
                {
                    continue;
                }

                reader.Priming = false;
            }

            if (available > max)
            {
                reader.Position = ring.WriteEnd - target;
                available = target;
            }

            int n = (int)Math.Min(available, frames);
            for (int f = 0; f < n; f++)
            {
                sum[2 * f] += x(i, reader.Position + f, 0);
                sum[(2 * f) + 1] += x(i, reader.Position + f, 1);
            }

            reader.Position += n;
            reader.Priming = n < frames;
        }

        return sum.Select(v => (short)Math.Clamp(v, short.MinValue, short.MaxValue)).ToArray();
    }

    private sealed class RingModel(int packetFrames)
    {
        public int PacketFrames { get; } = packetFrames;

        public long WriteEnd { get; set; }
    }

    private sealed class ReaderModel
    {
        public bool Started;
        public bool Priming;
        public long Position;
    }
}
