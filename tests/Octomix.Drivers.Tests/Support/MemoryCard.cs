using Octomix.Hal;

namespace Octomix.Drivers.Tests.Support;

/// <summary>
/// An in-memory SD card that models FatFs power cuts: every file has its working contents and
/// the contents of its last Flush (f_sync). <see cref="PowerCut"/> throws away everything since
/// each file's last Flush (a created file survives with length 0, as FatFs leaves it) and kills
/// the open handles. A capacity models a full card: a write that does not fit writes what fits
/// and throws IOException, as a full FAT volume does. Writes allocate nothing once a file's
/// buffer is big enough (<c>initialFileCapacity</c>), so allocation tests can use it.
/// </summary>
public sealed class MemoryCard : IStorage
{
    private sealed class Entry
    {
        public byte[] Data = [];
        public long Length;
        public byte[] Durable = [];
        public long DurableLength;
    }

    private readonly Dictionary<string, Entry> _files = new(StringComparer.Ordinal);
    private readonly HashSet<string> _directories = new(StringComparer.Ordinal);
    private readonly long _capacity;
    private readonly int _initialFileCapacity;
    private int _generation;
    private long _used;

    public MemoryCard(long capacityBytes = long.MaxValue / 4, int initialFileCapacity = 1 << 16)
    {
        _capacity = capacityBytes;
        _initialFileCapacity = initialFileCapacity;
    }

    /// <summary>The N-th Write call from now (1-based) fails with a non-"full" IOException (a broken card).</summary>
    public int FailWriteAfter { get; set; }

    /// <summary>Flush number N (counted over the card's life, 1-based) cuts the power instead of committing.</summary>
    public int CutPowerAtFlush { get; set; }

    /// <summary>
    /// Worst case of FatFs' sector window: a rewrite of bytes that are already on the card (the
    /// header sizes) reaches the card at once, before the next Flush commits the new length.
    /// </summary>
    public bool WriteThroughInPlace { get; set; }

    public int FlushCount { get; private set; }

    public bool IsMounted => true;
    public bool Mount() => true;
    public long FreeBytes => _capacity - _used;

    public bool Exists(string path) => _files.ContainsKey(path);
    public void Delete(string path)
    {
        if (_files.Remove(path, out var e)) _used -= e.Length;
    }
    public void CreateDirectory(string path) => _directories.Add(path);

    public string[] ListFiles(string directory)
    {
        string prefix = directory.Length == 0 ? "" : directory.TrimEnd('/') + "/";
        return _files.Keys.Where(k => k.StartsWith(prefix, StringComparison.Ordinal) && k.IndexOf('/', prefix.Length) < 0)
            .Select(k => k[prefix.Length..]).OrderBy(k => k, StringComparer.Ordinal).ToArray();
    }

    public IStorageFile Open(string path, FileOpenMode mode)
    {
        if (mode == FileOpenMode.Create)
        {
            var e = new Entry { Data = new byte[_initialFileCapacity], Durable = new byte[_initialFileCapacity] };
            Delete(path);
            _files[path] = e; // the directory entry exists at once, with length 0
            return new Handle(this, e, writable: true);
        }
        if (!_files.TryGetValue(path, out var entry)) throw new FileNotFoundException("no such file on the card", path);
        return new Handle(this, entry, writable: mode == FileOpenMode.OpenReadWrite);
    }

    /// <summary>Power lost: each file keeps what its last Flush committed; open handles die.</summary>
    public void PowerCut()
    {
        _generation++;
        foreach (var e in _files.Values)
        {
            Array.Copy(e.Durable, e.Data, e.DurableLength);
            e.Length = e.DurableLength;
        }
        _used = _files.Values.Sum(f => f.Length);
    }

    /// <summary>The current contents of a file.</summary>
    public byte[] ReadAll(string path)
    {
        var e = _files[path];
        return e.Data.AsSpan(0, (int)e.Length).ToArray();
    }

    public void Put(string path, byte[] contents)
    {
        var e = new Entry { Data = contents.ToArray(), Length = contents.Length, Durable = contents.ToArray(), DurableLength = contents.Length };
        Delete(path);
        _files[path] = e;
        _used += e.Length;
    }

    /// <summary>Copies a file to the host file system (for ffprobe, sndfile-info, exiftool).</summary>
    public string Export(string path, string hostDirectory)
    {
        string target = Path.Combine(hostDirectory, path.Replace('/', '_'));
        File.WriteAllBytes(target, ReadAll(path));
        return target;
    }

    private sealed class Handle(MemoryCard card, Entry entry, bool writable) : IStorageFile
    {
        private readonly int _generation = card._generation;
        private long _position;

        private void Alive()
        {
            if (_generation != card._generation) throw new IOException("the card lost power");
        }

        public long Length { get { Alive(); return entry.Length; } }

        public long Position
        {
            get { Alive(); return _position; }
            set { Alive(); _position = value; }
        }

        public void Write(byte[] buffer, int offset, int count)
        {
            Alive();
            if (!writable) throw new IOException("file opened read-only");
            if (card.FailWriteAfter > 0 && --card.FailWriteAfter == 0)
                throw new IOException("SD card write error (CRC)");
            long end = _position + count;
            long growth = Math.Max(0, end - entry.Length);
            long free = card.FreeBytes;
            int fits = count;
            if (growth > free) fits = (int)(count - (growth - free));
            Ensure(ref entry.Data, _position + fits);
            Array.Copy(buffer, offset, entry.Data, _position, fits);
            if (card.WriteThroughInPlace && _position < entry.DurableLength)
                Array.Copy(buffer, offset, entry.Durable, _position, Math.Min(fits, entry.DurableLength - _position));
            _position += fits;
            if (_position > entry.Length)
            {
                card._used += _position - entry.Length;
                entry.Length = _position;
            }
            if (fits < count) throw new IOException("no free space on the card");
        }

        public int Read(byte[] buffer, int offset, int count)
        {
            Alive();
            int n = (int)Math.Max(0, Math.Min(count, entry.Length - _position));
            Array.Copy(entry.Data, _position, buffer, offset, n);
            _position += n;
            return n;
        }

        public void Flush()
        {
            Alive();
            if (card.CutPowerAtFlush > 0 && card.FlushCount + 1 == card.CutPowerAtFlush)
            {
                card.FlushCount++;
                card.PowerCut();
                throw new IOException("the card lost power during f_sync");
            }
            Ensure(ref entry.Durable, entry.Length);
            Array.Copy(entry.Data, entry.Durable, entry.Length);
            entry.DurableLength = entry.Length;
            card.FlushCount++;
        }

        public void Dispose()
        {
        }

        private static void Ensure(ref byte[] array, long size)
        {
            if (array.Length >= size) return;
            long n = Math.Max(size, array.Length * 2L);
            Array.Resize(ref array, (int)n);
        }
    }
}
