using Octomix.Protocol;
using Octomix.Dsp;
using Octomix.Server.Mixing;

namespace Octomix.Server.Tests;

/// <summary>
/// A 44.1 kHz member in a 48 kHz room: accepted, forwarded untouched to those who take it as it
/// is, resampled once for the mixes and for the members that want the room rate (compared
/// sample for sample with the same resampler run offline), and its own personal mix made at the
/// room rate and resampled to its rate.
/// </summary>
public class SampleRateTests
{
    private const int Frames = 64;

    [Fact]
    public void AJoinAtARateTheResamplerCannotServeIsRejectedAndA441MemberIsAccepted()
    {
        using var server = TestServer.Start();
        using var odd = new TestPeer(server.Ports[0], "odd");
        var answer = odd.JoinRaw(odd.NewJoin(TestServer.Code, rate: 48001));
        Assert.Equal((byte)MessageType.Reject, answer[3]);
        var reject = new RejectMessage();
        Assert.Equal(DecodeResult.Ok, reject.Read(answer, 0, answer.Length));
        Assert.Equal(RejectReason.UnsupportedFormat, reject.Reason);

        using var cd = new TestPeer(server.Ports[0], "cd");
        var accept = cd.Join(rate: 44100);
        Assert.Equal(48000, accept.SampleRate); // the Accept carries the room's rate
    }

    [Theory]
    [MemberData(nameof(TestServer.IoModes), MemberType = typeof(TestServer))]
    public void MembersThatWantTheRoomRateGetTheResampledStreamAndTheOthersTheOriginal(string io)
    {
        using var server = TestServer.Start(io);
        using var cd = new TestPeer(server.Ports[0], "cd");
        using var plain = new TestPeer(server.Ports[0], "plain");
        using var wants = new TestPeer(server.Ports[0], "wants");
        cd.Join(rate: 44100);
        plain.Join();
        wants.Join(capabilities: JoinCapabilities.WantsRoomRate);

        const int Packets = 40;
        var stream = Sine(Packets * Frames, 44100, 997, 12000, 2);
        var originals = new List<byte[]>();
        for (int k = 0; k < Packets; k++)
        {
            originals.Add(cd.SendAudio(stream.AsSpan(k * Frames * 2, Frames * 2).ToArray(), 2, (uint)k, 1000 + (k * Frames)));
        }

        // untouched for the member that did not ask: byte for byte, token blanked
        var got = plain.Sync().Where(d => TestServer.Type(d) == (byte)MessageType.Audio).ToList();
        Assert.Equal(Packets, got.Count);
        for (int k = 0; k < Packets; k++)
        {
            var expected = (byte[])originals[k].Clone();
            Message.WriteToken(expected, 0, 0);
            Assert.Equal(expected, got[k]);
        }

        // resampled for the member that wants 48 kHz: contiguous timecodes from 1000·48000/44100,
        // the same samples the resampler gives offline for the same packets
        var reference = Offline(stream, 44100, 48000, 2, Frames);
        var converted = wants.Sync().Where(d => TestServer.Type(d) == (byte)MessageType.Audio).ToList();
        var packet = new AudioPacket();
        long next = (long)Math.Floor(1000 * 48000.0 / 44100);
        int at = 0;
        uint sequence = 0;
        foreach (var d in converted)
        {
            Assert.Equal(DecodeResult.Ok, packet.Read(d, 0, d.Length));
            Assert.Equal(cd.Slot, packet.SourceSlot);
            Assert.Equal(0u, packet.Token);
            Assert.Equal(sequence++, packet.Sequence);
            Assert.Equal(next, packet.Timecode);
            Assert.Equal(2, packet.Channels);
            Assert.Equal((byte)SampleFormat.S16, packet.Format);
            var samples = PersonalMixTests.Shorts(d, packet.PayloadOffset, packet.FrameCount * 2);
            Assert.Equal(reference.AsSpan(at * 2, samples.Length).ToArray(), samples);
            next += packet.FrameCount;
            at += packet.FrameCount;
        }

        Assert.Equal(reference.Length / 2, at);
        Assert.True(at > Packets * Frames * 48000 / 44100 - 100, $"{at} frames converted");
    }

