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

        /// <summary>
        /// Frames the driver can queue ahead of the converter (the playback DMA ring less the part
        /// playing): the box's prefill must stay below it. The board adds no depth of its own: a
        /// write into an empty queue plays at the next DMA slot, so the depth of the playback
        /// pipeline is exactly what the box wrote ahead. 0 when the board cannot tell. Valid after
        /// <see cref="IBoard.StartAudio"/>.
        /// </summary>
        int BufferFrames { get; }

        /// <summary>Queues <paramref name="count"/> bytes (whole frames) for playback.</summary>
        void Write(byte[] buffer, int offset, int count);
    }
}
