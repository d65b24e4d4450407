namespace Octomix.Hal
{
    /// <summary>
    /// Optional on an <see cref="IStorage"/>: a take file served by a native task instead of read
    /// by the audio loop (docs/recording-path.md, "Serving"). The loop queues FileRequests
    /// (<see cref="IServeFile.Queue"/>); a task on the other core reads their ranges into
    /// DMA-capable internal RAM in cluster-aligned multi-block reads; the loop takes one ready
    /// FileData datagram per call (<see cref="IServeFile.Fill"/>) and sends it itself. A board
    /// offers it only when its firmware has the native part (board/Esp32Reference: the
    /// Octomix.NativeTakeWriter interop library in a custom image; board/Simulated: a managed
    /// equivalent). It shares the native take writer's internal RAM: not while a take records.
    /// </summary>
    public interface IServeStorage
    {
        /// <summary>False when the running firmware lacks the native file server.</summary>
        bool ServeAvailable { get; }

        /// <summary>
        /// Opens <paramref name="path"/> for serving, FileData payloads of at most
        /// <paramref name="chunkBytes"/> (1..1372). One file at a time. Throws IOException.
        /// </summary>
        IServeFile OpenServe(string path, int chunkBytes);
    }

    /// <summary>A file of <see cref="IServeStorage"/>. Requests are served in the order queued, each whole (a card error ends them all: <see cref="Fill"/> throws).</summary>
    public interface IServeFile : System.IDisposable
    {
        /// <summary>
        /// Queues [<paramref name="offset"/>, + <paramref name="length"/>) of the part's audio data,
        /// which starts at <paramref name="dataOffset"/> in the file. False when the native queue is full.
        /// </summary>
        bool Queue(uint takeId, int part, long dataOffset, uint offset, int length);

        /// <summary>
        /// The next FileData datagram into <paramref name="datagram"/>: bytes 12 on (the FileData fields
        /// and the data; bytes 0–11, the common header, are the caller's). Returns its length; 0 when
        /// none is ready yet (the task is still reading). Throws IOException after a card error.
        /// </summary>
        int Fill(byte[] datagram);

        /// <summary>Requests queued and not all sent.</summary>
        int Pending { get; }
    }
}
