using Octomix.Protocol;
using Octomix.Server.Mixing;
using Octomix.Server.Rooms;

namespace Octomix.Server.Tests;

/// <summary>The jitter FIFO and the per-slot figures, on their own.</summary>
public class MixingUnitTests
{
    private const int Frames = 64;

    [Fact]
    public void TheFifoPrimesToItsTargetThenDeliversInOrder()
    {
        var ring = new SourceRing();
        var reader = new RingReader();
        var acc = new long[Frames * 2];
        for (int p = 0; p < 3; p++)
        {
            Write(ring, p, 100 + p);
            Array.Clear(acc);
            ring.MixInto(reader, acc, Frames, 1, 1, targetFrames: 3 * Frames, maxFrames: 10 * Frames);
        }

        // primed after the third packet: it reads the first
        Assert.All(acc, v => Assert.Equal(100, v));
        Write(ring, 3, 103);
        Array.Clear(acc);
        ring.MixInto(reader, acc, Frames, 2, 2, 3 * Frames, 10 * Frames);
        Assert.All(acc, v => Assert.Equal(202, v));
        Assert.Equal(0, reader.Underruns);
    }

    [Fact]
    public void AnUnderrunFillsSilenceCountsAndPrimesAgain()
    {
        var ring = new SourceRing();
        var reader = new RingReader();
        var acc = new long[Frames * 2];
        Write(ring, 0, 7);
        ring.MixInto(reader, acc, Frames, 1, 1, Frames, 4 * Frames); // reads packet 0
        Array.Clear(acc);
        ring.MixInto(reader, acc, Frames, 1, 1, Frames, 4 * Frames); // nothing new
        Assert.All(acc, v => Assert.Equal(0, v));
        Assert.Equal(1, reader.Underruns);

        // still priming: nothing until the target is buffered again, then it resumes where it was
        Write(ring, 1, 8);
        Write(ring, 2, 9);
        ring.MixInto(reader, acc, Frames, 1, 1, 2 * Frames, 4 * Frames);
        Assert.All(acc, v => Assert.Equal(8, v));
        Assert.Equal(1, reader.Underruns);
    }

    [Fact]
    public void AFasterSourceOverrunsTheBoundAndTheOldestAudioIsDropped()
    {
        var ring = new SourceRing();
        var reader = new RingReader();
        var acc = new long[Frames * 2];
        Write(ring, 0, 1);
        ring.MixInto(reader, acc, Frames, 1, 1, Frames, 3 * Frames);
        for (int p = 1; p <= 5; p++)
        {
            Write(ring, p, 10 + p); // five packets arrive for one read: a drifting or bursting clock
        }

        Array.Clear(acc);
        ring.MixInto(reader, acc, Frames, 1, 1, Frames, 3 * Frames);
        Assert.Equal(1, reader.Overruns);
        Assert.All(acc, v => Assert.Equal(15, v)); // skipped to the newest target's worth
    }

    [Fact]
    public void LostPacketsReadAsSilenceAndALatePacketStillFillsItsPlace()
    {
        var ring = new SourceRing();
        var reader = new RingReader();
        var acc = new long[Frames * 2];
        Write(ring, 0, 1);
        var seen = new List<long>();
        ring.MixInto(reader, acc, Frames, 1, 1, Frames, 8 * Frames);
        seen.Add(acc[0]);
        Write(ring, 2, 3); // packet 1 missing for now
        Assert.Equal(Frames, ring.GapFrames);
        Write(ring, 3, 4);
        Write(ring, 1, 2); // arrives late, before anyone read it
        for (int p = 1; p < 4; p++)
        {
            Array.Clear(acc);
            ring.MixInto(reader, acc, Frames, 1, 1, Frames, 8 * Frames);
            seen.Add(acc[0]);
        }

        Assert.Equal([1L, 2, 3, 4], seen);
    }

    [Fact]
    public void ATimecodeJumpStartsANewTimelineAndReadersFollowIt()
    {
        var ring = new SourceRing();
        var reader = new RingReader();
        var acc = new long[Frames * 2];
        Write(ring, 0, 1);
        ring.MixInto(reader, acc, Frames, 1, 1, Frames, 8 * Frames);
        ring.Write(-96000, Packet(5), AudioPacket.HeaderLength, Frames, 2, (byte)SampleFormat.S16); // a take's count-in
        Assert.Equal(1, ring.Restarts);
        Array.Clear(acc);
        ring.MixInto(reader, acc, Frames, 1, 1, Frames, 8 * Frames);
        Assert.All(acc, v => Assert.Equal(5, v));
    }

    [Fact]
    public void SequenceFiguresTellLossReorderingAndDuplicates()
    {
        var stats = new SlotStatistics();
        var audio = new AudioPacket();
        foreach (uint seq in new uint[] { 10, 11, 13, 12, 12, 16, 17, 17 })
        {
            var d = Packet(0, seq, seq * Frames);
            Assert.Equal(DecodeResult.Ok, audio.Read(d, 0, d.Length));
            stats.OnAudio(d, 0, audio, seq * Frames);
        }

        Assert.Equal(8, stats.Expected);  // 10..17
        Assert.Equal(6, stats.Received);  // 10 11 12 13 16 17
        Assert.Equal(2, stats.Lost);      // 14 15
        Assert.Equal(1, stats.Reordered); // 12 after 13
        Assert.Equal(2, stats.Duplicates);
        Assert.Equal(0, stats.JitterSamples); // arrivals exactly on the media clock
    }

    [Fact]
    public void JitterFollowsRfc3550()
    {
        var stats = new SlotStatistics();
        var audio = new AudioPacket();
        double[] arrivals = [0, 64 + 32, 128, 192 + 16];
        double expected = 0;
        double lastTransit = 0;
        for (int i = 0; i < arrivals.Length; i++)
        {
            var d = Packet(0, (uint)i, i * Frames);
            audio.Read(d, 0, d.Length);
            stats.OnAudio(d, 0, audio, arrivals[i]);
            double transit = arrivals[i] - (i * Frames);
            if (i > 0)
            {
                expected += (Math.Abs(transit - lastTransit) - expected) / 16;
            }

            lastTransit = transit;
        }

        Assert.Equal(expected, stats.JitterSamples, 9);
        Assert.True(stats.JitterSamples > 0);
    }

    private static void Write(SourceRing ring, int packet, int value) =>
        ring.Write(packet * Frames, Packet((short)value), AudioPacket.HeaderLength, Frames, 2, (byte)SampleFormat.S16);

    private static byte[] Packet(short value, uint seq = 0, long timecode = 0)
    {
        var samples = Enumerable.Repeat(value, Frames * 2).ToArray();
        var payload = new byte[samples.Length * 2];
        Buffer.BlockCopy(samples, 0, payload, 0, payload.Length);
        var p = new AudioPacket { Sequence = seq, Timecode = timecode, FrameCount = Frames, Channels = 2, Token = 1, SourceSlot = 0 };
        var b = new byte[p.Length];
        p.Write(b, 0, payload, 0);
        return b;
    }
}
