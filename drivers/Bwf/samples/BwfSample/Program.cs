using System;
using System.Threading;
using nanoFramework.System.IO.FileSystem;
using Octomix.Drivers.Bwf;
using Octomix.Hal;

namespace BwfSample
{
    /// <summary>
    /// Mounts the SD card (SDMMC 1-bit), repairs any take a power cut left behind, records ten
    /// seconds of a 16-bit stereo test pattern as a BWF with bext and iXML, and reads it back.
    /// </summary>
    public class Program
    {
        public static void Main()
        {
            var card = new SDCard(new SDCardMmcParameters { slotIndex = 1, dataWidth = SDCard.SDDataWidth._1_bit });
            card.Mount();
            var storage = new FileStorage("D:\\");
            storage.CreateDirectory("takes");

            // Boot: fix files a power cut left with stale sizes.
            string[] files = storage.ListFiles("takes");
            for (int i = 0; i < files.Length; i++)
                Console.WriteLine(BwfRepair.Repair(storage, "takes/" + files[i]).Message);

            var format = new PcmFormat(48000, 2, 2);
            var md = new BwfMetadata(format);
            md.Description = "BwfSample test pattern";
            md.Project = "Sample";
            md.Scene = "1";
            md.Take = "1";
            md.TrackNames = new string[] { "Instrument", "Mic" };
            md.FileUid = "SAMPLE0001";
            md.TimeReference = 48000L * 3600 * 12; // noon

            byte[] block = new byte[256 * format.FrameBytes];
            for (int i = 0; i < block.Length; i += 2) block[i + 1] = (byte)(i % 64); // one-time pattern
            using (var writer = new BwfWriter(storage, "takes/sample.wav", md, new BwfWriterOptions()))
            {
                for (int n = 0; n < 48000 * 10 / 256; n++) writer.Write(block, 0, block.Length);
                Console.WriteLine("wrote " + writer.FramesWritten + " frames to " + writer.CurrentPath);
            }

            BwfInfo info = BwfReader.Read(storage, "takes/sample.wav");
            Console.WriteLine(info.SampleRate + " Hz, " + info.Channels + " ch, " + info.FramesDeclared + " frames, audio at " + info.DataOffset
                + ", TimeReference " + info.TimeReference);
            Thread.Sleep(Timeout.Infinite);
        }
    }
}
