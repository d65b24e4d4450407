using System;
using nanoFramework.TestFramework;
using Octomix.Hal;
using Octomix.NativeTakeWriter;
using Octomix.Protocol;

namespace Octomix.Device.HardwareTests
{
    /// <summary>
    /// The figures the device model (host-tools/Octomix.DeviceModel, docs/recording-path.md)
    /// assumes for the recording path, measured on the board: the card's write rate at the chosen
    /// write size — from managed code (bounced sector by sector, the model's SDw) and through the
    /// native take writer (multi-block from its ring: SDw + 63 SDm per 32 KB piece) with the cost
    /// of the loop's Append; the take digest's rate (managed TakeChecksum and the writer's); the
    /// serving read rate at FileData's chunk size. A benchmark: it prints figures and asserts only
    /// that the bytes came back right, never a time. **Not run**: no board on this project's
    /// machines. The native part needs the custom image (native/OctomixTakeWriter/README.md);
    /// on a stock image it prints that and measures the rest.
    /// </summary>
    [TestClass]
    public class RecordingPathBenchmark
    {
        private const string ManagedFile = "bench-managed.bin";
        private const string NativeFile = "bench-native.bin";
        private const int Piece = 32768;
        private const int Block = 1536; // 256 frames of 48 kHz 24-bit stereo
        private const int Pieces = 32;  // 1 MB

        [TestMethod]
        public void PrintsTheCardWriteRateAtTheChosenWriteSize()
        {
            IStorage card = TestBoard.Board.Card;
            Assert.IsTrue(card.Mount(), "insert a FAT32 card");
            IClock clock = TestBoard.Board.Clock;
            byte[] piece = Pattern(Piece, 1);

            // managed: one FileStream.Write of 32 KB (bounced, CMD24 per sector, f_sync after it)
            IStorageFile f = card.Open(ManagedFile, FileOpenMode.Create);
            long longest = 0;
            long t0 = clock.Microseconds;
            for (int i = 0; i < Pieces; i++)
            {
                long w0 = clock.Microseconds;
                f.Write(piece, 0, piece.Length);
                long w = clock.Microseconds - w0;
                if (w > longest) longest = w;
            }

            f.Flush();
            long managed = clock.Microseconds - t0;
            Assert.AreEqual((long)Pieces * Piece, f.Length);
            f.Dispose();
            OutputHelper.WriteLine("managed 32 KB writes: " + Rate(Pieces * Piece, managed) + " KB/s, " + (managed / Pieces) + " us per write (model: 64 x SDw = 109 ms), longest " + longest + " us");

            var storage = new NativeAppendStorage(card, "D:\\");
            if (!storage.AppendAvailable)
            {
                OutputHelper.WriteLine("native take writer: not in this image (stock firmware): flash the custom image to measure it");
                card.Delete(ManagedFile);
                return;
            }

            // native: the loop's Append of a block (memcpy into the ring) and the task's rate
            byte[] block = Pattern(Block, 2);
            IAppendFile nf = storage.OpenAppend(NativeFile, Piece, 288000);
            nf.ResetDigest();
            int blocks = Pieces * Piece / Block;
            long longestAppend = 0;
            t0 = clock.Microseconds;
            for (int i = 0; i < blocks; i++)
            {
                long a0 = clock.Microseconds;
                nf.Write(block, 0, block.Length);
                long a = clock.Microseconds - a0;
                if (a > longestAppend) longestAppend = a;
            }

            long appended = clock.Microseconds - t0;
            nf.Flush();
            long native = clock.Microseconds - t0;
            var sum = new TakeChecksum();
            for (int i = 0; i < blocks; i++) sum.Update(block, 0, block.Length);
            Assert.AreEqual(sum.Length, nf.DigestLength);
            Assert.AreEqual(sum.A, nf.DigestA, "the writer's digest is TakeChecksum's");
            Assert.AreEqual(sum.B, nf.DigestB);
            DurableReadCost(nf, clock, block);
            nf.Dispose();
            OutputHelper.WriteLine("native writer: Append of " + Block + " B " + (appended / blocks) + " us on average (model: N + M + memcpy = ~70 us), longest " + longestAppend
                + " us; card " + Rate((long)blocks * Block, native) + " KB/s appended-to-synced (model: 32 KB per SDw + 63 SDm = 14.7 ms, 2.2 MB/s; the format needs 288 KB/s)");
            card.Delete(ManagedFile);
            card.Delete(NativeFile);
        }

        [TestMethod]
        public void PrintsTheDigestAndServingRates()
        {
            IStorage card = TestBoard.Board.Card;
            Assert.IsTrue(card.Mount(), "insert a FAT32 card");
            IClock clock = TestBoard.Board.Clock;
            byte[] piece = Pattern(Piece, 3);

            // the managed digest (the pass over the file without the native writer): per 8 bytes
            var sum = new TakeChecksum();
            long t0 = clock.Microseconds;
            sum.Update(piece, 0, piece.Length);
            long digest = clock.Microseconds - t0;
            Assert.AreEqual((long)Piece, sum.Length);
            OutputHelper.WriteLine("TakeChecksum: " + Rate(Piece, digest) + " KB/s, " + (digest * 8 / Piece) + " us per 8 bytes (model: N + M + 4 S + W = ~19 us)");

            // serving: FileData reads of 512 bytes (file_chunk_bytes) and of 4 KB
            IStorageFile f = card.Open(ManagedFile, FileOpenMode.Create);
            for (int i = 0; i < 8; i++) f.Write(piece, 0, piece.Length);
            f.Flush();
            f.Dispose();
            ServeRate(card, clock, 512, piece);
            ServeRate(card, clock, 4096, piece);
            NativeServeRate(card, clock, piece);
            card.Delete(ManagedFile);
        }

