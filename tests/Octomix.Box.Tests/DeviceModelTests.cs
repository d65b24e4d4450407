using System.Text.Json.Nodes;
using Octomix.Cli;
using Octomix.DeviceModel;
using Octomix.Hal;

namespace Octomix.Box.Tests;

/// <summary>
/// The device cost model (`octomix bench device`): its arithmetic on fixed counts, the SD path
/// it models, and the command's JSON on a short run of the real box on the simulated board.
/// </summary>
public class DeviceModelTests
{
    [Fact]
    public void TheModelPricesAFixedCountSetWithTheCostTable()
    {
        var c = new BlockCounts
        {
            Statements = 100, ManagedCalls = 10, NativeCalls = 5,
            BytesCopied = 1000, I2sReadBytes = 1024, TimerReads = 2,
            SdSingleWrites = 3, SdSectorReads = 1,
            Polls = 1, DatagramsSent = 1,
        };

        var used = CostModel.Price(c, CostColumn.Used);
        Assert.Equal((100 * 1.5) + (10 * 4) + (5 * 8), used.ManagedMicros, 6);              // 230
        Assert.Equal((1000 * 0.033) + (1024 * 0.073) + (2 * 2), used.NativeMicros, 6);     // 111.752
        Assert.Equal((3 * 1710) + 1280, used.SdMicros, 6);                                 // 6410
        Assert.Equal(35 + 275, used.NetworkMicros, 6);                                     // 310
        Assert.Equal(7061.752, used.TotalMicros, 6);

        var low = CostModel.Price(c, CostColumn.Low);
        Assert.Equal((100 * 1) + (10 * 3) + (5 * 5), low.ManagedMicros, 6);
        Assert.Equal((3 * 1370) + 1020, low.SdMicros, 6);
        var high = CostModel.Price(c, CostColumn.High);
        Assert.Equal((3 * 2270) + 1710, high.SdMicros, 6);
        Assert.True(low.TotalMicros < used.TotalMicros && used.TotalMicros < high.TotalMicros);
    }

    /// <summary>
    /// The native file server's two halves priced by hand: a datagram in the loop (the Fill, its
    /// copy out of internal RAM, the send, the clock) and a 16 KB read of its task (one CMD18).
    /// </summary>
    [Fact]
    public void TheNativeFileServerIsPricedAsADatagramInTheLoopAndAMultiBlockReadInItsTask()
    {
        var datagram = CostModel.NativeServeDatagram(1372);
        var d = CostModel.Price(datagram, CostColumn.Used);
        Assert.Equal((76 * 1.5) + (14 * 4) + (3 * 8), d.ManagedMicros, 6); // 194: 14 calls, 76 statements, 3 native entries
        Assert.Equal((1388 * 0.033) + 2, d.NativeMicros, 6);               // the body copied into the datagram, a timer read
        Assert.Equal(0, d.SdMicros, 6);                                     // no card work in the loop
        Assert.Equal(275, d.NetworkMicros, 6);
        Assert.Equal(516.804, d.TotalMicros, 6);
        Assert.Equal(517, DeviceBench.NativeServeFillMicros(1372));

        var piece = CostModel.Price(CostModel.NativeServePiece(16384), CostColumn.Used);
        Assert.Equal((2 * 20) + (0.5 * 1), piece.NativeMicros, 6);         // f_lseek + f_read, half a cluster boundary
        Assert.Equal(1280 + (31 * 206), piece.SdMicros, 6);                // CMD18: the command and its first sector, 31 more on the bus
        Assert.Equal(7706.5, piece.TotalMicros, 6);                        // 16 KB in 7.7 ms: 2.13 MB/s
    }

