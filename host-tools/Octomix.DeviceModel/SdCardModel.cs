using Octomix.Hal;

namespace Octomix.DeviceModel;

/// <summary>
/// How a managed <c>FileStream</c> call reaches the card on the reference box, as the sources
/// say it does (docs/device-budget.md §5a has the citations):
/// <list type="bullet">
/// <item>nanoFramework (nf-interpreter, targets/ESP32/_FatFs/fatfs_FS_Driver.cpp): the file stays
/// open; Write is <c>f_write</c> then <c>f_sync</c> — after every write; Flush is <c>f_sync</c>;
/// Seek from the beginning is <c>f_rewind</c> + <c>f_lseek</c>; the managed array is passed as it is
/// (src/System.IO.FileSystem/nf_sys_io_filesystem_System_IO_NativeFileStream.cpp, DIRECT_IO).</item>
/// <item>FatFs (ESP-IDF components/fatfs/src/ff.c): whole sectors go straight from the caller's
/// buffer to <c>disk_write</c> (up to the cluster's end); a partial sector goes through the file's
/// sector buffer (read first when it holds file data); a new cluster is taken from the FAT
/// through the one-sector window (<c>create_chain</c>, <c>fsi_flag</c>); <c>f_sync</c> writes the
/// dirty file buffer, moves the window to the directory sector (writing a dirty FAT window to
/// both FATs first), writes the entry, and writes FSInfo when the free count changed;
/// <c>f_lseek</c> without a cluster table walks the chain from the first cluster.</item>
/// <item>ESP-IDF (components/fatfs/diskio/diskio_sdmmc.c → components/sdmmc/sdmmc_cmd.c): a
/// buffer in PSRAM (every managed array on a WROVER) is not DMA-capable on the ESP32, so
/// <c>sdmmc_write_sectors</c> mallocs a one-sector DMA buffer and writes sector by sector —
/// memcpy, CMD24 single-block write, CMD13, wait out the busy; reads the same with CMD17.
/// A DMA-capable, aligned buffer goes as one CMD25 multi-block write.</item>
/// </list>
/// The file buffer and the FAT window live in the FatFs objects (internal RAM): their sectors
/// are single-block transfers without the bounce. Card geometry: FAT32, 32 KB clusters (the SD
/// Association's format for 32 GB SDHC), two FATs.
/// </summary>
public sealed class SdCardModel
{
    public const int SectorBytes = 512;
    public const int DefaultClusterBytes = 32768;
    private const int FatEntriesPerSector = SectorBytes / 4;
    private const long DirectoryWindow = 1;
    private const long FsInfoWindow = 2;
    private const long FatWindowBase = 1_000_000;

    private readonly Dictionary<IStorageFile, FileState> files = new(ReferenceEqualityComparer.Instance);
    private long window = -1;
    private bool windowDirty;
    private bool freeCountChanged;
    private int nextFirstCluster = 3;

    public SdCardModel(int clusterBytes = DefaultClusterBytes)
    {
        if (clusterBytes < SectorBytes || clusterBytes % SectorBytes != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(clusterBytes));
        }

