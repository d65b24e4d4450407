using System;
using nanoFramework.TestFramework;
using Octomix.Box;
using Octomix.Drivers.Wm8960;

namespace Octomix.Device.HardwareTests
{
    /// <summary>
    /// Click DAC + calibration loop: the box's Calibrator run through the real pipeline (the
    /// prefill the box would choose, one block in, one block out) ten times in one audio run. The
    /// round trip must be found every time and agree within ±1 frame: frequency-locked buses and a
    /// constant depth leave nothing to vary but noise. docs/esp32-dma-sizing.md (section 6) predicts
    /// L = P × 256 + φ + converter delays with φ below two blocks.
    /// </summary>
    [TestClass]
    public class CalibrationLoopTests
    {
        private const int Runs = 10;
        private const int MaxBlocksPerCalibration = 3000;

        [TestMethod]
        public void TheRoundTripIsFoundAndStableWithinOneFrameOverTenRuns()
        {
            Wm8960 codec = TestBoard.StartCodec(true);
            AudioRun run = new AudioRun();
            int[] measured = new int[Runs];
            try
            {
                int blockFrames = TestBoard.BlockFrames;
                Calibrator calibrator = new Calibrator(TestBoard.Format, blockFrames, (run.PrefillBlocks * blockFrames) + (TestBoard.SampleRate / 10));
                for (int k = 0; k < Runs; k++)
                {
                    calibrator.Begin(run.Position);
                    bool done = false;
                    for (int i = 0; i < MaxBlocksPerCalibration && !done; i++)
                    {
                        run.Read();
                        done = calibrator.OnCapture(run.Captured, 0, run.Position);
                        calibrator.FillOutput(run.Output, 0, run.Position);
                        run.Write();
                    }

                    Assert.IsTrue(done, "calibration " + k + " did not finish in " + MaxBlocksPerCalibration + " blocks");
                    Assert.IsTrue(calibrator.Succeeded, "calibration " + k + " failed, reason " + calibrator.FailureReason + " (1 no pulse heard, 2 unstable)");
                    measured[k] = calibrator.LatencyFrames;
                }
            }
            finally
            {
                run.Stop();
                codec.SetCalibrationRouting(false);
            }

            int median = Median(measured);
            string all = string.Empty;
            for (int k = 0; k < Runs; k++)
            {
                all += (k > 0 ? ", " : string.Empty) + measured[k];
            }

            int pipeline = run.PrefillBlocks * TestBoard.BlockFrames;
            OutputHelper.WriteLine("L over " + Runs + " runs: " + all + " frames; pipeline " + pipeline + " frames (" + run.PrefillBlocks
                + " blocks); L - pipeline = " + (median - pipeline) + " frames (bus phase + converters + analog)");
            for (int k = 0; k < Runs; k++)
            {
                Assert.IsTrue(Math.Abs(measured[k] - median) <= 1, "run " + k + ": L " + measured[k] + " is more than one frame from the median " + median);
            }

            Assert.IsTrue(median >= pipeline, "L includes the whole playback pipeline");
            Assert.IsTrue(median < pipeline + (2 * TestBoard.BlockFrames) + 200, "L beyond pipeline + two blocks + converters: the board added depth of its own");
        }

        /// <summary>The median of a few values (nanoFramework has no Array.Sort): an insertion sort of a copy.</summary>
        private static int Median(int[] values)
        {
            int[] sorted = new int[values.Length];
            for (int i = 0; i < values.Length; i++)
            {
                int v = values[i];
                int j = i;
                while (j > 0 && sorted[j - 1] > v)
                {
                    sorted[j] = sorted[j - 1];
                    j--;
                }

                sorted[j] = v;
            }

            return sorted[values.Length / 2];
        }
    }
}
