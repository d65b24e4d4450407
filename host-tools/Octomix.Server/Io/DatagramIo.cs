using System.Net.Sockets;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Octomix.Server.Io;

/// <summary>
/// Moves datagrams between one room's socket and its loop. The receive batch lives in pinned
/// arrays allocated once (<see cref="RxData"/>: one <see cref="Stride"/>-byte cell per datagram;
/// <see cref="RxAddresses"/>: the sender's raw sockaddr per datagram), so the protocol code
/// reads it as byte[] + offset and the kernel writes it through pointers. Two implementations:
/// <see cref="LinuxBatchedIo"/> (recvmmsg/sendmmsg) and <see cref="PortableIo"/>.
/// </summary>
internal abstract unsafe class DatagramIo : IDisposable
{
    /// <summary>Bytes per receive cell: above the 1400-byte protocol limit, so an oversized datagram is seen (and dropped) whole.</summary>
    public const int Stride = 2048;

    /// <summary>Bytes per address cell: a sockaddr_in6 is 28.</summary>
    public const int AddressStride = 32;

    protected DatagramIo(Socket socket, int batch, int waitMilliseconds)
    {
        Socket = socket;
        Batch = batch;
        WaitMilliseconds = waitMilliseconds;
        RxData = GC.AllocateArray<byte>(batch * Stride, pinned: true);
        RxAddresses = GC.AllocateArray<byte>(batch * AddressStride, pinned: true);
        RxLengths = new int[batch];
        RxAddressLengths = new int[batch];
        RxDataPointer = (byte*)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(RxData));
        RxAddressPointer = (byte*)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(RxAddresses));
    }

    public Socket Socket { get; }

    public int Batch { get; }

    /// <summary>Longest a <see cref="Receive"/> waits for the first datagram.</summary>
    public int WaitMilliseconds { get; }

    public byte[] RxData { get; }

    public byte* RxDataPointer { get; }

    public int[] RxLengths { get; }

    public byte[] RxAddresses { get; }

    public byte* RxAddressPointer { get; }

    public int[] RxAddressLengths { get; }

    /// <summary>System calls made to receive (including waits that timed out) since start.</summary>
    public long ReceiveCalls { get; protected set; }

    /// <summary>Datagrams larger than a receive cell (cut by the kernel), dropped.</summary>
    public long Truncated { get; protected set; }

    /// <summary>True for the recvmmsg/sendmmsg implementation.</summary>
    public abstract bool IsBatched { get; }

    /// <summary>
    /// Waits up to <see cref="WaitMilliseconds"/> for a datagram, then takes what is queued, up to
    /// <see cref="Batch"/>. Returns how many (0 on timeout).
    /// </summary>
    public abstract int Receive();

    /// <summary>Sends every queued datagram and clears the queue; failures are counted in it, never thrown.</summary>
    public abstract void Send(TxQueue queue);

    public virtual void Dispose()
    {
        Socket.Dispose();
    }

    /// <summary>The fast path where it works, the portable one otherwise (or when asked for).</summary>
    public static DatagramIo Create(Socket socket, ServerIoMode mode, int batch, int waitMilliseconds, bool segmentation)
    {
        bool batched = mode switch
        {
            ServerIoMode.Batched => LinuxNative.IsUsable ? true : throw new PlatformNotSupportedException("batched io (recvmmsg/sendmmsg) needs 64-bit Linux"),
            ServerIoMode.Portable => false,
            _ => LinuxNative.IsUsable,
        };
        return batched ? new LinuxBatchedIo(socket, batch, waitMilliseconds, segmentation) : new PortableIo(socket, batch, waitMilliseconds);
    }
}