        ClusterBytes = clusterBytes;
    }

    public int ClusterBytes { get; }

    /// <summary>
    /// True: managed buffers are DMA-capable and aligned (not today's box: a lever the model can
    /// price — whole sectors then go as one multi-block write per call).
    /// </summary>
    public bool DmaCapableBuffers { get; set; }

    /// <summary>False: FileStream.Write does not f_sync (not today's nanoFramework: a lever).</summary>
    public bool SyncAfterEveryWrite { get; set; } = true;

    /// <summary>
    /// Price a new file's blocks as if it already held this many bytes past its header (a take
    /// minutes in): positions beyond <see cref="HeaderBytes"/> move by it, so a seek from the start
    /// walks the chain a long take has. 0: the file as it is.
    /// </summary>
    public long PretendBytesWritten { get; set; }

    /// <summary>The part of a new file <see cref="PretendBytesWritten"/> does not move (the BWF header).</summary>
    public long HeaderBytes { get; set; } = 4096;

    /// <summary>Where the counts go.</summary>
    public BlockCounts Counts { get; set; } = new();

    /// <summary>
    /// The native take writer's task (an <see cref="IAppendFile"/>): its card work, on the other
    /// core, beside the loop — counted here, not in <see cref="Counts"/>. Cumulative.
    /// </summary>
    public BlockCounts TaskCounts { get; set; } = new();

    /// <summary>
    /// <paramref name="bytes"/> of a file served by the native file server, read by its task on
    /// the other core in pieces of <paramref name="pieceBytes"/> (CostModel.NativeServePiece): the
    /// task's card work is counted, in proportion, as the datagrams that carry them are taken.
    /// </summary>
    public void ServeTaskRead(int bytes, int pieceBytes)
    {
        TaskCounts.Add(CostModel.NativeServePiece(pieceBytes, ClusterBytes), bytes / (double)pieceBytes);
    }

    /// <summary>
    /// An append file (<see cref="IAppendStorage.OpenAppend"/>): the native writer preallocates it
    /// contiguous (f_expand), so its writes take no cluster from the FAT; <paramref name="pieceBytes"/>
    /// is its card write.
    /// </summary>
    public void OpenAppend(IStorageFile file, int pieceBytes, long syncBytes)
    {
        Open(file, 0, 0);
        var f = files[file];
        f.PieceBytes = pieceBytes;
        f.SyncBytes = syncBytes;
        f.Clusters = int.MaxValue / 2; // preallocated
        f.DurableHeader = true; // take_writer_esp32.c's header handle comes with the preallocation
    }

    /// <summary>
    /// A write to an append file: at its end a copy into the ring (the loop's memcpy from PSRAM),
    /// and each full piece — cut at file offsets that are multiples of the piece — written by the
    /// task from its DMA-capable ring: one multi-block command per cluster it spans; elsewhere
    /// (the header sizes at close) the ring drains and the write is a plain one.
    /// </summary>
    public void Append(IStorageFile file, int count)
    {
        var f = Get(file);
        if (f.PieceBytes == 0 || f.Position + f.Ring < f.Size)
        {
            Drain(f, Counts);
            Write(file, count);
            return;
        }

        Counts.BytesCopied += count;
        f.Ring += count;
        while (true)
        {
            long start = f.Position;
            long pieceEnd = ((start / f.PieceBytes) + 1) * f.PieceBytes;
            if (start + f.Ring < pieceEnd)
            {
                break;
            }

            TaskWrite(f, (int)(pieceEnd - start), TaskCounts);
        }
    }

    /// <summary>The ring's rest, written while the caller waits (Flush, a seek, close).</summary>
    private void Drain(FileState f, BlockCounts into)
    {
        if (f.Ring > 0)
        {
            TaskWrite(f, (int)f.Ring, into);
        }
    }

    private void TaskWrite(FileState f, int n, BlockCounts into)
    {
        var loop = Counts;
        bool dma = DmaCapableBuffers;
        bool sync = SyncAfterEveryWrite;
        Counts = into;
        DmaCapableBuffers = true;   // the ring is internal RAM
        SyncAfterEveryWrite = false; // f_write without nanoFramework's FileStream f_sync
        try
        {
            var file = files.First(kv => ReferenceEquals(kv.Value, f)).Key;
            f.Ring -= n;
            Write(file, n);
            f.Unsynced += n;
            if (f.Unsynced + f.PieceBytes > f.SyncBytes)
            {
                RewriteHeader(f);
                Sync(f);
                f.Unsynced = 0;
            }
        }
        finally
        {
            Counts = loop;
            DmaCapableBuffers = dma;
            SyncAfterEveryWrite = sync;
        }
    }

    /// <summary>
    /// The durable header before the task's f_sync (take_header.c, take_writer_esp32.c's
    /// header_rewrite): on the second FIL, f_lseek to the header sector and f_write of the whole
    /// sector from DMA-capable RAM, twice (sector 0: the RIFF size; sector 7: the data size) — one
    /// CMD24 each, inside the first cluster (no chain step, no FAT window).
    /// </summary>
    private void RewriteHeader(FileState f)
    {
        if (!f.DurableHeader)
        {
            return;
        }

        Counts.FatFsCalls += 4;
        WriteSectors(1, fromManagedBuffer: false);
        WriteSectors(1, fromManagedBuffer: false);
    }

    public void Open(IStorageFile file, long length, long position)
    {
        ArgumentNullException.ThrowIfNull(file);
        var state = new FileState { Size = length, Position = position, FirstCluster = nextFirstCluster, Shift = length == 0 ? PretendBytesWritten : 0 };
        state.Clusters = (int)((length + ClusterBytes - 1) / ClusterBytes);
        nextFirstCluster += 1 << 16; // files far apart in the FAT
        files[file] = state;

        // f_stat + f_open: the directory entry is found (one directory sector, when not in the
        // window); f_chmod writes it back; a new file is also f_sync'ed.
        Counts.FatFsCalls += 2;
        MoveWindow(DirectoryWindow);
        windowDirty = true;
        SyncWindow();
        if (length == 0)
        {
            state.Modified = true;
            Sync(state);
        }
    }

    public void Write(IStorageFile file, int count)
    {
        var f = Get(file);
        if (f.Shift > 0 && !f.Shifted && f.Position >= HeaderBytes)
        {
            // the first write past the header: the take is minutes in
            f.Position += f.Shift;
            f.Size = Math.Max(f.Size, f.Position);
            f.Clusters = (int)((f.Size + ClusterBytes - 1) / ClusterBytes);
            f.BufferSector = -1;
            f.Shifted = true;
        }

        Counts.FatFsCalls++;
        long p = f.Position;
        int remaining = count;
        while (remaining > 0)
        {
            if (p % SectorBytes == 0)
            {
                EnterCluster(f, p, allocate: true);
                FlushBuffer(f);
                int toClusterEnd = (int)((ClusterBytes - (p % ClusterBytes)) / SectorBytes);
                int whole = Math.Min(remaining / SectorBytes, toClusterEnd);
                if (whole > 0)
                {
                    WriteSectors(whole, fromManagedBuffer: true);
                    if (f.BufferSector >= p / SectorBytes && f.BufferSector < (p / SectorBytes) + whole)
                    {
                        f.BufferSector = -1; // FatFs refreshes its copy from the data written
                    }

                    p += (long)whole * SectorBytes;
                    remaining -= whole * SectorBytes;
                    continue;
                }
            }

            LoadBuffer(f, p / SectorBytes, p < f.Size);
            int n = (int)Math.Min(remaining, SectorBytes - (p % SectorBytes));
            Counts.BytesCopied += n;
            f.BufferDirty = true;
            p += n;
            remaining -= n;
        }

        f.Position = p;
        f.Size = Math.Max(f.Size, p);
        f.Modified = true;
        Counts.SdDataBytesWritten += count;
        if (SyncAfterEveryWrite)
        {
            Sync(f);
        }
    }

    public void Read(IStorageFile file, int count)
    {
        var f = Get(file);
        Drain(f, Counts);
        Counts.FatFsCalls++;
        long p = f.Position;
        Grow(f, p + count);
        int remaining = (int)Math.Max(0, Math.Min(count, f.Size - p));
        while (remaining > 0)
        {
            if (p % SectorBytes == 0)
            {
                EnterCluster(f, p, allocate: false);
                int toClusterEnd = (int)((ClusterBytes - (p % ClusterBytes)) / SectorBytes);
                int whole = Math.Min(remaining / SectorBytes, toClusterEnd);
                if (whole > 0)
                {
                    ReadSectors(whole, intoManagedBuffer: true);
                    p += (long)whole * SectorBytes;
                    remaining -= whole * SectorBytes;
                    continue;
                }
            }

            LoadBuffer(f, p / SectorBytes, true);
            int n = (int)Math.Min(remaining, SectorBytes - (p % SectorBytes));
            Counts.BytesCopied += n;
            p += n;
            remaining -= n;
        }

        f.Position = p;
    }

    /// <summary>FileStream.Position = offset: f_rewind, then f_lseek walks the chain from the first cluster.</summary>
    public void Seek(IStorageFile file, long offset)
    {
        var f = Get(file);
        Drain(f, Counts);
        if (offset > HeaderBytes)
        {
            offset += f.Shift;
        }

        Counts.FatFsCalls += 2;
        Grow(f, offset);
        long steps = offset <= 0 ? 0 : (Math.Min(offset, f.Size) - 1) / ClusterBytes;
        for (long k = 1; k <= steps; k++)
        {
            Counts.ChainSteps++;
            MoveWindow(FatSector(f, (int)k - 1));
        }

        f.Position = offset;
        if (offset % SectorBytes != 0 && offset / SectorBytes != f.BufferSector)
        {
            LoadBuffer(f, offset / SectorBytes, true); // f_lseek reads the sector it lands inside
        }
    }

    /// <summary>
    /// A read handle opened while its file was still being written (progressive collection: the
    /// native writer's file, preallocated on the card, read as the take goes on) sees the file's
    /// size on the card, not the size when the box opened it: what it reads or seeks to exists.
    /// </summary>
    private void Grow(FileState f, long end)
    {
        if (end > f.Size)
        {
            f.Size = end;
            f.Clusters = Math.Max(f.Clusters, (int)((end + ClusterBytes - 1) / ClusterBytes));
        }
    }

    public void Flush(IStorageFile file)
    {
        var f = Get(file);
        Drain(f, Counts);
        Sync(f);
    }

    public void Close(IStorageFile file)
    {
        if (files.TryGetValue(file, out var f))
        {
            Drain(f, Counts);
            Sync(f);
            files.Remove(file);
        }
    }

    public bool Knows(IStorageFile file) => files.ContainsKey(file);

    private FileState Get(IStorageFile file)
    {
        if (!files.TryGetValue(file, out var f))
        {
            // opened before the model listened: take it as it is now
            Open(file, file.Length, file.Position);
            f = files[file];
        }

        return f;
    }

    /// <summary>At a cluster's first byte: follow the chain (get_fat) or take a new cluster (create_chain).</summary>
    private void EnterCluster(FileState f, long p, bool allocate)
    {
        if (p % ClusterBytes != 0)
        {
            return;
        }

        int index = (int)(p / ClusterBytes);
        if (index >= f.Clusters)
        {
            if (!allocate)
            {
                return;
            }

            // create_chain: the free cluster after the last, linked in through the FAT window
            MoveWindow(FatSector(f, index));
            windowDirty = true;
            freeCountChanged = true;
            f.Clusters = index + 1;
            Counts.ChainSteps++;
        }
        else if (index > 0)
        {
            MoveWindow(FatSector(f, index - 1));
            Counts.ChainSteps++;
        }
    }

    private long FatSector(FileState f, int clusterIndex) => FatWindowBase + ((f.FirstCluster + clusterIndex) / FatEntriesPerSector);

    /// <summary>f_sync: the file buffer, the directory entry (after a dirty FAT window, on both FATs), FSInfo.</summary>
    private void Sync(FileState f)
    {
        Counts.FatFsSyncs++;
        if (!f.Modified)
        {
            return;
        }

        FlushBuffer(f);
        MoveWindow(DirectoryWindow);
        windowDirty = true;
        SyncWindow();
        if (freeCountChanged)
        {
            // sync_fs builds FSInfo in the window and writes it
            window = FsInfoWindow;
            WriteSectors(1, fromManagedBuffer: false);
            Counts.SdFatSectorWrites++;
            freeCountChanged = false;
        }

        f.Modified = false;
    }

    private void FlushBuffer(FileState f)
    {
        if (f.BufferDirty)
        {
            WriteSectors(1, fromManagedBuffer: false);
            f.BufferDirty = false;
        }
    }

    private void LoadBuffer(FileState f, long sector, bool hasData)
    {
        if (f.BufferSector == sector)
        {
            return;
        }

        FlushBuffer(f);
        if (hasData)
        {
            ReadSectors(1, intoManagedBuffer: false);
        }

        f.BufferSector = sector;
    }

    private void MoveWindow(long sector)
    {
        if (window == sector)
        {
            return;
        }

        SyncWindow();
        ReadSectors(1, intoManagedBuffer: false);
        window = sector;
    }

    private void SyncWindow()
    {
        if (!windowDirty)
        {
            return;
        }

        if (window >= FatWindowBase)
        {
            WriteSectors(2, fromManagedBuffer: false, separateCommands: true); // both FATs
            Counts.SdFatSectorWrites += 2;
        }
        else
        {
            WriteSectors(1, fromManagedBuffer: false);
            Counts.SdDirectorySectorWrites++;
        }

        windowDirty = false;
    }

    private void WriteSectors(int sectors, bool fromManagedBuffer, bool separateCommands = false)
    {
        if (fromManagedBuffer && !DmaCapableBuffers)
        {
            // sdmmc_write_sectors: a one-sector DMA buffer, memcpy + CMD24 per sector
            Counts.BounceBuffers++;
            Counts.BytesCopied += (double)sectors * SectorBytes;
            Counts.SdSingleWrites += sectors;
        }
        else if (sectors == 1 || separateCommands)
        {
            Counts.SdSingleWrites += sectors;
        }
        else
        {
            Counts.SdMultiWrites++;
            Counts.SdMultiExtraSectors += sectors - 1;
        }
    }

    private void ReadSectors(int sectors, bool intoManagedBuffer)
    {
        if (intoManagedBuffer && !DmaCapableBuffers)
        {
            Counts.BounceBuffers++;
            Counts.BytesCopied += (double)sectors * SectorBytes;
        }

        Counts.SdSectorReads += sectors;
    }

    private sealed class FileState
    {
        public long Size;
        public long Position;
        public int Clusters;
        public int FirstCluster;
        public long BufferSector = -1;
        public bool BufferDirty;
        public bool Modified;
        public long Shift;
        public bool Shifted;
        public int PieceBytes;
        public long Ring;
        public long Unsynced;
        public long SyncBytes = long.MaxValue;
        public bool DurableHeader;
    }
}
