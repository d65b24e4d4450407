using System;
using Octomix.Hal;

namespace Octomix.Box
{
    /// <summary>
    /// Counts calls into the board (each one is a native call on the box, several microseconds of
    /// interpreter overhead on top of the work). The box wraps every HAL object it gets in a
    /// counting decorator at start-up, so the figure is complete by construction, not by
    /// remembering to count at each call site. <see cref="AudioLoop"/> reads it per block.
    /// </summary>
    public sealed class HalCallCounter
    {
        /// <summary>Calls since the counter was created.</summary>
        public long Total;

        /// <summary>
        /// Told about every call (what it is, the file it goes to, its bytes) when set: the device
        /// cost model (`octomix bench device`) listens here. Null on the box: one field test per
        /// call, inline (no extra managed call). A call is told before it is made (a file's position
        /// is where it goes), a receive after it (with the bytes received).
        /// </summary>
        public IHalCallListener Listener;

        public void Add()
        {
            Total++;
        }
    }

    /// <summary>The kinds of board call a <see cref="IHalCallListener"/> is told about.</summary>
    public static class HalCall
    {
        public const int AudioRead = 1;
        public const int AudioWrite = 2;
        public const int Clock = 3;
        public const int WallClock = 4;
        public const int Button = 5;
        public const int Lights = 6;
        public const int Knob = 7;

        /// <summary>A datagram sent: the buffer, offset and count are the datagram.</summary>
        public const int Send = 8;

        /// <summary>A receive (told after it, with the bytes received: 0 = nothing was waiting).</summary>
        public const int Receive = 9;

        public const int SocketOther = 10;

        /// <summary>Card calls that are not about an open file (mount, exists, list, free space, delete, mkdir).</summary>
        public const int Storage = 11;

        /// <summary>A file opened: told after the open, with the new (inner) file.</summary>
        public const int FileOpen = 12;

        /// <summary>File write: count bytes at the file's current position.</summary>
        public const int FileWrite = 13;

        /// <summary>File read: count bytes asked for at the file's current position.</summary>
        public const int FileRead = 14;

        /// <summary>Position set: told before the move, count = the new position (clamped to int).</summary>
        public const int FileSeek = 15;

        public const int FileFlush = 16;
        public const int FileClose = 17;

        /// <summary>Length or Position read: no card I/O.</summary>
        public const int FileQuery = 18;

        /// <summary>
        /// A write to an <see cref="IAppendFile"/> (the native writer task's ring): count bytes; at
        /// the file's end it is a copy into the ring, elsewhere a plain write after the ring drained.
        /// The file call that opened it (<see cref="FileOpen"/>) carries the piece size as its count
        /// and the sync interval (bytes) as its offset.
        /// </summary>
        public const int FileAppend = 19;

        /// <summary>The native file server (<see cref="IServeStorage"/>, CountedServe.cs): a file opened for serving (count = the chunk bytes).</summary>
        public const int ServeOpen = 20;

        /// <summary>A FileRequest queued to the native file server (count = its length).</summary>
        public const int ServeQueue = 21;

        /// <summary>A FileData datagram taken from the native file server (count = its length; 0: none was ready).</summary>
        public const int ServeFill = 22;

        /// <summary>The native take writer's card held for a read of the loop's (count 0) or released (count 1): IAppendFile.TryHoldCard / ReleaseCard.</summary>
        public const int CardHold = 23;

        /// <summary>
        /// IAppendFile.ReadDurable, told after the call: offset = the file offset read (clamped to
        /// int), count = its answer (bytes read, or -1: the writer's task was writing, nothing read).
        /// </summary>
        public const int DurableRead = 24;
    }

    /// <summary>
    /// Hears every counted board call (see <see cref="HalCallCounter.Listener"/>): its kind
    /// (<see cref="HalCall"/>), the uncounted file it goes to (null when none) and its bytes.
    /// </summary>
    public interface IHalCallListener
    {
        void Call(int kind, IStorageFile file, byte[] buffer, int offset, int count);
    }

    internal sealed class CountedAudioIn : IAudioIn
    {
        private readonly IAudioIn inner;
        private readonly HalCallCounter counter;

        public CountedAudioIn(IAudioIn inner, HalCallCounter counter)
        {
            this.inner = inner;
            this.counter = counter;
        }

        public PcmFormat Format
        {
            get { return inner.Format; }
        }

