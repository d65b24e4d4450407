using nanoFramework.TestFramework;
using Octomix.Drivers.Click;
using Octomix.Hal;

namespace Octomix.Device.LogicTests
{
    /// <summary>
    /// The click grid on the box's runtime: beat n starts at floor(n · 60 · rate · 100 / tempo),
    /// checked against the definition of the floor (s·T ≤ n·K &lt; (s+1)·T), not against a second
    /// copy of the formula, for tempos with and without an exact beat length, for count-in beats
    /// (negative n) and ten hours into a take.
    /// </summary>
    [TestClass]
    public class ClickGridTests
    {
        private static readonly int[] Tempos = { 12000, 9700, 13333, 3000, 30000 };
        private static readonly int[] Rates = { 48000, 44100 };

        [TestMethod]
        public void EveryBeatStartsOnTheFloorOfItsExactPosition()
        {
            for (int t = 0; t < Tempos.Length; t++)
            {
                for (int r = 0; r < Rates.Length; r++)
                {
                    ClickGenerator g = new ClickGenerator(new PcmFormat(Rates[r], 2, 2), ClickSound.Beep, 80);
                    g.Configure(Tempos[t], 4, 4, 2);
                    long k = 6000L * Rates[r];
                    long tenHours = 10L * 3600L * Tempos[t] / 6000L;
                    CheckRange(g, -64, 400, k, Tempos[t]);
                    CheckRange(g, tenHours - 20, tenHours, k, Tempos[t]);
                }
            }
        }

        [TestMethod]
        public void At120BpmAndFortyEightKilohertzABeatIsExactly24000Frames()
        {
            ClickGenerator g = new ClickGenerator(new PcmFormat(48000, 2, 2), ClickSound.Woodblock, 100);
            g.Configure(12000, 4, 4, 1);
            for (long n = -4; n <= 200; n++)
            {
                Assert.AreEqual(n * 24000, g.BeatStart(n), "beat " + n);
            }

            Assert.AreEqual(96000L, g.CountInFrames, "one bar of 4/4 count-in");
            Assert.IsTrue(g.IsAccent(-4) && g.IsAccent(0) && !g.IsAccent(1), "accent on the first beat of a bar");
        }

        /// <summary>A filled range puts each click's first sounding frames right after its onset and silence before it.</summary>
        [TestMethod]
        public void AFillPutsTheClickOnItsOnsetAndSilenceBefore()
        {
            PcmFormat format = new PcmFormat(48000, 2, 2);
            ClickGenerator g = new ClickGenerator(format, ClickSound.Beep, 100);
            g.Configure(9700, 4, 4, 0);
            long onset = g.BeatStart(7);
            int frames = 64;
            byte[] block = new byte[frames * format.FrameBytes];
            g.Fill(block, 0, onset - 8, frames);
            Assert.AreEqual(7L, g.LastBeatStartedInFill, "the beat that started in the block");
            for (int i = 0; i < 8 * format.FrameBytes; i++)
            {
                Assert.AreEqual((byte)0, block[i], "silence before the onset, byte " + i);
            }

            bool sounding = false;
            for (int i = 8 * format.FrameBytes; i < block.Length; i++)
            {
                sounding |= block[i] != 0;
            }

            Assert.IsTrue(sounding, "the click sounds after its onset");

            // Split differently, the same range gives the same bytes (a click straddling blocks).
            byte[] split = new byte[frames * format.FrameBytes];
            g.Fill(split, 0, onset - 8, 13);
            g.Fill(split, 13 * format.FrameBytes, onset - 8 + 13, frames - 13);
            for (int i = 0; i < block.Length; i++)
            {
                Assert.AreEqual(block[i], split[i], "byte " + i + " of a split fill");
            }
        }

        private static void CheckRange(ClickGenerator g, long from, long to, long k, int tempo)
        {
            for (long n = from; n <= to; n++)
            {
                long s = g.BeatStart(n);
                long exact = n * k;
                Assert.IsTrue(s * tempo <= exact && exact < (s + 1) * tempo, "beat " + n + " at tempo " + tempo + " starts at " + s);
            }
        }
    }
}