    [Fact]
    public void The441MembersStreamIsResampledIntoTheMixesOfTheOthers()
    {
        using var server = TestServer.Start();
        using var cd = new TestPeer(server.Ports[0], "cd");
        using var listener = new TestPeer(server.Ports[0], "listener");
        cd.Join(rate: 44100);
        listener.Join(capabilities: JoinCapabilities.WantsPersonalMix);

        // cd streams 1 kHz at 44.1 kHz; the listener clocks its mix with 48 kHz packets of its own
        int cdFrames = 0, listenerFrames = 0;
        var stream = Sine(441 * 100, 44100, 1000, 16000, 2);
        var silence = new short[Frames * 2];
        var mix = new List<short>();
        uint cdSeq = 0, ownSeq = 0;
        while (listenerFrames < 48000)
        {
            while ((long)cdFrames * 48000 < ((long)listenerFrames + Frames) * 44100 && cdFrames + Frames <= stream.Length / 2)
            {
                cd.SendAudio(stream.AsSpan(cdFrames * 2, Frames * 2).ToArray(), 2, cdSeq++, cdFrames);
                cdFrames += Frames;
            }

            listener.SendAudio(silence, 2, ownSeq++, listenerFrames);
            listenerFrames += Frames;
            if (ownSeq % 50 == 0)
            {
                mix.AddRange(MixSamples(listener.Sync()));
            }
        }

        mix.AddRange(MixSamples(listener.Sync()));
        Assert.Equal(48000 * 2, mix.Count);

        // a clean 1 kHz at 48 kHz once the FIFO primed (the first few packets are silence)
        var left = mix.Where((_, i) => i % 2 == 0).Select(v => (double)v).ToArray();
        int first = Array.FindIndex(left, v => v != 0);
        Assert.InRange(first, 1, 1000);
        var (amplitude, residualDb) = Fit(left.AsSpan(first + 200, 40000), 48000, 1000);
        Assert.InRange(amplitude, 15900, 16100);
        Assert.True(residualDb < -75, $"residual {residualDb:F1} dB");
        Assert.Equal(0, server.GetStatus().Rooms[0].LoopFaults);
    }

    [Fact]
    public void A441ListenersPersonalMixIsMadeAtItsRateOnePacketForEachOfItsOwn()
    {
        using var server = TestServer.Start();
        using var box = new TestPeer(server.Ports[0], "box");
        using var cd = new TestPeer(server.Ports[0], "cd");
        box.Join();
        cd.Join(rate: 44100, capabilities: JoinCapabilities.WantsPersonalMix);

        var stream = Sine(48000, 48000, 1000, 16000, 2);
        var silence = new short[Frames * 2];
        int boxFrames = 0, cdFrames = 0;
        uint boxSeq = 0, cdSeq = 0;
        var packets = new List<byte[]>();
        while (cdFrames < 44100 - Frames)
        {
            while ((long)boxFrames * 44100 < ((long)cdFrames + Frames) * 48000 && boxFrames + Frames <= 48000)
            {
                box.SendAudio(stream.AsSpan(boxFrames * 2, Frames * 2).ToArray(), 2, boxSeq++, boxFrames);
                boxFrames += Frames;
            }

            cd.SendAudio(silence, 2, cdSeq, 7000 + cdFrames);
            cdSeq++;
            cdFrames += Frames;
            if (cdSeq % 50 == 0)
            {
                packets.AddRange(cd.Sync().Where(d => TestServer.Type(d) == (byte)MessageType.Audio));
            }
        }

        packets.AddRange(cd.Sync().Where(d => TestServer.Type(d) == (byte)MessageType.Audio));
        Assert.Equal((int)cdSeq, packets.Count);
        var packet = new AudioPacket();
        var left = new List<double>();
        for (int k = 0; k < packets.Count; k++)
        {
            Assert.Equal(DecodeResult.Ok, packet.Read(packets[k], 0, packets[k].Length));
            Assert.Equal(Slot.Server, packet.SourceSlot);
            Assert.Equal(7000 + (k * Frames), packet.Timecode); // its own timecode
            Assert.Equal(Frames, packet.FrameCount);            // its own packet size, at its rate
            var s = PersonalMixTests.Shorts(packets[k], packet.PayloadOffset, Frames * 2);
            for (int f = 0; f < Frames; f++)
            {
                left.Add(s[2 * f]);
            }
        }

        int first = left.FindIndex(v => v != 0);
        Assert.InRange(first, 1, 1000);
        var (amplitude, residualDb) = Fit(left.ToArray().AsSpan(first + 200, 40000), 44100, 1000);
        Assert.InRange(amplitude, 15900, 16100);
        Assert.True(residualDb < -75, $"residual {residualDb:F1} dB");
    }