        /// <summary>Not counted: a fact read once at start, no native call on the reference board.</summary>
        public int BufferFrames
        {
            get { return inner.BufferFrames; }
        }

        public void Read(byte[] buffer, int offset, int count)
        {
            counter.Total++;
            if (counter.Listener != null)
            {
                counter.Listener.Call(HalCall.AudioRead, null, buffer, offset, count);
            }

            inner.Read(buffer, offset, count);
        }
    }

    internal sealed class CountedAudioOut : IAudioOut
    {
        private readonly IAudioOut inner;
        private readonly HalCallCounter counter;

        public CountedAudioOut(IAudioOut inner, HalCallCounter counter)
        {
            this.inner = inner;
            this.counter = counter;
        }

        public PcmFormat Format
        {
            get { return inner.Format; }
        }

        /// <summary>Not counted: a fact read once at start, no native call on the reference board.</summary>
        public int BufferFrames
        {
            get { return inner.BufferFrames; }
        }

        public void Write(byte[] buffer, int offset, int count)
        {
            counter.Total++;
            if (counter.Listener != null)
            {
                counter.Listener.Call(HalCall.AudioWrite, null, buffer, offset, count);
            }

            inner.Write(buffer, offset, count);
        }
    }

    internal sealed class CountedSocket : IDatagramSocket, Octomix.Protocol.IDatagramSender
    {
        private readonly IDatagramSocket inner;
        private readonly HalCallCounter counter;

        public CountedSocket(IDatagramSocket inner, HalCallCounter counter)
        {
            this.inner = inner;
            this.counter = counter;
        }

        public bool IsConnected
        {
            get { return inner.IsConnected; }
        }

        public bool Connect(string host, int port)
        {
            counter.Total++;
            if (counter.Listener != null)
            {
                counter.Listener.Call(HalCall.SocketOther, null, null, 0, 0);
            }

            return inner.Connect(host, port);
        }

        public bool Send(byte[] buffer, int offset, int count)
        {
            counter.Total++;
            if (counter.Listener != null)
            {
                counter.Listener.Call(HalCall.Send, null, buffer, offset, count);
            }

            return inner.Send(buffer, offset, count);
        }

        public int Receive(byte[] buffer, int offset, int count)
        {
            int n = inner.Receive(buffer, offset, count);
            counter.Total++;
            if (counter.Listener != null)
            {
                counter.Listener.Call(HalCall.Receive, null, buffer, offset, n);
            }

            return n;
        }

        public void Close()
        {
            counter.Total++;
            if (counter.Listener != null)
            {
                counter.Listener.Call(HalCall.SocketOther, null, null, 0, 0);
            }

            inner.Close();
        }
    }

    internal sealed class CountedClock : IClock
    {
        private readonly IClock inner;
        private readonly HalCallCounter counter;

        public CountedClock(IClock inner, HalCallCounter counter)
        {
            this.inner = inner;
            this.counter = counter;
        }

        public long Microseconds
        {
            get
            {
                counter.Total++;
                if (counter.Listener != null)
                {
                    counter.Listener.Call(HalCall.Clock, null, null, 0, 0);
                }

                return inner.Microseconds;
            }
        }

        public DateTime UtcNow
        {
            get
            {
                counter.Total++;
                if (counter.Listener != null)
                {
                    counter.Listener.Call(HalCall.WallClock, null, null, 0, 0);
                }

                return inner.UtcNow;
            }
        }
    }

    internal sealed class CountedButton : IButton
    {
        private readonly IButton inner;
        private readonly HalCallCounter counter;

        public CountedButton(IButton inner, HalCallCounter counter)
        {
            this.inner = inner;
            this.counter = counter;
        }

        public bool IsPressed
        {
            get
            {
                counter.Total++;
                if (counter.Listener != null)
                {
                    counter.Listener.Call(HalCall.Button, null, null, 0, 0);
                }

                return inner.IsPressed;
            }
        }
    }

    internal sealed class CountedLights : IStatusLights
    {
        private readonly IStatusLights inner;
        private readonly HalCallCounter counter;

        public CountedLights(IStatusLights inner, HalCallCounter counter)
        {
            this.inner = inner;
            this.counter = counter;
        }

        public void Show(int mask)
        {
            counter.Total++;
            if (counter.Listener != null)
            {
                counter.Listener.Call(HalCall.Lights, null, null, 0, 0);
            }

            inner.Show(mask);
        }
    }

