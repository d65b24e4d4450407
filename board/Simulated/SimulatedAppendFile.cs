using Octomix.Hal;
using Octomix.Protocol;

namespace Octomix.Board.Simulated;

/// <summary>
/// The managed equivalent of the reference box's native take writer (native/OctomixTakeWriter:
/// an internal-RAM ring drained by a task on the other core) for <see cref="SimulatedCard"/>:
/// appended bytes wait in a ring of one piece; a full piece is written to the card file at once
/// (its simulated card time is spent then — conservative: on the ESP32 the task runs beside the
/// loop), f_synced whenever one more piece could pass <c>syncBytes</c> unsynced, and summed into
/// the take digest as it is written. A power cut loses the ring and what was not synced, as on the
/// box. A card error (a full card: up to one piece that did not fit is lost) is sticky for appends
/// and drops the ring; seeks, in-place writes, Flush and Dispose still work, so the writer can set
/// the sizes of what is on the card. Steady-state appends allocate nothing.
/// </summary>
public sealed class SimulatedAppendFile : IAppendFile
{
    private readonly SimulatedCardFile inner;
    private readonly byte[] ring;
    private readonly int syncBytes;
    private readonly TakeChecksum digest = new();
    private int pending;
    private long unsynced;
    private long synced;
    private bool atEnd = true;
    private bool digesting;
    private string? failure;

    internal SimulatedAppendFile(SimulatedCardFile inner, int writeBytes, int syncBytes)
    {
        if (writeBytes <= 0 || writeBytes % 512 != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(writeBytes), "a piece is a positive multiple of 512 bytes, not " + writeBytes);
        }

