namespace Octomix.Server.Io;

/// <summary>
/// Datagrams a room loop wants sent, gathered while it handles one receive batch and handed to
/// <see cref="DatagramIo.Send"/> in one go (one sendmmsg on Linux). Entries point into pinned
/// buffers (the receive batch, the room's reply pool, the slot address table), which stay put
/// until the queue is sent. Fixed capacity, allocated once; one owner (the room thread).
/// </summary>
internal sealed unsafe class TxQueue
{
    public TxQueue(int capacity)
    {
        Data = new nint[capacity];
        Lengths = new int[capacity];
        Addresses = new nint[capacity];
        AddressLengths = new int[capacity];
    }

    public nint[] Data { get; }

    public int[] Lengths { get; }

    public nint[] Addresses { get; }

    public int[] AddressLengths { get; }

    public int Count { get; private set; }

    public int Capacity => Data.Length;

    public bool IsFull => Count == Data.Length;

    /// <summary>Datagrams the kernel refused (buffer full, unreachable) since start.</summary>
    public long Failed { get; set; }

    /// <summary>Datagrams handed to the kernel since start.</summary>
    public long Sent { get; set; }

    /// <summary>System calls made to send (sendmmsg or sendto) since start.</summary>
    public long SendCalls { get; set; }

    public void Add(byte* data, int length, byte* address, int addressLength)
    {
        int i = Count;
        Data[i] = (nint)data;
        Lengths[i] = length;
        Addresses[i] = (nint)address;
        AddressLengths[i] = addressLength;
        Count = i + 1;
    }

    public void Clear() => Count = 0;
}
