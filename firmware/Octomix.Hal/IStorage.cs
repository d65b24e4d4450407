namespace Octomix.Hal
{
    /// <summary>How <see cref="IStorage.Open"/> opens a file.</summary>
    public enum FileOpenMode
    {
        /// <summary>Create or truncate, read and write.</summary>
        Create = 0,
        /// <summary>Open an existing file for reading and writing (repair, header rewrites).</summary>
        OpenReadWrite = 1,
        /// <summary>Open an existing file read-only (serving file ranges).</summary>
        OpenRead = 2,
    }

    /// <summary>
    /// The SD card (FAT on the reference box, a folder on a PC). Paths are relative to the card's
    /// root and use '/' as separator ("takes/t0001-a.wav"); the binding maps them to its platform.
    /// Failures throw <see cref="System.IO.IOException"/> (a full card included); callers check
    /// <see cref="FreeBytes"/> to tell a full card from a broken one.
    /// </summary>
    public interface IStorage
    {
        /// <summary>True when the card is present and mounted.</summary>
        bool IsMounted { get; }

        /// <summary>Mounts the card; false (no exception) when there is no usable card.</summary>
        bool Mount();

        /// <summary>Free space in bytes, or -1 when the platform cannot tell.</summary>
        long FreeBytes { get; }

        bool Exists(string path);

        void Delete(string path);

        /// <summary>Creates a directory (and its parents); no error if it exists.</summary>
        void CreateDirectory(string path);

        /// <summary>Names (not paths) of the files directly inside <paramref name="directory"/>; empty when it does not exist.</summary>
        string[] ListFiles(string directory);

        IStorageFile Open(string path, FileOpenMode mode);
    }

    /// <summary>An open file on <see cref="IStorage"/>. One owner at a time.</summary>
    public interface IStorageFile : System.IDisposable
    {
        long Length { get; }

        /// <summary>Current byte position; setting it seeks.</summary>
        long Position { get; set; }

        void Write(byte[] buffer, int offset, int count);

        /// <summary>Reads up to <paramref name="count"/> bytes; returns how many (0 at the end).</summary>
        int Read(byte[] buffer, int offset, int count);

        /// <summary>Commits written data and the directory entry to the medium (FatFs f_sync).</summary>
        void Flush();
    }

    /// <summary>
    /// Optional on an <see cref="IStorageFile"/>: cuts the file shorter (FatFs f_truncate: the
    /// clusters past the cut go back to the card). The boot repair cuts the stale end a power cut
    /// leaves on a preallocated take file (docs/recording-path.md, "Crash safety now").
    /// </summary>
    public interface ITruncatableFile
    {
        /// <summary>Cuts the file to <paramref name="length"/> bytes (no longer than it is); false when this file cannot be cut (nothing changed). Throws IOException on a card error.</summary>
        bool Truncate(long length);
    }
}