    /// <summary>
    /// Serving on the custom image, on a short run of the real box: the native file server is what
    /// serves, at the target (≥ 500 KB/s) by the model, and its task reads faster than the
    /// loop sends (the loop, not the card, sets the rate).
    /// </summary>
    [Fact]
    public void TheCustomImageServesNativelyAtTheTargetRate()
    {
        var options = new DeviceBenchOptions { Formats = [new DeviceFormat(48000, 24, 2)], Modes = [DeviceModes.Serving], MeasuredBlocks = 60, TakeSeconds = 2 };
        var result = DeviceBench.Run(options);
        var serving = Assert.Single(result.Runs);
        Assert.Null(serving.Problem);
        Assert.Equal(60, serving.Blocks.Count);
        Assert.True(serving.TaskCounts.SdDataBytesRead > 0, "the task read the card");
        Assert.Equal(0, serving.Average().SdSectorReads, 6); // the loop did not
        Assert.InRange(serving.ServedBytesPerSecond, 500_000, 1_400_000);
        Assert.True(serving.ServeTaskDeliveredBytesPerSecond(CostColumn.Used) > serving.ServedBytesPerSecond);
        Assert.InRange(serving.WorstMicros(CostColumn.Used), 1, serving.PeriodMicros);
        Assert.InRange(result.Collection!.GapsSeconds, 0.1, 10);
    }

    [Fact]
    public void EveryCostHasASourceAndAnOrderedRange()
    {
        Assert.Equal(DeviceCosts.All.Count, DeviceCosts.All.Select(f => f.Symbol).Distinct().Count());
        foreach (var f in DeviceCosts.All)
        {
            Assert.False(string.IsNullOrWhiteSpace(f.Source), f.Symbol);
            Assert.True(f.Low <= f.Used && f.Used <= f.High, f.Symbol);
        }
    }

    /// <summary>
    /// A 1,024-byte write from a managed (PSRAM) buffer at a sector boundary inside an allocated
    /// cluster: two bounced single-block data writes, then nanoFramework's f_sync writes the
    /// directory entry — three single-block writes, no multi-block write.
    /// </summary>
    [Fact]
    public void AManagedWriteIsBouncedSectorBySectorAndSyncedAfter()
    {
        var card = new SdCardModel();
        var file = new NoFile();
        card.Open(file, length: 8192, position: 8192); // the header and some audio: cluster 0 allocated
        card.Counts = new BlockCounts();
        card.Write(file, 1024);
        var c = card.Counts;
        Assert.Equal(3, c.SdSingleWrites);
        Assert.Equal(0, c.SdMultiWrites);
        Assert.Equal(0, c.SdSectorReads); // the window still holds the directory sector
        Assert.Equal(1, c.SdDirectorySectorWrites);
        Assert.Equal(1024, c.BytesCopied); // the bounce buffer's memcpy
        Assert.Equal(1, c.BounceBuffers);

        // With DMA-capable buffers the same write is one multi-block write (a lever, not today's box).
        var dma = new SdCardModel { DmaCapableBuffers = true };
        dma.Open(file, 8192, 8192);
        dma.Counts = new BlockCounts();
        dma.Write(file, 1024);
        Assert.Equal(1, dma.Counts.SdMultiWrites);
        Assert.Equal(1, dma.Counts.SdMultiExtraSectors);
        Assert.Equal(1, dma.Counts.SdSingleWrites); // the directory entry
    }

    /// <summary>The first write into a new cluster takes it from the FAT: FAT window read, both FATs, FSInfo, the directory sector again.</summary>
    [Fact]
    public void ANewClusterWritesBothFatsAndFsInfo()
    {
        var card = new SdCardModel(clusterBytes: 4096);
        var file = new NoFile();
        card.Open(file, 4096, 4096);
        card.Counts = new BlockCounts();
        card.Write(file, 512);
        var c = card.Counts;
        Assert.Equal(2, c.SdSectorReads);          // the FAT sector into the window, then the directory sector back
        Assert.Equal(3, c.SdFatSectorWrites);      // FAT 1, FAT 2, FSInfo
        Assert.Equal(1 + 2 + 1 + 1, c.SdSingleWrites); // data, 2 FATs, directory, FSInfo
    }

