namespace Octomix.DeviceModel;

/// <summary>What a block costs, µs, by kind of work.</summary>
public readonly record struct BlockCost(double ManagedMicros, double NativeMicros, double SdMicros, double NetworkMicros)
{
    public double TotalMicros => ManagedMicros + NativeMicros + SdMicros + NetworkMicros;
}

/// <summary>
/// Prices <see cref="BlockCounts"/> with <see cref="DeviceCosts"/>: managed = S × statements +
/// M × calls + N × native calls; native work = copies, I2S, timers, GPIO, the checksum's words,
/// FatFs CPU; card = its commands; network = polls, sends, receives.
/// </summary>
public static class CostModel
{
    public static BlockCost Price(BlockCounts c, CostColumn column)
    {
        ArgumentNullException.ThrowIfNull(c);
        double s = DeviceCosts.Statement.Pick(column);
        double m = DeviceCosts.Call.Pick(column);
        double n = DeviceCosts.Native.Pick(column);
        double managed = (c.Statements * s) + (c.ManagedCalls * m) + (c.NativeCalls * n);
        double native = (c.BytesCopied * DeviceCosts.PsramCopy.Pick(column))
            + (c.I2sReadBytes * DeviceCosts.I2sRead.Pick(column))
            + (c.I2sWriteBytes * DeviceCosts.I2sWrite.Pick(column))
            + (c.TimerReads * DeviceCosts.Timer.Pick(column))
            + (c.GpioOps * DeviceCosts.Gpio.Pick(column))
            + (c.ChecksumWords * DeviceCosts.WordSum.Pick(column))
            + (c.FatFsCalls * DeviceCosts.FatFsCall.Pick(column))
            + (c.FatFsSyncs * DeviceCosts.FatFsSync.Pick(column))
            + (c.ChainSteps * DeviceCosts.ChainStep.Pick(column))
            + (c.BounceBuffers * DeviceCosts.Bounce.Pick(column));
        double sd = (c.SdSingleWrites * DeviceCosts.SdSingleWrite.Pick(column))
            + (c.SdMultiWrites * DeviceCosts.SdSingleWrite.Pick(column))
            + (c.SdMultiExtraSectors * DeviceCosts.SdMultiSector.Pick(column))
            + (c.SdSectorReads * DeviceCosts.SdSingleRead.Pick(column))
            + (c.SdMultiReads * DeviceCosts.SdSingleRead.Pick(column));
        double network = (c.Polls * DeviceCosts.Poll.Pick(column))
            + (c.DatagramsSent * DeviceCosts.Send.Pick(column))
            + (c.DatagramsReceived * DeviceCosts.Receive.Pick(column));
        return new BlockCost(managed, native, sd, network);
    }

    /// <summary>
    /// One 64-byte chunk of the take checksum, counted as the box does it (§6): its read call
    /// (a sector read every 8th chunk through FatFs's file buffer), the clock read after it, 8
    /// words summed. The simulated card is given this cost as its read time, so the box's time
    /// box stops its turns where the ESP32's would.
    /// </summary>
    public static BlockCounts ChecksumChunk(int chunkBytes = 64)
    {
        var c = new BlockCounts();
        double words = chunkBytes / 8.0;
        c.ChecksumWords = words;
        c.ChecksumBytes = chunkBytes;
        c.ManagedCalls = ManagedWork.ChecksumChunkCalls + (words * ManagedWork.WordCalls) + ManagedWork.FileCallCalls + ManagedWork.ClockCalls;
        c.Statements = ManagedWork.ChecksumChunkStatements + (words * ManagedWork.WordStatements) + ManagedWork.FileCallStatements + ManagedWork.ClockStatements;
        c.NativeCalls = words + 2; // BitConverter per word, the read, the clock
        c.TimerReads = 1;
        c.FatFsCalls = 1;
        c.SdSectorReads = chunkBytes / (double)SdCardModel.SectorBytes;
        c.BytesCopied = chunkBytes + (chunkBytes / (double)SdCardModel.SectorBytes * SdCardModel.SectorBytes); // out of fp->buf; the sector read's bounce
        c.BounceBuffers = chunkBytes / (double)SdCardModel.SectorBytes;
        return c;
    }

