namespace Octomix.Hal
{
    /// <summary>
    /// Optional on an <see cref="IStorage"/>: a take file appended by a native writer task
    /// instead of by the audio loop (docs/recording-path.md). <see cref="IAppendFile.Write"/>
    /// copies the bytes into a ring in internal (DMA-capable) RAM and returns; a task on the other
    /// core writes the ring to the card in whole pieces of <c>writeBytes</c> at aligned file
    /// offsets (multi-block commands, no bounce buffer), into a file preallocated contiguous where
    /// the file system allows it, f_syncs at least every <c>syncBytes</c>, and sums the take
    /// digest (<c>TakeChecksum</c>'s Fletcher pair) over the bytes it appends. A board offers it
    /// only when its firmware has the native part (board/Esp32Reference: the
    /// Octomix.NativeTakeWriter interop library in a custom image; board/Simulated: a managed
    /// equivalent).
    /// </summary>
    public interface IAppendStorage
    {
        /// <summary>False when the running firmware lacks the native writer (then only <see cref="IStorage.Open"/> is used).</summary>
        bool AppendAvailable { get; }

        /// <summary>
        /// Creates (or truncates) <paramref name="path"/> for appending. <paramref name="writeBytes"/>
        /// is one card write (a multiple of 512); <paramref name="syncBytes"/> the most bytes appended
        /// between two f_syncs (what a power cut may lose beyond the ring). Throws IOException.
        /// </summary>
        IAppendFile OpenAppend(string path, int writeBytes, int syncBytes);
    }

    /// <summary>
    /// A file of <see cref="IAppendStorage"/>. <see cref="IStorageFile.Write"/> at the end appends
    /// through the ring (never blocks on the card; throws IOException when the ring is full or the
    /// task met a card error, which stays reported). Every other call — Flush, setting Position,
    /// Read, Length, Dispose — first waits until the ring is on the card (they are for the start,
    /// a split and the close of a take, not the steady state).
    /// </summary>
    public interface IAppendFile : IStorageFile
    {
        /// <summary>Bytes the task has written and synced (what a power cut keeps).</summary>
        long SyncedLength { get; }

        /// <summary>Starts the digest afresh: it covers the bytes appended from now on (the audio, not the header).</summary>
        void ResetDigest();

        /// <summary>The digest's A over the bytes appended since <see cref="ResetDigest"/> that are on the card.</summary>
        ulong DigestA { get; }

        /// <summary>The digest's B.</summary>
        ulong DigestB { get; }

        /// <summary>Bytes the digest covers.</summary>
        long DigestLength { get; }

        /// <summary>
        /// Holds the card for one read of the loop's own on another handle (progressive collection
        /// while the take records): true when the task is between pieces — it then starts no piece
        /// write or f_sync until <see cref="ReleaseCard"/> (the ring has room for it to wait a read
        /// long); false while it is writing one (try again later). Never blocks: a read that met
        /// the task's write would wait on FatFs's volume lock for the whole piece (a 32 KB
        /// multi-block write, ~15 ms: three blocks). Call nothing else of this file while holding.
        /// </summary>
        bool TryHoldCard();

        /// <summary>Ends a <see cref="TryHoldCard"/> that returned true: the task may write again.</summary>
        void ReleaseCard();

        /// <summary>
        /// True when <see cref="ReadDurable"/> works on this file: the native writer preallocated it
        /// contiguous and opened its durable reader (custom image; known at open, no card call).
        /// False: progressive collection reads through a managed handle, holding the card.
        /// </summary>
        bool DurableReadAvailable { get; }

        /// <summary>
        /// Reads up to <paramref name="count"/> bytes at file offset <paramref name="offset"/> into
        /// <paramref name="buffer"/> at <paramref name="index"/>, only below <see cref="SyncedLength"/>
        /// (what is on the card for sure), in one native call: the native part's own read handle on
        /// the preallocated run, whose cluster link map makes a seek anywhere cost no FAT read, reads
        /// whole sectors into a DMA-capable internal buffer (one card command) and copies them out.
        /// Returns the bytes read — fewer than asked at a cluster's end or the synced length, 0 when
        /// <paramref name="offset"/> is at or past it — or -1 when the writer's task is in the middle
        /// of a piece (nothing read, never waits: try again later; the read holds the card itself as
        /// <see cref="TryHoldCard"/> does). Never waits for the ring. Throws IOException on a card
        /// error. Only when <see cref="DurableReadAvailable"/>.
        /// </summary>
        int ReadDurable(long offset, byte[] buffer, int index, int count);
    }
}