    /// <summary>
    /// 768-byte writes (a 24-bit mono block) straddle sectors: the partial sector goes through the
    /// file buffer, is written by every f_sync and again when the next write fills it; a seek into
    /// the middle of a sector reads it.
    /// </summary>
    [Fact]
    public void UnalignedWritesRewriteTheSectorTheyShare()
    {
        var card = new SdCardModel();
        var file = new NoFile();
        card.Open(file, 8192, 8192);
        card.Counts = new BlockCounts();
        card.Write(file, 768); // sector 16 whole (bounced), half of 17 into the file buffer
        Assert.Equal(0, card.Counts.SdSectorReads); // nothing beyond the end to keep
        Assert.Equal(3, card.Counts.SdSingleWrites); // 16, 17 at the f_sync, the directory entry

        card.Counts = new BlockCounts();
        card.Write(file, 768); // the rest of 17 (still in the buffer), then half of 18
        Assert.Equal(0, card.Counts.SdSectorReads);
        Assert.Equal(3, card.Counts.SdSingleWrites); // 17 when leaving it, 18 at the f_sync, the directory entry

        card.Counts = new BlockCounts();
        card.Seek(file, 4); // the header's size field
        Assert.Equal(0, card.Counts.SdSingleWrites); // the f_sync left nothing dirty
        Assert.Equal(1, card.Counts.SdSectorReads);  // sector 0
    }

    [Fact]
    public void SeekingFromTheStartWalksTheClusterChain()
    {
        var card = new SdCardModel();
        var file = new NoFile();
        long size = 300L * 32768;
        card.Open(file, size, size);
        card.Counts = new BlockCounts();
        card.Seek(file, 4);
        Assert.Equal(0, card.Counts.ChainSteps);
        card.Seek(file, size);
        Assert.Equal(299, card.Counts.ChainSteps);
        Assert.InRange(card.Counts.SdSectorReads, 3, 4); // 128 FAT entries per sector, plus the sector the position lands in
    }

    /// <summary>--late-take-seconds: a new file's audio is priced as if the take were minutes in, so the header rewrite's seek back walks the long chain.</summary>
    [Fact]
    public void ALateTakeMovesTheAudioButNotTheHeader()
    {
        var card = new SdCardModel { PretendBytesWritten = 100L * 32768 };
        var file = new NoFile();
        card.Open(file, 0, 0);
        card.Write(file, 4096); // the header: not moved
        card.Write(file, 1024); // the first audio: 100 clusters later
        card.Counts = new BlockCounts();
        card.Seek(file, 4);
        Assert.Equal(0, card.Counts.ChainSteps);
        card.Seek(file, 4096 + 1024); // back to the end
        Assert.Equal(100, card.Counts.ChainSteps);
    }

    [Fact]
    public void TheGeneratedSectionIsReplacedBetweenItsMarkers()
    {
        string doc = "# t\nbefore\n" + DeviceReport.BeginMarker + "\nold table\n" + DeviceReport.EndMarker + "\nafter\n";
        string updated = DeviceReport.ReplaceSection(doc, "new table\n");
        Assert.Equal("# t\nbefore\n" + DeviceReport.BeginMarker + "\nnew table\n" + DeviceReport.EndMarker + "\nafter\n", updated);
        Assert.Throws<InvalidOperationException>(() => DeviceReport.ReplaceSection("no markers", "x"));
    }

