using Octomix.Hal;

namespace Octomix.Board.Simulated;

/// <summary>
/// The SD card as a folder on the PC, with the failures a real card has:
/// <list type="bullet">
/// <item>a capacity: writes that do not fit throw IOException ("card full") and write nothing;</item>
/// <item>a write and a read speed (simulated time spent per byte) and injectable write stalls;</item>
/// <item>a power cut: every open file keeps only what was flushed, as FatFs does — its length is
/// the one of the last Flush (f_sync updates the directory entry), and bytes overwritten in place
/// since then get their old content back; the card is then unmounted until the next boot.</item>
/// <item>the native writer's preallocation (<see cref="AppendPreallocateBytes"/>, FatFs
/// <c>f_expand(fp, size, 1)</c>, which also sets the file's size): its directory entry says the
/// whole preallocation from the start, so a power cut leaves the file that long — stale card
/// content after what was written — until the close's <c>f_truncate</c> would have given it back.</item>
/// </list>
/// Paths are relative, '/'-separated, and may not leave the folder. Steady-state writes
/// allocate nothing.
/// </summary>
public sealed class SimulatedCard : IStorage, IAppendStorage, IServeStorage
{
    private readonly SimulatedTime time;
    private readonly List<SimulatedCardFile> open = new();
    private long used;
    private long writes;

    public SimulatedCard(string folder, SimulatedTime time)
    {
        Folder = Path.GetFullPath(folder);
        this.time = time;
    }

    public string Folder { get; }

    /// <summary>Bytes the card holds (default 32 GiB).</summary>
    public long CapacityBytes { get; set; } = 32L << 30;

    /// <summary>Write throughput in bytes per second of simulated time; 0 = as fast as the PC.</summary>
    public long WriteBytesPerSecond { get; set; }

    /// <summary>Read throughput in bytes per second of simulated time; 0 = as fast as the PC.</summary>
    public long ReadBytesPerSecond { get; set; }

    /// <summary>False: no card in the slot (Mount fails).</summary>
    public bool Present { get; set; } = true;

    /// <summary>Every Nth write stalls for <see cref="StallMicroseconds"/> (0 = never).</summary>
    public int StallEveryNthWrite { get; set; }

    public long StallMicroseconds { get; set; }

    public bool IsMounted { get; private set; }

    public long UsedBytes => Interlocked.Read(ref used);

    public long FreeBytes => IsMounted ? Math.Max(0, CapacityBytes - UsedBytes) : -1;

    public long Writes => Interlocked.Read(ref writes);

    public bool Mount()
    {
        if (!Present)
        {
            return false;
        }

        Directory.CreateDirectory(Folder);
        used = Directory.EnumerateFiles(Folder, "*", SearchOption.AllDirectories).Sum(f => new FileInfo(f).Length);
        IsMounted = true;
        return true;
    }

    /// <summary>
    /// Cuts the power: open files keep what was flushed; the card must be mounted again. With
    /// <paramref name="keepUnflushedAppends"/> the data appended since the last flush survives
    /// but the in-place rewrites (header sizes) do not — a file system that committed the data
    /// and the directory size without the header update: the case the boot-time repair fixes.
    /// </summary>
    public void PowerCut(bool keepUnflushedAppends = false)
    {
        lock (open)
        {
            foreach (var f in open.ToArray())
            {
                f.LosePower(keepUnflushedAppends);
            }

            open.Clear();
        }

        IsMounted = false;
    }

    public bool Exists(string path) => File.Exists(Map(path)) || Directory.Exists(Map(path));

    public void Delete(string path)
    {
        string p = Map(path);
        if (File.Exists(p))
        {
            Interlocked.Add(ref used, -new FileInfo(p).Length);
            File.Delete(p);
        }
    }

    public void CreateDirectory(string path)
    {
        CheckMounted();
        Directory.CreateDirectory(Map(path));
    }

    public string[] ListFiles(string directory)
    {
        string p = Map(directory);
        return Directory.Exists(p) ? Directory.GetFiles(p).Select(Path.GetFileName).OfType<string>().OrderBy(n => n, StringComparer.Ordinal).ToArray() : [];
    }

