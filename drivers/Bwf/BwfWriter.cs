using System;
using System.IO;
using Octomix.Hal;

namespace Octomix.Drivers.Bwf
{
    /// <summary>
    /// Records a take as Broadcast Wave files on an <see cref="IStorage"/> (the SD card), the way
    /// field recorders do: fixed-size metadata before an aligned data chunk
    /// (<see cref="BwfLayout"/>), header sizes rewritten and the file flushed every
    /// <see cref="BwfWriterOptions.HeaderUpdateIntervalFrames"/> (so a power cut loses at most that
    /// much, and <see cref="BwfRepair"/> fixes the rest on the next boot), and a split into a next
    /// part file before <see cref="BwfWriterOptions.MaxFileBytes"/> with no frame lost.
    /// <para>
    /// <see cref="Write"/> in steady state passes the caller's buffer straight to the card:
    /// no allocation, no per-sample work; once per interval it seeks back and writes two 4-byte
    /// sizes, then Flush (FatFs f_sync). One owner (the recorder) calls it.
    /// </para>
    /// <para>
    /// Part files: part 0 is the given path, part k is "name-pNN.ext" (<see cref="PartPath"/>);
    /// each part is a complete BWF whose TimeReference is the take's plus the frames before it.
    /// </para>
    /// </summary>
    public sealed class BwfWriter : IDisposable
    {
        private readonly IStorage _storage;
        private readonly string _basePath;
        private readonly BwfMetadata _metadata;
        private readonly int _frameBytes;
        private readonly int _updateInterval;
        private readonly long _maxDataBytes;
        private readonly byte[] _header = new byte[BwfLayout.DataOffset];
        private readonly byte[] _field = new byte[4];

        private readonly int _appendWriteBytes;
        private IStorageFile _file;
        private IAppendFile _append;
        private bool _hasDigest;
        private ulong _digestA;
        private ulong _digestB;
        private long _digestLength;
        private string _currentPath;
        private int _partCount;
        private long _framesBeforePart;
        private long _dataBytes;          // audio bytes in the current part
        private long _flushedDataBytes;   // audio bytes of the current part at its last Flush (f_sync)
        private int _framesSinceUpdate;
        private bool _closed;
        private string _failure;

        /// <summary>
        /// Creates the file (part 0), writes the full header and flushes it, so the file exists on
        /// the card from the start. Invalid metadata or options throw ArgumentException before the
        /// card is touched; a card that refuses the file throws <see cref="BwfWriteException"/>.
        /// </summary>
        public BwfWriter(IStorage storage, string path, BwfMetadata metadata, BwfWriterOptions options)
        {
            if (storage == null) throw new ArgumentNullException("storage");
            if (path == null || path.Length == 0) throw new ArgumentException("path must not be empty", "path");
            if (metadata == null) throw new ArgumentNullException("metadata");
            if (options == null) options = new BwfWriterOptions();
            metadata.Validate();

            _frameBytes = metadata.Format.FrameBytes;
            _updateInterval = options.HeaderUpdateIntervalFrames == 0 ? metadata.Format.SampleRate : options.HeaderUpdateIntervalFrames;
            if (_updateInterval < 1)
                throw new ArgumentException("HeaderUpdateIntervalFrames must be positive (0 = one second), not " + options.HeaderUpdateIntervalFrames, "options");
            if (options.MaxFileBytes > BwfWriterOptions.Fat32MaxFileBytes || options.MaxFileBytes < BwfLayout.DataOffset + _frameBytes + 1)
                throw new ArgumentException("MaxFileBytes must be between " + (BwfLayout.DataOffset + _frameBytes + 1) + " (header + one frame) and "
                    + BwfWriterOptions.Fat32MaxFileBytes + " (FAT32), not " + options.MaxFileBytes, "options");
            // Whole frames, and one byte kept free for the RIFF pad byte of an odd data size.
            _maxDataBytes = (options.MaxFileBytes - BwfLayout.DataOffset - 1) / _frameBytes * _frameBytes;

            if (options.AppendWriteBytes < 0 || options.AppendWriteBytes % 512 != 0)
                throw new ArgumentException("AppendWriteBytes must be 0 or a positive multiple of 512, not " + options.AppendWriteBytes, "options");
            IAppendStorage appendStorage = storage as IAppendStorage;
            _appendWriteBytes = appendStorage != null && appendStorage.AppendAvailable ? options.AppendWriteBytes : 0;

            _storage = storage;
            _basePath = path;
            _metadata = metadata;
            // Check the iXML of the longest part name now, so a split can never fail on metadata.
            BwfHeader.Build(_header, metadata, long.MaxValue, PartUid(99));
            OpenPart(0);
        }

        /// <summary>Byte offset of the first audio byte in every file written (4096: sector and cluster aligned).</summary>
        public static int DataOffset { get { return BwfLayout.DataOffset; } }

        /// <summary>Frames written to the card so far, all parts together.</summary>
        public long FramesWritten { get { return _framesBeforePart + _dataBytes / _frameBytes; } }

