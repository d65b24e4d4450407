using System;
using Octomix.Hal;

namespace Octomix.Drivers.Bwf
{
    /// <summary>
    /// Reads the structure and metadata of any RIFF/WAVE (and RF64) file: format, where the audio
    /// is and how much there is (declared and really present), bext fields and the iXML text.
    /// A file it cannot understand throws <see cref="BwfFormatException"/> with the reason.
    /// Allocates (strings, buffers): for boot-time repair and the console, not for the audio loop.
    /// </summary>
    public static class BwfReader
    {
        public static BwfInfo Read(IStorage storage, string path)
        {
            if (storage == null) throw new ArgumentNullException("storage");
            if (path == null) throw new ArgumentNullException("path");
            using (IStorageFile file = storage.Open(path, FileOpenMode.OpenRead))
            {
                return Read(file, path);
            }
        }

        internal static BwfInfo Read(IStorageFile file, string path)
        {
            var info = new BwfInfo();
            info.Path = path;
            info.FileLength = file.Length;
            byte[] h = new byte[12];
            if (info.FileLength < 12 || ReadAt(file, 0, h, 12) < 12)
                throw new BwfFormatException(path + ": not a WAVE file: " + info.FileLength + " bytes is shorter than a RIFF header");
            bool rf64 = LittleEndian.IsId(h, 0, "RF64");
            if (!LittleEndian.IsId(h, 0, "RIFF") && !rf64)
                throw new BwfFormatException(path + ": not a RIFF file: it starts with '" + LittleEndian.Id(h, 0) + "', not 'RIFF' or 'RF64'");
            if (!LittleEndian.IsId(h, 8, "WAVE"))
                throw new BwfFormatException(path + ": a RIFF file but not WAVE (form type '" + LittleEndian.Id(h, 8) + "')");
            info.IsRf64 = rf64;
            info.RiffSizeDeclared = LittleEndian.UInt32(h, 4);

            long ds64Data = -1;
            bool haveFmt = false, haveData = false;
            long pos = 12;
            byte[] ch = new byte[8];
            while (pos + 8 <= info.FileLength)
            {
                if (ReadAt(file, pos, ch, 8) < 8) break;
                long size = LittleEndian.UInt32(ch, 4);
                long body = pos + 8;
                if (LittleEndian.IsId(ch, 0, "data"))
                {
                    if (rf64 && size == 0xFFFFFFFFL && ds64Data >= 0) size = ds64Data;
                    haveData = true;
                    info.DataOffset = body;
                    info.DataBytesDeclared = size;
                    long end = body + size + (size & 1);
                    info.DataIsLastChunk = end >= info.FileLength || !ValidChunksFollow(file, end, info.FileLength);
                    long available = info.DataIsLastChunk ? info.FileLength - body : size;
                    if (available > size && !info.DataIsLastChunk) available = size;
                    info.DataBytesByLength = available;
                    if (info.DataIsLastChunk) break;
                    pos = end;
                    continue;
                }
                if (body + size > info.FileLength)
                    throw new BwfFormatException(path + ": chunk '" + LittleEndian.Id(ch, 0) + "' at offset " + pos + " claims " + size
                        + " bytes but the file ends at " + info.FileLength);
                if (LittleEndian.IsId(ch, 0, "fmt "))
                {
                    if (size < 16) throw new BwfFormatException(path + ": fmt chunk of " + size + " bytes is too short (16 needed)");
                    byte[] f = new byte[16];
                    ReadAt(file, body, f, 16);
                    info.FormatTag = LittleEndian.UInt16(f, 0);
                    info.Channels = LittleEndian.UInt16(f, 2);
                    info.SampleRate = (int)LittleEndian.UInt32(f, 4);
                    info.ByteRate = (int)LittleEndian.UInt32(f, 8);
                    info.BlockAlign = LittleEndian.UInt16(f, 12);
                    info.BitsPerSample = LittleEndian.UInt16(f, 14);
                    haveFmt = true;
                }
                else if (LittleEndian.IsId(ch, 0, "bext") && size >= BwfLayout.BextFixedSize)
                {
                    int n = size > 65536 ? 65536 : (int)size;
                    byte[] b = new byte[n];
                    ReadAt(file, body, b, n);
                    info.HasBext = true;
                    info.Description = Utf8.AsciiField(b, 0, 256);
                    info.Originator = Utf8.AsciiField(b, 256, 32);
                    info.OriginatorReference = Utf8.AsciiField(b, 288, 32);
                    info.OriginationDate = Utf8.AsciiField(b, 320, 10);
                    info.OriginationTime = Utf8.AsciiField(b, 330, 8);
                    info.TimeReference = LittleEndian.UInt64(b, 338);
                    info.BextVersion = LittleEndian.UInt16(b, 346);
                    info.CodingHistory = Utf8.AsciiField(b, BwfLayout.BextFixedSize, n - BwfLayout.BextFixedSize);
                }
                else if (LittleEndian.IsId(ch, 0, "iXML"))
                {
                    int n = size > 262144 ? 262144 : (int)size;
                    byte[] x = new byte[n];
                    ReadAt(file, body, x, n);
                    while (n > 0 && (x[n - 1] == ' ' || x[n - 1] == 0 || x[n - 1] == '\n' || x[n - 1] == '\r')) n--;
                    info.IXml = Utf8.Decode(x, 0, n);
                }
                else if (LittleEndian.IsId(ch, 0, "ds64") && size >= 24)
                {
                    byte[] d = new byte[24];
                    ReadAt(file, body, d, 24);
                    ds64Data = LittleEndian.UInt64(d, 8);
                    info.RiffSizeDeclared = LittleEndian.UInt64(d, 0);
                }
                pos = body + size + (size & 1);
            }
            if (!haveFmt) throw new BwfFormatException(path + ": no fmt chunk before the end of the file");
            if (!haveData) throw new BwfFormatException(path + ": no data chunk (the file holds no audio)");
            if (info.BlockAlign <= 0) throw new BwfFormatException(path + ": fmt says 0 bytes per frame");
            info.DataBytesByLength = info.DataBytesByLength / info.BlockAlign * info.BlockAlign;
            return info;
        }

        /// <summary>
        /// True when the bytes at <paramref name="pos"/> are a chain of chunk headers whose sizes
        /// fit the file up to its end (a LIST after the data, say); false for audio garbage.
        /// </summary>
        private static bool ValidChunksFollow(IStorageFile file, long pos, long length)
        {
            byte[] c = new byte[8];
            int guard = 0;
            while (pos < length)
            {
                if (pos + 8 > length || guard++ > 64) return false;
                ReadAt(file, pos, c, 8);
                for (int i = 0; i < 4; i++) if (c[i] < 32 || c[i] > 126) return false;
                long size = LittleEndian.UInt32(c, 4);
                long next = pos + 8 + size + (size & 1);
                if (next > length + 1) return false; // a missing final pad byte is tolerated
                pos = next;
            }
            return true;
        }

        internal static int ReadAt(IStorageFile file, long pos, byte[] buffer, int count)
        {
            file.Position = pos;
            int total = 0;
            while (total < count)
            {
                int n = file.Read(buffer, total, count - total);
                if (n <= 0) break;
                total += n;
            }
            return total;
        }
    }
}
