using Octomix.Board.Simulated;
using Octomix.Box;
using Octomix.Hal;
using Octomix.Protocol;

namespace Octomix.DeviceModel;

public sealed record DeviceFormat(int Rate, int Bits, int Channels)
{
    public int FrameBytes => Channels * (Bits / 8);

    public int BytesPerSecond => Rate * FrameBytes;

    public override string ToString() => $"{Rate / 1000.0:0.#} kHz {Bits}-bit {(Channels == 1 ? "mono" : "stereo")}";
}

public static class DeviceModes
{
    public const string Recording = "recording";
    public const string Jamming = "jamming";
    public const string Collecting = "collecting";
    public const string Serving = "serving";

    /// <summary>Recording + streaming while the console fetches what the stream missed (progressive collection: one chunk every progressive_every_blocks blocks).</summary>
    public const string Progressive = "progressive";

    public static IReadOnlyList<string> All { get; } = [Recording, Jamming, Collecting, Serving, Progressive];
}

public sealed class DeviceBenchOptions
{
    public static IReadOnlyList<DeviceFormat> DefaultFormats { get; } =
        [new(48000, 16, 1), new(48000, 16, 2), new(48000, 24, 1), new(48000, 24, 2)];

    public IReadOnlyList<DeviceFormat> Formats { get; set; } = DefaultFormats;

    public IReadOnlyList<string> Modes { get; set; } = DeviceModes.All;

    /// <summary>Blocks measured per format and mode (1,000 = 5.3 s of audio: five header rewrites).</summary>
    public int MeasuredBlocks { get; set; } = 1000;

    /// <summary>Seconds recorded before a collecting or serving run.</summary>
    public double TakeSeconds { get; set; } = 2;

    public int BlockFrames { get; set; } = 256;

    /// <summary>The take the collection figures are for (a 5-minute 48 kHz 24-bit stereo take).</summary>
    public double CollectionTakeSeconds { get; set; } = 300;

    public double CollectionLossPercent { get; set; } = 2;

    /// <summary>Extra settings.txt lines for every box (e.g. "file_chunk_bytes = 1024").</summary>
    public string ExtraSettings { get; set; } = string.Empty;

    /// <summary>Lever: managed buffers the SD host can DMA from (not today's box; see <see cref="SdCardModel.DmaCapableBuffers"/>).</summary>
    public bool CardDmaCapableBuffers { get; set; }

    /// <summary>Lever: FileStream.Write without nanoFramework's f_sync after every write (see <see cref="SdCardModel.SyncAfterEveryWrite"/>).</summary>
    public bool CardSyncAfterEveryWrite { get; set; } = true;

    /// <summary>
    /// True (the default): the box runs the custom image with the native take writer (the
    /// recording path of docs/recording-path.md); false: a stock image, the loop writes every block.
    /// </summary>
    public bool NativeTakeWriter { get; set; } = true;

    /// <summary>Price the recording as if the take were this many seconds in (the chain the header rewrite's seek walks); 0: as it is.</summary>
    public double LateTakeSeconds { get; set; }

    public SdCardModel CardModel(DeviceFormat format)
    {
        ArgumentNullException.ThrowIfNull(format);
        return new SdCardModel
        {
            DmaCapableBuffers = CardDmaCapableBuffers,
            SyncAfterEveryWrite = CardSyncAfterEveryWrite,
            PretendBytesWritten = (long)(LateTakeSeconds * format.BytesPerSecond) / SdCardModel.SectorBytes * SdCardModel.SectorBytes,
        };
    }

    /// <summary>Where the boxes' cards go (a temp folder when null; deleted afterwards).</summary>
    public string? WorkFolder { get; set; }
}

/// <summary>One format in one mode: the priced blocks.</summary>
public sealed class DeviceModeResult
{
    public required DeviceFormat Format { get; init; }

    public required string Mode { get; init; }

    public required double PeriodMicros { get; init; }

    /// <summary>Every measured block's counts.</summary>
    public required IReadOnlyList<BlockCounts> Blocks { get; init; }

    public long HeapBytes { get; set; }

    /// <summary>The native take writer's task over the measured blocks (its card work beside the loop; empty without it).</summary>
    public BlockCounts TaskCounts { get; set; } = new();

