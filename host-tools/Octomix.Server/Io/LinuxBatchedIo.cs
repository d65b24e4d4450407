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

    /// <summary>Datagrams per segmented send (the kernel allows 64 or more).</summary>
    private const int MaxSegments = 64;

    private const int ControlStride = 24; // CMSG_SPACE(sizeof(u16))

    private readonly int fd;
    private readonly LinuxNative.MMsgHdr* rxHeaders;
    private readonly LinuxNative.IoVec* rxVectors;
    private readonly LinuxNative.MMsgHdr* txHeaders;
    private readonly LinuxNative.IoVec* txVectors;
    private readonly byte* control;
    private readonly int[] segments = new int[MaxSendPerCall];
    private readonly nint[] groupAddress = new nint[TxQueueCapacity];
    private readonly int[] groupAddressLength = new int[TxQueueCapacity];
    private readonly int[] groupLength = new int[TxQueueCapacity];
    private readonly int[] groupSize = new int[TxQueueCapacity];
    private readonly bool[] groupClosed = new bool[TxQueueCapacity];
    private readonly int[] groupFirst = new int[TxQueueCapacity];
    private readonly int[] groupLast = new int[TxQueueCapacity];
    private readonly int[] nextInGroup = new int[TxQueueCapacity];
    private bool segmenting;
    private bool disposed;

    /// <summary>Largest queue this can send (the room's TxQueue).</summary>
    public const int TxQueueCapacity = 1024;

    public LinuxBatchedIo(Socket socket, int batch, int waitMilliseconds, bool segmentation)
        : base(socket, batch, waitMilliseconds)
    {
        segmenting = segmentation;
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
        txVectors = (LinuxNative.IoVec*)NativeMemory.AllocZeroed((nuint)(TxQueueCapacity * sizeof(LinuxNative.IoVec)));
        control = (byte*)NativeMemory.AllocZeroed((nuint)(MaxSendPerCall * ControlStride));
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

    /// <summary>The socket's descriptor (a <see cref="Rooms.RoomWorker"/> waits on it with epoll).</summary>
    public int Descriptor => fd;

    public override int Receive() => Receive(LinuxNative.MSG_WAITFORONE);

    /// <summary>Takes what is queued, up to <see cref="DatagramIo.Batch"/>, without waiting (0 when nothing is).</summary>
    public int ReceiveQueued() => Receive(LinuxNative.MSG_DONTWAIT);

    private int Receive(int flags)
    {
        for (int i = 0; i < Batch; i++)
        {
            // the kernel writes back the address length (and flags) of each message
            rxHeaders[i].Header.NameLength = AddressStride;
            rxHeaders[i].Header.Flags = 0;
        }

        ReceiveCalls++;
        int n = LinuxNative.recvmmsg(fd, rxHeaders, (uint)Batch, flags, null);
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

    /// <summary>True while UDP segmentation offload is used (off when asked, or when the kernel refused it).</summary>
    public bool Segmenting => segmenting;

    public override void Send(TxQueue queue)
    {
        if (segmenting)
        {
            SendSegmented(queue);
        }
        else
        {
            SendEach(queue, 0, queue.Count);
        }

        queue.Clear();
    }

    /// <summary>One message per datagram, up to 1024 per sendmmsg.</summary>
    private void SendEach(TxQueue queue, int first, int end)
    {
        int done = first;
        while (done < end)
        {
            int chunk = Math.Min(end - done, MaxSendPerCall);
            for (int i = 0; i < chunk; i++)
            {
                int q = done + i;
                txVectors[i].Base = (void*)queue.Data[q];
                txVectors[i].Length = (nuint)queue.Lengths[q];
                txHeaders[i].Header.Iov = txVectors + i;
                txHeaders[i].Header.IovLength = 1;
                txHeaders[i].Header.Control = null;
                txHeaders[i].Header.ControlLength = 0;
                txHeaders[i].Header.Name = (void*)queue.Addresses[q];
                txHeaders[i].Header.NameLength = (uint)queue.AddressLengths[q];
                segments[i] = 1;
            }

            SendMessages(queue, chunk);
            done += chunk;
        }
    }

    /// <summary>
    /// Groups the queue by destination (and equal length, in order), and sends each group of
    /// several datagrams as one message with UDP_SEGMENT: the kernel routes and queues the group
    /// once and splits it into the same datagrams it would have sent one by one (on loopback at
    /// the receiving socket, on a NIC in hardware or just before the driver). What is on the wire
    /// does not change; the per-datagram cost of the send path mostly goes.
    /// </summary>
    private void SendSegmented(TxQueue queue)
    {
        int count = queue.Count;
        int groups = 0;
        for (int q = 0; q < count; q++)
        {
            nint address = queue.Addresses[q];
            int length = queue.Lengths[q];
            int g = -1;
            for (int k = groups - 1; k >= 0; k--)
            {
                if (groupAddress[k] == address)
                {
                    // a later datagram to this destination: it may join only the newest group of it
                    if (groupLength[k] == length && groupSize[k] < MaxSegments && !groupClosed[k])
                    {
                        g = k;
                    }
                    else
                    {
                        groupClosed[k] = true;
                    }

                    break;
                }
            }

            if (g < 0)
            {
                g = groups++;
                groupAddress[g] = address;
                groupAddressLength[g] = queue.AddressLengths[q];
                groupLength[g] = length;
                groupSize[g] = 0;
                groupClosed[g] = false;
                groupFirst[g] = q;
                groupLast[g] = q;
            }
            else
            {
                nextInGroup[groupLast[g]] = q;
                groupLast[g] = q;
            }

            nextInGroup[q] = -1;
            groupSize[g]++;
        }

        int message = 0;
        int vector = 0;
        for (int g = 0; g < groups; g++)
        {
            if (message == MaxSendPerCall)
            {
                SendMessages(queue, message);
                message = 0;
                vector = 0;
            }

            var header = &txHeaders[message].Header;
            header->Iov = txVectors + vector;
            header->IovLength = (nuint)groupSize[g];
            header->Name = (void*)groupAddress[g];
            header->NameLength = (uint)groupAddressLength[g];
            for (int q = groupFirst[g]; q >= 0; q = nextInGroup[q])
            {
                txVectors[vector].Base = (void*)queue.Data[q];
                txVectors[vector].Length = (nuint)queue.Lengths[q];
                vector++;
            }

            if (groupSize[g] > 1)
            {
                byte* c = control + (message * ControlStride);
                *(ulong*)c = 18; // CMSG_LEN(sizeof(u16))
                *(int*)(c + 8) = LinuxNative.SOL_UDP;
                *(int*)(c + 12) = LinuxNative.UDP_SEGMENT;
                *(ushort*)(c + 16) = (ushort)groupLength[g];
                header->Control = c;
                header->ControlLength = ControlStride;
            }
            else
            {
                header->Control = null;
                header->ControlLength = 0;
            }

            segments[message] = groupSize[g];
            message++;
        }

        SendMessages(queue, message);
    }

    /// <summary>sendmmsg over the first <paramref name="messages"/> prepared headers, counting datagrams.</summary>
    private void SendMessages(TxQueue queue, int messages)
    {
        int sent = 0;
        while (sent < messages)
        {
            queue.SendCalls++;
            int n = LinuxNative.sendmmsg(fd, txHeaders + sent, (uint)(messages - sent), LinuxNative.MSG_DONTWAIT);
            if (n > 0)
            {
                for (int i = sent; i < sent + n; i++)
                {
                    queue.Sent += segments[i];
                }

                sent += n;
                continue;
            }

            int errno = Marshal.GetLastPInvokeError();
            if (n < 0 && errno == LinuxNative.EINTR)
            {
                continue;
            }

            if (segments[sent] > 1 && (errno == LinuxNative.EINVAL || errno == LinuxNative.EIO || errno == LinuxNative.ENOPROTOOPT))
            {
                // this kernel or device does not segment UDP: send that group one by one, and
                // never try again
                segmenting = false;
                SendGroupEach(queue, sent);
                sent++;
                continue;
            }

            // The first remaining message failed (send buffer full, unreachable...): count it
            // and go on with the rest; a room never waits for the network.
            queue.Failed += segments[sent];
            sent++;
        }
    }

    private void SendGroupEach(TxQueue queue, int message)
    {
        var header = txHeaders[message].Header;
        for (int v = 0; v < (int)header.IovLength; v++)
        {
            var one = new LinuxNative.MsgHdr { Name = header.Name, NameLength = header.NameLength, Iov = header.Iov + v, IovLength = 1 };
            queue.SendCalls++;
            var mm = new LinuxNative.MMsgHdr { Header = one };
            if (LinuxNative.sendmmsg(fd, &mm, 1, LinuxNative.MSG_DONTWAIT) == 1)
            {
                queue.Sent++;
            }
            else
            {
                queue.Failed++;
            }
        }
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
            NativeMemory.Free(control);
        }
    }
}
