namespace Octomix.DeviceModel;

/// <summary>
/// What the ESP32 does in one turn of the audio loop, counted: the managed work (calls,
/// statements, native entries), the native work (bytes copied in PSRAM, I2S bytes, timer reads,
/// polls, datagrams) and the card's commands. <see cref="CostModel"/> prices it.
/// </summary>
public sealed class BlockCounts
{
    public double ManagedCalls;
    public double Statements;
    public double NativeCalls;

    /// <summary>Bytes copied in or out of PSRAM (Array.Copy, the SD bounce buffer's memcpy).</summary>
    public double BytesCopied;

    public double I2sReadBytes;
    public double I2sWriteBytes;
    public double TimerReads;
    public double GpioOps;

    /// <summary>Receives that found nothing (the poll).</summary>
    public double Polls;

    public double DatagramsSent;
    public double DatagramBytesSent;
    public double DatagramsReceived;

    /// <summary>8-byte words summed by the take checksum.</summary>
    public double ChecksumWords;

    public double ChecksumBytes;
    public double ServedChunks;
    public double ServedBytes;

    /// <summary>Single-block card writes (CMD24 + CMD13 + busy).</summary>
    public double SdSingleWrites;

    /// <summary>Multi-block card writes (CMD25): one command and busy each ...</summary>
    public double SdMultiWrites;

    /// <summary>... and their sectors beyond the first.</summary>
    public double SdMultiExtraSectors;

    /// <summary>Single-block card reads (CMD17 + CMD13).</summary>
    public double SdSectorReads;

    /// <summary>Multi-block card reads (CMD18 + CMD12) from a DMA-capable buffer: one command each, priced as a single read; their further sectors are <see cref="SdMultiExtraSectors"/>.</summary>
    public double SdMultiReads;

    /// <summary>File data bytes read from the card by the native file server's task.</summary>
    public double SdDataBytesRead;

    public double SdFatSectorWrites;
    public double SdDirectorySectorWrites;
    public double SdDataBytesWritten;
    public double FatFsCalls;
    public double FatFsSyncs;
    public double ChainSteps;
    public double BounceBuffers;

    /// <summary>The card writes of every kind (single and multi-block).</summary>
    public double SdWriteCommands => SdSingleWrites + SdMultiWrites;

    public void Clear()
    {
        ManagedCalls = Statements = NativeCalls = BytesCopied = I2sReadBytes = I2sWriteBytes = TimerReads = GpioOps = 0;
        Polls = DatagramsSent = DatagramBytesSent = DatagramsReceived = ChecksumWords = ChecksumBytes = ServedChunks = ServedBytes = 0;
        SdSingleWrites = SdMultiWrites = SdMultiExtraSectors = SdSectorReads = SdMultiReads = SdDataBytesRead = SdFatSectorWrites = SdDirectorySectorWrites = SdDataBytesWritten = 0;
        FatFsCalls = FatFsSyncs = ChainSteps = BounceBuffers = 0;
    }

    /// <summary>Adds <paramref name="other"/> × <paramref name="times"/>.</summary>
    public void Add(BlockCounts other, double times = 1)
    {
        ManagedCalls += other.ManagedCalls * times;
        Statements += other.Statements * times;
        NativeCalls += other.NativeCalls * times;
        BytesCopied += other.BytesCopied * times;
        I2sReadBytes += other.I2sReadBytes * times;
        I2sWriteBytes += other.I2sWriteBytes * times;
        TimerReads += other.TimerReads * times;
        GpioOps += other.GpioOps * times;
        Polls += other.Polls * times;
        DatagramsSent += other.DatagramsSent * times;
        DatagramBytesSent += other.DatagramBytesSent * times;
        DatagramsReceived += other.DatagramsReceived * times;
        ChecksumWords += other.ChecksumWords * times;
        ChecksumBytes += other.ChecksumBytes * times;
        ServedChunks += other.ServedChunks * times;
        ServedBytes += other.ServedBytes * times;
        SdSingleWrites += other.SdSingleWrites * times;
        SdMultiWrites += other.SdMultiWrites * times;
        SdMultiExtraSectors += other.SdMultiExtraSectors * times;
        SdSectorReads += other.SdSectorReads * times;
        SdMultiReads += other.SdMultiReads * times;
        SdDataBytesRead += other.SdDataBytesRead * times;
        SdFatSectorWrites += other.SdFatSectorWrites * times;
        SdDirectorySectorWrites += other.SdDirectorySectorWrites * times;
        SdDataBytesWritten += other.SdDataBytesWritten * times;
        FatFsCalls += other.FatFsCalls * times;
        FatFsSyncs += other.FatFsSyncs * times;
        ChainSteps += other.ChainSteps * times;
        BounceBuffers += other.BounceBuffers * times;
    }
}

