using System;
using System.IO;
using System.Runtime.CompilerServices;
using Octomix.Hal;

namespace Octomix.NativeTakeWriter
{
    /// <summary>
    /// The managed declarations of the native take writer (native/OctomixTakeWriter: take_ring.c,
    /// take_writer_esp32.c, nf_octomix_takewriter.cpp), an interop library compiled into a custom
    /// nanoFramework image (README.md beside this folder has the build and the nanoff --image
    /// step). One take file at a time. Every method is one native call; none allocates.
    /// </summary>
    internal static class NativeMethods
    {
        /// <summary>Version of the native part (0 when the firmware lacks it: the call then throws).</summary>
        [MethodImpl(MethodImplOptions.InternalCall)]
        internal static extern int Version();

        /// <summary>
        /// f_open(FA_CREATE_ALWAYS), f_expand(preallocate) when possible, the ring (DMA-capable
        /// internal RAM) and the task. Returns 0, or a negative FRESULT / -100 (no memory).
        /// </summary>
        [MethodImpl(MethodImplOptions.InternalCall)]
        internal static extern int Open(string drivePath, int pieceBytes, int ringPieces, int syncBytes, int preallocateMegabytes);

        /// <summary>Copies count bytes into the ring: count, 0 when the ring is full, negative: the task's sticky card error.</summary>
        [MethodImpl(MethodImplOptions.InternalCall)]
        internal static extern int Append(byte[] buffer, int offset, int count);

        /// <summary>Waits until the ring is on the card, then f_sync. 0 or a negative error.</summary>
        [MethodImpl(MethodImplOptions.InternalCall)]
        internal static extern int Flush();

        /// <summary>Drains, then f_lseek. 0 or a negative error.</summary>
        [MethodImpl(MethodImplOptions.InternalCall)]
        internal static extern int Seek(long position);

        /// <summary>Drains, then f_read. Bytes read or a negative error.</summary>
        [MethodImpl(MethodImplOptions.InternalCall)]
        internal static extern int Read(byte[] buffer, int offset, int count);

        /// <summary>0: the logical length (synced + ring); 1: the synced length; 2: the current position; 3: 1 when the durable read is open on the file (preallocated, fast seek), else 0.</summary>
        [MethodImpl(MethodImplOptions.InternalCall)]
        internal static extern long Query(int what);

        /// <summary>
        /// The durable read (take_read_esp32.c): count bytes at file offset, below the synced length,
        /// through the second FIL's cluster link map (no FAT read) into an internal DMA-capable
        /// buffer, copied out at index. Bytes read (fewer at a cluster's end; 0 at or past the synced
        /// length), -102 while the writer's task writes a piece (nothing read), -103 without a
        /// durable reader, or a negative FRESULT.
        /// </summary>
        [MethodImpl(MethodImplOptions.InternalCall)]
        internal static extern int ReadDurable(long offset, byte[] buffer, int index, int count);

        /// <summary>The card for a read of the loop's: 1 when the task was between pieces (it now waits for ReleaseCard), 0 while it writes. Never blocks.</summary>
        [MethodImpl(MethodImplOptions.InternalCall)]
        internal static extern int TryHoldCard();

        /// <summary>Ends a TryHoldCard that returned 1.</summary>
        [MethodImpl(MethodImplOptions.InternalCall)]
        internal static extern void ReleaseCard();

        /// <summary>Drains, then starts the digest afresh.</summary>
        [MethodImpl(MethodImplOptions.InternalCall)]
        internal static extern void ResetDigest();

        /// <summary>0: A, 1: B, 2: the bytes covered (ulong bits).</summary>
        [MethodImpl(MethodImplOptions.InternalCall)]
        internal static extern ulong Digest(int what);

        /// <summary>Drains, f_truncate at the position (gives back the preallocation), f_close, stops the task, frees the ring.</summary>
        [MethodImpl(MethodImplOptions.InternalCall)]
        internal static extern int Close();

        /// <summary>
        /// The native file server (take_serve.c, take_serve_esp32.c): f_open(FA_READ), 4 slots of
        /// 16 KB in DMA-capable internal RAM, the task. 0, or a negative FRESULT / -100 (no memory) / -101 (one is open).
        /// </summary>
        [MethodImpl(MethodImplOptions.InternalCall)]
        internal static extern int ServeOpen(string drivePath, int chunkBytes);

        /// <summary>Queues a FileRequest's range: 0, or -1 when the native queue (8) is full.</summary>
        [MethodImpl(MethodImplOptions.InternalCall)]
        internal static extern int ServeQueue(uint takeId, int part, long dataOffset, uint offset, int length);

        /// <summary>The next FileData datagram from byte 12 on: its length, 0 when none is ready, negative: the task's sticky card error.</summary>
        [MethodImpl(MethodImplOptions.InternalCall)]
        internal static extern int ServeFill(byte[] datagram);

        /// <summary>Requests queued and not all sent.</summary>
        [MethodImpl(MethodImplOptions.InternalCall)]
        internal static extern int ServePending();

        /// <summary>Stops the task (after its read in flight), frees the slots, f_close.</summary>
        [MethodImpl(MethodImplOptions.InternalCall)]
        internal static extern int ServeClose();
    }

    /// <summary>
    /// <see cref="IAppendStorage"/> over the native take writer, beside the board's plain
    /// <see cref="IStorage"/> (everything else goes to it). A custom-image build of the firmware
    /// wraps the reference board's card in it; on a stock image <see cref="AppendAvailable"/> is
    /// false and the box writes every block itself.
    /// </summary>
    public sealed class NativeAppendStorage : IStorage, IAppendStorage, IServeStorage
    {
        /// <summary>Ring pieces: 4 × 32 KB = 128 KB of internal RAM at the default piece (0.44 s of 48 kHz 24-bit stereo).</summary>
        public const int RingPieces = 4;