    /// <summary>The writer task's share of real time (its card work over the measured blocks' periods), %.</summary>
    public double TaskPercentOfTime(CostColumn column) => Blocks.Count == 0 ? 0 : 100 * CostModel.Price(TaskCounts, column).TotalMicros / (Blocks.Count * PeriodMicros);

    /// <summary>Collecting: the take was ready at Stop (digest_while_recording), in this many blocks; -1 when the pass ran.</summary>
    public int ReadyAfterStopBlocks { get; set; } = -1;

    public string? Problem { get; set; }

    public double AverageMicros(CostColumn column) => Blocks.Count == 0 ? 0 : Blocks.Average(b => CostModel.Price(b, column).TotalMicros);

    public double WorstMicros(CostColumn column) => Blocks.Count == 0 ? 0 : Blocks.Max(b => CostModel.Price(b, column).TotalMicros);

    public BlockCounts WorstBlock(CostColumn column) => Blocks.MaxBy(b => CostModel.Price(b, column).TotalMicros) ?? new BlockCounts();

    public BlockCounts Average()
    {
        var sum = new BlockCounts();
        foreach (var b in Blocks)
        {
            sum.Add(b, 1.0 / Math.Max(1, Blocks.Count));
        }

        return sum;
    }

    public double BlocksPerSecond => 1e6 / PeriodMicros;

    /// <summary>Card bytes the format needs per second.</summary>
    public double SdNeededBytesPerSecond => Format.BytesPerSecond;

    /// <summary>Data bytes per second the modelled card path delivers when it does nothing else (data bytes over the card's and FatFs's time).</summary>
    public double SdDeliveredBytesPerSecond(CostColumn column)
    {
        var a = Average();
        if (a.SdDataBytesWritten <= 0 && TaskCounts.SdDataBytesWritten > 0)
        {
            a = TaskCounts; // the native writer's task writes the card
        }

        if (a.SdDataBytesWritten <= 0)
        {
            return 0;
        }

        var price = CostModel.Price(new BlockCounts
        {
            SdSingleWrites = a.SdSingleWrites, SdMultiWrites = a.SdMultiWrites, SdMultiExtraSectors = a.SdMultiExtraSectors, SdSectorReads = a.SdSectorReads,
            FatFsCalls = a.FatFsCalls, FatFsSyncs = a.FatFsSyncs, ChainSteps = a.ChainSteps, BounceBuffers = a.BounceBuffers, BytesCopied = a.SdDataBytesWritten,
        }, column);
        return a.SdDataBytesWritten / (price.TotalMicros / 1e6);
    }

    public double ChecksumBytesPerSecond => Average().ChecksumBytes * BlocksPerSecond;

    public double ServedBytesPerSecond => Average().ServedBytes * BlocksPerSecond;

    /// <summary>The native file server's task: what its card reads deliver when it does nothing else (0 without it).</summary>
    public double ServeTaskDeliveredBytesPerSecond(CostColumn column)
    {
        if (TaskCounts.SdDataBytesRead <= 0)
        {
            return 0;
        }

        return TaskCounts.SdDataBytesRead / (CostModel.Price(TaskCounts, column).TotalMicros / 1e6);
    }
}

public sealed class DeviceCollectionResult
{
    public required double TakeBytes { get; init; }

    public required double ChecksumBytesPerSecond { get; init; }

    public required double ServingBytesPerSecond { get; init; }

    public required double LossPercent { get; init; }

    /// <summary>Set when the box had the digest at Stop (no pass over the file).</summary>
    public double? ReadyAtStopSeconds { get; init; }

    public double ReadyAfterStopSeconds => ReadyAtStopSeconds ?? (ChecksumBytesPerSecond <= 0 ? double.PositiveInfinity : TakeBytes / ChecksumBytesPerSecond);

    public double GapsSeconds => ServingBytesPerSecond <= 0 ? double.PositiveInfinity : TakeBytes * LossPercent / 100 / ServingBytesPerSecond;

    public double WholeFileSeconds => ServingBytesPerSecond <= 0 ? double.PositiveInfinity : TakeBytes / ServingBytesPerSecond;
}

public sealed class DeviceBenchResult
{
    public required IReadOnlyList<DeviceModeResult> Runs { get; init; }

    public DeviceCollectionResult? Collection { get; init; }
}

