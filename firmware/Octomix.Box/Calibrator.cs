using System;
using Octomix.Hal;

namespace Octomix.Box
{
    /// <summary>
    /// Measures the box's round trip L: the number of frames between the loop writing a frame
    /// into the click output and the same sound arriving in the capture, with the codec routed so
    /// the ADC hears the click DAC. It runs inside the audio loop like everything else: the pulse
    /// goes out through the same output blocks and the same playback pipeline as the click, so L
    /// includes the playback depth the loop keeps constant, the DMA buffers and both converters'
    /// filter delays — exactly the delay a note played on the click has in the recording.
    /// <para>
    /// One measurement: emit a pulse (a 3 ms decaying 3 kHz cosine burst whose first sample is its
    /// peak, pre-rendered once) at a block boundary, copy the capture blocks from one block before
    /// the emission into a preallocated window (Array.Copy per block), then find the onset: the
    /// first frame of channel 0 at or above half the window's peak. Finding it means looking at
    /// every frame of channel 0 once — a one-time scan of the preallocated window per
    /// measurement, the only per-sample work of the box. It is done in slices of one block per
    /// loop iteration (peak while the window fills, then the threshold search), because a long
    /// scan would stall the loop, and a stall longer than the playback pipeline would underrun it
    /// and change the very depth being measured. During calibration the loop has nothing else to
    /// do, so a block's worth of scanning fits its time slot. The block before the emission is
    /// the noise reference: a pulse that does not stand 18 dB above it is "no click heard". L is
    /// reported when two consecutive measurements agree to the frame; after
    /// <see cref="MaxMeasurements"/> without agreement calibration fails as unstable.
    /// </para>
    /// </summary>
    public sealed class Calibrator
    {
        public const int MaxMeasurements = 4;

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

        private readonly int blockFrames;
        private readonly int frameBytes;
        private readonly int bytesPerSample;
        private readonly int windowFrames;
        private readonly byte[] pulse;
        private readonly int pulseFrames;
        private readonly byte[] window;
        private readonly int settleBlocks;

        private bool active;
        private long emitPosition;
        private long windowStart;
        private int windowFilled;
        private int measurements;
        private int lastMeasured;
        private bool haveLast;
        private int noise;
        private int peak;
        private bool searching;
        private int searchFrame;
        private int threshold;

        /// <param name="format">The loop's format.</param>
        /// <param name="blockFrames">Frames per loop block.</param>
        /// <param name="maxLatencyFrames">Largest L the window can find.</param>
        public Calibrator(PcmFormat format, int blockFrames, int maxLatencyFrames)
        {
            this.blockFrames = blockFrames;
            frameBytes = format.FrameBytes;
            bytesPerSample = format.BytesPerSample;
            int blocks = ((maxLatencyFrames + blockFrames - 1) / blockFrames) + 2;
            windowFrames = blocks * blockFrames;
            window = new byte[windowFrames * frameBytes];
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

        /// <summary>Every measurement of the last calibration (for the log and tests); -1 when none.</summary>
        public int LastMeasurement
        {
            get { return haveLast ? lastMeasured : -1; }
        }

        public int MeasurementCount
        {
            get { return measurements; }
        }

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
            haveLast = false;
            ScheduleNext(nextBlockPosition + ((long)settleBlocks * blockFrames));
        }

        public void Abort()
        {
            active = false;
            searching = false;
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
        /// Takes the capture block of loop position <paramref name="position"/>: copies it into the
        /// window and scans one block's worth. Returns true when the calibration has finished
        /// (see <see cref="Succeeded"/>).
        /// </summary>
        public bool OnCapture(byte[] block, int offset, long position)
        {
            if (!active)
            {
                return false;
            }

            if (searching)
            {
                return SearchSlice(position + blockFrames);
            }

            if (position < windowStart)
            {
                return false;
            }

            int at = (int)(position - windowStart);
            if (at != windowFilled || at + blockFrames > windowFrames)
            {
                // the capture skipped (never in a healthy loop): measure again
                ScheduleNext(position + blockFrames);
                return false;
            }

            Array.Copy(block, offset, window, at * frameBytes, blockFrames * frameBytes);
            int m = MaxMagnitude(at, at + blockFrames);
            if (at == 0)
            {
                noise = m;
            }
            else if (m > peak)
            {
                peak = m;
            }

            windowFilled += blockFrames;
            if (windowFilled < windowFrames)
            {
                return false;
            }

            measurements++;
            // at least -36 dBFS and 18 dB (8x) over the noise block
            if (peak < 32767 / 64 || peak < noise * 8)
            {
                return Fail(ReasonNoPulse);
            }

            threshold = (peak + 1) / 2;
            searching = true;
            searchFrame = blockFrames;
            return false;
        }

        /// <summary>One block's worth of the threshold search.</summary>
        private bool SearchSlice(long nextBlockPosition)
        {
            int end = searchFrame + blockFrames;
            if (end > windowFrames)
            {
                end = windowFrames;
            }

            for (int f = searchFrame; f < end; f++)
            {
                if (Magnitude(f) >= threshold)
                {
                    searching = false;
                    return Measured((int)(windowStart + f - emitPosition), nextBlockPosition);
                }
            }

            searchFrame = end;
            if (searchFrame >= windowFrames)
            {
                searching = false;
                return Fail(ReasonNoPulse); // cannot happen: the peak itself is above the threshold
            }

            return false;
        }

        private bool Measured(int l, long nextBlockPosition)
        {
            if (haveLast && l == lastMeasured)
            {
                LatencyFrames = l;
                Succeeded = true;
                active = false;
                return true;
            }

            lastMeasured = l;
            haveLast = true;
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
            searching = false;
            return true;
        }

        private void ScheduleNext(long blockPosition)
        {
            // window = one noise block, then the emission block and the blocks the pulse may take to come back
            windowStart = blockPosition;
            emitPosition = blockPosition + blockFrames;
            windowFilled = 0;
            noise = 0;
            peak = 0;
            searching = false;
        }

        private int MaxMagnitude(int from, int to)
        {
            int max = 0;
            for (int f = from; f < to; f++)
            {
                int v = Magnitude(f);
                if (v > max)
                {
                    max = v;
                }
            }

            return max;
        }

        /// <summary>|channel 0| of a window frame, scaled to 16 bits.</summary>
        private int Magnitude(int frame)
        {
            int p = (frame * frameBytes) + bytesPerSample - 2;
            int v = (short)(window[p] | (window[p + 1] << 8));
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
