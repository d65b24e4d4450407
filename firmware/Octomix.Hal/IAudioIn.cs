namespace Octomix.Hal
{
    /// <summary>
    /// Block audio capture (I2S receive). One call moves one whole block through a native call;
    /// the box never touches samples one by one.
    /// </summary>
    public interface IAudioIn
    {
        /// <summary>The format delivered by <see cref="Read"/>.</summary>
        PcmFormat Format { get; }

        /// <summary>
        /// Frames the driver keeps for the box while it is not reading (the capture DMA queue): a
        /// loop that falls further behind than this loses audio. 0 when the board cannot tell.
        /// Valid after <see cref="IBoard.StartAudio"/>.
        /// </summary>
        int BufferFrames { get; }

        /// <summary>
        /// Fills <paramref name="count"/> bytes (a whole number of frames) with interleaved
        /// little-endian PCM. Blocks until the block is available, as the I2S driver does: this
        /// call paces the audio loop.
        /// </summary>
        void Read(byte[] buffer, int offset, int count);
    }
}