        /// <summary>
        /// Audio bytes of the part being written that are on the card for sure: through the native
        /// writer, what its task has synced (<see cref="IAppendFile.SyncedLength"/> past the header);
        /// otherwise the data size at the last header rewrite and Flush (f_sync, once per
        /// <see cref="BwfWriterOptions.HeaderUpdateIntervalFrames"/>). A reader may fetch these while
        /// the take goes on (progressive collection); 0 when closed. No allocation, no card call.
        /// </summary>
        public long DurableDataBytes
        {
            get
            {
                if (_closed || _file == null) return 0;
                if (_append == null) return _flushedDataBytes;
                long synced = _append.SyncedLength - BwfLayout.DataOffset;
                if (synced < 0) return 0;
                return synced < _dataBytes ? synced : _dataBytes;
            }
        }

        /// <summary>The native writer's file of the part being written (null on the managed path or when closed): what a reader holds the card with.</summary>
        public IAppendFile AppendFile { get { return _closed ? null : _append; } }

        /// <summary>Number of part files created.</summary>
        public int PartCount { get { return _partCount; } }

        /// <summary>The part file being written.</summary>
        public string CurrentPath { get { return _currentPath; } }

        public bool IsClosed { get { return _closed; } }

        /// <summary>True when the audio goes through the board's native writer task (<see cref="BwfWriterOptions.AppendWriteBytes"/>).</summary>
        public bool IsAppending { get { return _appendWriteBytes > 0; } }

        /// <summary>
        /// True after a <see cref="Close"/> without error of a one-part take appended through the
        /// native writer: <see cref="DigestA"/>/<see cref="DigestB"/> are the take digest of the audio
        /// data (TakeChecksum's pair) as the task wrote it, over <see cref="DigestLength"/> bytes.
        /// </summary>
        public bool HasDigest { get { return _hasDigest; } }

        public ulong DigestA { get { return _digestA; } }

        public ulong DigestB { get { return _digestB; } }

        public long DigestLength { get { return _digestLength; } }

        /// <summary>
        /// Name of part <paramref name="partIndex"/>: part 0 is <paramref name="path"/>; part k is
        /// the same name with "-pNN" before the extension ("takes/t0001-a.wav" → "takes/t0001-a-p01.wav").
        /// </summary>
        public static string PartPath(string path, int partIndex)
        {
            if (path == null) throw new ArgumentNullException("path");
            if (partIndex < 0 || partIndex > 99) throw new ArgumentOutOfRangeException("partIndex", "part index " + partIndex + " is outside 0..99");
            if (partIndex == 0) return path;
            int slash = path.LastIndexOf('/');
            int dot = path.LastIndexOf('.');
            string suffix = "-p" + (partIndex < 10 ? "0" : "") + partIndex;
            if (dot <= slash + 1) return path + suffix;
            return path.Substring(0, dot) + suffix + path.Substring(dot);
        }

        /// <summary>
        /// Appends whole frames. Passes the buffer to the card as is; every HeaderUpdateInterval
        /// frames rewrites the two sizes and flushes. Splits into the next part before MaxFileBytes
        /// (the buffer may be cut between frames there). A card error leaves the file valid and
        /// throws <see cref="BwfWriteException"/>; the writer is closed after that.
        /// </summary>
        public void Write(byte[] buffer, int offset, int count)
        {
            if (_closed)
                throw new ObjectDisposedException("BwfWriter for " + _currentPath + " is closed" + (_failure != null ? " after a write failure: " + _failure : ""));
            if (buffer == null) throw new ArgumentNullException("buffer");
            if (offset < 0 || count < 0 || (long)offset + count > buffer.Length)
                throw new ArgumentOutOfRangeException("count", "offset " + offset + " + count " + count + " is outside the buffer of " + buffer.Length + " bytes");
            if (count % _frameBytes != 0)
                throw new ArgumentException("count " + count + " is not a whole number of " + _frameBytes + "-byte frames", "count");

            while (count > 0)
            {
                if (_dataBytes == _maxDataBytes) NextPart();
                long room = _maxDataBytes - _dataBytes;
                int n = room < count ? (int)room : count;
                try
                {
                    _file.Write(buffer, offset, n);
                }
                catch (IOException ex)
                {
                    // the native writer fails a whole piece (a full card: less room than a piece)
                    Fail(ex, _append != null && _appendWriteBytes > n ? _appendWriteBytes : n);
                }
                _dataBytes += n;
                offset += n;
                count -= n;
                _framesSinceUpdate += n / _frameBytes;
            }

            if (_framesSinceUpdate >= _updateInterval && _append == null)
            {
                try
                {
                    WriteSizes(false);
                    _file.Flush();
                    _flushedDataBytes = _dataBytes;
                }
                catch (IOException ex)
                {
                    Fail(ex, 0);
                }
                _framesSinceUpdate = 0;
            }
        }

