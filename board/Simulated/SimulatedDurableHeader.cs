using Octomix.Hal;

namespace Octomix.Board.Simulated;

/// <summary>
/// The managed twin of the native writer's durable header (native/OctomixTakeWriter/take_header.c,
/// same rules): the header sectors holding the RIFF and data sizes are copied from the first piece
/// written, set before each sync to the whole frames then on the card, and written back — so a
/// preallocated file, whose length after a power cut is the whole preallocation, declares what
/// was synced; the first rewrite puts the mark (BwfLayout.SyncedSizesMark) at the start of the first
/// JUNK chunk of sector 0, which tells the boot repair to trust those sizes over the length. Armed
/// only when the first piece holds a RIFF/WAVE header with such a JUNK chunk and audio starting at
/// a sector boundary inside the piece; disarmed for good when the writer seeks (it sets the sizes
/// itself).
/// </summary>
internal sealed class SimulatedDurableHeader
{
    private const int Sector = 512;
    private static readonly byte[] Mark = "OctomixSyncSizes"u8.ToArray(); // BwfLayout.SyncedSizesMark, take_header.h's OCTO_HEADER_MARK
    private readonly byte[] sectors = new byte[2 * Sector];
    private readonly long[] sectorAt = new long[2];
    private int sectorCount;
    private long dataOffset;
    private long dataSizeAt;
    private int blockAlign;
    private long declared;
    private long markAt;
    private bool marked;

    public bool Armed { get; private set; }

    /// <summary>Header sectors written back (one single-block write each on the box).</summary>
    public long SectorWrites { get; private set; }

    public void Capture(byte[] piece, int n, long filePosition)
    {
        if (filePosition != 0 || Armed || n < 12 || !Id(piece, 0, "RIFF") || !Id(piece, 8, "WAVE"))
        {
            return;
        }

        int align = 0;
        long mark = 0;
        long pos = 12;
        while (pos + 8 <= n)
        {
            long size = BitConverter.ToUInt32(piece, (int)pos + 4);
            long body = pos + 8;
            if (Id(piece, (int)pos, "fmt ") && size >= 16 && body + 16 <= n)
            {
                align = BitConverter.ToUInt16(piece, (int)body + 12);
            }
            else if (Id(piece, (int)pos, "JUNK") && mark == 0 && size >= Mark.Length && body + Mark.Length <= Sector)
            {
                mark = body;
            }
            else if (Id(piece, (int)pos, "data"))
            {
                if (align == 0 || mark == 0 || body % Sector != 0 || body > n)
                {
                    return; // the copied sectors would hold audio written later
                }

                dataOffset = body;
                dataSizeAt = pos + 4;
                blockAlign = align;
                markAt = mark;
                marked = false;
                declared = size;
                sectorAt[0] = 0;
                sectorAt[1] = dataSizeAt / Sector * Sector;
                sectorCount = sectorAt[1] == 0 ? 1 : 2;
                for (int i = 0; i < sectorCount; i++)
                {
                    Array.Copy(piece, sectorAt[i], sectors, i * Sector, Sector);
                }

                Armed = true;
                return;
            }

            if (size > n - body)
            {
                return;
            }

            pos = body + size + (size & 1);
        }
    }

    /// <summary>Before the sync that makes <paramref name="synced"/> bytes durable: the sizes set and the sectors written through <paramref name="file"/> (its position kept).</summary>
    public void Rewrite(IStorageFile file, long synced)
    {
        if (!Armed)
        {
            return;
        }

        long audio = Math.Min(Math.Max(0, synced - dataOffset), uint.MaxValue - dataOffset);
        long data = audio / blockAlign * blockAlign;
        if (data == declared && marked)
        {
            return;
        }

        Array.Copy(Mark, 0, sectors, markAt, Mark.Length);
        marked = true;

        long end = dataOffset + data + ((data & 1) != 0 && dataOffset + data < synced ? 1 : 0);
        BitConverter.TryWriteBytes(sectors.AsSpan(4, 4), (uint)(end - 8));
        int last = sectorCount - 1;
        BitConverter.TryWriteBytes(sectors.AsSpan((last * Sector) + (int)(dataSizeAt - sectorAt[last]), 4), (uint)data);
        declared = data;
        long position = file.Position;
        for (int i = 0; i < sectorCount; i++)
        {
            file.Position = sectorAt[i];
            file.Write(sectors, i * Sector, Sector);
            SectorWrites++;
        }

        file.Position = position;
    }

    public void Disarm() => Armed = false;

    private static bool Id(byte[] b, int at, string id) =>
        b[at] == id[0] && b[at + 1] == id[1] && b[at + 2] == id[2] && b[at + 3] == id[3];
}
