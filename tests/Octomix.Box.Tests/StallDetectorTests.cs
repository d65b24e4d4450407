namespace Octomix.Box.Tests;

/// <summary>
/// The stall detector on its own (the box's use of it: StallTests): blocks of 256 frames at
/// 48 kHz last 5,333 µs (5,336 µs with the 500 ppm pad); 8 blocks of playback pipeline, 16 of
/// capture buffer.
/// </summary>
public class StallDetectorTests
{
    private const int Block = 256;
    private const int Rate = 48000;
    private const int Prefill = 8;
    private const int Capture = 16;
    private const long BlockMicros = 5333; // 256 / 48 kHz
    private const long PaddedBlockMicros = 256 * 1000500L / 48000;

    private static (StallDetector Detector, long Now) Steady(int blocks)
    {
        var d = new StallDetector();
        long now = 1_000_000;
        for (int i = 0; i < blocks; i++)
        {
            Assert.Equal(StallDetector.Nothing, d.Observe(now, Block, Rate, Prefill, Capture));
            now += BlockMicros;
        }

        return (d, now);
    }

    [Fact]
    public void BlocksOnTimeAndWithCrystalErrorAreNoStall()
    {
        var (d, now) = Steady(2000);
        // a crystal 100 ppm slow: each block arrives 0.5 µs late, within the 500 ppm pad
        for (int i = 0; i < 2000; i++)
        {
            Assert.Equal(StallDetector.Nothing, d.Observe(now, Block, Rate, Prefill, Capture));
            now += BlockMicros + 1;
        }

        Assert.Equal(0, d.PipelineUnderruns);
        Assert.Equal(0, d.CaptureOverruns);
        Assert.Equal(0, d.BacklogMicroseconds);
    }

    [Fact]
    public void AStallLongerThanThePipelineRunsItDryOnceUntilTheBacklogDrains()
    {
        var (d, now) = Steady(10);
        long late = (Prefill - 1) * PaddedBlockMicros + 1000; // beyond the 7 blocks the pipeline covers
        now += late;
        Assert.Equal(StallDetector.PipelineRanDry, d.Observe(now, Block, Rate, Prefill, Capture));
        Assert.Equal(1, d.PipelineUnderruns);
        Assert.Equal(0, d.CaptureOverruns);
        Assert.Equal(BlockMicros + late - PaddedBlockMicros, d.DryBacklogMicroseconds);

        // the next block comes at once (the capture had it queued): still dry, not counted again
        Assert.Equal(StallDetector.Nothing, d.Observe(now + 10, Block, Rate, Prefill, Capture));
        now += 10;

        // the backlog drains block by block while the capture read waits
        int seen = 0;
        for (int i = 0; i < 20 && d.BacklogMicroseconds > 0; i++)
        {
            now += 10;
            seen |= d.Observe(now, Block, Rate, Prefill, Capture);
        }

        Assert.Equal(StallDetector.Nothing, seen);
        Assert.Equal(0, d.BacklogMicroseconds);

        // drained: a second stall counts again
        now += BlockMicros + late;
        Assert.Equal(StallDetector.PipelineRanDry, d.Observe(now, Block, Rate, Prefill, Capture));
        Assert.Equal(2, d.PipelineUnderruns);
    }

    [Fact]
    public void AStallLongerThanTheCaptureBufferLosesBlocksAndCapsTheBacklog()
    {
        var (d, now) = Steady(3);
        long capacity = Capture * PaddedBlockMicros;
        now += capacity + (2 * PaddedBlockMicros) + 100; // 2 blocks and a bit more than the buffer holds
        int seen = d.Observe(now, Block, Rate, Prefill, Capture);
        Assert.Equal(StallDetector.PipelineRanDry | StallDetector.CaptureOverrun, seen);
        Assert.Equal(3, d.LostBlocks); // rounded up
        Assert.Equal(1, d.CaptureOverruns);
        Assert.Equal(capacity, d.BacklogMicroseconds);
    }

    [Fact]
    public void TheFirstBlockOnlyStartsTheClock()
    {
        var d = new StallDetector();
        Assert.Equal(StallDetector.Nothing, d.Observe(99_000_000, Block, Rate, Prefill, Capture));
        Assert.Equal(0, d.BacklogMicroseconds);
    }
}
