using System;
using Octomix.Hal;

namespace Octomix.Box
{
    /// <summary>The counted storage's native file server (<see cref="IServeStorage"/>): offered when the board's card has one.</summary>
    internal partial class CountedStorage : IServeStorage
    {
        public bool ServeAvailable
        {
            get
            {
                IServeStorage serve = Inner as IServeStorage;
                return serve != null && serve.ServeAvailable;
            }
        }

        public IServeFile OpenServe(string path, int chunkBytes)
        {
            IServeStorage serve = Inner as IServeStorage;
            if (serve == null)
            {
                throw new NotSupportedException("this board has no native file server");
            }

            IServeFile file = serve.OpenServe(path, chunkBytes);
            Counter.Total++;
            if (Counter.Listener != null)
            {
                Counter.Listener.Call(HalCall.ServeOpen, null, null, 0, chunkBytes);
            }

            return new CountedServeFile(file, Counter);
        }
    }

    internal sealed class CountedServeFile : IServeFile
    {
        private readonly IServeFile inner;
        private readonly HalCallCounter counter;

        public CountedServeFile(IServeFile inner, HalCallCounter counter)
        {
            this.inner = inner;
            this.counter = counter;
        }

        public int Pending
        {
            get { return inner.Pending; }
        }

        public bool Queue(uint takeId, int part, long dataOffset, uint offset, int length)
        {
            counter.Total++;
            if (counter.Listener != null)
            {
                counter.Listener.Call(HalCall.ServeQueue, null, null, 0, length);
            }

            return inner.Queue(takeId, part, dataOffset, offset, length);
        }

        public int Fill(byte[] datagram)
        {
            int n = inner.Fill(datagram);
            counter.Total++;
            if (counter.Listener != null)
            {
                counter.Listener.Call(HalCall.ServeFill, null, datagram, 0, n);
            }

            return n;
        }

        public void Dispose()
        {
            counter.Total++;
            if (counter.Listener != null)
            {
                counter.Listener.Call(HalCall.Storage, null, null, 0, 0);
            }

            inner.Dispose();
        }
    }
}
