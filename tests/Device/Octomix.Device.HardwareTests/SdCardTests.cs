using nanoFramework.TestFramework;
using Octomix.Box;
using Octomix.Hal;

namespace Octomix.Device.HardwareTests
{
    /// <summary>The microSD card (SDMMC 1-bit, slot 0, D:\): mount, write, read back, speed.</summary>
    [TestClass]
    public class SdCardTests
    {
        private const string TestFile = "devtest.bin";

        [TestMethod]
        public void TheCardMountsAndGivesBackWhatWasWritten()
        {
            IStorage card = TestBoard.Board.Card;
            Assert.IsTrue(card.Mount(), "insert a FAT32 card; CMD, D0 and D3 need 10 kΩ pull-ups");
            byte[] block = new byte[4096];
            for (int i = 0; i < block.Length; i++)
            {
                block[i] = (byte)((i * 31) + (i >> 8));
            }

            IStorageFile file = card.Open(TestFile, FileOpenMode.Create);
            for (int k = 0; k < 16; k++)
            {
                block[0] = (byte)k;
                file.Write(block, 0, block.Length);
            }

            file.Flush();
            file.Dispose();

            byte[] back = new byte[block.Length];
            file = card.Open(TestFile, FileOpenMode.OpenRead);
            Assert.AreEqual((long)(16 * block.Length), file.Length);
            for (int k = 0; k < 16; k++)
            {
                int n = 0;
                while (n < back.Length)
                {
                    int r = file.Read(back, n, back.Length - n);
                    Assert.IsTrue(r > 0, "the file ended early at block " + k);
                    n += r;
                }

                block[0] = (byte)k;
                for (int i = 0; i < back.Length; i++)
                {
                    Assert.AreEqual(block[i], back[i], "block " + k + ", byte " + i);
                }
            }

            file.Dispose();
            card.Delete(TestFile);
            Assert.IsFalse(card.Exists(TestFile));
        }

        /// <summary>
        /// The box's own boot test (one second of 48 kHz 16-bit stereo in 1,024-byte writes): the
        /// card must at least keep up with the format (192 KB/s); whether it also has the box's
        /// margin (sd_margin_percent, 150 %) is reported, as the box reports it at boot.
        /// </summary>
        [TestMethod]
        public void TheCardKeepsUpWithFortyEightKilohertzStereo()
        {
            IStorage card = TestBoard.Board.Card;
            Assert.IsTrue(card.Mount());
            int byteRate = TestBoard.Format.ByteRate;
            SdSelfTest test = new SdSelfTest();
            test.Run(card, TestBoard.Board.Clock, TestBoard.BlockFrames * TestBoard.Format.FrameBytes, byteRate);
            Assert.IsTrue(test.Ran, test.Error);
            OutputHelper.WriteLine("SD: writes " + test.WriteKBps + " KB/s, reads " + test.ReadKBps + " KB/s, longest write "
                + (test.LongestWriteMicroseconds / 1000) + " ms; 150 % margin "
                + (SdSelfTest.IsFastEnough(test.WriteKBps, byteRate, 150) ? "met" : "NOT met (the box would refuse to record this format)"));
            Assert.IsTrue(SdSelfTest.IsFastEnough(test.WriteKBps, byteRate, 100), "the card writes " + test.WriteKBps + " KB/s, the format needs 192");
        }
    }
}
