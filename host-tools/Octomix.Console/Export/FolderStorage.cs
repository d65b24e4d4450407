using Octomix.Hal;

namespace Octomix.Desk.Export;

/// <summary>
/// The HAL's <see cref="IStorage"/> over a directory on the PC, so the box's own BWF writer can
/// write the console's take folders. Paths are relative, '/'-separated, and may not leave the
/// root (no "..", no absolute paths). Failures surface as <see cref="IOException"/>, as the
/// interface promises.
/// </summary>
public sealed class FolderStorage : IStorage
{
    private readonly bool _flushToDisk;

    /// <param name="root">The directory (created if missing).</param>
    /// <param name="flushToDisk">
    /// True: <see cref="IStorageFile.Flush"/> is an fsync, like FatFs f_sync on the card. False:
    /// it only hands the data to the operating system (faster for large exports).
    /// </param>
    public FolderStorage(string root, bool flushToDisk = true)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(root);
        Root = Path.GetFullPath(root);
        _flushToDisk = flushToDisk;
        Directory.CreateDirectory(Root);
    }

    /// <summary>Absolute path of the directory.</summary>
    public string Root { get; }

    public bool IsMounted => Directory.Exists(Root);

    public long FreeBytes
    {
        get
        {
            try
            {
                return new DriveInfo(Root).AvailableFreeSpace;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException)
            {
                return -1;
            }
        }
    }

    public bool Mount() => IsMounted;

    /// <summary>The host path of a storage path (validated).</summary>
    public string HostPath(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (path.Length == 0)
        {
            return Root;
        }

        if (path.StartsWith('/') || path.Contains('\\') || path.Contains('\0') || Path.IsPathRooted(path))
        {
            throw new ArgumentException($"storage path \"{path}\" must be relative and use '/' separators", nameof(path));
        }

        var parts = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        if (parts.Any(p => p == ".." || p == "."))
        {
            throw new ArgumentException($"storage path \"{path}\" may not contain '.' or '..'", nameof(path));
        }

        return Path.Combine([Root, .. parts]);
    }

    public bool Exists(string path) => File.Exists(HostPath(path));

    public void Delete(string path)
    {
        string host = HostPath(path);
        Wrap(() => File.Delete(host), "delete", path);
    }

    public void CreateDirectory(string path)
    {
        string host = HostPath(path);
        Wrap(() => Directory.CreateDirectory(host), "create directory", path);
    }

    public string[] ListFiles(string directory)
    {
        string host = HostPath(directory);
        if (!Directory.Exists(host))
        {
            return [];
        }

        return [.. Directory.EnumerateFiles(host).Select(Path.GetFileName).OfType<string>().Order(StringComparer.Ordinal)];
    }

    public IStorageFile Open(string path, FileOpenMode mode)
    {
        string host = HostPath(path);
        FileStream? stream = null;
        Wrap(
            () => stream = mode switch
            {
                FileOpenMode.Create => new FileStream(host, FileMode.Create, FileAccess.ReadWrite, FileShare.Read),
                FileOpenMode.OpenReadWrite => new FileStream(host, FileMode.Open, FileAccess.ReadWrite, FileShare.Read),
                FileOpenMode.OpenRead => new FileStream(host, FileMode.Open, FileAccess.Read, FileShare.ReadWrite),
                _ => throw new ArgumentOutOfRangeException(nameof(mode), mode, "unknown open mode"),
            },
            "open",
            path);
        return new FolderStorageFile(stream!, _flushToDisk, path);
    }

    private static void Wrap(Action action, string what, string path)
    {
        try
        {
            action();
        }
        catch (UnauthorizedAccessException e)
        {
            // The interface promises IOException for storage failures.
            throw new IOException($"cannot {what} \"{path}\": {e.Message}", e);
        }
    }

    private sealed class FolderStorageFile(FileStream stream, bool flushToDisk, string path) : IStorageFile
    {
        public long Length => stream.Length;

        public long Position
        {
            get => stream.Position;
            set => stream.Position = value;
        }

        public void Write(byte[] buffer, int offset, int count) => stream.Write(buffer, offset, count);

        public int Read(byte[] buffer, int offset, int count) => stream.Read(buffer, offset, count);

        public void Flush() => stream.Flush(flushToDisk);

        public void Dispose() => stream.Dispose();

        public override string ToString() => path;
    }
}
