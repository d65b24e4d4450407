using Octomix.Hal;
using Octomix.Protocol;

namespace Octomix.Board.Simulated;

/// <summary>
/// The managed equivalent of the reference box's native file server (native/OctomixTakeWriter:
/// take_serve.c, a task reading into slots of internal RAM) for <see cref="SimulatedCard"/>: the
/// same queue of 8 requests served in order, reads cut at file offsets that are multiples of
/// <see cref="PieceBytes"/> or at the request's end (one slot each), datagrams that never span two
/// slots, the FileData fields and the data written after the caller's 12-byte common header, and
/// a card error that ends everything (<see cref="Fill"/> throws, as the native call's error does).
/// The task's reads happen when a datagram needs them and spend no loop time (they run on the other
/// core); a <see cref="Fill"/> spends <see cref="SimulatedCard.ServeFillMicroseconds"/>.
/// Conservative on one side: the real task reads ahead while the loop sends, so it never waits
/// for a read here, as the box would not at the rates the model gives (docs/device-budget.md §7).
/// </summary>
public sealed class SimulatedServeFile : IServeFile
{
    /// <summary>One slot: a read never crosses a multiple of it in the file (16 KB, half a 32 KB cluster).</summary>
    public const int PieceBytes = 16384;

    public const int MaxRequests = 8;

    private readonly SimulatedCard card;
    private readonly SimulatedCardFile file;
    private readonly int chunkBytes;
    private readonly byte[] slot = new byte[PieceBytes];
    private readonly Request[] queue = new Request[MaxRequests];
    private int head;
    private int count;
    private int slotLength;
    private int slotSent;
    private string? failure;

    internal SimulatedServeFile(SimulatedCard card, SimulatedCardFile file, int chunkBytes)
    {
        if (chunkBytes < 1 || chunkBytes > FileDataMessage.MaxData)
        {
            throw new ArgumentOutOfRangeException(nameof(chunkBytes));
        }

        this.card = card;
        this.file = file;
        this.chunkBytes = chunkBytes;
    }

    /// <summary>The task's card reads (one multi-block read each on the box).</summary>
    public long Reads { get; private set; }

    public int Pending => count;

    public bool Queue(uint takeId, int part, long dataOffset, uint offset, int length)
    {
        if (length <= 0 || count == MaxRequests)
        {
            return false;
        }

        queue[(head + count) % MaxRequests] = new Request { TakeId = takeId, Part = part, FilePosition = dataOffset + offset, Offset = offset, Length = length };
        count++;
        return true;
    }

    public int Fill(byte[] datagram)
    {
        ArgumentNullException.ThrowIfNull(datagram);
        card.SpendServeFill();
        if (failure != null)
        {
            throw new IOException("the file server met a card error: " + failure);
        }

        if (count == 0)
        {
            return 0;
        }

        ref Request r = ref queue[head];
        if (slotSent == slotLength)
        {
            ReadSlot(ref r);
        }

        int n = Math.Min(chunkBytes, slotLength - slotSent);
        n = Math.Min(n, datagram.Length - FileDataMessage.HeaderLength);
        WireFormat.WriteU32(datagram, 12, r.TakeId);
        datagram[16] = (byte)r.Part;
        datagram[17] = 0;
        WireFormat.WriteU16(datagram, 18, n);
        WireFormat.WriteU32(datagram, 20, (uint)(r.Offset + r.Sent));
        WireFormat.WriteU32(datagram, 24, 0);
        Array.Copy(slot, slotSent, datagram, FileDataMessage.HeaderLength, n);
        slotSent += n;
        r.Sent += n;
        if (r.Sent == r.Length)
        {
            head = (head + 1) % MaxRequests;
            count--;
        }

        return FileDataMessage.HeaderLength + n;
    }

    public void Dispose() => file.Dispose();

    /// <summary>The task's read of the head request's next piece: up to the next multiple of the piece in the file, or the request's end.</summary>
    private void ReadSlot(ref Request r)
    {
        long p = r.FilePosition + r.Sent;
        int n = (int)Math.Min(r.Length - r.Sent, PieceBytes - (p % PieceBytes));
        file.Position = p;
        int got = 0;
        while (got < n)
        {
            int k = card.ServeReadFails() ? -1 : file.ReadOffLoop(slot, got, n - got);
            if (k < 0)
            {
                failure = "read failed at " + (p + got);
                throw new IOException(failure);
            }

            if (k == 0)
            {
                break;
            }

            got += k;
        }

        Reads++;
        if (got < n)
        {
            // the box asks only for what the part holds: a short read is the card's fault
            failure = "short read at " + (p + got);
            throw new IOException(failure);
        }

        slotLength = got;
        slotSent = 0;
    }

    private struct Request
    {
        public uint TakeId;
        public int Part;
        public long FilePosition;
        public uint Offset;
        public int Length;
        public int Sent;
    }
}
