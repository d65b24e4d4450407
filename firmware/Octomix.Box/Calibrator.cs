using System;
using Octomix.Hal;

namespace Octomix.Box
{
    /// <summary>
    /// Measures the box's round trip L: the number of frames between the loop writing a frame
    /// into the click output and the same sound arriving in the capture, with the codec routed so
    /// the ADC hears the click DAC. It runs inside the audio loop like everything else: the pulse
    /// goes out through the same output blocks and the same playback pipeline as the click, so L
    /// includes the playback depth the loop keeps, the DMA buffers and both converters' filter
    /// delays — exactly the delay a note played on the click has in the recording.
    /// <para>
    /// One measurement: the capture block before the emission is the noise reference; then a
    /// pulse (a 3 ms decaying 3 kHz cosine burst whose first sample is its peak, pre-rendered
    /// once) goes out at a block boundary, and every capture block after it is listened to (the
    /// peak of channel 0, one look at each frame: the only per-sample work of the box) until one
    /// stands 18 dB above the noise and above −36 dBFS. That block, the one before it and the one
    /// after it (the pulse is shorter than a block) are kept in a three-block buffer, and the onset
    /// is the first frame of them at or above half their peak, searched one block per loop
    /// iteration (a long scan would stall the loop, and a stall longer than the playback pipeline
    /// would underrun it and change the very depth being measured). So L is found wherever it is
    /// up to <c>maxLatencyFrames</c> (the box passes its pre-roll: a longer L cannot record
    /// anyway), not only near the depth the box asked for: a stall longer than the pipeline makes
    /// the DAC play silence and every later frame late, so the pipeline can end up far deeper
    /// than the prefill (docs/box.md, "Calibration"). Nothing heard by then is "no pulse heard".
    /// </para>
    /// <para>
    /// L is reported when two consecutive measurements agree to the frame. A measurement during
    /// which the loop stalled (<see cref="Disturb"/>: the controller's stall detector saw the
    /// pipeline run dry) is an outlier: it and the one before it measured a pipeline that no
    /// longer exists, so both are dropped and the series goes on. After
    /// <see cref="MaxMeasurements"/> measurements without agreement calibration fails as unstable.
    /// </para>
    /// </summary>
    public sealed class Calibrator
    {
        public const int MaxMeasurements = 6;

        /// <summary>Reasons of a failure (the Notice CalibrationFailed detail).</summary>
        public const int ReasonNoPulse = 1;
        public const int ReasonUnstable = 2;
        public const int ReasonCodec = 3;
        public const int ReasonTooLate = 4;

        /// <summary>A failure reason (Reason*) in words, for the log line of the failed calibration.</summary>
        public static string DescribeReason(int reason)
        {
            switch (reason)
            {
                case Calibrator.ReasonNoPulse: return "no pulse heard in the calibration routing";
                case Calibrator.ReasonUnstable: return "the measurements did not agree";
                case Calibrator.ReasonCodec: return "the codec did not switch to the calibration routing";
                case Calibrator.ReasonTooLate: return "the round trip is longer than the pre-roll";
                default: return "reason " + reason;
            }
        }

        /// <summary>Blocks waited after switching the routing before the first pulse (analog settling).</summary>
        public const int SettleMilliseconds = 20;

        private const int PulseMilliseconds = 3;
        private const int PulseHz = 3000;

        // the phases of one measurement
        private const int Listening = 0;
        private const int Confirming = 1;
        private const int Searching = 2;

        private const int KeptBlocks = 3;

        private readonly int blockFrames;
        private readonly int frameBytes;
        private readonly int bytesPerSample;
        private readonly int maxLatencyFrames;
        private readonly byte[] pulse;
        private readonly int pulseFrames;
        private readonly byte[] kept;
        private readonly int settleBlocks;

        private bool active;
        private long emitPosition;
        private long windowStart;
        private int nextBlock;
        private int phase;
        private int heardBlock;
        private int searchBlock;
        private int measurements;
        private int lastMeasured;
        private bool haveLast;
        private bool disturbed;
        private int noise;
        private int peak;
        private int threshold;

