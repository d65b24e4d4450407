using Octomix.Desk.Monitor;
using Octomix.Protocol;

namespace Octomix.Console.Tests;

public class MonitorBufferTests
{
    private const int Capacity = 1 << 16;

    private static byte[] S16(params short[] samples)
    {
        var bytes = new byte[samples.Length * 2];
        for (int i = 0; i < samples.Length; i++)
        {
            bytes[2 * i] = (byte)samples[i];
            bytes[(2 * i) + 1] = (byte)(samples[i] >> 8);
        }

        return bytes;
    }

    private static byte[] Frames(int frames, short value = 1000) => S16(Enumerable.Repeat(value, frames * 2).ToArray());

    private static float Value(TimecodeTrackBuffer buffer, long t)
    {
        lock (buffer.SyncRoot)
        {
            return buffer.GetLocked(t);
        }
    }

    [Fact]
    public void DecodesEveryFormatAndSumsChannels()
    {
        var buffer = new TimecodeTrackBuffer(Capacity);
        buffer.Write(0, S16(16384, -8192, -32768, 0), 2, SampleFormat.S16);
        Assert.Equal(0.25f, Value(buffer, 0));
        Assert.Equal(-1f, Value(buffer, 1));

        // s24 packed little-endian: 0x400000 = +0.5, 0xC00000 = -0.5, 0x7FFFFF ~ +1
        buffer.Write(10, [0x00, 0x00, 0x40, 0x00, 0x00, 0xC0, 0xFF, 0xFF, 0x7F], 1, SampleFormat.S24);
        Assert.Equal(0.5f, Value(buffer, 10));
        Assert.Equal(-0.5f, Value(buffer, 11));
        Assert.Equal(8388607f / 8388608f, Value(buffer, 12));

        // s32: 0x20000000 = +0.25 on channel 0, -0.25 on channel 1 -> 0
        buffer.Write(20, [0x00, 0x00, 0x00, 0x20, 0x00, 0x00, 0x00, 0xE0], 2, SampleFormat.S32);
        Assert.Equal(0f, Value(buffer, 20));
        Assert.True(buffer.IsPresent(20));
        Assert.False(buffer.IsPresent(21));
    }

    [Theory]
    [InlineData(37)]
    [InlineData(342)]
    public void TheVectorisedStereoS16PathSumsEveryFrameExactly(int frames)
    {
        var random = new Random(frames);
        var samples = Enumerable.Range(0, frames * 2).Select(_ => (short)random.Next(short.MinValue, short.MaxValue + 1)).ToArray();
        samples[0] = short.MinValue;
        samples[1] = short.MinValue;
        samples[2] = short.MaxValue;
        samples[3] = short.MaxValue;
        var mono = new float[frames];
        PcmDownmix.ToMono(S16(samples), 2, SampleFormat.S16, mono);
        for (int i = 0; i < frames; i++)
        {
            Assert.Equal((samples[2 * i] + samples[(2 * i) + 1]) / 32768f, mono[i]);
        }
    }

    [Fact]
    public void KnowsMissingRangesThroughReorderAndDuplicates()
    {
        var buffer = new TimecodeTrackBuffer(Capacity);
        buffer.Write(1000, Frames(128), 2, SampleFormat.S16);
        buffer.Write(1384, Frames(128), 2, SampleFormat.S16);   // 1128..1384 missing
        buffer.Write(1256, Frames(64), 2, SampleFormat.S16);    // fills 1256..1320

        Span<TimecodeRange> gaps = stackalloc TimecodeRange[8];
        int count = buffer.GetMissingRanges(1000, 1512, gaps);
        Assert.Equal([new TimecodeRange(1128, 1256), new TimecodeRange(1320, 1384)], gaps[..count].ToArray());

        Assert.Equal(64, buffer.Write(1300, Frames(84), 2, SampleFormat.S16)); // 1300..1320 duplicate, 1320..1384 new
        Assert.Equal(20, buffer.DuplicateFrames);
        Assert.Equal(0, buffer.Write(1000, Frames(128), 2, SampleFormat.S16)); // pure duplicate
        Assert.Equal(148, buffer.DuplicateFrames);
        Assert.Equal(1000, buffer.FirstTimecode);
        Assert.Equal(1512, buffer.EndTimecode);
        Assert.Equal(1, buffer.GetMissingRanges(1000, 1512, gaps));
        Assert.Equal(new TimecodeRange(1128, 1256), gaps[0]);
    }

