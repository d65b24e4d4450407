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

        public void Add()
        {
            Total++;
        }
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
            return inner.Connect(host, port);
        }

        public bool Send(byte[] buffer, int offset, int count)
        {
            counter.Total++;
            return inner.Send(buffer, offset, count);
        }

        public int Receive(byte[] buffer, int offset, int count)
        {
            counter.Total++;
            return inner.Receive(buffer, offset, count);
        }

        public void Close()
        {
            counter.Total++;
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
                return inner.Microseconds;
            }
        }

        public DateTime UtcNow
        {
            get
            {
                counter.Total++;
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
            return inner.Read();
        }
    }

    internal sealed class CountedStorage : IStorage
    {
        private readonly IStorage inner;
        private readonly HalCallCounter counter;

        public CountedStorage(IStorage inner, HalCallCounter counter)
        {
            this.inner = inner;
            this.counter = counter;
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
                return inner.FreeBytes;
            }
        }

        public bool Mount()
        {
            counter.Total++;
            return inner.Mount();
        }

        public bool Exists(string path)
        {
            counter.Total++;
            return inner.Exists(path);
        }

        public void Delete(string path)
        {
            counter.Total++;
            inner.Delete(path);
        }

        public void CreateDirectory(string path)
        {
            counter.Total++;
            inner.CreateDirectory(path);
        }

        public string[] ListFiles(string directory)
        {
            counter.Total++;
            return inner.ListFiles(directory);
        }

        public IStorageFile Open(string path, FileOpenMode mode)
        {
            counter.Total++;
            return new CountedStorageFile(inner.Open(path, mode), counter);
        }
    }

    internal sealed class CountedStorageFile : IStorageFile
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
                return inner.Length;
            }
        }

        public long Position
        {
            get
            {
                counter.Total++;
                return inner.Position;
            }

            set
            {
                counter.Total++;
                inner.Position = value;
            }
        }

        public void Write(byte[] buffer, int offset, int count)
        {
            counter.Total++;
            inner.Write(buffer, offset, count);
        }

        public int Read(byte[] buffer, int offset, int count)
        {
            counter.Total++;
            return inner.Read(buffer, offset, count);
        }

        public void Flush()
        {
            counter.Total++;
            inner.Flush();
        }

        public void Dispose()
        {
            counter.Total++;
            inner.Dispose();
        }
    }
}