    public IStorageFile Open(string path, FileOpenMode mode)
    {
        CheckMounted();
        string p = Map(path);
        if (mode != FileOpenMode.Create && !File.Exists(p))
        {
            throw new FileNotFoundException("no such file on the card: " + path);
        }

        if (mode == FileOpenMode.Create && File.Exists(p))
        {
            Interlocked.Add(ref used, -new FileInfo(p).Length);
        }

        var stream = new FileStream(p, mode == FileOpenMode.Create ? FileMode.Create : FileMode.Open,
            mode == FileOpenMode.OpenRead ? FileAccess.Read : FileAccess.ReadWrite, FileShare.ReadWrite | FileShare.Delete, 1);
        var file = new SimulatedCardFile(this, stream);
        lock (open)
        {
            open.Add(file);
        }

        return file;
    }

    /// <summary>True: the card offers the native take writer (a custom image: <see cref="SimulatedBoardOptions.NativeTakeWriter"/>); false: a stock image, the loop writes every block.</summary>
    public bool NativeWriter { get; set; }

    public bool AppendAvailable => NativeWriter;

    /// <summary>
    /// Bytes the native writer preallocates per take file, as the custom image does
    /// (<c>NativeAppendStorage.PreallocateMegabytes</c>: 1 GiB); 0: none. Taken from the free space
    /// at the open, given back (less what was written) at the close; a power cut keeps it all.
    /// </summary>
    public long AppendPreallocateBytes { get; set; } = 1L << 30;

    /// <summary>
    /// True (the default, the custom image with fast seek): the writer's preallocated files offer
    /// the durable read (<see cref="SimulatedAppendFile.ReadDurable"/>); false: a native writer
    /// without it (progressive collection then reads through a managed handle, holding the card).
    /// </summary>
    public bool DurableRead { get; set; } = true;

    /// <summary>The native writer's file opened last (a test's handle on its task: <see cref="SimulatedAppendFile.TaskWriting"/>).</summary>
    public SimulatedAppendFile? LastAppendFile { get; private set; }

    /// <summary>The board's native take writer, simulated (<see cref="SimulatedAppendFile"/>).</summary>
    public IAppendFile OpenAppend(string path, int writeBytes, int syncBytes)
    {
        if (!NativeWriter)
        {
            throw new IOException("this card has no native take writer");
        }

        var file = (SimulatedCardFile)Open(path, FileOpenMode.Create);
        bool preallocated = AppendPreallocateBytes > 0 && FreeBytes >= AppendPreallocateBytes;
        if (preallocated)
        {
            // take_writer_open's f_expand is best effort: a card without that much room records unpreallocated
            file.Preallocate(AppendPreallocateBytes);
        }

        // the durable header and the durable read come with the preallocation (take_writer_esp32.c:
        // header_open, then take_read_open on the one run)
        LastAppendFile = new SimulatedAppendFile(file, writeBytes, syncBytes)
        {
            DurableHeader = preallocated ? new SimulatedDurableHeader() : null,
            DurableReadAvailable = DurableRead && preallocated,
        };
        return LastAppendFile;
    }

    /// <summary>The native file server comes with the native take writer (the same interop library in the custom image).</summary>
    public bool ServeAvailable => NativeWriter;

    /// <summary>
    /// Simulated time one <see cref="IServeFile.Fill"/> spends in the loop (the native call, the
    /// copy out of internal RAM, and — set by the device model — the rest of the loop's work per
    /// datagram); 0: none. The task's card reads spend none: they run on the other core.
    /// </summary>
    public long ServeFillMicroseconds { get; set; }

    /// <summary>Card errors injected into the native file server: the Nth read from now fails (0: never).</summary>
    public int FailServeReadAfter { get; set; }

