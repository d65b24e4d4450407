using Octomix.Box;
using Octomix.Tests.Shared;

namespace Octomix.Box.Tests;

public class PlayoutBufferTests
{
    private static byte[] Frames(int count, int start)
    {
        var b = new byte[count * 4];
        for (int f = 0; f < count; f++)
        {
            BitConverter.GetBytes(start + f).CopyTo(b, f * 4); // each frame holds its own timecode
        }

        return b;
    }

    private static int FrameValue(byte[] block, int f) => BitConverter.ToInt32(block, f * 4);

    [Fact]
    public void AudioPlaysTheStartDelayAfterTheFirstPacketInTimecodeOrder()
    {
        var p = new PlayoutBuffer(4800, 4);
        p.Start(512);
        var block = new byte[256 * 4];
        p.Read(block, 0, 256);
        Assert.All(block, b => Assert.Equal(0, b)); // nothing yet
        p.Put(1000, Frames(256, 1000), 0, 256);
        p.Put(1512, Frames(256, 1512), 0, 256); // out of order
        p.Put(1256, Frames(256, 1256), 0, 256);
        p.Read(block, 0, 256); // 488..743: silence (the delay)
        Assert.Equal(0, FrameValue(block, 0));
        p.Read(block, 0, 256); // 744..999
        Assert.Equal(0, FrameValue(block, 255));
        p.Read(block, 0, 256); // 1000..1255
        Assert.Equal(1000, FrameValue(block, 0));
        Assert.Equal(1255, FrameValue(block, 255));
        p.Read(block, 0, 256);
        Assert.Equal(1256, FrameValue(block, 0));
        Assert.Equal(0, p.Underruns);
    }

    [Fact]
    public void LatePacketsAreDroppedUnderrunsWaitOverflowsJump()
    {
        var p = new PlayoutBuffer(2048, 4);
        p.Start(256);
        var block = new byte[256 * 4];
        p.Put(0, Frames(256, 0), 0, 256);
        p.Read(block, 0, 256); // -256..-1
        p.Read(block, 0, 256); // 0..255
        Assert.Equal(255, FrameValue(block, 255));
        p.Put(0, Frames(256, 0), 0, 256); // already played
        Assert.Equal(1, p.Late);
        p.Read(block, 0, 256); // 256.. not here: underrun, silence, the position waits
        Assert.Equal(1, p.Underruns);
        p.Put(256, Frames(256, 256), 0, 256);
        p.Read(block, 0, 256);
        Assert.Equal(256, FrameValue(block, 0));
        // play position is 512; a packet ending 2048+ frames ahead overflows the ring: play moves up
        p.Put(2400, Frames(256, 2400), 0, 256);
        Assert.Equal(1, p.Overflows);
        p.Read(block, 0, 256); // 2144..2399: silence
        Assert.Equal(0, FrameValue(block, 255));
        p.Read(block, 0, 256);
        Assert.Equal(2400, FrameValue(block, 0));

        p.Put(100000, Frames(256, 100000), 0, 256); // a jump no ring can bridge: a new stream, played after the delay
        Assert.Equal(1, p.Overflows);
        p.Read(block, 0, 256);
        p.Read(block, 0, 256);
        Assert.Equal(100000, FrameValue(block, 0));
    }

    [Fact]
    public void PuttingAndReadingAllocatesNothing()
    {
        var p = new PlayoutBuffer(48000, 4);
        p.Start(1000);
        var data = Frames(256, 0);
        var block = new byte[256 * 4];
        long before = AllocationWindow.Start();
        for (int i = 0; i < 10000; i++)
        {
            p.Put(i * 256L, data, 0, 256);
            p.Read(block, 0, 256);
        }

        Assert.Equal(0, AllocationWindow.BytesSince(before));
    }
}

public class LevelMeterTests
{
    [Theory]
    [InlineData(32767, 0)]
    [InlineData(16384, 6)]
    [InlineData(3277, 20)]
    [InlineData(33, 60)]
    [InlineData(1, 90)]
    [InlineData(0, 255)]
    public void MagnitudesConvertToMinusDbfs(int magnitude, int db)
    {
        Assert.Equal(db, LevelMeter.ToDb(magnitude));
    }

    [Fact]
    public void SparseProbesFindASteadyLevelPerChannel()
    {
        var m = new LevelMeter(2, 3);
        var block = new byte[256 * 6];
        for (int f = 0; f < 256; f++)
        {
            int left = f % 2 == 0 ? 4_194_304 : -4_194_304; // -6 dBFS at 24 bit
            int right = 41_943;                              // -46 dBFS
            for (int b = 0; b < 3; b++)
            {
                block[(f * 6) + b] = (byte)(left >> (8 * b));
                block[(f * 6) + 3 + b] = (byte)(right >> (8 * b));
            }
        }

        m.Probe(block, 0, 256);
        Assert.Equal(6, m.PeakDb0);
        Assert.Equal(46, m.PeakDb1);
        m.Reset();
        Assert.Equal(255, m.PeakDb0);
    }
}