    /// <summary>
    /// The command in-process on a short run (one format, every mode, 60 blocks each): the last
    /// stdout line is the documented JSON object, the same JSON is written to the output folder,
    /// and the counts are the box's (one card write of one block per recording block).
    /// </summary>
    [Fact]
    public void TheCommandPrintsTheDocumentedJsonAsItsLastLine()
    {
        string folder = Path.Combine(Path.GetTempPath(), "octomix-bench-device-test-" + Guid.NewGuid().ToString("N"));
        try
        {
            // a stock image (no native writer): every mode has blocks to price
            var options = new DeviceBenchOptions { Formats = [new DeviceFormat(48000, 24, 2)], MeasuredBlocks = 60, TakeSeconds = 0.5, NativeTakeWriter = false };
            var stdout = new StringWriter();
            var stderr = new StringWriter();
            int exit = DeviceBenchCommand.Run(options, json: true, folder, docPath: null, stdout, stderr);
            Assert.True(exit == 0, stderr.ToString());

            string[] lines = stdout.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
            var json = JsonNode.Parse(lines[^1])!.AsObject();
            var formats = json["formats"]!.AsArray();
            Assert.Equal(DeviceModes.All, formats.Select(f => f!["mode"]!.GetValue<string>()));
            foreach (var f in formats)
            {
                Assert.Equal(48000, f!["rate"]!.GetValue<int>());
                Assert.Equal(24, f["bits"]!.GetValue<int>());
                Assert.Equal(2, f["channels"]!.GetValue<int>());
                Assert.InRange(f["averagePercentOfPeriod"]!.GetValue<double>(), 1, 1000);
                Assert.True(f["worstPercentOfPeriod"]!.GetValue<double>() >= f["averagePercentOfPeriod"]!.GetValue<double>());
                Assert.InRange(f["heapBytes"]!.GetValue<long>(), 100_000, 2_000_000);
                Assert.Equal(60, f["blocks"]!.GetValue<int>());
            }

            var recording = formats.Single(f => f!["mode"]!.GetValue<string>() == DeviceModes.Recording)!;
            var jamming = formats.Single(f => f!["mode"]!.GetValue<string>() == DeviceModes.Jamming)!;
            Assert.InRange(recording["perBlock"]!["sdDataBytesWritten"]!.GetValue<double>(), 1536, 1600); // 256 frames × 6 bytes, and the header fields
            Assert.True(recording["averagePercentOfPeriod"]!.GetValue<double>() > jamming["averagePercentOfPeriod"]!.GetValue<double>(), "the card write costs");
            Assert.Equal(288, recording["sdNeededKBytesPerSecond"]!.GetValue<double>());

            var collection = json["collection"]!.AsObject();
            Assert.True(collection["readyAfterStopSeconds"]!.GetValue<double>() > 0);
            Assert.True(collection["gapsSecondsAt2PercentLoss"]!.GetValue<double>() > 0);
            Assert.True(collection["servingKBytesPerSecond"]!.GetValue<double>() > 0);
            Assert.Equal(300 * 288000.0, collection["takeBytes"]!.GetValue<double>());

            string file = Assert.Single(Directory.GetFiles(folder, "device-*.json"));
            Assert.Equal(lines[^1], File.ReadAllText(file).TrimEnd());
        }
        finally
        {
            if (Directory.Exists(folder))
            {
                Directory.Delete(folder, true);
            }
        }
    }

    /// <summary>
    /// digest_while_recording, priced: every recording block sums its bytes (the checksum's
    /// per-word cost moves into the loop) and the take is ready within a few blocks of Stop.
    /// </summary>
    [Fact]
    public void TheDigestWhileRecordingMovesTheChecksumIntoTheBlockAndMakesTheTakeReadyAtStop()
    {
        var before = DeviceBench.Run(new DeviceBenchOptions { Formats = [new DeviceFormat(48000, 16, 2)], Modes = [DeviceModes.Recording, DeviceModes.Collecting], MeasuredBlocks = 60, TakeSeconds = 0.5, NativeTakeWriter = false });
        var after = DeviceBench.Run(new DeviceBenchOptions
        {
            Formats = [new DeviceFormat(48000, 16, 2)], Modes = [DeviceModes.Recording, DeviceModes.Collecting], MeasuredBlocks = 60, TakeSeconds = 0.5,
            ExtraSettings = "digest_while_recording = on", NativeTakeWriter = false,
        });
        Assert.All(before.Runs.Concat(after.Runs), r => Assert.Null(r.Problem));

        var recordingBefore = before.Runs[0];
        var recordingAfter = after.Runs[0];
        Assert.Equal(0, recordingBefore.Average().ChecksumBytes);
        Assert.Equal(1024, recordingAfter.Average().ChecksumBytes, 6);
        Assert.Equal(128, recordingAfter.Average().ChecksumWords, 6);
        Assert.True(recordingAfter.AverageMicros(CostColumn.Used) > recordingBefore.AverageMicros(CostColumn.Used) + (128 * 10));

        Assert.Equal(-1, before.Runs[1].ReadyAfterStopBlocks);
        Assert.InRange(after.Runs[1].ReadyAfterStopBlocks, 1, 4);
        Assert.InRange(after.Collection!.ReadyAfterStopSeconds, 0, 1);
        Assert.True(before.Collection!.ReadyAfterStopSeconds > 600, "the pass over a 5-minute take");
    }

