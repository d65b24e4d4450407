namespace Octomix.Box
{
    /// <summary>
    /// How many silent blocks the box queues to the click DAC before its loop starts: the depth
    /// of the playback pipeline. The box owns it (the board adds none, see
    /// <see cref="Octomix.Hal.IAudioOut.BufferFrames"/>); one output block per captured block
    /// keeps it constant, and it is part of the round trip L the calibration measures.
    /// <para>
    /// The trade-off: the depth is the longest stall of the loop (an SD card write, most of all)
    /// the click survives — a stall of more than depth − 1 blocks lets the DAC run dry, moves the
    /// click against the capture and forces a new calibration — and it is also latency the
    /// musician hears on everything the box plays back (the personal mix while jamming). So a box
    /// that records gets a deep pipeline (<see cref="RecordStallMilliseconds"/> of stall budget:
    /// SD cards routinely go busy for 100–250 ms), a box that boots into jamming a shallow one
    /// (<see cref="JamBlocks"/>); <c>prefill_blocks</c> in the settings overrides both. The depth
    /// is fixed for the run: on the reference board a queued block cannot be taken back, so a
    /// shallower pipeline needs a restart of the audio.
    /// </para>
    /// </summary>
    public static class PipelineDepth
    {
        /// <summary>The loop stall a recording box's pipeline absorbs (docs/esp32-dma-sizing.md sizes the DMA for the same).</summary>
        public const int RecordStallMilliseconds = 150;

        /// <summary>The pipeline of a box that boots into jamming: a block being played and one queued.</summary>
        public const int JamBlocks = 2;

        /// <summary>Fewer than two blocks underrun at every scheduling hiccup.</summary>
        public const int MinBlocks = 2;

        /// <summary>
        /// The depth asked for before the board's limits: <paramref name="configured"/> when set
        /// (&gt; 0), else <see cref="JamBlocks"/> for a box that boots into jamming, else enough blocks
        /// that depth − 1 of them cover <see cref="RecordStallMilliseconds"/>.
        /// </summary>
        public static int Target(int configured, bool jam, int blockFrames, int sampleRate)
        {
            if (configured > 0)
            {
                return configured;
            }

            if (jam)
            {
                return JamBlocks;
            }

            long stallFrames = (((long)RecordStallMilliseconds * sampleRate) + 999) / 1000;
            return (int)((stallFrames + blockFrames - 1) / blockFrames) + 1;
        }

        /// <summary>
        /// The depth to use on a board whose playback queue holds
        /// <paramref name="playbackBufferFrames"/> and whose capture queue holds
        /// <paramref name="captureBufferFrames"/> (0 = the board cannot tell). A depth is never more
        /// than the playback queue holds. An automatic depth also keeps one block of the queue free,
        /// so the loop's writes never wait for the DAC (the capture paces the loop), and stays
        /// within what the capture survives, since a deeper click pipeline than capture buffer buys
        /// nothing. Never below <see cref="MinBlocks"/>.
        /// </summary>
        public static int Choose(int configured, bool jam, int blockFrames, int sampleRate, int playbackBufferFrames, int captureBufferFrames)
        {
            int depth = Target(configured, jam, blockFrames, sampleRate);
            if (playbackBufferFrames > 0)
            {
                // A configured depth may fill the queue (the loop's writes then wait for the DAC);
                // the automatic one leaves a block free.
                int limit = (playbackBufferFrames / blockFrames) - (configured > 0 ? 0 : 1);
                if (depth > limit)
                {
                    depth = limit;
                }
            }

            if (configured <= 0 && captureBufferFrames > 0)
            {
                int limit = (captureBufferFrames / blockFrames) - 1;
                if (depth > limit)
                {
                    depth = limit;
                }
            }

            return depth < MinBlocks ? MinBlocks : depth;
        }
    }
}