    internal sealed class CountedKnob : IAnalogKnob
    {
        private readonly IAnalogKnob inner;
        private readonly HalCallCounter counter;

        public CountedKnob(IAnalogKnob inner, HalCallCounter counter)
        {
            this.inner = inner;
            this.counter = counter;
        }

        public int MaxValue
        {
            get { return inner.MaxValue; }
        }

        public int Read()
        {
            counter.Total++;
            if (counter.Listener != null)
            {
                counter.Listener.Call(HalCall.Knob, null, null, 0, 0);
            }

            return inner.Read();
        }
    }

    internal partial class CountedStorage : IStorage
    {
        /// <summary>The counted storage for <paramref name="inner"/>: an <see cref="IAppendStorage"/> too when it is one.</summary>
        public static CountedStorage Wrap(IStorage inner, HalCallCounter counter)
        {
            IAppendStorage append = inner as IAppendStorage;
            return append != null ? new CountedAppendStorage(inner, append, counter) : new CountedStorage(inner, counter);
        }

        private readonly IStorage inner;
        private readonly HalCallCounter counter;

        public CountedStorage(IStorage inner, HalCallCounter counter)
        {
            this.inner = inner;
            this.counter = counter;
        }

        protected IStorage Inner
        {
            get { return inner; }
        }

        protected HalCallCounter Counter
        {
            get { return counter; }
        }

        public bool IsMounted
        {
            get { return inner.IsMounted; }
        }

        public long FreeBytes
        {
            get
            {
                counter.Total++;
                if (counter.Listener != null)
                {
                    counter.Listener.Call(HalCall.Storage, null, null, 0, 0);
                }

                return inner.FreeBytes;
            }
        }

        public bool Mount()
        {
            counter.Total++;
            if (counter.Listener != null)
            {
                counter.Listener.Call(HalCall.Storage, null, null, 0, 0);
            }

            return inner.Mount();
        }

        public bool Exists(string path)
        {
            counter.Total++;
            if (counter.Listener != null)
            {
                counter.Listener.Call(HalCall.Storage, null, null, 0, 0);
            }

            return inner.Exists(path);
        }

        public void Delete(string path)
        {
            counter.Total++;
            if (counter.Listener != null)
            {
                counter.Listener.Call(HalCall.Storage, null, null, 0, 0);
            }

            inner.Delete(path);
        }

        public void CreateDirectory(string path)
        {
            counter.Total++;
            if (counter.Listener != null)
            {
                counter.Listener.Call(HalCall.Storage, null, null, 0, 0);
            }

            inner.CreateDirectory(path);
        }

        public string[] ListFiles(string directory)
        {
            counter.Total++;
            if (counter.Listener != null)
            {
                counter.Listener.Call(HalCall.Storage, null, null, 0, 0);
            }

            return inner.ListFiles(directory);
        }

        public IStorageFile Open(string path, FileOpenMode mode)
        {
            IStorageFile file = inner.Open(path, mode);
            counter.Total++;
            if (counter.Listener != null)
            {
                counter.Listener.Call(HalCall.FileOpen, file, null, 0, 0);
            }

            return new CountedStorageFile(file, counter);
        }
    }

    internal sealed class CountedStorageFile : IStorageFile, ITruncatableFile
    {
        private readonly IStorageFile inner;
        private readonly HalCallCounter counter;

        public CountedStorageFile(IStorageFile inner, HalCallCounter counter)
        {
            this.inner = inner;
            this.counter = counter;
        }

        public long Length
        {
            get
            {
                counter.Total++;
                if (counter.Listener != null)
                {
                    counter.Listener.Call(HalCall.FileQuery, inner, null, 0, 0);
                }

                return inner.Length;
            }
        }

        public long Position
        {
            get
            {
                counter.Total++;
                if (counter.Listener != null)
                {
                    counter.Listener.Call(HalCall.FileQuery, inner, null, 0, 0);
                }

                return inner.Position;
            }

            set
            {
                counter.Total++;
                if (counter.Listener != null)
                {
                    counter.Listener.Call(HalCall.FileSeek, inner, null, 0, value > int.MaxValue ? int.MaxValue : (int)value);
                }

                inner.Position = value;
            }
        }

        public void Write(byte[] buffer, int offset, int count)
        {
            counter.Total++;
            if (counter.Listener != null)
            {
                counter.Listener.Call(HalCall.FileWrite, inner, buffer, offset, count);
            }

            inner.Write(buffer, offset, count);
        }