        /// <summary>Writes the final sizes (and the pad byte of an odd data size), flushes and closes. Idempotent.</summary>
        public void Close()
        {
            if (_closed) return;
            _closed = true;
            if (_file == null) return;
            try
            {
                if (_append != null)
                {
                    // drains the ring; the digest is the audio's, before the pad byte and the sizes
                    _file.Flush();
                    if (_partCount == 1 && _append.DigestLength == _dataBytes)
                    {
                        _digestA = _append.DigestA;
                        _digestB = _append.DigestB;
                        _digestLength = _append.DigestLength;
                        _hasDigest = true;
                    }
                }

                WriteSizes(true);
                _file.Flush();
            }
            catch (IOException ex)
            {
                _hasDigest = false;
                _failure = ex.Message;
                throw new BwfWriteException("closing " + _currentPath + " failed: " + ex.Message, _currentPath, IsFull(1), FramesWritten, ex);
            }
            finally
            {
                _file.Dispose();
                _file = null;
                _append = null;
            }
        }

        public void Dispose()
        {
            Close();
        }

        private void OpenPart(int index)
        {
            _currentPath = PartPath(_basePath, index);
            if (index > 0) BwfHeader.Build(_header, _metadata, _metadata.TimeReference + _framesBeforePart, PartUid(index));
            else BwfHeader.Build(_header, _metadata, _metadata.TimeReference, _metadata.FileUid);
            try
            {
                if (_appendWriteBytes > 0)
                {
                    long syncBytes = (long)_updateInterval * _frameBytes;
                    _append = ((IAppendStorage)_storage).OpenAppend(_currentPath, _appendWriteBytes, syncBytes > int.MaxValue ? int.MaxValue : (int)syncBytes);
                    _file = _append;
                }
                else
                {
                    _file = _storage.Open(_currentPath, FileOpenMode.Create);
                }

                _file.Write(_header, 0, _header.Length);
                _file.Flush();
                if (_append != null) _append.ResetDigest();
            }
            catch (IOException ex)
            {
                _closed = true;
                _failure = ex.Message;
                if (_file != null) { _file.Dispose(); _file = null; }
                _append = null;
                bool full = IsFull(_header.Length);
                throw new BwfWriteException((full ? "SD card full: " : "") + "cannot create " + _currentPath + ": " + ex.Message,
                    _currentPath, full, FramesWritten, ex);
            }
            _partCount = index + 1;
            _dataBytes = 0;
            _flushedDataBytes = 0;
            _framesSinceUpdate = 0;
        }

        private void NextPart()
        {
            try
            {
                WriteSizes(true);
                _file.Flush();
            }
            catch (IOException ex)
            {
                Fail(ex, 0);
            }
            _file.Dispose();
            _file = null;
            _append = null;
            _framesBeforePart += _dataBytes / _frameBytes;
            _dataBytes = 0;
            OpenPart(_partCount);
        }

        private string PartUid(int index)
        {
            if (index == 0) return _metadata.FileUid;
            return _metadata.FileUid + "-p" + (index < 10 ? "0" : "") + index;
        }

        /// <summary>Seek + two 4-byte writes; <paramref name="final"/> also writes the pad byte of an odd data size.</summary>
        private void WriteSizes(bool final)
        {
            long end = BwfLayout.DataOffset + _dataBytes;
            if (final && (_dataBytes & 1) != 0)
            {
                _file.Position = end;
                _field[0] = 0;
                _file.Write(_field, 0, 1);
                end++;
            }
            LittleEndian.PutUInt32(_field, 0, end - 8);
            _file.Position = BwfLayout.RiffSizeOffset;
            _file.Write(_field, 0, 4);
            LittleEndian.PutUInt32(_field, 0, _dataBytes);
            _file.Position = BwfLayout.DataSizeOffset;
            _file.Write(_field, 0, 4);
            _file.Position = end;
        }

        /// <summary>
        /// A write failed: set the sizes to the whole frames really in the file, flush, close and
        /// throw. Nothing the card holds is lost; the caller learns how much is safe.
        /// </summary>
        private void Fail(IOException ex, int attempted)
        {
            string path = _currentPath;
            bool full = IsFull(attempted);
            _failure = ex.Message;
            _closed = true;
            try
            {
                long onCard = _file.Length - BwfLayout.DataOffset;
                if (onCard < 0) onCard = 0;
                long have = onCard < _dataBytes + attempted ? onCard : _dataBytes + attempted;
                _dataBytes = have / _frameBytes * _frameBytes;
                WriteSizes(false);
                _file.Flush();
            }
            catch (IOException)
            {
                // The card no longer takes even the header: the last flushed state stands and
                // BwfRepair fixes the sizes on the next boot.
            }
            finally
            {
                _file.Dispose();
                _file = null;
                _append = null;
            }
            throw new BwfWriteException((full ? "SD card full while writing " : "writing ") + path + " failed after "
                + FramesWritten + " frames: " + ex.Message, path, full, FramesWritten, ex);
        }

        private bool IsFull(int attempted)
        {
            long free;
            try { free = _storage.FreeBytes; }
            catch (IOException) { return false; }
            return free >= 0 && free < (attempted > 0 ? attempted : 1);
        }
    }
}
