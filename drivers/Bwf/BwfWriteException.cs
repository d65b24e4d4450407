using System;

namespace Octomix.Drivers.Bwf
{
    /// <summary>
    /// The card refused audio. The file on the card is still valid: its header sizes were set to
    /// the whole frames really on the card before this was thrown. <see cref="IsStorageFull"/>
    /// tells a full card (IStorage.FreeBytes) from a broken one; the writer is closed afterwards.
    /// </summary>
    public sealed class BwfWriteException : Exception
    {
        public BwfWriteException(string message, string path, bool isStorageFull, long framesWritten, Exception innerException)
            : base(message, innerException)
        {
            Path = path;
            IsStorageFull = isStorageFull;
            FramesWritten = framesWritten;
        }

        /// <summary>The file (part) that was being written.</summary>
        public string Path { get; private set; }

        /// <summary>True when the card reported no free space (box error code 7), false for other write failures (8).</summary>
        public bool IsStorageFull { get; private set; }

        /// <summary>Frames safely in the take's files (all parts).</summary>
        public long FramesWritten { get; private set; }
    }

    /// <summary>A file is not a RIFF/WAVE file the reader understands; the message says why.</summary>
    public sealed class BwfFormatException : Exception
    {
        public BwfFormatException(string message) : base(message)
        {
        }
    }
}
