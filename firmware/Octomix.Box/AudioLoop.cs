using System;
using Octomix.Hal;

namespace Octomix.Box
{
    /// <summary>
    /// The heartbeat of the box. One <see cref="RunBlock"/> is: read one capture block (this call
    /// blocks until the I2S driver has it, so the audio clock paces everything), give it to the
    /// recorder and the streamer, write one output block (click, received audio or silence), take
    /// a bounded number of datagrams from the socket without blocking, and run the timers. Capture
    /// and output of one iteration carry the same loop position, and exactly one output block is
    /// written per capture block after a one-time prefill, so the playback pipeline keeps a
    /// constant depth: that depth is part of the round trip L the calibration measures through
    /// this same loop. The buffers are allocated once; a block allocates nothing.
    /// <para>
    /// The loop counts its calls into the board per block (every HAL object is wrapped in a
    /// counting decorator): <see cref="HalCallsLastBlock"/>, <see cref="MaxHalCallsPerBlock"/>,
    /// <see cref="AverageHalCallsPerBlock"/>. Each is a native call on the box, several µs of
    /// interpreter overhead before any work.
    /// </para>
    /// </summary>
    public sealed class AudioLoop
    {
        private readonly BoxController box;
        private readonly IAudioIn capture;
        private readonly IAudioOut playback;
        private readonly HalCallCounter hal;
        private readonly byte[] captureBlock;
        private readonly byte[] outputBlock;
        private readonly int blockBytes;
        private long position;

        internal AudioLoop(BoxController box, IAudioIn capture, IAudioOut playback, int blockFrames, int frameBytes, HalCallCounter hal)
        {
            this.box = box;
            this.capture = capture;
            this.playback = playback;
            this.hal = hal;
            BlockFrames = blockFrames;
            blockBytes = blockFrames * frameBytes;
            captureBlock = new byte[blockBytes];
            outputBlock = new byte[blockBytes];
        }

        public int BlockFrames { get; }

        /// <summary>Loop position (frames) of the next block; the capture and output of a block share it.</summary>
        public long Position
        {
            get { return position; }
        }

        /// <summary>Blocks run since start (or since <see cref="ResetFigures"/>).</summary>
        public long Blocks { get; private set; }

        /// <summary>Blocks of silence written before the first capture: the playback pipeline's constant depth.</summary>
        public int PrefillBlocks { get; private set; }

        public int HalCallsLastBlock { get; private set; }

        public int MaxHalCallsPerBlock { get; private set; }

        public long HalCallsInBlocks { get; private set; }

        public double AverageHalCallsPerBlock
        {
            get { return Blocks == 0 ? 0 : (double)HalCallsInBlocks / Blocks; }
        }

        /// <summary>Fills the playback pipeline once, before the first capture (see the class comment).</summary>
        internal void Prefill(int blocks)
        {
            Array.Clear(outputBlock, 0, blockBytes);
            for (int i = 0; i < blocks; i++)
            {
                playback.Write(outputBlock, 0, blockBytes);
            }

            PrefillBlocks = blocks;
        }

        /// <summary>One turn of the loop (see the class comment).</summary>
        public void RunBlock()
        {
            long before = hal.Total;
            capture.Read(captureBlock, 0, blockBytes);
            box.ProcessBlock(captureBlock, outputBlock, position);
            playback.Write(outputBlock, 0, blockBytes);
            box.AfterOutput(position);
            position += BlockFrames;

            int calls = (int)(hal.Total - before);
            HalCallsLastBlock = calls;
            HalCallsInBlocks += calls;
            if (calls > MaxHalCallsPerBlock)
            {
                MaxHalCallsPerBlock = calls;
            }

            Blocks++;
        }

        /// <summary>Starts the per-block figures afresh (e.g. after the boot and the join).</summary>
        public void ResetFigures()
        {
            Blocks = 0;
            HalCallsInBlocks = 0;
            MaxHalCallsPerBlock = 0;
            HalCallsLastBlock = 0;
        }
    }
}
