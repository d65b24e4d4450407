namespace Octomix.Box
{
    /// <summary>
    /// The stall detector: the HAL cannot say when the capture DMA overflowed or the playback DMA
    /// ran dry, so the loop infers both from time. The backlog grows by every block the loop took
    /// longer than the block lasts and drains while the capture read waits (a Lindley
    /// recursion). The playback pipeline holds the prefill minus the block being made, so a
    /// backlog beyond that means the click DAC ran dry (every later click, and L, moved); a
    /// backlog beyond the capture buffer means the driver dropped audio. The expected block time
    /// is padded by 500 ppm so a slow crystal (±100 ppm) never adds up to a false alarm. What
    /// the box does about it (calibrate again, tell the engineers) is the controller's.
    /// No allocation: one call per block.
    /// </summary>
    public sealed class StallDetector
    {
        /// <summary><see cref="Observe"/>: nothing happened.</summary>
        public const int Nothing = 0;

        /// <summary><see cref="Observe"/>: the backlog just went beyond the playback pipeline (once until it drains).</summary>
        public const int PipelineRanDry = 1;

        /// <summary><see cref="Observe"/>: the backlog went beyond the capture buffer: <see cref="LostBlocks"/> blocks lost.</summary>
        public const int CaptureOverrun = 2;

        private long lastBlockAt;
        private long backlogMicros;
        private int captureOverruns;
        private bool pipelineRanDry;
        private int pipelineUnderruns;
        private long dryBacklogMicros;
        private int lostBlocks;

        /// <summary>Capture overruns since boot.</summary>
        public int CaptureOverruns
        {
            get { return captureOverruns; }
        }

        /// <summary>Times the backlog went beyond the playback pipeline since boot.</summary>
        public int PipelineUnderruns
        {
            get { return pipelineUnderruns; }
        }

        /// <summary>The backlog when the pipeline last ran dry, microseconds.</summary>
        public long DryBacklogMicroseconds
        {
            get { return dryBacklogMicros; }
        }

        /// <summary>Blocks lost by the last capture overrun (rounded up).</summary>
        public int LostBlocks
        {
            get { return lostBlocks; }
        }

        /// <summary>The current backlog, microseconds.</summary>
        public long BacklogMicroseconds
        {
            get { return backlogMicros; }
        }

        /// <summary>
        /// One block started at <paramref name="now"/> (microseconds). Returns
        /// <see cref="Nothing"/> or the sum of <see cref="PipelineRanDry"/> and
        /// <see cref="CaptureOverrun"/>.
        /// </summary>
        public int Observe(long now, int blockFrames, int sampleRate, int prefillBlocks, int captureBlocks)
        {
            int seen = Nothing;
            long blockMicros = (blockFrames * 1000500L) / sampleRate;
            if (lastBlockAt != 0)
            {
                backlogMicros += now - lastBlockAt - blockMicros;
                if (backlogMicros < 0)
                {
                    backlogMicros = 0;
                }

                if (backlogMicros > (prefillBlocks - 1) * blockMicros && !pipelineRanDry)
                {
                    pipelineRanDry = true;
                    pipelineUnderruns++;
                    dryBacklogMicros = backlogMicros;
                    seen |= PipelineRanDry;
                }
                else if (backlogMicros == 0)
                {
                    pipelineRanDry = false;
                }

                long capacity = captureBlocks * blockMicros;
                if (backlogMicros > capacity)
                {
                    lostBlocks = (int)((backlogMicros - capacity + blockMicros - 1) / blockMicros);
                    captureOverruns++;
                    backlogMicros = capacity;
                    seen |= CaptureOverrun;
                }
            }

            lastBlockAt = now;
            return seen;
        }
    }
}