    /// <summary>The board's native file server, simulated (<see cref="SimulatedServeFile"/>).</summary>
    public IServeFile OpenServe(string path, int chunkBytes)
    {
        if (!NativeWriter)
        {
            throw new IOException("this card has no native file server");
        }

        return new SimulatedServeFile(this, (SimulatedCardFile)Open(path, FileOpenMode.OpenRead), chunkBytes);
    }

    internal void SpendServeFill()
    {
        if (ServeFillMicroseconds > 0)
        {
            time.Spend(ServeFillMicroseconds);
        }
    }

    /// <summary>True when the injected read failure is due now.</summary>
    internal bool ServeReadFails()
    {
        if (FailServeReadAfter <= 0)
        {
            return false;
        }

        FailServeReadAfter--;
        return FailServeReadAfter == 0;
    }

    internal void Closed(SimulatedCardFile file)
    {
        lock (open)
        {
            open.Remove(file);
        }
    }

    /// <summary>Checks room for <paramref name="growth"/> more bytes and spends the write's time.</summary>
    internal void BeforeWrite(int count, long growth)
    {
        if (!IsMounted)
        {
            throw new IOException("the card is not mounted (power lost)");
        }

        if (growth > 0 && UsedBytes + growth > CapacityBytes)
        {
            throw new IOException("card full: no room for " + growth + " more bytes");
        }

        long n = Interlocked.Increment(ref writes);
        if (WriteBytesPerSecond > 0)
        {
            time.Spend(count * 1_000_000L / WriteBytesPerSecond);
        }

        if (StallEveryNthWrite > 0 && n % StallEveryNthWrite == 0)
        {
            time.Spend(StallMicroseconds);
        }
    }

    /// <summary>Spends the time a read of <paramref name="count"/> bytes takes.</summary>
    internal void AfterRead(int count)
    {
        if (ReadBytesPerSecond > 0 && count > 0)
        {
            time.Spend(count * 1_000_000L / ReadBytesPerSecond);
        }
    }

    internal void Grew(long growth) => Interlocked.Add(ref used, growth);

    private void CheckMounted()
    {
        if (!IsMounted)
        {
            throw new IOException("the card is not mounted");
        }
    }

    private string Map(string path)
    {
        if (string.IsNullOrEmpty(path) || path.StartsWith('/') || path.Contains('\\', StringComparison.Ordinal) || path.Split('/').Any(s => s == ".." || s.Length == 0))
        {
            throw new IOException("not a card path: '" + path + "'");
        }

        return Path.Combine(Folder, path.Replace('/', Path.DirectorySeparatorChar));
    }
}

/// <summary>An open file of <see cref="SimulatedCard"/> (see its comment for the power-cut model).</summary>
public sealed class SimulatedCardFile : IStorageFile, ITruncatableFile
{
    private readonly SimulatedCard card;
    private readonly FileStream stream;
    private byte[] undo = new byte[64 * 1024];
    private long[] undoAt = new long[256];
    private int[] undoLength = new int[256];
    private int undoCount;
    private int undoBytes;
    private long flushedLength;
    private long preallocated;
    private bool dead;

    internal SimulatedCardFile(SimulatedCard card, FileStream stream)
    {
        this.card = card;
        this.stream = stream;
        flushedLength = stream.Length;
    }

    public long Length
    {
        get
        {
            Check();
            return stream.Length;
        }
    }

    public long Position
    {
        get
        {
            Check();
            return stream.Position;
        }

        set
        {
            Check();
            stream.Position = value;
        }
    }

    public int Read(byte[] buffer, int offset, int count)
    {
        int n = ReadOffLoop(buffer, offset, count);
        card.AfterRead(n);
        return n;
    }

    /// <summary>A read by a native task on the other core (<see cref="SimulatedServeFile"/>): no simulated time of the loop's.</summary>
    internal int ReadOffLoop(byte[] buffer, int offset, int count)
    {
        Check();
        return stream.Read(buffer, offset, count);
    }

    public void Write(byte[] buffer, int offset, int count)
    {
        Check();
        long position = stream.Position;
        long growth = Math.Max(0, position + count - Math.Max(stream.Length, preallocated));
        card.BeforeWrite(count, growth);
        if (position < flushedLength)
        {
            Remember(position, (int)Math.Min(count, flushedLength - position));
        }

        stream.Write(buffer, offset, count);
        card.Grew(growth);
    }