        public int Read(byte[] buffer, int offset, int count)
        {
            counter.Total++;
            if (counter.Listener != null)
            {
                counter.Listener.Call(HalCall.FileRead, inner, buffer, offset, count);
            }

            return inner.Read(buffer, offset, count);
        }

        public void Flush()
        {
            counter.Total++;
            if (counter.Listener != null)
            {
                counter.Listener.Call(HalCall.FileFlush, inner, null, 0, 0);
            }

            inner.Flush();
        }

        /// <summary>The inner file's cut, when it has one (the boot repair's: not priced by the device model).</summary>
        public bool Truncate(long length)
        {
            counter.Total++;
            ITruncatableFile t = inner as ITruncatableFile;
            return t != null && t.Truncate(length);
        }

        public void Dispose()
        {
            counter.Total++;
            if (counter.Listener != null)
            {
                counter.Listener.Call(HalCall.FileClose, inner, null, 0, 0);
            }

            inner.Dispose();
        }
    }

    internal sealed class CountedAppendStorage : CountedStorage, IAppendStorage
    {
        private readonly IAppendStorage inner;
        private readonly HalCallCounter counter;

        public CountedAppendStorage(IStorage storage, IAppendStorage inner, HalCallCounter counter)
            : base(storage, counter)
        {
            this.inner = inner;
            this.counter = counter;
        }

        public bool AppendAvailable
        {
            get { return inner.AppendAvailable; }
        }

        public IAppendFile OpenAppend(string path, int writeBytes, int syncBytes)
        {
            IAppendFile file = inner.OpenAppend(path, writeBytes, syncBytes);
            counter.Total++;
            if (counter.Listener != null)
            {
                counter.Listener.Call(HalCall.FileOpen, file, null, syncBytes, writeBytes);
            }

            return new CountedAppendFile(file, counter);
        }
    }

    internal sealed class CountedAppendFile : IAppendFile
    {
        private readonly IAppendFile inner;
        private readonly HalCallCounter counter;
        private readonly CountedStorageFile plain;

        public CountedAppendFile(IAppendFile inner, HalCallCounter counter)
        {
            this.inner = inner;
            this.counter = counter;
            plain = new CountedStorageFile(inner, counter);
        }

        public long Length
        {
            get { return plain.Length; }
        }

        public long Position
        {
            get { return plain.Position; }
            set { plain.Position = value; }
        }

        public long SyncedLength
        {
            get { return inner.SyncedLength; }
        }

        public ulong DigestA
        {
            get { return inner.DigestA; }
        }

        public ulong DigestB
        {
            get { return inner.DigestB; }
        }

        public long DigestLength
        {
            get { return inner.DigestLength; }
        }

        public void ResetDigest()
        {
            inner.ResetDigest();
        }

        public bool TryHoldCard()
        {
            counter.Total++;
            if (counter.Listener != null)
            {
                counter.Listener.Call(HalCall.CardHold, inner, null, 0, 0);
            }

            return inner.TryHoldCard();
        }

        public void ReleaseCard()
        {
            counter.Total++;
            if (counter.Listener != null)
            {
                counter.Listener.Call(HalCall.CardHold, inner, null, 0, 1);
            }

            inner.ReleaseCard();
        }

        /// <summary>Known at open (no board call): not counted.</summary>
        public bool DurableReadAvailable
        {
            get { return inner.DurableReadAvailable; }
        }

        public int ReadDurable(long offset, byte[] buffer, int index, int count)
        {
            counter.Total++;
            int n = inner.ReadDurable(offset, buffer, index, count);
            if (counter.Listener != null)
            {
                counter.Listener.Call(HalCall.DurableRead, inner, buffer, offset > int.MaxValue ? int.MaxValue : (int)offset, n);
            }

            return n;
        }

        public void Write(byte[] buffer, int offset, int count)
        {
            counter.Total++;
            if (counter.Listener != null)
            {
                counter.Listener.Call(HalCall.FileAppend, inner, buffer, offset, count);
            }

            inner.Write(buffer, offset, count);
        }

        public int Read(byte[] buffer, int offset, int count)
        {
            return plain.Read(buffer, offset, count);
        }

        public void Flush()
        {
            plain.Flush();
        }

        public void Dispose()
        {
            plain.Dispose();
        }
    }
}
