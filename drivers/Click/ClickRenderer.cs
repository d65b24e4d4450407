namespace Octomix.Drivers.Click
{
    /// <summary>
    /// Synthesises the click sounds into PCM byte buffers. This is ONE-TIME set-up work with a
    /// per-sample loop (a few thousand samples per click): it runs when a ClickGenerator is built
    /// or its level changes, never per audio block. It uses no System.Math (that is a separate
    /// nanoFramework package): the sine comes from a recursive oscillator seeded by a short series.
    /// </summary>
    internal static class ClickRenderer
    {
        /// <summary>Peak of a 100 % click relative to full scale (-6 dBFS): the PCM5102A line out is hot.</summary>
        private const double PeakAtFullLevel = 0.5;

        /// <summary>Length of every click of <paramref name="sound"/> in milliseconds.</summary>
        public static int LengthMilliseconds(ClickSound sound)
        {
            switch (sound)
            {
                case ClickSound.Beep: return 35;
                case ClickSound.Woodblock: return 25;
                default: return 30;
            }
        }

        /// <summary>
        /// Renders one click into <paramref name="target"/> (frames * frameBytes bytes, every channel
        /// the same). <paramref name="accent"/> selects the accent timbre; <paramref name="gain"/>
        /// (0..1) scales it, on top of <paramref name="levelPercent"/>.
        /// </summary>
        public static void Render(byte[] target, int frames, int sampleRate, int channels, int bytesPerSample,
            ClickSound sound, bool accent, double gain, int levelPercent)
        {
            double fullScale = bytesPerSample == 2 ? 32767.0 : bytesPerSample == 3 ? 8388607.0 : 2147483647.0;
            double peak = fullScale * PeakAtFullLevel * gain * levelPercent / 100.0;
            int frameBytes = channels * bytesPerSample;

            // Oscillator state (recursive sine: s[n] = 2cos(w) s[n-1] - s[n-2]).
            double f1, f2, a2;
            if (sound == ClickSound.Beep) { f1 = accent ? 1760.0 : 1320.0; f2 = 0; a2 = 0; }
            else if (sound == ClickSound.Woodblock) { f1 = accent ? 1250.0 : 900.0; f2 = f1 * 2.76; a2 = 0.35; }
            else { f1 = 0; f2 = 0; a2 = 0; }
            if (f2 >= sampleRate / 2.0) { f2 = 0; a2 = 0; } // keep the partial below Nyquist at low rates

            double c1 = 2.0 * Cos(TwoPi * f1 / sampleRate), s1Prev = 0.0, s1 = Sin(TwoPi * f1 / sampleRate);
            double c2 = 2.0 * Cos(TwoPi * f2 / sampleRate), s2Prev = 0.0, s2 = Sin(TwoPi * f2 / sampleRate);
            uint noise = 0x9E3779B9u; // fixed seed: every hi-hat click is the same noise
            double lastNoise = 0.0;

            int attackFrames = sampleRate / 1000; // 1 ms attack ramp avoids a DC step at the onset
            if (sound == ClickSound.HiHat) attackFrames = sampleRate / 4000;
            if (attackFrames < 1) attackFrames = 1;

            for (int i = 0; i < frames; i++)
            {
                double x;
                if (sound == ClickSound.HiHat)
                {
                    noise ^= noise << 13; noise ^= noise >> 17; noise ^= noise << 5; // xorshift32
                    double white = ((int)noise) / 2147483648.0;
                    x = 0.5 * (white - lastNoise); // first difference = high-pass: "tss", not "shh"
                    lastNoise = white;
                }
                else
                {
                    // s1 holds sin((i+1)w); use sin(i w) so the click starts at phase 0.
                    x = s1Prev + a2 * s2Prev;
                    double n1 = c1 * s1 - s1Prev; s1Prev = s1; s1 = n1;
                    double n2 = c2 * s2 - s2Prev; s2Prev = s2; s2 = n2;
                    x = x / (1.0 + a2);
                }

                double envelope = Envelope(sound, i, frames, attackFrames);
                double value = x * envelope * peak;
                long v = value >= 0 ? (long)(value + 0.5) : -(long)(-value + 0.5);
                if (v > (long)fullScale) v = (long)fullScale;
                if (v < -(long)fullScale - 1) v = -(long)fullScale - 1;

                int pos = i * frameBytes;
                for (int ch = 0; ch < channels; ch++)
                {
                    for (int b = 0; b < bytesPerSample; b++)
                    {
                        target[pos++] = (byte)(v >> (8 * b));
                    }
                }
            }
        }

        private static double Envelope(ClickSound sound, int i, int frames, int attackFrames)
        {
            if (i < attackFrames) return (double)i / attackFrames;
            double u = (double)(i - attackFrames) / (frames - attackFrames); // 0..1 over the decay
            double d = 1.0 - u;
            if (sound == ClickSound.Beep) return d * d;
            if (sound == ClickSound.Woodblock) return d * d * d * d;
            return d * d * d;
        }

        private const double TwoPi = 6.283185307179586;

        /// <summary>sin(x) for |x| up to about 2*pi by its Taylor series (only used once per click).</summary>
        internal static double Sin(double x)
        {
            while (x > 3.141592653589793) x -= TwoPi;
            while (x < -3.141592653589793) x += TwoPi;
            double term = x, sum = x, x2 = x * x;
            for (int k = 1; k < 20; k++)
            {
                term = -term * x2 / ((2 * k) * (2 * k + 1));
                sum += term;
            }
            return sum;
        }

        /// <summary>cos(x) by its Taylor series.</summary>
        internal static double Cos(double x)
        {
            while (x > 3.141592653589793) x -= TwoPi;
            while (x < -3.141592653589793) x += TwoPi;
            double term = 1.0, sum = 1.0, x2 = x * x;
            for (int k = 1; k < 20; k++)
            {
                term = -term * x2 / ((2 * k - 1) * (2 * k));
                sum += term;
            }
            return sum;
        }
    }
}
