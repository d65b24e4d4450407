using Octomix.Protocol;

namespace Octomix.Server.Tests;

/// <summary>The server-made mix for a jammer that cannot mix: exact sample values.</summary>
public class PersonalMixTests
{
    [Theory]
    [MemberData(nameof(TestServer.IoModes), MemberType = typeof(TestServer))]
    public void ThePersonalMixIsTheSaturatedGainWeightedSumOfTheOthersExactly(string io)
    {
        using var server = TestServer.Start(io);
        using var a = new TestPeer(server.Ports[0], "a");
        using var b = new TestPeer(server.Ports[0], "b");
        using var d = new TestPeer(server.Ports[0], "d");
        using var m = new TestPeer(server.Ports[0], "mono");
        using var listener = new TestPeer(server.Ports[0], "listener");
        a.Join();
        b.Join(format: (byte)SampleFormat.S24);
        d.Join(format: (byte)SampleFormat.S32);
        m.Join(channels: 1);
        listener.Join();

        var levels = new MixLevelsMessage { MessageId = listener.NewMessageId(), Enable = true };
        levels.Gains[a.Slot] = 512;      // ×2: saturates
        levels.Gains[b.Slot] = 128;      // ×0.5: negative values truncate toward zero
        levels.Gains[d.Slot] = 300;
        levels.Gains[m.Slot] = 0;        // muted
        levels.Gains[listener.Slot] = 256; // own slot: never mixed back
        listener.Send(levels);
        var ack = JoinTests.Decode<AckMessage>(listener.ReceiveType(MessageType.Ack));
        Assert.Equal(levels.MessageId, ack.AckedId);
        Assert.Equal(AckResult.Ok, ack.Result);

        const int Frames = 64;
        const int Rounds = 12;
        var expected = new List<short[]>();
        var mixes = new List<byte[]>();
        for (int r = 0; r < Rounds; r++)
        {
            var sa = TestServer.Samples(Frames, 2, (f, c) => (((f * 997) + (r * 131) + (c * 7)) % 65536) - 32768);
            var s24 = Values(Frames * 2, i => ((i * 104729) + (r * 7919)) % (1 << 24) - (1 << 23));
            var s32 = Values(Frames * 2, i => (int)((((long)i * 2654435761L) + (r * 40503L)) % uint.MaxValue) - int.MaxValue);
            var sm = TestServer.Samples(Frames, 1, (f, c) => 30000);
            var own = TestServer.Samples(Frames, 2, (f, c) => 32767);

            a.SendAudio(sa, 2, (uint)r, r * Frames);
            b.Send(Raw(b, Pack(s24, 3), 2, SampleFormat.S24, Frames, (uint)r, r * Frames));
            d.Send(Raw(d, Pack(s32, 4), 2, SampleFormat.S32, Frames, (uint)r, r * Frames));
            m.SendAudio(sm, 1, (uint)r, r * Frames);
            listener.SendAudio(own, 2, (uint)r, 5000 + (r * Frames)); // clocks the mix: one back per packet

            var mix = new short[Frames * 2];
            for (int i = 0; i < mix.Length; i++)
            {
                long sum = (512L * sa[i]) + (128L * (short)(s24[i] >> 8)) + (300L * (short)(s32[i] >> 16));
                mix[i] = (short)Math.Clamp(sum / 256, short.MinValue, short.MaxValue);
            }

            expected.Add(mix);
        }

        mixes.AddRange(listener.Sync().Where(x => TestServer.Type(x) == (byte)MessageType.Audio));

        // no forwarded streams for a listener with a personal mix: only the server's packets
        Assert.Equal(Rounds, mixes.Count);
        var packet = new AudioPacket();
        int firstAudible = -1;
        for (int k = 0; k < mixes.Count; k++)
        {
            Assert.Equal(DecodeResult.Ok, packet.Read(mixes[k], 0, mixes[k].Length));
            Assert.Equal(Slot.Server, packet.SourceSlot);
            Assert.Equal(listener.Slot, packet.DestinationSlot);
            Assert.Equal(AudioFlags.Mix, packet.Flags);
            Assert.Equal(0u, packet.Token);
            Assert.Equal((uint)k, packet.Sequence);
            Assert.Equal(5000 + (k * Frames), packet.Timecode);
            Assert.Equal(Frames, packet.FrameCount);
            Assert.Equal(2, packet.Channels);
            Assert.Equal((byte)SampleFormat.S16, packet.Format);
            var samples = Shorts(mixes[k], packet.PayloadOffset, Frames * 2);
            if (firstAudible < 0 && samples.Any(s => s != 0))
            {
                firstAudible = k;
            }

            if (firstAudible >= 0)
            {
                var exp = expected[k - firstAudible];
                for (int i = 0; i < exp.Length; i++)
                {
                    if (exp[i] != samples[i])
                    {
                        var prev = Shorts(mixes[k - 1], AudioPacket.HeaderLength, Frames * 2);
                        Assert.Fail($"packet {k} (round {k - firstAudible}) sample {i}: expected {exp[i]} got {samples[i]}; first audible {firstAudible}; e0..3={string.Join(",", expected.Take(4).Select(e => e[i]))} prev={string.Join(",", prev.Take(20))} now={string.Join(",", samples.Take(20))} exp0={string.Join(",", expected[0].Take(20))}");
                    }
                }
            }
            else
            {
                Assert.All(samples, s => Assert.Equal(0, s));
            }
        }

        // the jitter FIFO starts reading once one read plus 2 packets (the default) are buffered
        Assert.Equal(2, firstAudible);
        Assert.Contains(expected[0], s => s == short.MaxValue);
        Assert.Contains(expected[0], s => s == short.MinValue);

        // the others still get plain forwards, including the listener's own stream
        Assert.Equal(Rounds * 4, a.Sync().Count(x => TestServer.Type(x) == (byte)MessageType.Audio));
    }

