using System;
using Octomix.Board.Esp32Reference;
using Octomix.Box;
using Octomix.Hal;

namespace Octomix.Device.HardwareTests
{
    /// <summary>
    /// The box's audio loop in miniature for the tests: start both buses, queue the prefill the
    /// box would choose, then one capture block in and one output block out per step, exactly
    /// as AudioLoop does (the box owns the depth; the board adds none).
    /// </summary>
    internal sealed class AudioRun
    {
        private readonly Esp32ReferenceBoard board;

        public AudioRun()
        {
            board = TestBoard.Board;
            PcmFormat format = TestBoard.Format;
            if (!board.StartAudio(format, TestBoard.BlockFrames))
            {
                throw new InvalidOperationException("the board could not start 48 kHz 16-bit stereo audio (see the log)");
            }

            BlockBytes = TestBoard.BlockFrames * format.FrameBytes;
            Captured = new byte[BlockBytes];
            Output = new byte[BlockBytes];
            PrefillBlocks = PipelineDepth.Choose(0, false, TestBoard.BlockFrames, format.SampleRate, board.Playback.BufferFrames, board.Capture.BufferFrames);
            for (int i = 0; i < PrefillBlocks; i++)
            {
                board.Playback.Write(Output, 0, BlockBytes);
            }
        }

        public int BlockBytes { get; }

        public int PrefillBlocks { get; }

        public byte[] Captured { get; }

        public byte[] Output { get; }

        /// <summary>Loop position of the block the next <see cref="Read"/> returns.</summary>
        public long Position { get; private set; }

        public void Read()
        {
            board.Capture.Read(Captured, 0, BlockBytes);
        }

        /// <summary>Queues <see cref="Output"/> for the block just read and moves on.</summary>
        public void Write()
        {
            board.Playback.Write(Output, 0, BlockBytes);
            Position += TestBoard.BlockFrames;
        }

        public void Stop()
        {
            board.StopAudio();
        }
    }
}
