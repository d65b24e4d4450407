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
    /// Boot-time repair of recordings interrupted by a power cut: a file whose data chunk is last
    /// and whose sizes are stale gets sizes from its real length, in whole frames. Harmless on a
    /// good file (nothing is written), and it never touches a file it does not understand.
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
    }
}
