using nanoFramework.TestFramework;
using Octomix.Drivers.Click;
using Octomix.Drivers.Wm8960;
using Octomix.Hal;

namespace Octomix.Device.HardwareTests
{
    /// <summary>
    /// I2S capture smoke test: with the WM8960 routed to the click DAC (the calibration routing:
    /// PCM5102A line out through the divider into the WM8960), clicks played on I2S bus 2 come
    /// back on I2S bus 1 well above what silence gives.
    /// </summary>
    [TestClass]
    public class CaptureTests
    {
        [TestMethod]
        public void TheClickComesBackThroughTheCodec()
        {
            Wm8960 codec = TestBoard.StartCodec(true);
            AudioRun run = new AudioRun();
            try
            {
                Assert.IsTrue(TestBoard.Board.Capture.BufferFrames > 0, "the board reports its capture queue");
                Assert.AreEqual(TestBoard.Board.AudioPlan.QueueFrames, TestBoard.Board.Playback.BufferFrames);

                ClickGenerator click = new ClickGenerator(TestBoard.Format, ClickSound.Beep, 100);
                click.Configure(24000, 4, 4, 0); // 240 BPM: a click every 12,000 frames
                int silentPeak = RunBlocks(run, null, 100);
                int clickPeak = RunBlocks(run, click, 200);
                OutputHelper.WriteLine("capture peak with silence out " + silentPeak + ", with clicks " + clickPeak + " (of 32767)");
                Assert.IsTrue(clickPeak >= 1000, "the clicks reach the ADC above -30 dBFS: check the PCM5102A (FMT low, XSMT high, SCK to GND), its BCK/LRCK/DIN on GPIO27/32/33, and the divider into the WM8960");
                Assert.IsTrue(clickPeak >= 8 * silentPeak, "the clicks stand 18 dB above silence");
            }
            finally
            {
                run.Stop();
                codec.SetCalibrationRouting(false);
            }
        }

        /// <summary>Runs <paramref name="blocks"/> loop steps playing <paramref name="click"/> (or silence); returns the capture's peak.</summary>
        private static int RunBlocks(AudioRun run, ClickGenerator click, int blocks)
        {
            int peak = 0;
            for (int i = 0; i < blocks; i++)
            {
                run.Read();
                int p = TestBoard.PeakOfChannel0(run.Captured, run.BlockBytes);
                if (p > peak)
                {
                    peak = p;
                }

                if (click != null)
                {
                    click.Fill(run.Output, 0, run.Position, TestBoard.BlockFrames);
                }
                else
                {
                    System.Array.Clear(run.Output, 0, run.BlockBytes);
                }

                run.Write();
            }

            return peak;
        }
    }
}