    /// <summary>
    /// The native take writer (the default on a board that has it), priced: the loop's card work
    /// is one native call and a memcpy of the block into the ring; the writer task's card work is
    /// cluster-aligned multi-block writes into a preallocated file (no FAT or FSInfo sector) and a
    /// directory sector per f_sync, at most every second; the take is ready at Stop. The targets
    /// of issue 11 at 48 kHz 24-bit stereo with streaming: ≤ 50 % of the period on average,
    /// every block ≤ 100 %.
    /// </summary>
    [Fact]
    public void TheNativeWriterTakesTheCardOutOfTheLoopAndTheTakeIsReadyAtStop()
    {
        var r = DeviceBench.Run(new DeviceBenchOptions { Formats = [new DeviceFormat(48000, 24, 2)], Modes = [DeviceModes.Recording, DeviceModes.Collecting], MeasuredBlocks = 400, TakeSeconds = 0.5 });
        Assert.All(r.Runs, x => Assert.Null(x.Problem));
        var rec = r.Runs[0];
        var a = rec.Average();
        Assert.Equal(0, a.SdWriteCommands);
        Assert.Equal(0, a.SdSectorReads);
        Assert.Equal(0, a.FatFsCalls);
        Assert.True(rec.Blocks.All(b => b.BytesCopied >= 1536), "each block copies its 1,536 bytes into the ring");

        var task = rec.TaskCounts;
        double bytes = 400 * 1536.0;
        Assert.InRange(task.SdDataBytesWritten, bytes - 32768, bytes + 32768);
        Assert.Equal(0, task.SdFatSectorWrites); // preallocated
        Assert.Equal(0, task.BounceBuffers);     // the ring is DMA-capable
        Assert.InRange(task.SdMultiWrites, (bytes / 32768) - 2, (bytes / 32768) + 2); // one CMD25 per cluster-aligned 32 KB piece
        Assert.Equal(task.SdMultiWrites * 63, task.SdMultiExtraSectors, 0);
        double seconds = 400 * 256 / 48000.0;
        Assert.InRange(task.SdDirectorySectorWrites, Math.Floor(seconds) - 1, Math.Ceiling(seconds / 0.9) + 1); // an f_sync at most every second of audio

        Assert.InRange(100 * rec.AverageMicros(CostColumn.Used) / rec.PeriodMicros, 1, 50);
        Assert.InRange(100 * rec.WorstMicros(CostColumn.Used) / rec.PeriodMicros, 1, 100);
        Assert.True(rec.SdDeliveredBytesPerSecond(CostColumn.Used) > 2 * 288_000, "the task keeps up with twice the format's rate");
        Assert.InRange(r.Runs[1].ReadyAfterStopBlocks, 1, 4);
        Assert.InRange(r.Collection!.ReadyAfterStopSeconds, 0, 1);
    }

