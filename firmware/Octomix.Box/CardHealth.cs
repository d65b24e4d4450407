using System;
using Octomix.Hal;

namespace Octomix.Box
{
    /// <summary>
    /// Card health: whether the SD card is mounted, fast enough for the format (the boot's
    /// self-test), how much space it has and whether it is full. The box reads these to refuse
    /// a take and to fill its Status; a take that ran the card full marks it full. Runs on the
    /// loop's thread; reads the card only at boot and after a take.
    /// </summary>
    public sealed class CardHealth
    {
        private readonly IStorage card;
        private bool mounted;
        private bool fastEnough;
        private int writeKBps;
        private long freeBytes = -1;
        private bool full;
        private long longestWriteMicros;

        public CardHealth(IStorage card)
        {
            if (card == null)
            {
                throw new ArgumentNullException("card");
            }

            this.card = card;
        }

        public bool Mounted
        {
            get { return mounted; }
        }

        /// <summary>The self-test's write rate covers the format with the margin.</summary>
        public bool FastEnough
        {
            get { return fastEnough; }
        }

        public int WriteKBps
        {
            get { return writeKBps; }
        }

        /// <summary>Free bytes at the last look (boot, end of a take); -1 when unknown.</summary>
        public long FreeBytes
        {
            get { return freeBytes; }
        }

        public bool Full
        {
            get { return full; }
        }

        public long LongestWriteMicroseconds
        {
            get { return longestWriteMicros; }
        }

        /// <summary>Mounts the card (boot); false, with a log line, when there is none.</summary>
        public bool Mount(ILog log)
        {
            mounted = false;
            try
            {
                mounted = card.IsMounted || card.Mount();
            }
            catch (Exception e)
            {
                log.Write(LogLevel.Error, "SD card: " + e.Message);
            }

            if (!mounted)
            {
                log.Write(LogLevel.Error, "no SD card: the box cannot record (and reads no settings file)");
            }

            return mounted;
        }

        /// <summary>
        /// The boot's self-test of the mounted card in blocks of <paramref name="blockBytes"/>
        /// against <paramref name="format"/>'s byte rate with <paramref name="marginPercent"/> %
        /// margin, then the free space; logs the result.
        /// </summary>
        public void SelfTest(IClock clock, PcmFormat format, int blockBytes, int marginPercent, ILog log)
        {
            SdSelfTest test = new SdSelfTest();
            test.Run(card, clock, blockBytes, format.ByteRate);
            writeKBps = test.WriteKBps;
            longestWriteMicros = test.LongestWriteMicroseconds;
            fastEnough = test.Ran && SdSelfTest.IsFastEnough(test.WriteKBps, format.ByteRate, marginPercent);
            RefreshFreeBytes();
            if (!test.Ran)
            {
                log.Write(LogLevel.Error, "SD self-test: " + test.Error);
            }
            else
            {
                log.Write(fastEnough ? LogLevel.Info : LogLevel.Error, "SD self-test: writes " + test.WriteKBps + " KB/s, reads "
                    + test.ReadKBps + " KB/s, longest write " + (test.LongestWriteMicroseconds / 1000) + " ms; " + format + " needs "
                    + (format.ByteRate / 1000) + " KB/s x " + marginPercent + " % = "
                    + ((long)format.ByteRate * marginPercent / 100000) + " KB/s"
                    + (fastEnough ? ": ok" : ": TOO SLOW, the box will refuse to record in this format"));
            }
        }

        /// <summary>Marks the card full when less than 10 s of <paramref name="byteRate"/> is free (boot); true when it is.</summary>
        public bool CheckFull(int byteRate, ILog log)
        {
            if (freeBytes >= 0 && freeBytes < 10L * byteRate)
            {
                full = true;
                log.Write(LogLevel.Error, "the SD card is full (" + freeBytes + " bytes free)");
            }

            return full;
        }

        /// <summary>A take ran the card full.</summary>
        public void MarkFull()
        {
            full = true;
        }

        /// <summary>Reads the free space again (-1 when the card cannot say); returns it.</summary>
        public long RefreshFreeBytes()
        {
            try
            {
                freeBytes = card.FreeBytes;
            }
            catch (Exception)
            {
                freeBytes = -1;
            }

            return freeBytes;
        }
    }
}
