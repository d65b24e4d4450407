using System.Net;
using System.Net.Sockets;

namespace Octomix.Server.Io;

/// <summary>
/// The fallback that runs everywhere .NET does: Socket.Poll, then ReceiveFrom into the pinned
/// cells with one reused <see cref="SocketAddress"/> while more is queued; SendTo per datagram
/// with a reused SocketAddress. No allocation per datagram; one system call per datagram.
/// </summary>
internal sealed unsafe class PortableIo : DatagramIo
{
    private readonly SocketAddress receiveAddress;
    private readonly SocketAddress sendAddress;

    public PortableIo(Socket socket, int batch, int waitMilliseconds)
        : base(socket, batch, waitMilliseconds)
    {
        socket.Blocking = true;
        receiveAddress = new SocketAddress(socket.AddressFamily, socket.AddressFamily == AddressFamily.InterNetworkV6 ? 28 : 16);
        sendAddress = new SocketAddress(socket.AddressFamily, receiveAddress.Size);
    }

    public override bool IsBatched => false;

    public override int Receive()
    {
        ReceiveCalls++;
        if (!Socket.Poll(WaitMilliseconds * 1000, SelectMode.SelectRead))
        {
            return 0;
        }

        int n = 0;
        do
        {
            ReceiveCalls++;
            int length;
            try
            {
                receiveAddress.Size = receiveAddress.Buffer.Length;
                length = Socket.ReceiveFrom(RxData.AsSpan(n * Stride, Stride), SocketFlags.None, receiveAddress);
            }
            catch (SocketException e) when (e.SocketErrorCode == SocketError.MessageSize)
            {
                // larger than a cell: nothing the protocol accepts; drop it
                Truncated++;
                continue;
            }
            catch (SocketException)
            {
                // e.g. ICMP port unreachable reported on Windows: not a datagram
                break;
            }

            RxLengths[n] = length;
            int size = receiveAddress.Size;
            receiveAddress.Buffer.Span[..size].CopyTo(RxAddresses.AsSpan(n * AddressStride, AddressStride));
            RxAddressLengths[n] = size;
            n++;
        }
        while (n < Batch && Socket.Available > 0);

        return n;
    }

    public override void Send(TxQueue queue)
    {
        for (int i = 0; i < queue.Count; i++)
        {
            int size = queue.AddressLengths[i];
            new ReadOnlySpan<byte>((void*)queue.Addresses[i], size).CopyTo(sendAddress.Buffer.Span);
            sendAddress.Size = size;
            queue.SendCalls++;
            try
            {
                Socket.SendTo(new ReadOnlySpan<byte>((void*)queue.Data[i], queue.Lengths[i]), SocketFlags.None, sendAddress);
                queue.Sent++;
            }
            catch (SocketException)
            {
                queue.Failed++;
            }
        }

        queue.Clear();
    }
}
