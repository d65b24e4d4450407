using System;
using System.Device.I2s;
using Octomix.Hal;

namespace Octomix.Board.Esp32Reference
{
    /// <summary>
    /// <see cref="IAudioIn"/> over I2S bus 1 (the chip's I2S0) in <c>Master | Rx</c>, the WM8960
    /// as slave. One <see cref="Read"/> is one native call that blocks until the DMA has the
    /// frames; the firmware converts the 32-bit DMA slots to the format asked for.
    /// </summary>
    public sealed class I2sCapture : IAudioIn
    {
        private I2sDevice _device;
        private PcmFormat _format;

        // Only for packed 24-bit on firmware with the frame-size bug (see Attach); else null.
        private byte[] _packed24Scratch;

        public PcmFormat Format { get { return _format; } }

        /// <summary>
        /// True when reads of packed 24-bit go through <see cref="_packed24Scratch"/>: the
        /// firmware computes the DMA bytes of a read as <c>length × (8 / 6)</c> in integer
        /// arithmetic, i.e. <c>length × 1</c>, and so fills only 3/4 of a 24-bit stereo span.
        /// </summary>
        public bool UsesPacked24Workaround { get { return _packed24Scratch != null; } }

        public void Read(byte[] buffer, int offset, int count)
        {
            I2sDevice device = _device;
            if (device == null) throw new InvalidOperationException("Capture is not running: call StartAudio first.");
            AudioRange.Check(buffer, offset, count, _format.FrameBytes);
            if (count == 0) return;

            byte[] scratch = _packed24Scratch;
            if (scratch == null)
            {
                // SpanByte is a struct over the caller's array: no allocation per call.
                device.Read(new SpanByte(buffer, offset, count));
                return;
            }

            // Packed 24-bit on firmware with the bug: a span of n × 4/3 bytes makes the firmware
            // decode exactly n / 6 frames into the first n bytes of the span. The scratch holds the
            // unused tail; one Array.Copy (native) per chunk moves the frames to the caller.
            int chunkLimit = scratch.Length / 8 * 6;
            int done = 0;
            while (done < count)
            {
                int chunk = count - done;
                if (chunk > chunkLimit) chunk = chunkLimit;
                device.Read(new SpanByte(scratch, 0, chunk / 6 * 8));
                Array.Copy(scratch, 0, buffer, offset + done, chunk);
                done += chunk;
            }
        }

        /// <summary>
        /// Binds a started device. For packed 24-bit, one probe read (its audio is discarded)
        /// tells whether the firmware has the frame-size bug, so a fixed firmware is used directly.
        /// </summary>
        internal void Attach(I2sDevice device, PcmFormat format, int blockFrames, ILog log)
        {
            _device = device;
            _format = format;
            _packed24Scratch = null;
            if (format.BytesPerSample != 3) return;

            // One-time set-up (not per block): a block-sized scratch of 32-bit frames.
            byte[] scratch = new byte[blockFrames * 8];
            if (FirmwareFillsOnlyThreeQuartersOf24Bit(device, scratch, blockFrames * 6))
            {
                _packed24Scratch = scratch;
                log.Write(LogLevel.Info, "capture: firmware reads 3/4 of packed 24-bit spans; using the 4/3-span workaround");
            }
        }

        internal void Detach()
        {
            _device = null;
            _packed24Scratch = null;
        }

        private static bool FirmwareFillsOnlyThreeQuartersOf24Bit(I2sDevice device, byte[] scratch, int probeBytes)
        {
            const byte Sentinel = 0xA5;
            // One-time probe: mark the span, read one block, look at the last quarter. Audio never
            // writes a run of identical 0xA5 bytes this long; a buggy firmware leaves it untouched.
            for (int i = 0; i < probeBytes; i++) scratch[i] = Sentinel;
            device.Read(new SpanByte(scratch, 0, probeBytes));
            for (int i = probeBytes / 4 * 3; i < probeBytes; i++)
            {
                if (scratch[i] != Sentinel) return false;
            }
            return true;
        }
    }
}
