using System;
using nanoFramework.Hardware.Esp32;
using nanoFramework.TestFramework;
using Octomix.Box;
using Octomix.Drivers.Click;
using Octomix.Protocol;

namespace Octomix.Device.HardwareTests
{
    /// <summary>
    /// The per-operation costs docs/device-budget.md estimates, measured on the board: an empty
    /// loop iteration, a managed call, a native call, the block-sized steps of the audio loop, and
    /// the take checksum per 8 bytes. A benchmark: it prints figures (for the budget) and asserts
    /// only that the work it timed gave the right answers, never a time.
    /// </summary>
    [TestClass]
    public class InterpreterCostBenchmark
    {
        private const int Iterations = 2000;

        private static int sink;

        [TestMethod]
        public void PrintsWhatTheOperationsOfTheAudioLoopCost()
        {
            byte[] a = new byte[1024];
            byte[] b = new byte[1024];

            long t0 = Now();
            for (int i = 0; i < Iterations; i++)
            {
            }

            long empty = Now() - t0;

            t0 = Now();
            for (int i = 0; i < Iterations; i++)
            {
                sink += Managed(i);
            }

            long managed = Now() - t0;

            t0 = Now();
            for (int i = 0; i < Iterations; i++)
            {
                Array.Copy(a, 0, b, 0, 8);
            }

            long native = Now() - t0;

            t0 = Now();
            for (int i = 0; i < Iterations; i++)
            {
                Array.Copy(a, 0, b, 0, 1024);
            }

            long copyBlock = Now() - t0;

            ClickGenerator click = new ClickGenerator(TestBoard.Format, ClickSound.Beep, 100);
            click.Configure(12000, 4, 4, 0);
            t0 = Now();
            for (int i = 0; i < 200; i++)
            {
                click.Fill(a, 0, (long)i * 256, 256);
            }

            long fill = (Now() - t0) / 200;

            LevelMeter meter = new LevelMeter(2, 2);
            t0 = Now();
            for (int i = 0; i < 200; i++)
            {
                meter.Probe(a, 0, 256);
            }

            long probe = (Now() - t0) / 200;

            // The checksum after a take: guard its answer, then time it over 64 KB.
            byte[] check = new byte[17];
            for (int i = 0; i < check.Length; i++)
            {
                check[i] = (byte)i;
            }

            TakeChecksum sum = new TakeChecksum();
            sum.Update(check, 0, check.Length);
            Assert.AreEqual(0x161412100e0c0a18UL, sum.A, "the checksum's check value");
            byte[] data = new byte[65536];
            for (int i = 0; i < data.Length; i++)
            {
                data[i] = (byte)(i * 13);
            }

            sum.Reset();
            t0 = Now();
            sum.Update(data, 0, data.Length);
            long checksum = Now() - t0;
            TakeChecksum again = new TakeChecksum();
            for (int p = 0; p < data.Length; p += 4096)
            {
                again.Update(data, p, 4096);
            }

            Assert.AreEqual(sum.B, again.B, "slices give the same checksum");

            OutputHelper.WriteLine("per iteration: empty loop " + Micros(empty, Iterations) + " us, + managed call " + Micros(managed - empty, Iterations)
                + " us, + native call (Array.Copy 8 B) " + Micros(native - empty, Iterations) + " us, Array.Copy 1024 B " + Micros(copyBlock, Iterations) + " us");
            OutputHelper.WriteLine("per 256-frame block: ClickGenerator.Fill " + fill + " us, LevelMeter.Probe " + probe + " us");
            OutputHelper.WriteLine("TakeChecksum: " + (checksum * 8 * 1000 / data.Length) + " ns per 8 bytes, "
                + (data.Length * 1000L / (checksum > 0 ? checksum : 1)) + " KB/s (a 4,096-byte slice: " + (checksum * 4096 / data.Length) + " us)");
        }

        private static int Managed(int i)
        {
            return i & 1;
        }

        private static long Now()
        {
            return (long)HighResTimer.GetCurrent();
        }

        private static string Micros(long total, int count)
        {
            long hundredths = total * 100 / count;
            return (hundredths / 100) + "." + (hundredths % 100 < 10 ? "0" : string.Empty) + (hundredths % 100);
        }
    }
}
