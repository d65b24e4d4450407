namespace Octomix.Board.Esp32Reference
{
    /// <summary>
    /// How many DMA descriptors capture and playback get, and the <c>BufferSize</c> values that
    /// produce them. The arithmetic and the reasons are in docs/esp32-dma-sizing.md; this class is
    /// the same arithmetic in code, run once per <see cref="Esp32ReferenceBoard.StartAudio"/>.
    /// </summary>
    /// <remarks>
    /// nanoFramework's ESP32 I2S code turns <c>BufferSize</c> into
    /// <c>BufferSize / (256 frames × DMA frame bytes)</c> descriptors of 256 frames each. The DMA
    /// frame of the receiver is always 32-bit stereo (8 bytes), whatever format the app reads; the
    /// transmitter's is the written format (16-bit stereo = 4 bytes for the click).
    /// </remarks>
    public sealed class DmaPlan
    {
        /// <summary>Frames per DMA descriptor (fixed in the firmware: DMA_BUF_LEN_IN_I2S_FRAMES).</summary>
        public const int DescriptorFrames = 256;

        /// <summary>Bytes of one captured frame in DMA memory: 2 slots of 32 bits.</summary>
        public const int CaptureDmaFrameBytes = 8;

        /// <summary>Bytes of one played frame in DMA memory: the click is 16-bit stereo.</summary>
        public const int PlaybackDmaFrameBytes = 4;

        /// <summary>The SD write stall the default plan absorbs without losing or shifting audio.</summary>
        public const int DesignStallMilliseconds = 150;

        /// <summary>Below this coverage the board refuses to start audio rather than drop out routinely.</summary>
        public const int MinimumStallMilliseconds = 50;

        /// <summary>Internal RAM left for Wi-Fi, lwIP, FatFs and the SD driver after the DMA buffers (an estimate, see the sizing doc).</summary>
        public const int InternalRamReserveBytes = 40 * 1024;

        /// <summary>ESP-IDF's legacy I2S driver accepts 2..128 descriptors.</summary>
        public const int MaxDescriptors = 128;

        private DmaPlan(int sampleRate, int blockFrames, int descriptors)
        {
            SampleRate = sampleRate;
            BlockDescriptors = CeilDiv(blockFrames, DescriptorFrames);
            Descriptors = descriptors;
        }

        public int SampleRate { get; }

        /// <summary>Descriptors one block of the audio loop spans.</summary>
        public int BlockDescriptors { get; }

        /// <summary>Descriptors of each direction (capture and playback get the same count).</summary>
        public int Descriptors { get; }

        /// <summary><c>I2sConnectionSettings.BufferSize</c> of the capture bus.</summary>
        public int CaptureBufferSize { get { return Descriptors * DescriptorFrames * CaptureDmaFrameBytes; } }

        /// <summary><c>I2sConnectionSettings.BufferSize</c> of the playback bus.</summary>
        public int PlaybackBufferSize { get { return Descriptors * DescriptorFrames * PlaybackDmaFrameBytes; } }

        /// <summary>Internal (DMA-capable) RAM both directions take.</summary>
        public int TotalDmaBytes { get { return CaptureBufferSize + PlaybackBufferSize; } }

        /// <summary>
        /// Frames each driver keeps for the box: the receive queue holds N − 1 filled descriptors
        /// (the one being filled is the DMA's), the transmit queue N − 1 free ones (the one playing
        /// is the DMA's). Reported as <see cref="Octomix.Hal.IAudioIn.BufferFrames"/> and
        /// <see cref="Octomix.Hal.IAudioOut.BufferFrames"/>; the box sizes its prefill and its stall inference by it.
        /// </summary>
        public int QueueFrames { get { return (Descriptors - 1) * DescriptorFrames; } }

        /// <summary>
        /// Descriptors of stall the plan survives when the box fills the playback queue but one
        /// block (its automatic prefill, <c>PipelineDepth</c>): the click pipeline then holds
        /// N − 1 − B descriptors, of which all but the block being made bridge a stall; capture
        /// holds N − 1 less up to one block of backlog, one more, so playback is the limit.
        /// </summary>
        public int CoveredStallDescriptors { get { return Descriptors - BlockDescriptors - 2; } }

        /// <summary>The longest SD (or any other) stall of the audio loop that loses no audio.</summary>
        public long CoveredStallMicroseconds
        {
            get { return (long)CoveredStallDescriptors * DescriptorFrames * 1000000L / SampleRate; }
        }

        /// <summary>
        /// How long the playback DMA takes to play every descriptor once (plus two for the
        /// descriptor in progress and the interrupt): after that the whole ring is free, and a
        /// write lands in the slot that plays next (see <see cref="Esp32ReferenceBoard.StartAudio"/>).
        /// </summary>
        public int RingPlayoutMilliseconds
        {
            get { return (int)((((long)(Descriptors + 2) * DescriptorFrames * 1000L) + SampleRate - 1) / SampleRate); }
        }

        /// <summary>The descriptors one direction's queue lends the box (for logs).</summary>
        public int QueueDescriptors { get { return Descriptors - 1; } }

        /// <summary>The plan that absorbs a stall of <paramref name="stallMilliseconds"/>.</summary>
        public static DmaPlan ForStall(int sampleRate, int blockFrames, int stallMilliseconds)
        {
            int stallFrames = CeilDiv(stallMilliseconds * sampleRate, 1000);
            int descriptors = CeilDiv(stallFrames, DescriptorFrames) + CeilDiv(blockFrames, DescriptorFrames) + 2;
            return new DmaPlan(sampleRate, blockFrames, descriptors);
        }

        /// <summary>
        /// The design plan, shrunk to what <paramref name="freeInternalBytes"/> leaves after the
        /// reserve; null when even the minimum plan does not fit.
        /// </summary>
        public static DmaPlan Fit(int sampleRate, int blockFrames, long freeInternalBytes)
        {
            DmaPlan design = ForStall(sampleRate, blockFrames, DesignStallMilliseconds);
            DmaPlan minimum = ForStall(sampleRate, blockFrames, MinimumStallMilliseconds);
            long available = freeInternalBytes - InternalRamReserveBytes;
            int bytesPerDescriptorPair = DescriptorFrames * (CaptureDmaFrameBytes + PlaybackDmaFrameBytes);
            long fitting = available > 0 ? available / bytesPerDescriptorPair : 0;
            int descriptors = design.Descriptors;
            if (descriptors > MaxDescriptors) descriptors = MaxDescriptors;
            if (fitting < descriptors) descriptors = (int)fitting;
            if (descriptors < minimum.Descriptors) return null;
            return new DmaPlan(sampleRate, blockFrames, descriptors);
        }

        /// <summary>The minimum plan (a second attempt when the driver could not allocate the fitted one).</summary>
        public static DmaPlan Minimum(int sampleRate, int blockFrames)
        {
            return ForStall(sampleRate, blockFrames, MinimumStallMilliseconds);
        }

        public override string ToString()
        {
            return Descriptors + " descriptors per direction (capture " + CaptureBufferSize + " B, playback "
                + PlaybackBufferSize + " B of internal RAM; " + QueueDescriptors + " queued for the box each way), absorbs stalls up to "
                + (CoveredStallMicroseconds / 1000) + " ms with a full pipeline";
        }

        private static int CeilDiv(int value, int divisor)
        {
            return (value + divisor - 1) / divisor;
        }
    }
}