    /// <summary>
    /// Progressive collection's read on the custom image (IAppendFile.ReadDurable), priced by hand
    /// from the listener's counts: five minutes into a 24-bit stereo take it is one native call, one
    /// sector command and a memcpy — no chain step, no FAT sector, no bounce — where the managed
    /// handle's seek to the same place walks ~2,600 clusters of chain.
    /// </summary>
    [Fact]
    public void TheDurableReadIsOneNativeCallOneSectorCommandAndACopyWithNoChainWalk()
    {
        long late = 4096 + (300L * 288_000) - 8192; // sector-aligned, 5 minutes in
        var listener = new DeviceListener(new SdCardModel());
        var file = new NoFile();
        listener.Call(HalCall.DurableRead, file, new byte[2048], (int)late, 512);
        var c = listener.Counts;
        Assert.Equal(1, c.NativeCalls);
        Assert.Equal(2, c.ManagedCalls);   // the counted wrapper (ManagedWork.FileCallCalls)
        Assert.Equal(6, c.Statements);
        Assert.Equal(2, c.FatFsCalls);     // f_lseek through the link map, f_read
        Assert.Equal(1, c.SdSectorReads);  // one CMD17 into the internal buffer
        Assert.Equal(0, c.SdMultiReads);
        Assert.Equal(0, c.ChainSteps);
        Assert.Equal(0, c.BounceBuffers);
        Assert.Equal(512, c.BytesCopied);  // out of the internal buffer into the managed datagram
        var used = CostModel.Price(c, CostColumn.Used);
        Assert.Equal((6 * 1.5) + (2 * 4) + 8, used.ManagedMicros, 6);  // 25
        Assert.Equal((2 * 20) + (512 * 0.033), used.NativeMicros, 6);  // 56.896
        Assert.Equal(1280, used.SdMicros, 6);
        Assert.Equal(1361.896, used.TotalMicros, 6);

        // unaligned: the two sectors it spans in one CMD18
        var unaligned = CostModel.Price(CostModel.NativeDurableRead(late + 100, 512), CostColumn.Used);
        Assert.Equal(1280 + 206, unaligned.SdMicros, 6);
        Assert.Equal((2 * 20) + (512 * 0.033), unaligned.NativeMicros, 6);

        // the writer's task was writing a piece: the native call only, no card work
        var busy = new DeviceListener(new SdCardModel());
        busy.Call(HalCall.DurableRead, file, null!, (int)late, -1);
        Assert.Equal(0, CostModel.Price(busy.Counts, CostColumn.Used).SdMicros, 6);
        Assert.Equal(25, CostModel.Price(busy.Counts, CostColumn.Used).TotalMicros, 6);

        // the managed handle's seek to the same offset (the stock path and a writer without the durable read)
        var card = new SdCardModel();
        card.Open(file, late + 32768, 0);
        card.Counts = new BlockCounts();
        card.Seek(file, late);
        Assert.Equal(late / 32768, card.Counts.ChainSteps);
        Assert.True(card.Counts.SdSectorReads >= 20, "a FAT sector per 128 clusters: " + card.Counts.SdSectorReads);
    }

    /// <summary>
    /// A short progressive run of the real box on the custom image, five minutes into the take:
    /// every chunk is a durable read (no file seek, no chain step in any block), and no block goes
    /// over its period by the model.
    /// </summary>
    [Fact]
    public void ProgressiveCollectionWalksNoChainAndEveryBlockFitsItsPeriod()
    {
        var r = DeviceBench.Run(new DeviceBenchOptions { Formats = [new DeviceFormat(48000, 24, 2)], Modes = [DeviceModes.Progressive], MeasuredBlocks = 200, TakeSeconds = 0.5, LateTakeSeconds = 300 });
        var run = Assert.Single(r.Runs);
        Assert.Null(run.Problem);
        Assert.True(run.Blocks.Sum(b => b.ServedChunks) >= 20, "chunks served: " + run.Blocks.Sum(b => b.ServedChunks));
        Assert.All(run.Blocks, b => Assert.Equal(0, b.ChainSteps));
        Assert.All(run.Blocks, b => Assert.Equal(0, b.BounceBuffers));
        Assert.All(run.Blocks, b => Assert.True(b.SdSectorReads + b.SdMultiReads <= 1, "one card command at most per block"));
        Assert.InRange(100 * run.WorstMicros(CostColumn.Used) / run.PeriodMicros, 1, 100);
    }

    /// <summary>A file the card model is told about; it never touches a disk.</summary>
    private sealed class NoFile : IStorageFile
    {
        public long Length => 0;

        public long Position { get; set; }

        public void Write(byte[] buffer, int offset, int count)
        {
        }

        public int Read(byte[] buffer, int offset, int count) => 0;

        public void Flush()
        {
        }

        public void Dispose()
        {
        }
    }
}
