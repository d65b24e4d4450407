namespace Octomix.Hal
{
    /// <summary>
    /// Block audio playback (I2S transmit to the click DAC on the reference box). Blocks while the
    /// DMA queue is full, so writing one block per captured block keeps the output pipeline at a
    /// constant depth - which is what makes the measured round trip latency stable.
    /// </summary>
    public interface IAudioOut
    {
        PcmFormat Format { get; }

        /// <summary>Queues <paramref name="count"/> bytes (whole frames) for playback.</summary>
        void Write(byte[] buffer, int offset, int count);
    }
}