        private readonly IStorage plain;
        private readonly string root;
        private readonly bool available;

        /// <param name="plain">the board's card</param>
        /// <param name="driveRoot">its drive ("D:\\"), for the native f_open</param>
        public NativeAppendStorage(IStorage plain, string driveRoot)
        {
            if (plain == null) throw new ArgumentNullException("plain");
            this.plain = plain;
            root = driveRoot;
            try
            {
                available = NativeMethods.Version() > 0;
            }
            catch (Exception)
            {
                available = false; // a stock image: no native part
            }
        }

        /// <summary>Megabytes preallocated contiguous per file (f_expand); the rest is given back at close.</summary>
        public int PreallocateMegabytes { get; set; } = 1024;

        public bool AppendAvailable { get { return available; } }

        public bool IsMounted { get { return plain.IsMounted; } }

        public long FreeBytes { get { return plain.FreeBytes; } }

        public bool Mount() { return plain.Mount(); }

        public bool Exists(string path) { return plain.Exists(path); }

        public void Delete(string path) { plain.Delete(path); }

        public void CreateDirectory(string path) { plain.CreateDirectory(path); }

        public string[] ListFiles(string directory) { return plain.ListFiles(directory); }

        public IStorageFile Open(string path, FileOpenMode mode) { return plain.Open(path, mode); }

        public IAppendFile OpenAppend(string path, int writeBytes, int syncBytes)
        {
            if (!available) throw new IOException("this firmware has no native take writer");
            int r = NativeMethods.Open(root + Backslashes(path), writeBytes, RingPieces, syncBytes, PreallocateMegabytes);
            if (r != 0) throw new IOException("native take writer: cannot create " + path + " (error " + r + ")");
            return new NativeAppendFile();
        }

        /// <summary>The native file server is in the same library: available with the writer.</summary>
        public bool ServeAvailable { get { return available; } }

        public IServeFile OpenServe(string path, int chunkBytes)
        {
            if (!available) throw new IOException("this firmware has no native file server");
            int r = NativeMethods.ServeOpen(root + Backslashes(path), chunkBytes);
            if (r != 0) throw new IOException("native file server: cannot open " + path + " (error " + r + ")");
            return new NativeServeFile();
        }

        private static string Backslashes(string path)
        {
            char[] c = path.ToCharArray();
            for (int i = 0; i < c.Length; i++)
            {
                if (c[i] == '/') c[i] = '\\';
            }

            return new string(c);
        }
    }

    /// <summary>The one open file of the native take writer.</summary>
    public sealed class NativeAppendFile : IAppendFile
    {
        /// <summary>take_read_durable's answer while the writer's task writes a piece (OCTO_READ_BUSY).</summary>
        private const int NativeReadBusy = -102;

        private readonly bool durableRead;
        private bool closed;

        internal NativeAppendFile()
        {
            durableRead = NativeMethods.Query(3) == 1; // asked once: the block's check is a field read
        }

        public bool DurableReadAvailable { get { return durableRead; } }

        public int ReadDurable(long offset, byte[] buffer, int index, int count)
        {
            int r = NativeMethods.ReadDurable(offset, buffer, index, count);
            if (r == NativeReadBusy) return -1;
            Check(r, "durable read");
            return r;
        }

        public long Length { get { return NativeMethods.Query(0); } }

        public long Position
        {
            get { return NativeMethods.Query(2); }
            set { Check(NativeMethods.Seek(value), "seek"); }
        }

        public long SyncedLength { get { return NativeMethods.Query(1); } }

        public ulong DigestA { get { return NativeMethods.Digest(0); } }

        public ulong DigestB { get { return NativeMethods.Digest(1); } }

        public long DigestLength { get { return (long)NativeMethods.Digest(2); } }

        public void ResetDigest() { NativeMethods.ResetDigest(); }

        public bool TryHoldCard() { return NativeMethods.TryHoldCard() == 1; }

        public void ReleaseCard() { NativeMethods.ReleaseCard(); }

        public void Write(byte[] buffer, int offset, int count)
        {
            // at the end: one memcpy into the ring; elsewhere the native side drains and writes in place
            int r = NativeMethods.Append(buffer, offset, count);
            if (r == count) return;
            if (r == 0) throw new IOException("native take writer: the ring is full (the card is slower than the audio)");
            Check(r, "write");
        }

        public int Read(byte[] buffer, int offset, int count)
        {
            int r = NativeMethods.Read(buffer, offset, count);
            Check(r, "read");
            return r;
        }

        public void Flush() { Check(NativeMethods.Flush(), "flush"); }

        public void Dispose()
        {
            if (closed) return;
            closed = true;
            Check(NativeMethods.Close(), "close");
        }

        private static void Check(int r, string what)
        {
            if (r < 0) throw new IOException("native take writer: " + what + " failed (error " + r + ")");
        }
    }

    /// <summary>The one open file of the native file server.</summary>
    public sealed class NativeServeFile : IServeFile
    {
        private bool closed;

        internal NativeServeFile()
        {
        }

        public int Pending { get { return NativeMethods.ServePending(); } }

        public bool Queue(uint takeId, int part, long dataOffset, uint offset, int length)
        {
            return NativeMethods.ServeQueue(takeId, part, dataOffset, offset, length) == 0;
        }

        public int Fill(byte[] datagram)
        {
            int r = NativeMethods.ServeFill(datagram);
            if (r < 0) throw new IOException("native file server: read failed (error " + r + ")");
            return r;
        }

        public void Dispose()
        {
            if (closed) return;
            closed = true;
            NativeMethods.ServeClose();
        }
    }
}