    [Fact]
    public void WritesBehindThePlayoutAreLateAndTooFarAheadAreRefused()
    {
        var buffer = new TimecodeTrackBuffer(Capacity);
        buffer.Write(0, Frames(512), 2, SampleFormat.S16);
        lock (buffer.SyncRoot)
        {
            buffer.CommitLocked(300);
        }

        Assert.Equal(0, buffer.Write(100, Frames(128), 2, SampleFormat.S16));   // entirely played
        Assert.Equal(128, buffer.LateFrames);
        Assert.Equal(0, buffer.Write(250, Frames(150), 2, SampleFormat.S16));   // 250..300 late, 300..400 already there
        Assert.Equal(178, buffer.LateFrames);
        Assert.Equal(100, buffer.DuplicateFrames);
        Assert.Equal(88, buffer.Write(424, Frames(176), 2, SampleFormat.S16));  // 424..512 there, 512..600 new

        long tooFar = 300 - TimecodeTrackBuffer.HistoryFrames + Capacity;
        Assert.Equal(0, buffer.Write(tooFar, Frames(128), 2, SampleFormat.S16));
        Assert.Equal(128, buffer.RejectedFrames);
        Assert.True(buffer.IsPresent(0), "a refused write must not slide the window over unplayed audio");
    }

    [Fact]
    public void ASlotNeverAnswersForAnEarlierLapOfTheRing()
    {
        var buffer = new TimecodeTrackBuffer(Capacity);
        buffer.Write(5, Frames(128, 2000), 2, SampleFormat.S16);
        buffer.Write(Capacity + 500, Frames(128), 2, SampleFormat.S16); // window slides past frame 5
        Assert.False(buffer.IsPresent(5));
        Assert.False(buffer.IsPresent(Capacity + 5), "slot 5 holds frame 5 of the previous lap, not this one");
        Assert.Equal(0f, Value(buffer, Capacity + 5));
        Span<TimecodeRange> gaps = stackalloc TimecodeRange[2];
        Assert.Equal(1, buffer.GetMissingRanges(Capacity, Capacity + 628, gaps));
        Assert.Equal(new TimecodeRange(Capacity, Capacity + 500), gaps[0]);
    }

    [Fact]
    public void BadInputIsRefusedWithAClearErrorAndChangesNothing()
    {
        var buffer = new TimecodeTrackBuffer(Capacity);
        var oddLength = new byte[7];
        var error = Assert.Throws<ArgumentException>(() => buffer.Write(0, oddLength, 2, SampleFormat.S16));
        Assert.Contains("not a whole number", error.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => buffer.Write(0, new byte[8], 0, SampleFormat.S16));
        Assert.Throws<ArgumentOutOfRangeException>(() => buffer.Write(0, new byte[18], 9, SampleFormat.S16));
        Assert.Throws<ArgumentOutOfRangeException>(() => buffer.Write(0, new byte[8], 2, (SampleFormat)7));
        Assert.Throws<ArgumentException>(() => buffer.Write(0, [], 2, SampleFormat.S16));
        Assert.Throws<ArgumentException>(() => buffer.Write(0, new byte[(TimecodeTrackBuffer.MaxWriteFrames + 1) * 2], 1, SampleFormat.S16));
        Assert.Throws<ArgumentOutOfRangeException>(() => new TimecodeTrackBuffer(100_000));
        Assert.False(buffer.HasData);
        Assert.Equal(0, buffer.Writes);
        Assert.Equal(0, buffer.FramesReceived);
    }
}
