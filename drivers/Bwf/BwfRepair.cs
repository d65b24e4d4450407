using System;
using Octomix.Hal;

namespace Octomix.Drivers.Bwf
{
    /// <summary>What <see cref="BwfRepair.Repair"/> found.</summary>
    public enum BwfRepairStatus
    {
        /// <summary>The header sizes match the audio in the file: nothing written.</summary>
        Healthy = 0,
        /// <summary>Stale sizes (power cut) were replaced by the real amount of whole frames.</summary>
        Repaired = 1,
        /// <summary>Zero bytes on the card (power cut before the header was flushed): nothing to recover.</summary>
        Empty = 2,
        /// <summary>Not a RIFF/WAVE file this code can repair; left untouched (see Message).</summary>
        NotRepairable = 3,
        /// <summary>No such file.</summary>
        Missing = 4,
    }

    public sealed class BwfRepairResult
    {
        public string Path;
        public BwfRepairStatus Status;
        /// <summary>The data size field before the repair.</summary>
        public long DeclaredDataBytes;
        /// <summary>Whole frames of audio really in the file (the size after the repair).</summary>
        public long ActualDataBytes;
        public long Frames;
        /// <summary>One sentence for the log.</summary>
        public string Message;
    }

    /// <summary>
    /// Boot-time repair of recordings interrupted by a power cut. Two kinds of take file:
    /// <list type="bullet">
    /// <item>the header carries <see cref="BwfLayout.SyncedSizesMark"/> (the native take writer,
    /// which sets the sizes to what it synced before each f_sync): the sizes are the truth and the
    /// length is not — FatFs's f_expand set it to the whole preallocation, stale card content after
    /// the audio — so the file is cut at the declared end (whole frames, pad byte). If the file is
    /// shorter than its header says (no preallocation, a cut between the header rewrite and the
    /// f_sync), the length rule below applies;</item>
    /// <item>otherwise (the stock image: FileStream f_syncs after every write, the header lags by up
    /// to one update interval of real audio) a file whose data chunk is last and whose sizes are
    /// stale gets sizes from its real length, in whole frames.</item>
    /// </list>
    /// Harmless on a good file (nothing is written), and it never touches a file it does not understand.
    /// </summary>
    public static class BwfRepair
    {
        public static BwfRepairResult Repair(IStorage storage, string path)
        {
            if (storage == null) throw new ArgumentNullException("storage");
            if (path == null) throw new ArgumentNullException("path");
            var r = new BwfRepairResult();
            r.Path = path;
            if (!storage.Exists(path))
            {
                r.Status = BwfRepairStatus.Missing;
                r.Message = path + ": no such file";
                return r;
            }
            using (IStorageFile file = storage.Open(path, FileOpenMode.OpenReadWrite))
            {
                if (file.Length == 0)
                {
                    r.Status = BwfRepairStatus.Empty;
                    r.Message = path + ": empty (the power went off before anything was flushed); nothing to recover";
                    return r;
                }
                BwfInfo info;
                try
                {
                    info = BwfReader.Read(file, path);
                }
                catch (BwfFormatException ex)
                {
                    r.Status = BwfRepairStatus.NotRepairable;
                    r.Message = ex.Message + "; left untouched";
                    return r;
                }
                r.DeclaredDataBytes = info.DataBytesDeclared;
                r.ActualDataBytes = info.DataBytesByLength;
                r.Frames = info.FramesByLength;
                if (info.IsRf64)
                {
                    r.Status = BwfRepairStatus.NotRepairable;
                    r.Message = path + ": RF64 files are not repaired here; left untouched";
                    return r;
                }

                long declaredEnd = info.DataOffset + info.DataBytesDeclared;
                if (declaredEnd <= info.FileLength && HasSyncedSizesMark(file))
                {
                    return TrustSizes(file, info, r);
                }

                long dataEnd = info.DataOffset + info.DataBytesByLength;
                bool padPresent = (info.DataBytesByLength & 1) != 0 && info.FileLength > dataEnd;
                long riff = dataEnd + (padPresent ? 1 : 0) - 8;
                if (!info.DataIsLastChunk)
                {
                    r.Status = BwfRepairStatus.Healthy;
                    r.Message = path + ": chunks follow the audio; sizes left as they are (" + info.FramesByLength + " frames)";
                    return r;
                }
                if (info.DataBytesDeclared == info.DataBytesByLength && info.RiffSizeDeclared == riff)
                {
                    r.Status = BwfRepairStatus.Healthy;
                    r.Message = path + ": healthy, " + info.FramesByLength + " frames";
                    return r;
                }

                byte[] field = new byte[4];
                LittleEndian.PutUInt32(field, 0, riff);
                file.Position = BwfLayout.RiffSizeOffset;
                file.Write(field, 0, 4);
                LittleEndian.PutUInt32(field, 0, info.DataBytesByLength);
                file.Position = info.DataOffset - 4;
                file.Write(field, 0, 4);
                file.Flush();
                r.Status = BwfRepairStatus.Repaired;
                r.Message = path + ": repaired, the header said " + info.DataBytesDeclared + " audio bytes, the card holds "
                    + info.DataBytesByLength + " (" + info.FramesByLength + " frames)";
                return r;
            }
        }