        this.inner = inner;
        ring = new byte[writeBytes];
        this.syncBytes = Math.Max(writeBytes, syncBytes);
    }

    /// <summary>Pieces written to the card (the native task's card writes).</summary>
    public long PiecesWritten { get; private set; }

    /// <summary>
    /// The durable header (take_header.c's twin): set by the card when it preallocated the file,
    /// as the native writer rewrites the header sizes before each sync only then; null otherwise.
    /// </summary>
    internal SimulatedDurableHeader? DurableHeader { get; init; }

    /// <summary>Header sectors the task rewrote before its syncs (single-block writes on the box).</summary>
    public long HeaderSectorWrites => DurableHeader?.SectorWrites ?? 0;

    /// <summary>f_syncs the writer made.</summary>
    public long Syncs { get; private set; }

    public long SyncedLength => synced;

    public ulong DigestA => digest.A;

    public ulong DigestB => digest.B;

    public long DigestLength => digest.Length;

    public long Length
    {
        get
        {
            Drain();
            return inner.Length;
        }
    }

    public long Position
    {
        get => inner.Position + pending;
        set
        {
            DurableHeader?.Disarm(); // the writer sets the sizes in place from now on
            Drain();
            inner.Position = value;
            atEnd = value >= inner.Length;
        }
    }

    /// <summary>
    /// True: the simulated task is in the middle of a piece write (a test sets it), so
    /// <see cref="TryHoldCard"/> fails as it would on the box. The simulated task writes a piece at
    /// once when it is full, so it is otherwise never caught writing.
    /// </summary>
    public bool TaskWriting { get; set; }

    /// <summary>True between a <see cref="TryHoldCard"/> that succeeded and its <see cref="ReleaseCard"/>.</summary>
    public bool CardHeld { get; private set; }

    /// <summary>Reads of the loop's that held the card (<see cref="TryHoldCard"/> true).</summary>
    public long CardHolds { get; private set; }

    public bool TryHoldCard()
    {
        if (CardHeld)
        {
            throw new InvalidOperationException("the card is already held: a hold is released before the next");
        }

        if (TaskWriting)
        {
            return false;
        }

        CardHeld = true;
        CardHolds++;
        return true;
    }

    public void ReleaseCard()
    {
        if (!CardHeld)
        {
            throw new InvalidOperationException("ReleaseCard without a TryHoldCard that succeeded");
        }

        CardHeld = false;
    }

    /// <summary>The native durable read's cluster (take_read.c cuts a read at its end): the card model's 32 KB.</summary>
    public const int DurableReadClusterBytes = 32768;

    /// <summary>The native durable read's internal buffer (take_read.h OCTO_READ_BUFFER_BYTES): a read ends inside it.</summary>
    public const int DurableReadBufferBytes = 2048;

    /// <summary>
    /// True (the custom image's writer on a preallocated file): <see cref="ReadDurable"/> serves
    /// progressive collection. A test sets it false for a writer without the durable reader.
    /// </summary>
    public bool DurableReadAvailable { get; set; } = true;

    /// <summary>Durable reads that read (not refused as busy).</summary>
    public long DurableReads { get; private set; }

    /// <summary>
    /// The native durable read (take_read_esp32.c): below <see cref="SyncedLength"/> only, cut as
    /// take_read.c cuts it (the cluster's end, the internal buffer from the sector-aligned start);
    /// -1 while <see cref="TaskWriting"/>. Reads the card file where the native reader's own FIL
    /// would, without moving the writer's position or draining the ring; the card's read time is
    /// spent as for any read.
    /// </summary>
    public int ReadDurable(long offset, byte[] buffer, int index, int count)
    {
        if (!DurableReadAvailable)
        {
            throw new InvalidOperationException("this writer has no durable reader");
        }

        if (CardHeld)
        {
            throw new InvalidOperationException("the card is held: a durable read takes the hold itself");
        }

        if (TaskWriting)
        {
            return -1;
        }

        long end = Math.Min(offset + count, synced);
        end = Math.Min(end, ((offset / DurableReadClusterBytes) + 1) * DurableReadClusterBytes);
        end = Math.Min(end, offset - (offset % 512) + DurableReadBufferBytes);
        if (count <= 0 || end <= offset)
        {
            return 0;
        }

        CardHolds++;
        DurableReads++;
        long writerAt = inner.Position;
        try
        {
            inner.Position = offset;
            int got = 0;
            int n = (int)(end - offset);
            while (got < n)
            {
                int k = inner.Read(buffer, index + got, n - got);
                if (k <= 0)
                {
                    break;
                }

                got += k;
            }

            return got;
        }
        finally
        {
            inner.Position = writerAt;
        }
    }

    public void ResetDigest()
    {
        Drain();
        digest.Reset();
        digesting = true;
    }

    public void Write(byte[] buffer, int offset, int count)
    {
        if (!atEnd)
        {
            // a write at an earlier place (the header sizes at close): straight to the file
            inner.Write(buffer, offset, count);
            atEnd = inner.Position >= inner.Length;
            return;
        }

        if (failure != null)
        {
            throw new IOException("the take writer failed earlier: " + failure);
        }

        while (count > 0)
        {
            // pieces end at file offsets that are multiples of the piece (cluster-aligned writes)
            int piece = ring.Length - (int)(inner.Position % ring.Length);
            int n = Math.Min(count, piece - pending);
            Array.Copy(buffer, offset, ring, pending, n);
            pending += n;
            offset += n;
            count -= n;
            if (pending == piece)
            {
                WritePiece();
            }
        }
    }

    public int Read(byte[] buffer, int offset, int count)
    {
        Drain();
        return inner.Read(buffer, offset, count);
    }

    public void Flush()
    {
        Drain();
        Sync();
    }

    public void Dispose()
    {
        try
        {
            Drain();
        }
        finally
        {
            inner.Dispose();
        }
    }

    private void Drain()
    {
        if (pending > 0 && failure == null)
        {
            WritePiece();
        }
    }

    private void WritePiece()
    {
        int n = pending;
        long at = inner.Position;
        try
        {
            inner.Write(ring, 0, n);
        }
        catch (IOException e)
        {
            // the task's card error: sticky for appends; the ring is dropped, so the in-place
            // calls that close the file cleanly (sizes, sync) still work
            failure = e.Message;
            pending = 0;
            throw;
        }

        pending = 0;
        PiecesWritten++;
        DurableHeader?.Capture(ring, n, at);
        if (digesting)
        {
            digest.Update(ring, 0, n);
        }

        unsynced += n;
        if (unsynced + ring.Length > syncBytes)
        {
            Sync();
        }
    }

    private void Sync()
    {
        DurableHeader?.Rewrite(inner, inner.Length);
        inner.Flush();
        Syncs++;
        unsynced = 0;
        synced = inner.Length;
    }
}
