namespace Octomix.Box
{
    /// <summary>
    /// Peak levels for the Status heartbeat, from sparse sampling: each block it looks at
    /// <see cref="ProbesPerBlock"/> evenly spaced frames, never at every sample (a per-sample loop
    /// does not fit the box's time budget). A short transient between probes can be missed; the
    /// console's meters come from the stream, this is the box's "is anything coming in" light.
    /// </summary>
    public sealed class LevelMeter
    {
        public const int ProbesPerBlock = 8;

        /// <summary>thresholds[k] = 16 * 32767 * 10^(-(k + 0.5)/20): the boundary between -k and -(k+1) dBFS at 16 bits, in 1/16ths.</summary>
        private static readonly int[] Thresholds = BuildThresholds();

        private readonly int bytesPerSample;
        private readonly int frameBytes;
        private readonly int channels;
        private int peak0;
        private int peak1;

        public LevelMeter(int channels, int bytesPerSample)
        {
            this.channels = channels;
            this.bytesPerSample = bytesPerSample;
            frameBytes = channels * bytesPerSample;
        }

        /// <summary>Probes one block (frames × frame bytes at offset).</summary>
        public void Probe(byte[] block, int offset, int frames)
        {
            int step = frames / ProbesPerBlock;
            if (step < 1)
            {
                step = 1;
            }

            for (int f = step / 2; f < frames; f += step)
            {
                int p = offset + (f * frameBytes);
                int v = Magnitude16(block, p);
                if (v > peak0)
                {
                    peak0 = v;
                }

                if (channels > 1)
                {
                    v = Magnitude16(block, p + bytesPerSample);
                    if (v > peak1)
                    {
                        peak1 = v;
                    }
                }
            }
        }

        /// <summary>Peak of channel 0 since the last <see cref="Reset"/> in -dBFS (0 full scale, 255 silence).</summary>
        public byte PeakDb0
        {
            get { return ToDb(peak0); }
        }

        public byte PeakDb1
        {
            get { return channels > 1 ? ToDb(peak1) : (byte)255; }
        }

        public void Reset()
        {
            peak0 = 0;
            peak1 = 0;
        }

        /// <summary>-dBFS of a 16-bit magnitude, to the nearest dB (a probe of 0 is silence, 255).</summary>
        public static byte ToDb(int magnitude16)
        {
            if (magnitude16 <= 0)
            {
                return 255;
            }

            int scaled = magnitude16 * 16;
            // binary search for the first k with magnitude >= Thresholds[k] (thresholds fall with k)
            int lo = 0;
            int hi = Thresholds.Length;
            while (lo < hi)
            {
                int mid = (lo + hi) / 2;
                if (scaled >= Thresholds[mid])
                {
                    hi = mid;
                }
                else
                {
                    lo = mid + 1;
                }
            }

            return lo >= Thresholds.Length ? (byte)254 : (byte)lo;
        }

        /// <summary>|sample| scaled to 16 bits (the top two bytes of a 24- or 32-bit sample).</summary>
        private int Magnitude16(byte[] b, int p)
        {
            int v = (short)(b[p + bytesPerSample - 2] | (b[p + bytesPerSample - 1] << 8));
            return v < 0 ? (v == -32768 ? 32767 : -v) : v;
        }

        private static int[] BuildThresholds()
        {
            // One-time set-up (97 entries): -0 .. -96 dBFS.
            int[] t = new int[97];
            double a = 16.0 * 32767.0 * 0.9440608762859234; // 10^(-0.5/20)
            for (int k = 0; k < t.Length; k++)
            {
                t[k] = (int)(a + 0.5);
                if (t[k] < 1)
                {
                    t[k] = 1;
                }

                a *= 0.8912509381337456; // 10^(-1/20)
            }

            return t;
        }
    }
}