    internal static short[] Sine(int frames, int rate, double hz, double amplitude, int channels)
    {
        var s = new short[frames * channels];
        for (int n = 0; n < frames; n++)
        {
            for (int c = 0; c < channels; c++)
            {
                s[(n * channels) + c] = (short)Math.Round((c == 0 ? 1 : -1) * amplitude * Math.Sin(2 * Math.PI * hz * n / rate));
            }
        }

        return s;
    }

    /// <summary>The resampler run offline on the same packets.</summary>
    internal static short[] Offline(short[] stream, int from, int to, int channels, int packetFrames)
    {
        var r = new PolyphaseResampler(from, to, channels);
        var output = new List<short>();
        var buffer = new short[r.MaxOutputFor(packetFrames) * channels];
        for (int at = 0; at + packetFrames <= stream.Length / channels; at += packetFrames)
        {
            int n = r.Process(stream.AsSpan(at * channels, packetFrames * channels), packetFrames, buffer);
            output.AddRange(buffer.AsSpan(0, n * channels).ToArray());
        }

        return [.. output];
    }

    private static IEnumerable<short> MixSamples(List<byte[]> datagrams)
    {
        var packet = new AudioPacket();
        foreach (var d in datagrams.Where(d => TestServer.Type(d) == (byte)MessageType.Audio))
        {
            Assert.Equal(DecodeResult.Ok, packet.Read(d, 0, d.Length));
            foreach (var s in PersonalMixTests.Shorts(d, packet.PayloadOffset, packet.FrameCount * 2))
            {
                yield return s;
            }
        }
    }

    /// <summary>Least-squares amplitude of a sine at <paramref name="hz"/>, and the residual in dB of it.</summary>
    internal static (double Amplitude, double ResidualDb) Fit(ReadOnlySpan<double> x, int rate, double hz)
    {
        double ss = 0, sc = 0, cc = 0, ys = 0, yc = 0;
        for (int n = 0; n < x.Length; n++)
        {
            double s = Math.Sin(2 * Math.PI * hz * n / rate), c = Math.Cos(2 * Math.PI * hz * n / rate);
            ss += s * s; sc += s * c; cc += c * c; ys += x[n] * s; yc += x[n] * c;
        }

        double det = (ss * cc) - (sc * sc);
        double a = ((ys * cc) - (yc * sc)) / det, b = ((yc * ss) - (ys * sc)) / det;
        double err = 0, sig = 0;
        for (int n = 0; n < x.Length; n++)
        {
            double fit = (a * Math.Sin(2 * Math.PI * hz * n / rate)) + (b * Math.Cos(2 * Math.PI * hz * n / rate));
            err += (x[n] - fit) * (x[n] - fit);
            sig += fit * fit;
        }

        return (Math.Sqrt((a * a) + (b * b)), 10 * Math.Log10(err / sig));
    }
}