    /// <summary>One served FileData chunk (§7): its read (whole sectors, bounced), the send, the clock read, the managed work.</summary>
    public static BlockCounts ServeChunk(int chunkBytes)
    {
        var c = new BlockCounts();
        double sectors = Math.Ceiling(chunkBytes / (double)SdCardModel.SectorBytes);
        c.ServedChunks = 1;
        c.ServedBytes = chunkBytes;
        c.ManagedCalls = ManagedWork.ServeChunkCalls + ManagedWork.FileCallCalls + ManagedWork.OtherSendCalls + ManagedWork.ClockCalls;
        c.Statements = ManagedWork.ServeChunkStatements + ManagedWork.FileCallStatements + ManagedWork.OtherSendStatements + ManagedWork.ClockStatements;
        c.NativeCalls = 3;
        c.TimerReads = 1;
        c.FatFsCalls = 1;
        c.SdSectorReads = sectors;
        c.BounceBuffers = 1;
        c.BytesCopied = sectors * SdCardModel.SectorBytes;
        c.DatagramsSent = 1;
        c.DatagramBytesSent = chunkBytes + 28;
        return c;
    }

    /// <summary>
    /// One FileData datagram served by the native file server (§7, "the native file server"), the
    /// loop's side: the Fill call (its counted wrapper, the native entry, the datagram's body copied
    /// out of the internal-RAM slot into the managed datagram in PSRAM), the loop's bookkeeping, the
    /// send and the clock read after it. No card work: the task on the other core reads the card
    /// (<see cref="NativeServePiece"/>). The simulated card spends this as each Fill's time, so the
    /// box's time box stops its turns where the ESP32's would.
    /// </summary>
    public static BlockCounts NativeServeDatagram(int chunkBytes)
    {
        var c = new BlockCounts();
        c.ServedChunks = 1;
        c.ServedBytes = chunkBytes;
        c.ManagedCalls = ManagedWork.NativeServeDatagramCalls + ManagedWork.FileCallCalls + ManagedWork.OtherSendCalls + ManagedWork.ClockCalls;
        c.Statements = ManagedWork.NativeServeDatagramStatements + ManagedWork.FileCallStatements + ManagedWork.OtherSendStatements + ManagedWork.ClockStatements;
        c.NativeCalls = 3; // Fill, the send, the clock
        c.BytesCopied = chunkBytes + 16; // the FileData fields and the data, into the managed datagram
        c.TimerReads = 1;
        c.DatagramsSent = 1;
        c.DatagramBytesSent = chunkBytes + 28;
        return c;
    }

    /// <summary>
    /// The native side of one durable read (IAppendFile.ReadDurable, native/OctomixTakeWriter
    /// take_read_esp32.c: progressive collection on the custom image), beyond its native entry and
    /// its wrapper's managed work (the listener counts those): <c>f_lseek</c> through the read
    /// handle's cluster link map (no FAT sector, no chain step; to a sector boundary, so no sector
    /// read either) and <c>f_read</c> of the whole sectors that hold the bytes (2 F), one card
    /// command into the DMA-capable internal buffer — CMD17 for one sector, CMD18 for more (priced
    /// as a single read plus SDm per further sector), no bounce buffer — and the memcpy of the bytes
    /// into the managed datagram (C). The read never crosses a cluster (take_read.c cuts it there).
    /// </summary>
    public static BlockCounts NativeDurableRead(long fileOffset, int bytes)
    {
        var c = new BlockCounts();
        if (bytes <= 0)
        {
            return c;
        }

        long sectors = ((fileOffset + bytes - 1) / SdCardModel.SectorBytes) - (fileOffset / SdCardModel.SectorBytes) + 1;
        c.FatFsCalls = 2;
        if (sectors == 1)
        {
            c.SdSectorReads = 1;
        }
        else
        {
            c.SdMultiReads = 1;
            c.SdMultiExtraSectors = sectors - 1;
        }

        c.SdDataBytesRead = sectors * SdCardModel.SectorBytes;
        c.BytesCopied = bytes;
        return c;
    }

    /// <summary>
    /// One read of the native file server's task (take_serve_esp32.c) on the other core: f_lseek
    /// forward (a chain step per cluster boundary crossed) and f_read of a whole-sector piece into
    /// its 4-byte-aligned, DMA-capable slot, which FatFs hands to disk_read in one call, so ESP-IDF
    /// sends one CMD18 multi-block read (no bounce buffer). A request's unaligned first and last
    /// sector would add a single-block read each through FatFs's sector buffer; the bench's
    /// requests are sector-aligned.
    /// </summary>
    public static BlockCounts NativeServePiece(int pieceBytes, int clusterBytes = SdCardModel.DefaultClusterBytes)
    {
        var c = new BlockCounts();
        double sectors = Math.Ceiling(pieceBytes / (double)SdCardModel.SectorBytes);
        c.FatFsCalls = 2;
        c.ChainSteps = pieceBytes / (double)clusterBytes;
        c.SdMultiReads = 1;
        c.SdMultiExtraSectors = sectors - 1;
        c.SdDataBytesRead = pieceBytes;
        return c;
    }
}