    public void Flush()
    {
        Check();
        stream.Flush();
        flushedLength = stream.Length;
        undoCount = 0;
        undoBytes = 0;
    }

    public void Dispose()
    {
        if (dead)
        {
            return;
        }

        dead = true;
        if (preallocated > stream.Length)
        {
            card.Grew(-(preallocated - stream.Length)); // take_writer_close's f_truncate gives the rest back
        }

        stream.Dispose(); // f_close syncs: what was written is kept
        card.Closed(this);
    }

    /// <summary>f_truncate + f_sync: the file cut to <paramref name="length"/> on the card at once.</summary>
    public bool Truncate(long length)
    {
        Check();
        if (length < 0 || length > stream.Length)
        {
            return false;
        }

        card.BeforeWrite(0, 0);
        long before = Math.Max(stream.Length, preallocated);
        stream.SetLength(length);
        preallocated = 0;
        card.Grew(length - before);
        flushedLength = Math.Min(flushedLength, length);
        return true;
    }

    /// <summary>
    /// The native writer's f_expand (+ f_sync) at the open: <paramref name="bytes"/> taken from the
    /// card now, and the directory entry's size from now on until the close truncates it.
    /// </summary>
    internal void Preallocate(long bytes)
    {
        Check();
        preallocated = bytes;
        card.Grew(Math.Max(0, bytes - stream.Length));
    }

    /// <summary>Bytes of stale card content a power cut shows after a preallocated file's written part (the rest of the preallocation reads as zeros: a sparse file on the PC).</summary>
    internal const int StaleBytesShown = 1 << 20;

    /// <summary>The power went: back to the state of the last Flush.</summary>
    internal void LosePower(bool keepAppends)
    {
        if (dead)
        {
            return;
        }

        if (!stream.CanWrite)
        {
            // a read handle (progressive collection's, on the take being written) loses nothing
            dead = true;
            stream.Dispose();
            return;
        }

        stream.Flush();
        for (int i = undoCount - 1; i >= 0; i--)
        {
            int start = 0;
            for (int k = 0; k < i; k++)
            {
                start += undoLength[k];
            }

            stream.Position = undoAt[i];
            stream.Write(undo, start, undoLength[i]);
        }

        long before = Math.Max(stream.Length, preallocated);
        long kept = keepAppends ? stream.Length : flushedLength;
        stream.SetLength(kept);
        if (preallocated > kept)
        {
            // the directory entry says the whole preallocation (f_expand set the size): what the
            // clusters held before the take follows the audio
            stream.SetLength(preallocated);
            stream.Position = kept;
            var stale = new byte[(int)Math.Min(StaleBytesShown, preallocated - kept)];
            new Random(unchecked((int)kept)).NextBytes(stale);
            stream.Write(stale, 0, stale.Length);
        }

        card.Grew(Math.Max(kept, preallocated) - before);
        dead = true;
        stream.Dispose();
    }

    /// <summary>Keeps the old bytes of a region overwritten since the last flush.</summary>
    private void Remember(long position, int count)
    {
        if (undoCount == undoAt.Length)
        {
            Array.Resize(ref undoAt, undoAt.Length * 2);
            Array.Resize(ref undoLength, undoLength.Length * 2);
        }

        if (undoBytes + count > undo.Length)
        {
            Array.Resize(ref undo, Math.Max(undo.Length * 2, undoBytes + count));
        }

        int got = 0;
        while (got < count)
        {
            int n = stream.Read(undo, undoBytes + got, count - got);
            if (n <= 0)
            {
                break;
            }

            got += n;
        }

        stream.Position = position;
        undoAt[undoCount] = position;
        undoLength[undoCount] = got;
        undoCount++;
        undoBytes += got;
    }

    private void Check()
    {
        if (dead)
        {
            throw new IOException("the file is closed (or the power was lost)");
        }
    }
}