/// <summary>
/// `octomix bench device`: the real box (BoxController, AudioLoop, Recorder, AudioStreamer,
/// TakeFileServer) on the simulated board, per format and mode, every board call counted through
/// <see cref="HalCallCounter.Listener"/> and priced with <see cref="DeviceCosts"/>.
/// </summary>
public static class DeviceBench
{
    public static DeviceBenchResult Run(DeviceBenchOptions options, Action<string>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        string root = options.WorkFolder ?? Path.Combine(Path.GetTempPath(), "octomix-bench-device-" + Guid.NewGuid().ToString("N"));
        var runs = new List<DeviceModeResult>();
        try
        {
            foreach (var format in options.Formats)
            {
                long heap = -1;
                foreach (var mode in options.Modes)
                {
                    progress?.Invoke($"{format}, {mode}");
                    var run = RunOne(options, format, mode, Path.Combine(root, $"{format.Bits}-{format.Channels}-{mode}"), heap < 0);
                    if (heap < 0)
                    {
                        heap = run.HeapBytes;
                    }

                    run.HeapBytes = heap;
                    runs.Add(run);
                }
            }
        }
        finally
        {
            if (options.WorkFolder == null && Directory.Exists(root))
            {
                Directory.Delete(root, true);
            }
        }

        DeviceCollectionResult? collection = null;
        var collecting = runs.LastOrDefault(r => r.Mode == DeviceModes.Collecting && r.Format is { Bits: 24, Channels: 2 }) ?? runs.LastOrDefault(r => r.Mode == DeviceModes.Collecting);
        var serving = runs.LastOrDefault(r => r.Mode == DeviceModes.Serving && r.Format is { Bits: 24, Channels: 2 }) ?? runs.LastOrDefault(r => r.Mode == DeviceModes.Serving);
        if (collecting != null || serving != null)
        {
            var f = (collecting ?? serving)!.Format;
            collection = new DeviceCollectionResult
            {
                TakeBytes = f.BytesPerSecond * options.CollectionTakeSeconds,
                ChecksumBytesPerSecond = collecting?.ChecksumBytesPerSecond ?? 0,
                ServingBytesPerSecond = serving?.ServedBytesPerSecond ?? 0,
                ReadyAtStopSeconds = collecting is { ReadyAfterStopBlocks: >= 0 } ? collecting.ReadyAfterStopBlocks / collecting.BlocksPerSecond : null,
                LossPercent = options.CollectionLossPercent,
            };
        }

        return new DeviceBenchResult { Runs = runs, Collection = collection };
    }

