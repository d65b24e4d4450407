using System;
using System.Device.I2s;
using nanoFramework.Hardware.Esp32;
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
    /// is free. Free descriptors come back in ring order, so every block written continues the
    /// stream exactly where the previous one ended: once the ring has been primed (by the first
    /// <see cref="I2sCapture.Read"/>), the playback delay is constant however the loop jitters, as
    /// long as the loop never falls a whole ring behind (then the driver drops a slot and the click
    /// shifts against the capture; see docs/esp32-dma-sizing.md).
    /// </remarks>
    public sealed class I2sPlayback : IAudioOut
    {
        private I2sDevice _device;
        private PcmFormat _format;
        private byte[] _silence;
        private long _blockMicroseconds;

        public PcmFormat Format { get { return _format; } }

        public void Write(byte[] buffer, int offset, int count)
        {
            I2sDevice device = _device;
            if (device == null) throw new InvalidOperationException("Playback is not running: call StartAudio first.");
            AudioRange.Check(buffer, offset, count, _format.FrameBytes);
            if (count == 0) return;
            // 16-bit only: the firmware swaps the channels of 32-bit writes in place, in the caller's buffer.
            device.Write(new SpanByte(buffer, offset, count));
        }

        internal void Attach(I2sDevice device, PcmFormat format, int blockFrames)
        {
            if (format.BytesPerSample != 2) throw new ArgumentException("playback is 16-bit only", "format");
            _device = device;
            _format = format;
            // One-time: the silent block priming writes (zeros = silence in 16-bit PCM).
            _silence = new byte[blockFrames * format.FrameBytes];
            _blockMicroseconds = (long)blockFrames * 1000000L / format.SampleRate;
        }

        internal void Detach()
        {
            _device = null;
            _silence = null;
        }

        /// <summary>
        /// Writes silent blocks until a write has to wait for the DMA, i.e. until every descriptor
        /// but the one playing holds queued audio. Returns the number of blocks written, or -1 when
        /// no write waited within <paramref name="maxWrites"/> (the ring is then less deep than
        /// planned, which shortens the stall it absorbs but keeps the delay constant).
        /// </summary>
        internal int Prime(int maxWrites)
        {
            I2sDevice device = _device;
            if (device == null) return -1;
            // A write that finds a free descriptor returns after a memcpy (tens of µs); one that
            // waits returns at the next descriptor boundary. After the first wait the writer is in
            // step with the DMA, so the next write waits almost a whole block: half a block tells
            // the two apart even with interrupt latency on top.
            long waited = _blockMicroseconds / 2;
            for (int i = 1; i <= maxWrites; i++)
            {
                ulong start = HighResTimer.GetCurrent();
                device.Write(new SpanByte(_silence));
                if ((long)(HighResTimer.GetCurrent() - start) >= waited) return i;
            }

            return -1;
        }
    }
}