        private static void ServeRate(IStorage card, IClock clock, int chunk, byte[] expected)
        {
            byte[] buffer = new byte[chunk];
            IStorageFile f = card.Open(ManagedFile, FileOpenMode.OpenRead);
            long total = 0;
            long t0 = clock.Microseconds;
            while (true)
            {
                int n = f.Read(buffer, 0, chunk);
                if (n <= 0) break;
                Assert.AreEqual(expected[(int)(total % Piece)], buffer[0], "the data came back");
                total += n;
            }

            long t = clock.Microseconds - t0;
            f.Dispose();
            Assert.AreEqual(8L * Piece, total);
            OutputHelper.WriteLine("serving reads of " + chunk + " B: " + Rate(total, t) + " KB/s (model: SDr per sector = 1.28 ms, 400 KB/s at most from managed code)");
        }

        /// <summary>
        /// The native file server (custom image): 4 requests of 64 KB queued, every FileData
        /// datagram taken with Fill (no send: the send is the network's figure, UdpEchoTests), the
        /// rate of datagrams the loop gets and the cost of one Fill; the model's figures are a Fill
        /// of ~56 us (N + the 1,388-byte copy) and a task reading 2.13 MB/s (docs/device-budget.md §7a).
        /// </summary>
        private static void NativeServeRate(IStorage card, IClock clock, byte[] expected)
        {
            IServeStorage serve = card as IServeStorage;
            if (serve == null || !serve.ServeAvailable)
            {
                OutputHelper.WriteLine("native file server: not in this image (flash the custom image: native/OctomixTakeWriter/README.md)");
                return;
            }

            byte[] datagram = new byte[FileDataMessage.HeaderLength + FileDataMessage.MaxData];
            IServeFile f = serve.OpenServe(ManagedFile, FileDataMessage.MaxData);
            for (int i = 0; i < 4; i++)
            {
                Assert.IsTrue(f.Queue(1, 0, 0, (uint)(i * 65536), 65536), "queued");
            }

            long total = 0;
            long fills = 0;
            long empty = 0;
            long fillMicros = 0;
            long t0 = clock.Microseconds;
            while (f.Pending > 0)
            {
                long a = clock.Microseconds;
                int n = f.Fill(datagram);
                fillMicros += clock.Microseconds - a;
                fills++;
                if (n <= FileDataMessage.HeaderLength)
                {
                    empty++;
                    continue; // the task is still reading
                }

                int data = n - FileDataMessage.HeaderLength;
                Assert.AreEqual(expected[(int)(total % Piece)], datagram[FileDataMessage.HeaderLength], "the data came back");
                total += data;
            }

            long t = clock.Microseconds - t0;
            f.Dispose();
            Assert.AreEqual(4L * 65536, total);
            OutputHelper.WriteLine("native file server: " + Rate(total, t) + " KB/s to the loop without sends; " + (fillMicros / fills) + " us per Fill, "
                + empty + " of " + fills + " found nothing ready (model: Fill ~56 us, the task 2,126 KB/s)");
        }

        /// <summary>
        /// Progressive collection's read on the custom image (IAppendFile.ReadDurable: the native
        /// writer's own read handle with a cluster link map): 512-byte chunks read back from
        /// scattered offsets below the synced length (a seek without the map would
        /// walk the whole chain), the bytes checked; the model prices one at ~1.36 ms (one native
        /// call, 2 FatFs calls, one CMD17 or CMD18, a memcpy: docs/device-budget.md §7b).
        /// </summary>
        private static void DurableReadCost(IAppendFile nf, IClock clock, byte[] block)
        {
            if (!nf.DurableReadAvailable)
            {
                OutputHelper.WriteLine("durable read: not offered (no preallocation, FF_FS_LOCK > 0, or no fast seek in this image)");
                return;
            }

            byte[] chunk = new byte[512];
            long synced = nf.SyncedLength;
            int reads = 0;
            long longest = 0;
            long total = 0;
            for (int i = 0; i < 64; i++)
            {
                long offset = (synced - 512) - ((long)((i * 7919) % 64) * (synced / 64)); // scattered over the whole file
                offset -= offset % 512;
                if (offset < 0)
                {
                    continue;
                }

                long r0 = clock.Microseconds;
                int got = nf.ReadDurable(offset, chunk, 0, chunk.Length);
                long r = clock.Microseconds - r0;
                if (got < 0)
                {
                    continue; // the task was writing a piece: the loop tries again next block
                }

                Assert.AreEqual(chunk.Length, got, "a whole chunk below the synced length");
                Assert.AreEqual(block[(int)(offset % block.Length)], chunk[0], "the bytes the writer wrote");
                reads++;
                total += r;
                if (r > longest) longest = r;
            }

            OutputHelper.WriteLine("durable read: " + reads + " reads of 512 B, " + (reads > 0 ? total / reads : -1) + " us on average, longest " + longest
                + " us (model: ~1,362 us, no chain walk however far into the file)");
        }

        private static byte[] Pattern(int length, int seed)
        {
            byte[] b = new byte[length];
            for (int i = 0; i < length; i++) b[i] = (byte)((i * 31) + (i >> 9) + seed);
            return b;
        }

        private static long Rate(long bytes, long micros)
        {
            return micros <= 0 ? -1 : bytes * 1000 / micros;
        }
    }
}