    private static DeviceModeResult RunOne(DeviceBenchOptions options, DeviceFormat format, string mode, string card, bool measureHeap)
    {
        using var room = new BenchRoom();
        string settings = string.Join("\n",
            "server_host = 127.0.0.1",
            "server_port = " + room.Port,
            "join_code = BENCH1",
            "box_name = Bench",
            "auto_join = on",
            "sample_rate = " + format.Rate,
            "bits = " + format.Bits,
            "channels = " + format.Channels,
            "block_frames = " + options.BlockFrames,
            "jam = " + (mode == DeviceModes.Jamming ? "on" : "off"),
            options.ExtraSettings);
        SimulatedBox.WriteSettings(card, settings);
        var boardOptions = new SimulatedBoardOptions { CardFolder = card, Name = "bench box", NativeTakeWriter = options.NativeTakeWriter };
        var model = options.CardModel(format);
        var listener = new DeviceListener(model);
        var result = new List<BlockCounts>();
        var run = new DeviceModeResult { Format = format, Mode = mode, PeriodMicros = options.BlockFrames * 1e6 / format.Rate, Blocks = result };
        using (var box = new SimulatedBox(boardOptions))
        {
            var c = box.Controller;
            c.HalCalls.Listener = listener;
            if (!RunUntil(box, room, s => s.State == BoxState.Network, 100, poll: false))
            {
                run.Problem = "the box did not reach Network: " + c.State;
                return run;
            }

            long before = Allocated();
            box.RunUntil(s => s.State != BoxState.Network, 10);
            long boxBytes = Allocated() - before;
            if (measureHeap)
            {
                var board = new SimulatedBoard(new SimulatedBoardOptions { CardFolder = card + "-heap" });
                long boardBefore = Allocated();
                board.StartAudio(c.Format, options.BlockFrames);
                run.HeapBytes = boxBytes - (Allocated() - boardBefore);
                board.SimulatedSocket.Close();
            }

            if (!RunUntil(box, room, s => s.State is BoxState.Ready or BoxState.Jamming or BoxState.Error, 20000))
            {
                run.Problem = "the box did not calibrate: " + c.State;
                return run;
            }

            if (c.State == BoxState.Error)
            {
                run.Problem = "the box failed: " + box.Board.SimulatedLog;
                return run;
            }

            int takeBlocks = (int)(options.TakeSeconds * format.Rate / options.BlockFrames);
            switch (mode)
            {
                case DeviceModes.Recording:
                    room.Record(1);
                    RunUntil(box, room, s => s.State == BoxState.Recording, 4000);
                    Run(box, room, 100);
                    break;
                case DeviceModes.Progressive:
                    room.Record(1);
                    RunUntil(box, room, s => s.State == BoxState.Recording, 4000);
                    RunUntil(box, room, s => s.Recorder.DurableDataBytes > ProgressiveRequestBytes * 4, takeBlocks + 400);
                    Run(box, room, 20);
                    break;
                case DeviceModes.Jamming:
                    room.FeedMix(options.BlockFrames, format.Channels, format.Bits / 8);
                    Run(box, room, 200);
                    break;
                case DeviceModes.Collecting:
                    room.Record(1);
                    RunUntil(box, room, s => s.State == BoxState.Recording, 4000);
                    Run(box, room, takeBlocks);
                    room.Stop(1);
                    int afterStop = 0; // blocks from the engineer's Stop to the state after Stopping
                    while (c.State is BoxState.Recording or BoxState.Stopping && afterStop < 400)
                    {
                        Run(box, room, 1);
                        afterStop++;
                    }

                    if (c.State != BoxState.Collecting && c.Recorder.HasDigest)
                    {
                        run.ReadyAfterStopBlocks = afterStop; // digest_while_recording: nothing to collect
                        return run;
                    }

                    Run(box, room, 20);
                    box.Board.SimulatedCard.ReadBytesPerSecond = ChecksumReadSpeed();
                    break;
                case DeviceModes.Serving:
                    room.Record(1);
                    RunUntil(box, room, s => s.State == BoxState.Recording, 4000);
                    Run(box, room, takeBlocks);
                    room.Stop(1);
                    RunUntil(box, room, s => s.State == BoxState.Ready, 200000);
                    box.Board.SimulatedCard.ReadBytesPerSecond = ServeReadSpeed(c.Files.ChunkBytes);
                    box.Board.SimulatedCard.ServeFillMicroseconds = c.Files.ServesNatively ? NativeServeFillMicros(c.Files.ChunkBytes) : 0;
                    for (int i = 0; i < TakeFileServer.MaxQueuedRequests; i++)
                    {
                        room.SendAsEngineer(new FileRequestMessage { TakeId = 1, Part = 0, Offset = (uint)(i * 65536), RequestLength = 65536 });
                    }

                    Run(box, room, 5);
                    break;
                default:
                    throw new ArgumentException("unknown mode " + mode, nameof(options));
            }

            BoxState expected = c.State;
            var files = c.Files;
            model.TaskCounts = run.TaskCounts;
            int frameBytes = format.FrameBytes;
            for (int i = 0; i < options.MeasuredBlocks; i++)
            {
                if (c.State != expected || (mode == DeviceModes.Serving && !files.HasRequests))
                {
                    break;
                }

                if (mode == DeviceModes.Progressive && !files.HasRequests)
                {
                    // the console's next gap: behind the durable end, ascending as the take goes on
                    long durable = c.Recorder.DurableDataBytes;
                    room.SendAsEngineer(new FileRequestMessage { TakeId = 1, Part = 0, Offset = (uint)Math.Max(0, durable - (4 * ProgressiveRequestBytes)), RequestLength = ProgressiveRequestBytes });
                }

                var counts = new BlockCounts();
                model.Counts = counts;
                long checksumTurns = files.ChecksumTurns;
                long serveTurns = files.ServeTurns;
                box.RunOnce();
                if (files.ChecksumTurns != checksumTurns)
                {
                    int bytes = files.ChecksumBytesLastTurn;
                    double words = bytes / 8.0;
                    double chunks = Math.Ceiling(bytes / (double)TakeFileServer.ChecksumChunkBytes);
                    counts.ChecksumBytes += bytes;
                    counts.ChecksumWords += words;
                    counts.NativeCalls += words;
                    counts.ManagedCalls += (words * ManagedWork.WordCalls) + (chunks * ManagedWork.ChecksumChunkCalls);
                    counts.Statements += (words * ManagedWork.WordStatements) + (chunks * ManagedWork.ChecksumChunkStatements);
                }

                if (files.ServeTurns != serveTurns)
                {
                    int chunks = files.ServeChunksLastTurn;
                    counts.ServedChunks += chunks;
                    counts.ServedBytes += files.ServeBytesLastTurn;
                    if (files.ServesNatively)
                    {
                        // the loop's side of each datagram (the wrapper's work and the copy come from the listener)
                        counts.ManagedCalls += chunks * ManagedWork.NativeServeDatagramCalls;
                        counts.Statements += chunks * ManagedWork.NativeServeDatagramStatements;
                    }
                    else
                    {
                        counts.ManagedCalls += chunks * ManagedWork.ServeChunkCalls;
                        counts.Statements += chunks * ManagedWork.ServeChunkStatements;
                    }
                }

                if (c.Recorder.IsOpen && c.Recorder.DigestWhileRecording)
                {
                    // TakeChecksum.Update over the block as it is written: not a board call, priced per word
                    double words = options.BlockFrames * frameBytes / 8.0;
                    counts.ChecksumWords += words;
                    counts.ChecksumBytes += options.BlockFrames * frameBytes;
                    counts.NativeCalls += words;
                    counts.ManagedCalls += (words * ManagedWork.WordCalls) + ManagedWork.ChecksumChunkCalls;
                    counts.Statements += (words * ManagedWork.WordStatements) + ManagedWork.ChecksumChunkStatements;
                }

                counts.ManagedCalls += ManagedWork.LoopCalls;
                counts.Statements += ManagedWork.LoopStatements;
                counts.NativeCalls += ManagedWork.LoopNativeCopies;
                counts.BytesCopied += options.BlockFrames * frameBytes;
                result.Add(counts);
                model.Counts = new BlockCounts();
                room.Poll();
            }

            if (result.Count == 0 && run.ReadyAfterStopBlocks < 0)
            {
                run.Problem = $"nothing measured in {mode} (state {c.State})";
            }

            c.HalCalls.Listener = null;
        }

        return run;
    }

