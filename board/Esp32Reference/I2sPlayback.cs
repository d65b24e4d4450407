using System;
using System.Device.I2s;
using Octomix.Hal;

namespace Octomix.Board.Esp32Reference
{
    /// <summary>
    /// <see cref="IAudioOut"/> over I2S bus 2 (the chip's I2S1) in <c>Master | Tx</c>, feeding the
    /// PCM5102A click DAC. Always 16-bit stereo at the capture rate: the click needs no more, and
    /// it keeps the playback DMA at 4 bytes per frame.
    /// </summary>
    /// <remarks>
    /// A <see cref="Write"/> copies into the oldest free DMA descriptor and blocks only while none
    /// is free. <see cref="Esp32ReferenceBoard.StartAudio"/> returns once every descriptor has
    /// played and is free, so the first write lands in the slot that plays next: the depth of the
    /// pipeline is exactly what the box writes ahead (its prefill), the binding adds none. Free
    /// descriptors come back in ring order, so every block written continues the stream where the
    /// previous one ended; the delay stays constant however the loop jitters, as long as the loop
    /// never falls more than its prefill behind (then the DMA plays silence — the driver clears
    /// played descriptors — and the click shifts against the capture; see docs/esp32-dma-sizing.md).
    /// </remarks>
    public sealed class I2sPlayback : IAudioOut
    {
        private I2sDevice _device;
        private PcmFormat _format;
        private int _bufferFrames;

        public PcmFormat Format { get { return _format; } }

        /// <summary>
        /// The free-descriptor queue of the DMA plan: N − 1 descriptors of 256 frames, all the box
        /// can write ahead of the descriptor playing.
        /// </summary>
        public int BufferFrames { get { return _bufferFrames; } }

        public void Write(byte[] buffer, int offset, int count)
        {
            I2sDevice device = _device;
            if (device == null) throw new InvalidOperationException("Playback is not running: call StartAudio first.");
            AudioRange.Check(buffer, offset, count, _format.FrameBytes);
            if (count == 0) return;
            // 16-bit only: the firmware swaps the channels of 32-bit writes in place, in the caller's buffer.
            device.Write(new SpanByte(buffer, offset, count));
        }

        internal void Attach(I2sDevice device, PcmFormat format, DmaPlan plan)
        {
            if (format.BytesPerSample != 2) throw new ArgumentException("playback is 16-bit only", "format");
            _device = device;
            _format = format;
            _bufferFrames = plan.QueueFrames;
        }

        internal void Detach()
        {
            _device = null;
            _bufferFrames = 0;
        }
    }
}
