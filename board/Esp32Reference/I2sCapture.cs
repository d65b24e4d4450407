using System;
using System.Device.I2s;
using nanoFramework.Hardware.Esp32;
using Octomix.Hal;

namespace Octomix.Board.Esp32Reference
{
    /// <summary>
    /// <see cref="IAudioIn"/> over I2S bus 1 (the chip's I2S0) in <c>Master | Rx</c>, the WM8960
    /// as slave. One <see cref="Read"/> is one native call that blocks until the DMA has the
    /// frames; the firmware converts the 32-bit DMA slots to the format asked for.
    /// </summary>
    /// <remarks>
    /// The binding adds no timing of its own: <see cref="Esp32ReferenceBoard.StartAudio"/> discards
    /// the capture that piled up while the buses started (once, <see cref="DiscardBacklog"/>), and
    /// from then on a read returns the oldest block the DMA holds. How far the loop may fall behind
    /// is <see cref="BufferFrames"/>; the box infers overruns from time against that figure
    /// (docs/esp32-dma-sizing.md, sections 5 and 6).
    /// </remarks>
    public sealed class I2sCapture : IAudioIn
    {
        private readonly ILog _log;
        private I2sDevice _device;
        private PcmFormat _format;
        private int _bufferFrames;
        private int _descriptors;
        private byte[] _discard;

        // Only for packed 24-bit on firmware with the frame-size bug (see Attach); else null.
        private byte[] _packed24Scratch;

        internal I2sCapture(ILog log)
        {
            _log = log;
        }

        public PcmFormat Format { get { return _format; } }

        /// <summary>
        /// The receive queue of the DMA plan: N − 1 descriptors of 256 frames (the driver drops the
        /// oldest filled descriptor when a new one completes and the queue is full).
        /// </summary>
        public int BufferFrames { get { return _bufferFrames; } }

        /// <summary>
        /// True when reads of packed 24-bit go through a scratch buffer: the firmware computes the
        /// DMA bytes of a read as <c>length × (8 / 6)</c> in integer arithmetic, i.e. <c>length × 1</c>,
        /// and so fills only 3/4 of a 24-bit stereo span.
        /// </summary>
        public bool UsesPacked24Workaround { get { return _packed24Scratch != null; } }

        public void Read(byte[] buffer, int offset, int count)
        {
            if (_device == null) throw new InvalidOperationException("Capture is not running: call StartAudio first.");
            AudioRange.Check(buffer, offset, count, _format.FrameBytes);
            if (count == 0) return;
            ReadFrames(buffer, offset, count);
        }

        /// <summary>
        /// Binds started devices. For packed 24-bit, one probe read (its audio is discarded) tells
        /// whether the firmware has the frame-size bug, so a fixed firmware is used directly.
        /// </summary>
        internal void Attach(I2sDevice device, PcmFormat format, int blockFrames, DmaPlan plan)
        {
            _device = device;
            _format = format;
            _bufferFrames = plan.QueueFrames;
            _descriptors = plan.Descriptors;
            _packed24Scratch = null;
            // One-time: the block the backlog is read into and thrown away.
            _discard = new byte[blockFrames * format.FrameBytes];
            if (format.BytesPerSample != 3) return;

            // One-time set-up (not per block): a block-sized scratch of 32-bit frames.
            byte[] scratch = new byte[blockFrames * 8];
            if (FirmwareFillsOnlyThreeQuartersOf24Bit(device, scratch, blockFrames * 6))
            {
                _packed24Scratch = scratch;
                _log.Write(LogLevel.Info, "capture: firmware reads 3/4 of packed 24-bit spans; using the 4/3-span workaround");
            }
        }

        internal void Detach()
        {
            _device = null;
            _packed24Scratch = null;
            _discard = null;
            _bufferFrames = 0;
        }

        /// <summary>
        /// Reads and throws away blocks until a read has to wait for the DMA, so the next read
        /// returns fresh audio: the capture that piled up while the buses started and the board
        /// waited for the playback ring is not the box's business. Called once per start; it moves
        /// no data into the playback ring and so adds no depth. Returns the blocks discarded, or
        /// -1 when no read waited (the DMA delivers faster than the reads: should not happen).
        /// </summary>
        internal int DiscardBacklog()
        {
            byte[] block = _discard;
            long blockMicroseconds = (long)(block.Length / _format.FrameBytes) * 1000000L / _format.SampleRate;
            int blocksPerDescriptor = (DmaPlan.DescriptorFrames * _format.FrameBytes + block.Length - 1) / block.Length;
            int limit = (_descriptors + 3) * blocksPerDescriptor;
            for (int i = 1; i <= limit; i++)
            {
                // A read served from the queue returns after a copy (well under a millisecond); one
                // that waits returns at the next descriptor boundary, and once in step with the DMA
                // waits about a whole block: half a block tells the two apart.
                ulong start = HighResTimer.GetCurrent();
                ReadFrames(block, 0, block.Length);
                if ((long)(HighResTimer.GetCurrent() - start) >= blockMicroseconds / 2) return i;
            }

            return -1;
        }

        private void ReadFrames(byte[] buffer, int offset, int count)
        {
            byte[] scratch = _packed24Scratch;
            if (scratch == null)
            {
                // SpanByte is a struct over the caller's array: no allocation per call.
                _device.Read(new SpanByte(buffer, offset, count));
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
                _device.Read(new SpanByte(scratch, 0, chunk / 6 * 8));
                Array.Copy(scratch, 0, buffer, offset + done, chunk);
                done += chunk;
            }
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