/// <summary>The managed work per event, counted from the code (docs/device-budget.md §3, §6, §7): calls and statements.</summary>
public static class ManagedWork
{
    /// <summary>
    /// Every block, whatever happens: DetectOverrun (1 / 18), LevelMeter.Probe (17 / 70), Tick
    /// (14 / 95: button debounce, knob every 16th block, requests, timers, NACK queue, reliable
    /// sender, flashes), lights.Update (1 / 25), loop bookkeeping (0 / 10) and the output fill
    /// (click or mix: 10 / 45 and two native Array.Copy/Clear of the block).
    /// </summary>
    public const int LoopCalls = 43;

    public const int LoopStatements = 263;
    public const int LoopNativeCopies = 2;

    public const int CaptureReadCalls = 5;
    public const int CaptureReadStatements = 12;
    public const int PlaybackWriteCalls = 4;
    public const int PlaybackWriteStatements = 9;
    public const int ClockCalls = 3;
    public const int ClockStatements = 2;

    /// <summary>Recorder.Write → BwfWriter.Write → FileStream.Write (§3 step 5).</summary>
    public const int CardWriteCalls = 8;

    public const int CardWriteStatements = 30;

    /// <summary>Other file calls (seek, flush, length, read's wrapper): counted wrapper + FileStream.</summary>
    public const int FileCallCalls = 2;

    public const int FileCallStatements = 6;

    /// <summary>AudioStreamer.SendBlock: sequence, timecode, copy the payload into the ring slot, send (§3 step 6).</summary>
    public const int AudioSendCalls = 8;

    public const int AudioSendStatements = 30;

    /// <summary>Any other datagram sent (Status, Ack, FileData's send): wrapper and message fields.</summary>
    public const int OtherSendCalls = 6;

    public const int OtherSendStatements = 40;

    /// <summary>RoomLink.Next's receive when nothing is waiting (§3 step 9).</summary>
    public const int PollCalls = 4;

    public const int PollStatements = 8;

    /// <summary>A datagram received and handled (decode the header, dispatch, the message's fields): this model's estimate.</summary>
    public const int ReceivedCalls = 20;

    public const int ReceivedStatements = 150;

    /// <summary>Per 8 checksum bytes: the loop test and p += 8 (2 S), BitConverter (N), Add (M + 2 S) (§6).</summary>
    public const int WordCalls = 1;

    public const int WordStatements = 4;

    /// <summary>Per 64-byte checksum chunk: the budget check and loop around the read (§6).</summary>
    public const int ChecksumChunkCalls = 3;

    public const int ChecksumChunkStatements = 10;

    /// <summary>Per served chunk: Find, ServeChunk, FileDataMessage.WriteHeader (§7: ~12 M + ~80 S).</summary>
    public const int ServeChunkCalls = 12;

    public const int ServeChunkStatements = 80;

    /// <summary>
    /// Per datagram taken from the native file server (TakeFileServer.ServeNativeWithin): the
    /// budget test, HandOver's fast path (1 M + 8 S), the Fill call site, the request bookkeeping
    /// (offset, length, counters) — beyond the counted wrapper's own work.
    /// </summary>
    public const int NativeServeDatagramCalls = 3;

    public const int NativeServeDatagramStatements = 28;
}