        /// <summary>
        /// A file whose header follows the syncs: the declared whole frames stay, the RIFF size
        /// matches them, and the file is cut after them (with the pad byte of an odd size).
        /// </summary>
        private static BwfRepairResult TrustSizes(IStorageFile file, BwfInfo info, BwfRepairResult r)
        {
            long data = info.DataBytesDeclared / info.BlockAlign * info.BlockAlign;
            long end = info.DataOffset + data;
            if ((data & 1) != 0 && end < info.FileLength)
            {
                end++;
            }

            r.ActualDataBytes = data;
            r.Frames = data / info.BlockAlign;
            if (data == info.DataBytesDeclared && info.RiffSizeDeclared == end - 8 && info.FileLength == end)
            {
                r.Status = BwfRepairStatus.Healthy;
                r.Message = r.Path + ": healthy, " + r.Frames + " frames";
                return r;
            }

            byte[] field = new byte[4];
            if (info.RiffSizeDeclared != end - 8)
            {
                LittleEndian.PutUInt32(field, 0, end - 8);
                file.Position = BwfLayout.RiffSizeOffset;
                file.Write(field, 0, 4);
            }

            if (data != info.DataBytesDeclared)
            {
                LittleEndian.PutUInt32(field, 0, data);
                file.Position = info.DataOffset - 4;
                file.Write(field, 0, 4);
            }

            file.Flush();
            ITruncatableFile cut = file as ITruncatableFile;
            bool truncated = info.FileLength == end || (cut != null && cut.Truncate(end));
            r.Status = BwfRepairStatus.Repaired;
            r.Message = r.Path + ": repaired, the header's synced sizes kept (" + r.Frames + " frames); "
                + (info.FileLength == end ? "the length matched"
                    : truncated ? "the file cut from " + info.FileLength + " to " + end + " bytes (the rest of its preallocation)"
                    : "the file could not be cut: " + (info.FileLength - end) + " stale bytes follow the audio");
            return r;
        }

        /// <summary>True when the first JUNK chunk's body starts with <see cref="BwfLayout.SyncedSizesMark"/> (the native writer's durable header).</summary>
        private static bool HasSyncedSizesMark(IStorageFile file)
        {
            string mark = BwfLayout.SyncedSizesMark;
            byte[] b = new byte[8 + mark.Length];
            if (BwfReader.ReadAt(file, BwfLayout.Ds64ReserveOffset, b, b.Length) < b.Length || !LittleEndian.IsId(b, 0, "JUNK"))
            {
                return false;
            }

            for (int i = 0; i < mark.Length; i++)
            {
                if (b[8 + i] != (byte)mark[i])
                {
                    return false;
                }
            }

            return true;
        }
    }
}