        /// <param name="format">The loop's format.</param>
        /// <param name="blockFrames">Frames per loop block.</param>
        /// <param name="maxLatencyFrames">Largest L a measurement waits for.</param>
        public Calibrator(PcmFormat format, int blockFrames, int maxLatencyFrames)
        {
            this.blockFrames = blockFrames;
            this.maxLatencyFrames = maxLatencyFrames;
            frameBytes = format.FrameBytes;
            bytesPerSample = format.BytesPerSample;
            kept = new byte[KeptBlocks * blockFrames * frameBytes];
            pulseFrames = format.SampleRate * PulseMilliseconds / 1000;
            pulse = new byte[pulseFrames * frameBytes];
            RenderPulse(pulse, pulseFrames, format);
            settleBlocks = ((format.SampleRate * SettleMilliseconds / 1000) + blockFrames - 1) / blockFrames;
            LatencyFrames = -1;
        }

        public bool IsActive
        {
            get { return active; }
        }

        /// <summary>The measured L in frames, or -1 while none is known.</summary>
        public int LatencyFrames { get; private set; }

        /// <summary>After a failure, one of the Reason constants.</summary>
        public int FailureReason { get; private set; }

        public bool Succeeded { get; private set; }

        /// <summary>The last measurement of the last calibration (for the log and tests); -1 when none.</summary>
        public int LastMeasurement
        {
            get { return haveLast ? lastMeasured : -1; }
        }

        /// <summary>Measurements of the last calibration, the disturbed ones included.</summary>
        public int MeasurementCount
        {
            get { return measurements; }
        }

        /// <summary>Measurements of the last calibration dropped because the loop stalled.</summary>
        public int DisturbedCount { get; private set; }

        /// <summary>
        /// Starts a calibration; <paramref name="nextBlockPosition"/> is the loop position of the
        /// next block. The caller has switched the codec's calibration routing on.
        /// </summary>
        public void Begin(long nextBlockPosition)
        {
            active = true;
            Succeeded = false;
            FailureReason = 0;
            measurements = 0;
            DisturbedCount = 0;
            haveLast = false;
            disturbed = false;
            ScheduleNext(nextBlockPosition + ((long)settleBlocks * blockFrames));
        }

        public void Abort()
        {
            active = false;
        }

        /// <summary>
        /// The loop stalled longer than the playback pipeline (the click DAC ran dry): the
        /// measurement under way and the one before it measured the old pipeline, so neither
        /// counts. The pulse under way is still waited for, so it cannot be taken for the next.
        /// </summary>
        public void Disturb()
        {
            if (!active)
            {
                return;
            }

            disturbed = true;
            haveLast = false;
        }

        /// <summary>Writes the output block for loop position <paramref name="position"/>: the pulse where it falls, else silence.</summary>
        public void FillOutput(byte[] block, int offset, long position)
        {
            Array.Clear(block, offset, blockFrames * frameBytes);
            if (!active)
            {
                return;
            }

            long from = position > emitPosition ? position : emitPosition;
            long to = position + blockFrames;
            long pulseEnd = emitPosition + pulseFrames;
            if (pulseEnd < to)
            {
                to = pulseEnd;
            }

            if (from < to)
            {
                Array.Copy(pulse, (int)(from - emitPosition) * frameBytes, block, offset + ((int)(from - position) * frameBytes), (int)(to - from) * frameBytes);
            }
        }

        /// <summary>
        /// Takes the capture block of loop position <paramref name="position"/>: listens to it,
        /// keeps it when the pulse is near, or scans one block's worth. Returns true when the
        /// calibration has finished (see <see cref="Succeeded"/>).
        /// </summary>
        public bool OnCapture(byte[] block, int offset, long position)
        {
            if (!active)
            {
                return false;
            }

            if (phase == Searching)
            {
                return SearchSlice(position + blockFrames);
            }

            if (position < windowStart)
            {
                return false;
            }

            if (position != windowStart + ((long)nextBlock * blockFrames))
            {
                // the capture skipped (never in a healthy loop): measure again
                ScheduleNext(position + blockFrames);
                return false;
            }

            int index = nextBlock;
            nextBlock++;
            int slot = index % KeptBlocks;
            Array.Copy(block, offset, kept, slot * blockFrames * frameBytes, blockFrames * frameBytes);
            int m = MaxMagnitude(slot);
            if (index == 0)
            {
                noise = m;
                return false;
            }

            if (phase == Confirming)
            {
                // the block after the one the pulse was heard in: the pulse is in these two
                if (m > peak)
                {
                    peak = m;
                }

                threshold = (peak + 1) / 2;
                phase = Searching;
                searchBlock = heardBlock > 1 ? heardBlock - 1 : 1;
                return false;
            }

            // at least -36 dBFS and 18 dB (8x) over the noise block
            if (m >= 32767 / 64 && m >= noise * 8)
            {
                peak = m;
                heardBlock = index;
                phase = Confirming;
                return false;
            }

            if ((long)(index - 1) * blockFrames > maxLatencyFrames)
            {
                measurements++;
                return Fail(ReasonNoPulse);
            }

            return false;
        }

