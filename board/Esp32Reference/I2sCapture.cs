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
    /// <para>The first <see cref="Read"/> after StartAudio synchronizes the two rings before it
    /// returns audio: it primes playback with silence until a write waits (the ring is full), then
    /// reads and discards capture until a read waits (no backlog), and returns that last, fresh
    /// block. From then on the audio loop reads one block and writes one block per period, and the
    /// playback delay behind the capture stays constant (docs/esp32-dma-sizing.md, section 6).</para>
    /// <para>Every <see cref="Read"/> notes when it started (one native timer read). If two reads
    /// start further apart than the DMA plan covers plus one block, the rings may have dropped a
    /// descriptor: the timeline of the take is broken. The read then counts a
    /// <see cref="TimelineBreaks"/>, logs it, and synchronizes again, so the loop continues at full
    /// depth (with a new round-trip latency: recalibrate).</para>
    /// </remarks>
    public sealed class I2sCapture : IAudioIn
    {
        private readonly ILog _log;
        private I2sDevice _device;
        private PcmFormat _format;
        private I2sPlayback _playback;
        private int _maxSyncSteps;
        private long _breakThresholdMicroseconds;
        private bool _syncPending;
        private long _previousReadStart;
        private int _timelineBreaks;

        // Only for packed 24-bit on firmware with the frame-size bug (see Attach); else null.
        private byte[] _packed24Scratch;

        internal I2sCapture(ILog log)
        {
            _log = log;
        }

        public PcmFormat Format { get { return _format; } }

        /// <summary>
        /// True when reads of packed 24-bit go through a scratch buffer: the firmware computes the
        /// DMA bytes of a read as <c>length × (8 / 6)</c> in integer arithmetic, i.e. <c>length × 1</c>,
        /// and so fills only 3/4 of a 24-bit stereo span.
        /// </summary>
        public bool UsesPacked24Workaround { get { return _packed24Scratch != null; } }

        /// <summary>How often reads started too far apart for the DMA rings (see remarks) since StartAudio.</summary>
        public int TimelineBreaks { get { return _timelineBreaks; } }

        public void Read(byte[] buffer, int offset, int count)
        {
            if (_device == null) throw new InvalidOperationException("Capture is not running: call StartAudio first.");
            AudioRange.Check(buffer, offset, count, _format.FrameBytes);
            if (count == 0) return;

            long start = (long)HighResTimer.GetCurrent();
            long gap = start - _previousReadStart;
            _previousReadStart = start;
            if (_syncPending || gap > _breakThresholdMicroseconds)
            {
                if (!_syncPending)
                {
                    _timelineBreaks++;
                    _log.Write(LogLevel.Warning, "capture: " + (gap / 1000) + " ms between reads exceeds the DMA coverage: the timeline may be broken; resynchronizing, recalibrate");
                }

                _syncPending = false;
                Synchronize(buffer, offset, count);
                _previousReadStart = (long)HighResTimer.GetCurrent();
                return;
            }

            ReadFrames(buffer, offset, count);
        }

        /// <summary>
        /// Binds started devices. For packed 24-bit, one probe read (its audio is discarded) tells
        /// whether the firmware has the frame-size bug, so a fixed firmware is used directly.
        /// </summary>
        internal void Attach(I2sDevice device, PcmFormat format, int blockFrames, DmaPlan plan, I2sPlayback playback)
        {
            _device = device;
            _format = format;
            _playback = playback;
            _packed24Scratch = null;
            // Enough blocks to fill (or drain) the whole ring and a few more, also when a block is
            // smaller than a 256-frame descriptor.
            int blocksPerDescriptor = (DmaPlan.DescriptorFrames + blockFrames - 1) / blockFrames;
            _maxSyncSteps = (plan.Descriptors + 3) * blocksPerDescriptor;
            _breakThresholdMicroseconds = plan.CoveredStallMicroseconds + (long)blockFrames * 1000000L / format.SampleRate;
            _syncPending = true;
            _timelineBreaks = 0;
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
            _playback = null;
            _packed24Scratch = null;
        }

        private void Synchronize(byte[] buffer, int offset, int count)
        {
            if (_playback.Prime(_maxSyncSteps) < 0)
            {
                _log.Write(LogLevel.Warning, "audio: playback never waited while priming; the click delay is constant but shorter than planned");
            }

            // Drain: a read served from backlog returns at once; the first read that had to wait
            // for the DMA returns the newest frames. As with priming, the read after the first wait
            // is in step and waits about its whole duration, so half of it is the test.
            long duration = (long)(count / _format.FrameBytes) * 1000000L / _format.SampleRate;
            for (int i = 0; i < _maxSyncSteps; i++)
            {
                long start = (long)HighResTimer.GetCurrent();
                ReadFrames(buffer, offset, count);
                if ((long)HighResTimer.GetCurrent() - start >= duration / 2) return;
            }

            _log.Write(LogLevel.Warning, "audio: capture never waited while draining; capture backlog remains");
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
