using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace Octomix.Server.Io;

/// <summary>
/// The Linux fast path: one recvmmsg takes everything queued on the socket (up to the batch),
/// one sendmmsg sends every forward, reply and mix packet that batch produced. The message
/// headers and iovecs live in native memory allocated once; they point at the pinned receive
/// cells and, for sends, at whatever the <see cref="TxQueue"/> names.
/// </summary>
internal sealed unsafe class LinuxBatchedIo : DatagramIo
{
    /// <summary>sendmmsg takes at most UIO_MAXIOV (1024) messages per call.</summary>
    private const int MaxSendPerCall = 1024;

    private readonly int fd;
    private readonly LinuxNative.MMsgHdr* rxHeaders;
    private readonly LinuxNative.IoVec* rxVectors;
    private readonly LinuxNative.MMsgHdr* txHeaders;
    private readonly LinuxNative.IoVec* txVectors;
    private bool disposed;

    public LinuxBatchedIo(Socket socket, int batch, int waitMilliseconds)
        : base(socket, batch, waitMilliseconds)
    {
        fd = (int)socket.Handle;

        // Blocking receive with SO_RCVTIMEO: recvmmsg(MSG_WAITFORONE) sleeps until the first
        // datagram or the timeout, then takes what else is queued without waiting. One call per
        // wake-up instead of poll + receive.
        if (!LinuxNative.MakeBlocking(fd) || !LinuxNative.SetReceiveTimeout(fd, waitMilliseconds))
        {
            throw new IOException("could not configure the room socket for recvmmsg (errno " + Marshal.GetLastPInvokeError() + ")");
        }

        rxHeaders = (LinuxNative.MMsgHdr*)NativeMemory.AllocZeroed((nuint)(batch * sizeof(LinuxNative.MMsgHdr)));
        rxVectors = (LinuxNative.IoVec*)NativeMemory.AllocZeroed((nuint)(batch * sizeof(LinuxNative.IoVec)));
        txHeaders = (LinuxNative.MMsgHdr*)NativeMemory.AllocZeroed((nuint)(MaxSendPerCall * sizeof(LinuxNative.MMsgHdr)));
        txVectors = (LinuxNative.IoVec*)NativeMemory.AllocZeroed((nuint)(MaxSendPerCall * sizeof(LinuxNative.IoVec)));
        for (int i = 0; i < batch; i++)
        {
            rxVectors[i].Base = RxDataPointer + (i * Stride);
            rxVectors[i].Length = Stride;
            rxHeaders[i].Header.Iov = rxVectors + i;
            rxHeaders[i].Header.IovLength = 1;
            rxHeaders[i].Header.Name = RxAddressPointer + (i * AddressStride);
        }

        for (int i = 0; i < MaxSendPerCall; i++)
        {
            txHeaders[i].Header.Iov = txVectors + i;
            txHeaders[i].Header.IovLength = 1;
        }
    }

    public override bool IsBatched => true;

    public override int Receive()
    {
        for (int i = 0; i < Batch; i++)
        {
            // the kernel writes back the address length (and flags) of each message
            rxHeaders[i].Header.NameLength = AddressStride;
            rxHeaders[i].Header.Flags = 0;
        }

        ReceiveCalls++;
        int n = LinuxNative.recvmmsg(fd, rxHeaders, (uint)Batch, LinuxNative.MSG_WAITFORONE, null);
        if (n <= 0)
        {
            // EAGAIN (the timeout) and EINTR are the normal ways to get here; anything else is
            // also just "nothing received this turn": the room loop goes on.
            return 0;
        }

        for (int i = 0; i < n; i++)
        {
            int length = (int)rxHeaders[i].Length;
            if ((rxHeaders[i].Header.Flags & LinuxNative.MSG_TRUNC) != 0)
            {
                Truncated++;
                length = Stride; // still over the protocol limit: the header check drops it
            }

            RxLengths[i] = length;
            RxAddressLengths[i] = (int)rxHeaders[i].Header.NameLength;
        }

        return n;
    }

    public override void Send(TxQueue queue)
    {
        int total = queue.Count;
        int done = 0;
        while (done < total)
        {
            int chunk = Math.Min(total - done, MaxSendPerCall);
            for (int i = 0; i < chunk; i++)
            {
                int q = done + i;
                txVectors[i].Base = (void*)queue.Data[q];
                txVectors[i].Length = (nuint)queue.Lengths[q];
                txHeaders[i].Header.Name = (void*)queue.Addresses[q];
                txHeaders[i].Header.NameLength = (uint)queue.AddressLengths[q];
            }

            int sent = 0;
            while (sent < chunk)
            {
                queue.SendCalls++;
                int n = LinuxNative.sendmmsg(fd, txHeaders + sent, (uint)(chunk - sent), LinuxNative.MSG_DONTWAIT);
                if (n > 0)
                {
                    sent += n;
                    queue.Sent += n;
                    continue;
                }

                int errno = Marshal.GetLastPInvokeError();
                if (n < 0 && errno == LinuxNative.EINTR)
                {
                    continue;
                }

                // The first remaining message failed (send buffer full, unreachable...): count it
                // and go on with the rest; a room never waits for the network.
                queue.Failed++;
                sent++;
            }

            done += chunk;
        }

        queue.Clear();
    }

    public override void Dispose()
    {
        if (!disposed)
        {
            disposed = true;
            base.Dispose();
            NativeMemory.Free(rxHeaders);
            NativeMemory.Free(rxVectors);
            NativeMemory.Free(txHeaders);
            NativeMemory.Free(txVectors);
        }
    }
}