        /// <summary>One kept block's worth of the threshold search.</summary>
        private bool SearchSlice(long nextBlockPosition)
        {
            int slot = searchBlock % KeptBlocks;
            int first = slot * blockFrames;
            for (int f = 0; f < blockFrames; f++)
            {
                if (Magnitude(first + f) >= threshold)
                {
                    measurements++;
                    return Measured((int)(windowStart + ((long)searchBlock * blockFrames) + f - emitPosition), nextBlockPosition);
                }
            }

            searchBlock++;
            if (searchBlock > heardBlock + 1)
            {
                measurements++;
                return Fail(ReasonNoPulse); // cannot happen: the peak itself is above the threshold
            }

            return false;
        }

        private bool Measured(int l, long nextBlockPosition)
        {
            if (disturbed)
            {
                disturbed = false;
                haveLast = false;
                DisturbedCount++;
            }
            else if (haveLast && l == lastMeasured)
            {
                LatencyFrames = l;
                Succeeded = true;
                active = false;
                return true;
            }
            else
            {
                lastMeasured = l;
                haveLast = true;
            }

            if (measurements >= MaxMeasurements)
            {
                return Fail(ReasonUnstable);
            }

            // a gap of the settle time so the last pulse's tail is gone before the next noise block
            ScheduleNext(nextBlockPosition + ((long)settleBlocks * blockFrames));
            return false;
        }

        private bool Fail(int reason)
        {
            FailureReason = reason;
            Succeeded = false;
            active = false;
            return true;
        }

        private void ScheduleNext(long blockPosition)
        {
            // one noise block, then the emission block and as many as the pulse takes to come back
            windowStart = blockPosition;
            emitPosition = blockPosition + blockFrames;
            nextBlock = 0;
            phase = Listening;
            noise = 0;
            peak = 0;
        }

        /// <summary>Largest |channel 0| of a kept block.</summary>
        private int MaxMagnitude(int slot)
        {
            int max = 0;
            int first = slot * blockFrames;
            for (int f = first; f < first + blockFrames; f++)
            {
                int v = Magnitude(f);
                if (v > max)
                {
                    max = v;
                }
            }

            return max;
        }

        /// <summary>|channel 0| of a kept frame, scaled to 16 bits.</summary>
        private int Magnitude(int frame)
        {
            int p = (frame * frameBytes) + bytesPerSample - 2;
            int v = (short)(kept[p] | (kept[p + 1] << 8));
            return v < 0 ? (v == -32768 ? 32767 : -v) : v;
        }

        /// <summary>One-time set-up: the pulse, identical on every channel.</summary>
        private static void RenderPulse(byte[] target, int frames, PcmFormat format)
        {
            double full = format.BytesPerSample == 2 ? 32767.0 : (format.BytesPerSample == 3 ? 8388607.0 : 2147483647.0);
            double w = 2.0 * 3.141592653589793 * PulseHz / format.SampleRate;
            double c2 = 2.0 * Cos(w);
            double prev = Cos(-w);
            double cur = 1.0; // cos(0): the first sample is the peak, so the onset is sharp
            for (int i = 0; i < frames; i++)
            {
                double envelope = 1.0 - ((double)i / frames);
                double x = 0.5 * full * cur * envelope * envelope;
                long v = x >= 0 ? (long)(x + 0.5) : -(long)(-x + 0.5);
                int pos = i * format.FrameBytes;
                for (int ch = 0; ch < format.Channels; ch++)
                {
                    for (int b = 0; b < format.BytesPerSample; b++)
                    {
                        target[pos++] = (byte)(v >> (8 * b));
                    }
                }

                double next = (c2 * cur) - prev;
                prev = cur;
                cur = next;
            }
        }

        /// <summary>cos by its Taylor series (nanoFramework's Math is a separate package; this runs once).</summary>
        private static double Cos(double x)
        {
            double term = 1.0;
            double sum = 1.0;
            double x2 = x * x;
            for (int k = 1; k < 16; k++)
            {
                term = -term * x2 / ((2 * k - 1) * (2 * k));
                sum += term;
            }

            return sum;
        }
    }
}
