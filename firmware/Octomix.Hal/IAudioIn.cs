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
        /// Fills <paramref name="count"/> bytes (a whole number of frames) with interleaved
        /// little-endian PCM. Blocks until the block is available, as the I2S driver does: this
        /// call paces the audio loop.
        /// </summary>
        void Read(byte[] buffer, int offset, int count);
    }
}
