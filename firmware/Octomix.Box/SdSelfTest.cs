using System;
using Octomix.Hal;

namespace Octomix.Box
{
    /// <summary>
    /// The boot-time card check: writes one second of audio of the chosen format to a scratch
    /// file in pieces of one audio block (the size the recorder writes), with one flush in the
    /// middle and one at the end (the recorder flushes its header every second), then reads it
    /// back, and times both with the board clock. The result decides whether the box may record
    /// in that format at all (<see cref="IsFastEnough"/>).
    /// <para>
    /// Margin: the card must sustain <see cref="BoxSettings.SdMarginPercent"/> (default 150 %) of
    /// the format's byte rate. The recorder needs 100 % on average, but the audio loop also sends
    /// the stream and answers the network in the same time slot, FAT updates and the header
    /// rewrite come on top, and cards slow down as they fill up and while they erase internally;
    /// a card measured at exactly the byte rate would drop samples on its first slow patch.
    /// </para>
    /// </summary>
    public sealed class SdSelfTest
    {
        public const string ScratchFile = "selftest.bin";

        /// <summary>Write speed, KB/s (1 KB = 1000 bytes), or 0 when the test failed.</summary>
        public int WriteKBps { get; private set; }

        public int ReadKBps { get; private set; }

        /// <summary>Longest single write (or flush) seen, µs: what the audio DMA buffers must bridge.</summary>
        public long LongestWriteMicroseconds { get; private set; }

        /// <summary>Null when the test ran, else why not.</summary>
        public string Error { get; private set; }

        public bool Ran
        {
            get { return Error == null; }
        }

        /// <summary>True when <paramref name="writeKBps"/> covers <paramref name="marginPercent"/> % of <paramref name="byteRate"/>.</summary>
        public static bool IsFastEnough(int writeKBps, int byteRate, int marginPercent)
        {
            return (long)writeKBps * 1000L * 100L >= (long)byteRate * marginPercent;
        }

        /// <summary>Runs the test (blocking: about a second on a real card). Never throws.</summary>
        public void Run(IStorage card, IClock clock, int blockBytes, int totalBytes)
        {
            WriteKBps = 0;
            ReadKBps = 0;
            LongestWriteMicroseconds = 0;
            Error = null;
            if (card == null || !card.IsMounted)
            {
                Error = "no card";
                return;
            }

            byte[] buffer = new byte[blockBytes];
            for (int i = 0; i < buffer.Length; i++)
            {
                buffer[i] = (byte)(i * 7); // not all zeros: some cards compress or shortcut zero pages
            }

            IStorageFile file = null;
            try
            {
                if (card.Exists(ScratchFile))
                {
                    card.Delete(ScratchFile);
                }

                file = card.Open(ScratchFile, FileOpenMode.Create);
                long start = clock.Microseconds;
                int written = 0;
                bool flushedMiddle = false;
                while (written < totalBytes)
                {
                    long t0 = clock.Microseconds;
                    file.Write(buffer, 0, buffer.Length);
                    written += buffer.Length;
                    if (!flushedMiddle && written >= totalBytes / 2)
                    {
                        file.Flush();
                        flushedMiddle = true;
                    }

                    long t = clock.Microseconds - t0;
                    if (t > LongestWriteMicroseconds)
                    {
                        LongestWriteMicroseconds = t;
                    }
                }

                file.Flush();
                long writeMicros = clock.Microseconds - start;
                file.Position = 0;
                start = clock.Microseconds;
                int read = 0;
                while (read < written)
                {
                    int n = file.Read(buffer, 0, buffer.Length);
                    if (n <= 0)
                    {
                        break;
                    }

                    read += n;
                }

                long readMicros = clock.Microseconds - start;
                if (read != written)
                {
                    Error = "read back " + read + " of " + written + " bytes";
                    return;
                }

                WriteKBps = Rate(written, writeMicros);
                ReadKBps = Rate(read, readMicros);
            }
            catch (Exception e)
            {
                Error = "card test failed: " + e.Message;
            }
            finally
            {
                if (file != null)
                {
                    file.Dispose();
                }

                try
                {
                    card.Delete(ScratchFile);
                }
                catch (Exception)
                {
                    // a scratch file left behind is harmless; the next boot deletes it first
                }
            }
        }

        private static int Rate(long bytes, long micros)
        {
            if (micros <= 0)
            {
                return 65535; // faster than the clock can tell (and the Status field can hold)
            }

            long kbps = bytes * 1000L / micros; // bytes/µs * 1000 = KB/s
            return kbps > 65535 ? 65535 : (int)kbps;
        }
    }
}
