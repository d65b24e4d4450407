namespace Octomix.Drivers.Bwf
{
    /// <summary>How often a <see cref="BwfWriter"/> makes its file crash-safe and when it splits.</summary>
    public sealed class BwfWriterOptions
    {
        /// <summary>FAT32 caps a file at 4 GiB - 1 bytes.</summary>
        public const long Fat32MaxFileBytes = 4294967295L;

        /// <summary>
        /// Frames between header size rewrites + Flush: a power cut loses at most this much audio.
        /// 0 (the default) = one second of frames at the file's rate.
        /// </summary>
        public int HeaderUpdateIntervalFrames;

        /// <summary>
        /// Largest file the writer makes before it continues in the next part file (whole frames,
        /// room for a pad byte). Default: <see cref="Fat32MaxFileBytes"/>.
        /// </summary>
        public long MaxFileBytes = Fat32MaxFileBytes;

        /// <summary>
        /// When above 0 and the storage is an <see cref="Octomix.Hal.IAppendStorage"/>: the audio is
        /// appended through the board's native writer task in card writes of this many bytes (a
        /// multiple of 512), f_synced by the task at least every HeaderUpdateIntervalFrames; the
        /// audio loop then never waits for the card and the header sizes are written at a split
        /// and at close only (a power cut is repaired from the synced length by
        /// <see cref="BwfRepair"/>). 0 (the default), or a plain storage: every Write goes to the
        /// card as it is and the sizes are rewritten every interval.
        /// </summary>
        public int AppendWriteBytes;
    }
}