    /// <summary>The simulated card's read speed that makes one 64-byte checksum chunk take its modelled time.</summary>
    public static long ChecksumReadSpeed() => Speed(TakeFileServer.ChecksumChunkBytes, CostModel.Price(CostModel.ChecksumChunk(TakeFileServer.ChecksumChunkBytes), CostColumn.Used).TotalMicros);

    /// <summary>The simulated card's read speed that makes one served chunk take its modelled time.</summary>
    public static long ServeReadSpeed(int chunkBytes) => Speed(chunkBytes, CostModel.Price(CostModel.ServeChunk(chunkBytes), CostColumn.Used).TotalMicros);

    /// <summary>The progressive run's requests: a gap of 4 KB (what 2 % loss leaves in ~0.7 s of 24-bit stereo).</summary>
    public const int ProgressiveRequestBytes = 4096;

    /// <summary>The simulated time one Fill of the native file server spends: the modelled cost of a datagram it serves, send included.</summary>
    public static long NativeServeFillMicros(int chunkBytes) => (long)Math.Round(CostModel.Price(CostModel.NativeServeDatagram(chunkBytes), CostColumn.Used).TotalMicros);

    private static long Speed(int bytes, double micros) => (long)Math.Round(bytes * 1e6 / micros);

    private static long Allocated()
    {
        GC.Collect(0);
        return GC.GetAllocatedBytesForCurrentThread();
    }

    private static bool RunUntil(SimulatedBox box, BenchRoom room, Func<BoxController, bool> done, int maxTurns, bool poll = true)
    {
        for (int i = 0; i < maxTurns; i++)
        {
            if (done(box.Controller))
            {
                return true;
            }

            box.RunOnce();
            if (poll)
            {
                room.Poll();
            }
        }

        return done(box.Controller);
    }

    private static void Run(SimulatedBox box, BenchRoom room, int turns)
    {
        for (int i = 0; i < turns; i++)
        {
            box.RunOnce();
            room.Poll();
        }
    }
}
