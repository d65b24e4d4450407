using System.Diagnostics;
using Octomix.Desk.Output;
using static Octomix.Console.Tests.OutputTestSupport;

namespace Octomix.Console.Tests;

public class OutputPathSinkTests
{
    [Fact]
    public void AFileReceivesExactlyWhatWasRendered()
    {
        string path = Path.Combine(ExportToolRunner.TempDirectory(), "monitor.raw");
        var blocks = RenderedBlocks(100);
        using (var sink = new PathSink(path, queueFrames: 96_000))
        {
            foreach (var block in blocks)
            {
                Assert.True(sink.TryWrite(block));
            }
        } // Dispose drains the queue

        Assert.Equal(Bytes(blocks), File.ReadAllBytes(path));
    }

    [Fact]
    public void AFifoReaderReceivesExactlyWhatWasRenderedOnceConnected()
    {
        string directory = ExportToolRunner.TempDirectory();
        string fifo = Path.Combine(directory, "monitor.fifo");
        string output = Path.Combine(directory, "heard.raw");
        MakeFifo(fifo);
        using var reader = StartReader(fifo, output);
        var blocks = RenderedBlocks(100);
        var sink = new PathSink(fifo, queueFrames: 96_000);
        int sent = 0;
        // Until the reader has the FIFO open, audio is dropped (and counted), never waited for.
        while (!sink.GetStatus().Connected && sent < blocks.Count)
        {
            sink.TryWrite(blocks[sent++]);
            Thread.Sleep(10);
        }

        Assert.True(sink.GetStatus().Connected, "the reader never connected");
        for (; sent < blocks.Count; sent++)
        {
            Assert.True(sink.TryWrite(blocks[sent]));
        }

        sink.Dispose();
        Assert.True(reader.WaitForExit(5000), "cat saw the end of the FIFO");
        var status = sink.GetStatus();
        long dropped = status.FramesDropped;
        Assert.Equal(blocks.Count * 480L, status.FramesWritten + dropped);
        Assert.True(dropped < 480 * 50, $"{dropped} frames dropped before the reader connected");
        Assert.Equal(Bytes(blocks).AsSpan((int)(dropped * 4)).ToArray(), File.ReadAllBytes(output));
    }

    [Fact]
    public void AFifoWithNoReaderNeverBlocksTheMixer()
    {
        string fifo = Path.Combine(ExportToolRunner.TempDirectory(), "nobody.fifo");
        MakeFifo(fifo);
        var sink = new PathSink(fifo);
        var block = new short[960];
        var slowest = TimeSpan.Zero;
        for (int i = 0; i < 300; i++)
        {
            var clock = Stopwatch.StartNew();
            sink.TryWrite(block);
            slowest = clock.Elapsed > slowest ? clock.Elapsed : slowest;
        }

        Assert.True(slowest < TimeSpan.FromMilliseconds(100), $"TryWrite took {slowest.TotalMilliseconds} ms");
        Assert.True(WaitUntil(() => sink.GetStatus().QueuedFrames == 0, TimeSpan.FromSeconds(5)));
        var status = sink.GetStatus();
        Assert.False(status.Connected);
        Assert.Equal(0, status.FramesWritten);
        Assert.Equal(300 * 480, status.FramesDropped);
        Assert.Null(status.Error);
        var dispose = Stopwatch.StartNew();
        sink.Dispose();
        Assert.True(dispose.Elapsed < TimeSpan.FromSeconds(2), $"Dispose took {dispose.Elapsed}");
    }

    [Fact]
    public void AStoppedFifoReaderCostsDroppedFramesNotTime()
    {
        string directory = ExportToolRunner.TempDirectory();
        string fifo = Path.Combine(directory, "stopped.fifo");
        MakeFifo(fifo);
        using var reader = StartReader(fifo, Path.Combine(directory, "heard.raw"));
        var sink = new PathSink(fifo);
        var block = new short[960];
        Assert.True(WaitUntil(() => { sink.TryWrite(block); return sink.GetStatus().Connected; }, TimeSpan.FromSeconds(5)));
        Signal(reader.Id, "STOP");
        try
        {
            var slowest = TimeSpan.Zero;
            for (int i = 0; i < 2000; i++) // 20 s of audio, far more than the pipe and the queue hold
            {
                var clock = Stopwatch.StartNew();
                sink.TryWrite(block);
                slowest = clock.Elapsed > slowest ? clock.Elapsed : slowest;
            }

            Assert.True(slowest < TimeSpan.FromMilliseconds(100), $"TryWrite took {slowest.TotalMilliseconds} ms");
            var stalled = sink.GetStatus();
            Assert.True(stalled.FramesDropped > 1500 * 480, $"dropped {stalled.FramesDropped}");
            Assert.True(stalled.Connected);
            Assert.Null(stalled.Error);

            Signal(reader.Id, "CONT");
            long before = stalled.FramesWritten;
            Assert.True(WaitUntil(() => { sink.TryWrite(block); return sink.GetStatus().FramesWritten > before + 48_000; }, TimeSpan.FromSeconds(10)),
                "audio flows again once the reader continues");
        }
        finally
        {
            Signal(reader.Id, "CONT");
        }

        var dispose = Stopwatch.StartNew();
        sink.Dispose();
        Assert.True(dispose.Elapsed < TimeSpan.FromSeconds(3), $"Dispose took {dispose.Elapsed}");
    }

    [Fact]
    public void BadPathsAreRefusedClearly()
    {
        var missing = Assert.Throws<DirectoryNotFoundException>(() => new PathSink("/nonexistent-octomix/monitor.raw"));
        Assert.Contains("does not exist", missing.Message);
        string directory = ExportToolRunner.TempDirectory();
        Assert.Throws<IOException>(() => new PathSink(directory));
        using var sink = new PathSink(Path.Combine(directory, "ok.raw"));
        Assert.Throws<ArgumentException>(() => sink.TryWrite(new short[3]));
    }
}