    [Fact]
    public void TurningThePersonalMixOffBringsTheForwardedStreamsBack()
    {
        using var server = TestServer.Start();
        using var a = new TestPeer(server.Ports[0], "a");
        using var listener = new TestPeer(server.Ports[0], "listener");
        a.Join();
        listener.Join(capabilities: JoinCapabilities.WantsPersonalMix);

        a.SendAudio(new short[128], 2, 0, 0);
        Assert.DoesNotContain(listener.Sync(), x => TestServer.Type(x) == (byte)MessageType.Audio && x[8] == a.Slot);

        listener.Send(new MixLevelsMessage { MessageId = listener.NewMessageId(), Enable = false });
        listener.ReceiveType(MessageType.Ack);
        a.SendAudio(new short[128], 2, 1, 64);
        Assert.Single(listener.Sync(), x => TestServer.Type(x) == (byte)MessageType.Audio && x[8] == a.Slot);
    }

    [Fact]
    public void AListenerThatSendsNoAudioGetsItsMixOnTheServersClock()
    {
        using var server = TestServer.Start();
        using var a = new TestPeer(server.Ports[0], "a");
        using var listener = new TestPeer(server.Ports[0], "listener");
        a.Join();
        listener.Join(capabilities: JoinCapabilities.WantsPersonalMix, framesPerPacket: 240);

        // a streams a constant 1000 paced in real time (the server clocks the listener's mix once
        // the listener has sent no audio for 500 ms)
        var start = DateTime.UtcNow;
        var samples = TestServer.Samples(240, 2, (f, c) => 1000);
        int audible = 0;
        int mixPackets = 0;
        for (uint seq = 0; seq < 1000 && audible < 10; seq++)
        {
            a.SendAudio(samples, 2, seq, seq * 240);
            while (DateTime.UtcNow - start < TimeSpan.FromMilliseconds(5 * (seq + 1)))
            {
                var d = listener.Receive(TimeSpan.FromMilliseconds(1));
                if (d != null && TestServer.Type(d) == (byte)MessageType.Audio)
                {
                    mixPackets++;
                    Assert.Equal(AudioFlags.Mix, d[10]);
                    Assert.Equal(240, d[28] | (d[29] << 8));
                    var values = Shorts(d, AudioPacket.HeaderLength, 480);
                    Assert.All(values, v => Assert.True(v == 0 || v == 1000, "mix sample " + v));
                    audible += values.All(v => v == 1000) ? 1 : 0;
                }
            }
        }

        Assert.True(audible >= 10, $"expected whole packets of the mix; got {audible} of {mixPackets}");
    }

    internal static byte[] Raw(TestPeer peer, byte[] payload, int channels, SampleFormat format, int frames, uint sequence, long timecode)
    {
        var packet = new AudioPacket
        {
            Token = peer.Token, SourceSlot = peer.Slot, Sequence = sequence, Timecode = timecode, FrameCount = frames,
            Channels = channels, Format = (byte)format,
        };
        var bytes = new byte[packet.Length];
        packet.Write(bytes, 0, payload, 0);
        return bytes;
    }

    internal static int[] Values(int n, Func<int, int> f) => Enumerable.Range(0, n).Select(f).ToArray();

    internal static byte[] Pack(int[] values, int bytesPerSample)
    {
        var b = new byte[values.Length * bytesPerSample];
        for (int i = 0; i < values.Length; i++)
        {
            for (int k = 0; k < bytesPerSample; k++)
            {
                b[(i * bytesPerSample) + k] = (byte)(values[i] >> (8 * k));
            }
        }

        return b;
    }

    internal static short[] Shorts(byte[] d, int offset, int count)
    {
        var s = new short[count];
        Buffer.BlockCopy(d, offset, s, 0, count * 2);
        return s;
    }
}
