using System.IO;
using Octomix.Hal;

namespace Octomix.Board.Esp32Reference
{
    /// <summary>
    /// <see cref="IStorageFile"/> over a <see cref="FileStream"/> on the card. Every call is one
    /// native call into FatFs; <see cref="Flush"/> is FileStream.Flush, which syncs the file (data
    /// and directory entry) to the card.
    /// </summary>
    public sealed class SdCardFile : IStorageFile, ITruncatableFile
    {
        private readonly FileStream _stream;

        internal SdCardFile(FileStream stream)
        {
            _stream = stream;
        }

        public long Length { get { return _stream.Length; } }

        public long Position
        {
            get { return _stream.Position; }
            set { _stream.Position = value; }
        }

        public void Write(byte[] buffer, int offset, int count)
        {
            _stream.Write(buffer, offset, count);
        }

        public int Read(byte[] buffer, int offset, int count)
        {
            return _stream.Read(buffer, offset, count);
        }

        public void Flush()
        {
            _stream.Flush();
        }

        /// <summary>FileStream.SetLength (nanoFramework: f_lseek + f_truncate; not yet run on a board), then Flush.</summary>
        public bool Truncate(long length)
        {
            if (length < 0 || length > _stream.Length) return false;
            _stream.SetLength(length);
            _stream.Flush();
            return true;
        }

        public void Dispose()
        {
            _stream.Dispose();
        }
    }
}
