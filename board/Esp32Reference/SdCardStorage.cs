using System;
using System.IO;
using nanoFramework.System.IO.FileSystem;
using Octomix.Hal;

namespace Octomix.Board.Esp32Reference
{
    /// <summary>
    /// <see cref="IStorage"/> on the microSD card: the ESP32's SDMMC host in 1-bit mode (CLK 14,
    /// CMD 15, D0 2), FAT mounted by the firmware as drive D:. Files go through
    /// System.IO.FileStream / File / Directory; card paths are mapped by <see cref="CardPath"/>.
    /// </summary>
    /// <remarks>
    /// Slot index 0, not 1: since nf-interpreter's December 2024 SD rework (still so in July
    /// 2026) the index selects row 0 or 1 of the firmware's SDMMC pin table, where only row 0 has
    /// pins (14/15/2/4/12/13) on the ESP32, and it also picks the drive letter ('D' + index). Slot
    /// 0 is therefore SDMMC1 on the IO_MUX pins, mounted at D:\; slot 1 has no pins and would
    /// mount at E:\.
    ///
    /// No <c>Configuration.SetPinFunction</c> for the SD signals: on the ESP32 the SDMMC host
    /// reaches the card only through its IO_MUX pins (<see cref="PinMap.SdClock"/>,
    /// <see cref="PinMap.SdCommand"/>, <see cref="PinMap.SdData0"/>), which are the firmware's
    /// defaults, and the firmware refuses SDMMC pin functions on this chip (it maps them only on
    /// the S3 and P4), so calling it would throw.
    /// </remarks>
    public sealed class SdCardStorage : IStorage
    {
        public const uint MmcSlotIndex = 0;
        public const string Root = "D:\\";

        private readonly ILog _log;
        private SDCard _card;
        private string _lastFailure;

        public SdCardStorage(ILog log)
        {
            _log = log;
        }

        public bool IsMounted { get { return _card != null && _card.IsMounted; } }

        /// <summary>
        /// Mounts the card. When the firmware already has a card mounted, one directory read checks
        /// that it still answers (there is no card-detect pin: a card pulled out and pushed back
        /// leaves a stale mount whose every access fails); if it does not, the card is unmounted
        /// and mounted again. A failure is logged once until the next success, since a box waiting
        /// for a card calls this every second.
        /// </summary>
        public bool Mount()
        {
            try
            {
                if (_card == null)
                {
                    // Reserves the pins; throws when they are taken or the firmware has no SDMMC.
                    _card = new SDCard(new SDCardMmcParameters { slotIndex = MmcSlotIndex, dataWidth = SDCard.SDDataWidth._1_bit });
                }

                if (_card.IsMounted)
                {
                    if (Answers()) return true;
                    _card.Unmount();
                }

                _card.Mount();
                if (_card.IsMounted)
                {
                    _lastFailure = null;
                    return true;
                }

                LogFailure("the card did not mount");
                return false;
            }
            catch (Exception e)
            {
                LogFailure(e.GetType().Name + ": " + e.Message);
                return false;
            }
        }

        private static bool Answers()
        {
            try
            {
                Directory.GetFiles(Root);
                return true;
            }
            catch (Exception)
            {
                return false;
            }
        }

        private void LogFailure(string why)
        {
            if (why == _lastFailure) return;
            _lastFailure = why;
            _log.Write(LogLevel.Error, "sd: no usable card (" + why + ")");
        }

        /// <summary>
        /// Always -1: nanoFramework 1.17's file system API has no free-space query (DriveInfo
        /// offers TotalSize only). Callers tell a full card from a broken one by the failing write.
        /// </summary>
        public long FreeBytes { get { return -1; } }

        public bool Exists(string path)
        {
            string full = CardPath.ToDrivePath(Root, path);
            return File.Exists(full) || Directory.Exists(full);
        }

        /// <summary>Deletes a file, or an empty directory; nothing when the path does not exist.</summary>
        public void Delete(string path)
        {
            string full = CardPath.ToDrivePath(Root, path);
            if (File.Exists(full))
            {
                File.Delete(full);
            }
            else if (Directory.Exists(full))
            {
                Directory.Delete(full);
            }
        }

        public void CreateDirectory(string path)
        {
            string full = CardPath.ToDrivePath(Root, path);
            if (full == Root || Directory.Exists(full)) return;
            // Parents first, one level at a time: FatFs's mkdir creates a single level.
            int next = Root.Length;
            while (next < full.Length)
            {
                int slash = full.IndexOf('\\', next);
                string level = slash < 0 ? full : full.Substring(0, slash);
                if (!Directory.Exists(level)) Directory.CreateDirectory(level);
                next = slash < 0 ? full.Length : slash + 1;
            }
        }

        public string[] ListFiles(string directory)
        {
            string full = CardPath.ToDrivePath(Root, directory);
            if (!Directory.Exists(full)) return new string[0];
            string[] files = Directory.GetFiles(full);
            string[] names = new string[files.Length];
            for (int i = 0; i < files.Length; i++) names[i] = CardPath.NameOf(files[i]);
            return names;
        }

        public IStorageFile Open(string path, FileOpenMode mode)
        {
            string full = CardPath.ToDrivePath(Root, path);
            if (full == Root) throw new ArgumentException("the card root is not a file", "path");
            FileStream stream;
            switch (mode)
            {
                case FileOpenMode.Create:
                    stream = new FileStream(full, FileMode.Create, FileAccess.ReadWrite);
                    break;
                case FileOpenMode.OpenReadWrite:
                    stream = new FileStream(full, FileMode.Open, FileAccess.ReadWrite);
                    break;
                case FileOpenMode.OpenRead:
                    stream = new FileStream(full, FileMode.Open, FileAccess.Read);
                    break;
                default:
                    throw new ArgumentOutOfRangeException("mode", "unknown FileOpenMode " + (int)mode);
            }

            return new SdCardFile(stream);
        }
    }
}
