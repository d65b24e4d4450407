using System;
using Octomix.Drivers.Bwf;
using Octomix.Hal;
using Octomix.Protocol;

namespace Octomix.Box
{
    /// <summary>What happened to a block handed to <see cref="Recorder.Write"/>.</summary>
    public enum RecordResult
    {
        Ok = 0,
        /// <summary>The card is full: the file was closed with valid sizes; stop the take.</summary>
        CardFull = 1,
        /// <summary>The card failed otherwise: the file was closed with valid sizes; stop the take.</summary>
        CardError = 2,
        /// <summary>No take is open (the block was not for a file).</summary>
        NotRecording = 3,
    }

    /// <summary>
    /// Writes a take to the card as Broadcast Wave through <see cref="BwfWriter"/> (which makes
    /// the file crash-safe every second and splits it before the FAT32 limit). Its own job is the
    /// take's identity — file name, bext/iXML metadata with the take's timeline and L — the
    /// journal that lets the next boot repair a file a power cut left open, and turning a card
    /// failure into a clean stop instead of an exception in the audio loop.
    /// </summary>
    public sealed class Recorder
    {
        public const string Directory = "takes";

        /// <summary>Names the file being recorded, so a boot after a power cut knows what to repair.</summary>
        public const string JournalPath = "takes/recording.txt";

        /// <summary>One 32 KB cluster (the SD Association's FAT32 format for 32 GB cards): the native writer's card write.</summary>
        public const int DefaultCardWriteBytes = 32768;

        public const int MaxCardWriteBytes = 65536;

        private readonly IStorage card;
        private readonly PcmFormat format;
        private readonly byte[] journalBytes = new byte[128];
        private readonly TakeChecksum digest = new TakeChecksum();
        private BwfWriter writer;
        private bool digesting;
        private bool nativeDigest;

        public Recorder(IStorage card, PcmFormat format)
        {
            this.card = card;
            this.format = format;
        }

        public bool IsOpen
        {
            get { return writer != null; }
        }

        /// <summary>Path of part 0 of the current or last take.</summary>
        public string Path { get; private set; }

        public uint TakeId { get; private set; }

        /// <summary>Frames safely written (all parts) of the current or last take.</summary>
        public long FramesWritten { get; private set; }

        public int PartCount { get; private set; }

        /// <summary>Why the last take ended early, in words (null when it did not).</summary>
        public string LastError { get; private set; }

        /// <summary>
        /// Setting <c>digest_while_recording</c>: sum the take checksum over the audio as it is
        /// written, so the take is ready at Stop instead of after a pass over the file. Costs the
        /// checksum's per-word work in every block (docs/device-budget.md §6a).
        /// </summary>
        public bool DigestWhileRecording { get; set; }

        /// <summary>
        /// Setting <c>card_write_bytes</c>: when the card is an <see cref="IAppendStorage"/> (a board
        /// with the native take writer), the take's audio goes through it in card writes of this
        /// size and its digest comes from the writer (ready at Stop, no managed per-word work);
        /// 0 = every block is written by the audio loop (docs/recording-path.md).
        /// </summary>
        public int CardWriteBytes { get; set; } = DefaultCardWriteBytes;

        /// <summary>True while (or after) a take whose audio the board's native writer appends.</summary>
        public bool IsAppending { get; private set; }

        /// <summary>The checksum of the audio data written (valid when <see cref="HasDigest"/>).</summary>
        public TakeChecksum Digest
        {
            get { return digest; }
        }

        /// <summary>True when the last take was closed whole, in one part, with its digest summed as written.</summary>
        public bool HasDigest
        {
            get { return (digesting || nativeDigest) && writer == null && LastError == null && PartCount == 1; }
        }

        /// <summary>"takes/take-000012.wav": part 0 of take <paramref name="takeId"/>.</summary>
        public static string TakePath(uint takeId)
        {
            string digits = takeId.ToString();
            while (digits.Length < 6)
            {
                digits = "0" + digits;
            }

            return Directory + "/take-" + digits + ".wav";
        }

        /// <summary>
        /// The machine-readable part of the bext Description: the timeline of the file, so a box
        /// (after a reboot) or anybody else can tell where the file sits without the console.
        /// </summary>
        public static string Describe(TakeTimeline t)
        {
            return "octomix take=" + t.TakeId + " first=" + t.FirstSampleIndex + " latency=" + t.LatencyFrames
                + " origin=" + t.OriginSamples + " rate=" + t.SampleRate;
        }

        /// <summary>The number after "<paramref name="key"/>=" in a description, or <paramref name="missing"/>.</summary>
        public static long DescriptionValue(string description, string key, long missing)
        {
            if (description == null)
            {
                return missing;
            }

            string token = key + "=";
            int at = description.IndexOf(token);
            if (at < 0 || (at > 0 && description[at - 1] != ' '))
            {
                return missing;
            }

            int p = at + token.Length;
            int end = p;
            if (end < description.Length && description[end] == '-')
            {
                end++;
            }

            while (end < description.Length && description[end] >= '0' && description[end] <= '9')
            {
                end++;
            }

            long value;
            return end > p && long.TryParse(description.Substring(p, end - p), out value) ? value : missing;
        }

        /// <summary>
        /// Opens the take's file (a blocking card operation: do it during the start delay). Throws
        /// (BwfWriteException, IOException) when the card refuses it; nothing is left open then.
        /// </summary>
        public void Start(TakeTimeline timeline, string project, string scene, string track, string boxName, ulong boxId, DateTime utcNow)
        {
            if (writer != null)
            {
                throw new InvalidOperationException("a take is already being recorded");
            }

            BwfMetadata md = new BwfMetadata(format);
            md.Description = Describe(timeline);
            md.Originator = Ascii("Octomix " + boxName, BwfMetadata.OriginatorMax);
            md.OriginatorReference = Ascii(Hex(boxId) + "-" + timeline.TakeId, BwfMetadata.OriginatorReferenceMax);
            if (utcNow.Year >= 2020)
            {
                md.OriginationDate = Two(utcNow.Year / 100) + Two(utcNow.Year % 100) + "-" + Two(utcNow.Month) + "-" + Two(utcNow.Day);
                md.OriginationTime = Two(utcNow.Hour) + ":" + Two(utcNow.Minute) + ":" + Two(utcNow.Second);
            }

            md.TimeReference = timeline.TimeReference;
            md.Project = project ?? string.Empty;
            md.Scene = scene ?? string.Empty;
            md.Take = timeline.TakeId.ToString();
            md.Tape = boxName ?? string.Empty;
            string name = track != null && track.Length > 0 ? track : boxName;
            string[] tracks = new string[format.Channels];
            for (int i = 0; i < tracks.Length; i++)
            {
                tracks[i] = i == 0 ? name : name + " " + (i + 1);
            }

            md.TrackNames = tracks;
            md.FileUid = "OCTOMIX-" + Hex(boxId) + "-" + timeline.TakeId;

            BwfWriterOptions options = new BwfWriterOptions();
            options.HeaderUpdateIntervalFrames = format.SampleRate; // flush every second: a power cut loses at most 1 s
            options.AppendWriteBytes = CardWriteBytes;
            card.CreateDirectory(Directory);
            string path = TakePath(timeline.TakeId);
            WriteJournal(path);
            writer = new BwfWriter(card, path, md, options);
            Path = path;
            TakeId = timeline.TakeId;
            FramesWritten = 0;
            PartCount = 1;
            LastError = null;
            digest.Reset();
            IsAppending = writer.IsAppending;
            nativeDigest = false;
            digesting = DigestWhileRecording && !IsAppending;
        }

        /// <summary>Appends one block. Never throws: a card failure closes the file (valid sizes) and is returned.</summary>
        public RecordResult Write(byte[] block, int offset, int count)
        {
            if (writer == null)
            {
                return RecordResult.NotRecording;
            }

            try
            {
                writer.Write(block, offset, count);
                if (digesting)
                {
                    digest.Update(block, offset, count);
                }

                return RecordResult.Ok;
            }
            catch (BwfWriteException e)
            {
                FramesWritten = e.FramesWritten;
                PartCount = writer.PartCount;
                LastError = e.Message;
                writer = null;
                ClearJournal();
                return e.IsStorageFull ? RecordResult.CardFull : RecordResult.CardError;
            }
            catch (Exception e)
            {
                LastError = e.Message;
                Abandon();
                return RecordResult.CardError;
            }
        }

        /// <summary>Writes the final sizes and closes (idempotent). Returns false when the card failed while closing.</summary>
        public bool Close()
        {
            if (writer == null)
            {
                return LastError == null;
            }

            try
            {
                writer.Close();
                FramesWritten = writer.FramesWritten;
                PartCount = writer.PartCount;
                if (writer.HasDigest)
                {
                    digest.Set(writer.DigestA, writer.DigestB, writer.DigestLength);
                    nativeDigest = true;
                }

                writer = null;
                ClearJournal();
                return true;
            }
            catch (Exception e)
            {
                LastError = e.Message;
                Abandon();
                return false;
            }
        }

        /// <summary>
        /// Audio bytes of the open take's current part (<see cref="CurrentPart"/>) that are on the
        /// card for sure (synced by the native writer, or flushed with the header): what may be
        /// served while the take goes on. 0 when no take is open.
        /// </summary>
        public long DurableDataBytes
        {
            get { return writer != null ? writer.DurableDataBytes : 0; }
        }

        /// <summary>The native take writer's file of the part being written (null on a stock image or with no take open): a read of the loop's holds the card through it.</summary>
        public IAppendFile AppendFile
        {
            get { return writer != null ? writer.AppendFile : null; }
        }

        /// <summary>The part being written of the open take (0 before a split).</summary>
        public int CurrentPart
        {
            get { return writer != null ? writer.PartCount - 1 : 0; }
        }

        /// <summary>Path of the part being written (null when no take is open).</summary>
        public string CurrentPath
        {
            get { return writer != null ? writer.CurrentPath : null; }
        }

        /// <summary>Frames written so far of the open take (without asking the card).</summary>
        public long FramesSoFar
        {
            get { return writer != null ? writer.FramesWritten : FramesWritten; }
        }

        /// <summary>
        /// Boot-time repair: if the journal names a take, the previous run stopped while recording
        /// it (power cut); each of its parts gets its header sizes fixed. Returns one log line per
        /// part (empty when there was nothing to do). Never throws.
        /// </summary>
        public static string[] RepairAfterPowerCut(IStorage card)
        {
            try
            {
                if (!card.IsMounted || !card.Exists(JournalPath))
                {
                    return new string[0];
                }

                string path = ReadJournal(card);
                string[] lines = new string[8];
                int n = 0;
                if (path != null && path.Length > 0)
                {
                    for (int part = 0; part < 100; part++)
                    {
                        string p = BwfWriter.PartPath(path, part);
                        if (!card.Exists(p))
                        {
                            break;
                        }

                        BwfRepairResult r = BwfRepair.Repair(card, p);
                        if (n == lines.Length)
                        {
                            string[] more = new string[lines.Length * 2];
                            Array.Copy(lines, more, n);
                            lines = more;
                        }

                        lines[n++] = "repair " + p + ": " + r.Message;
                    }
                }

                card.Delete(JournalPath);
                string[] result = new string[n];
                Array.Copy(lines, result, n);
                return result;
            }
            catch (Exception e)
            {
                return new string[] { "repair after power cut failed: " + e.Message };
            }
        }

        private void Abandon()
        {
            try
            {
                if (writer != null)
                {
                    writer.Dispose();
                }
            }
            catch (Exception)
            {
                // the card is failing; the journal stays so the next boot repairs the file
            }

            writer = null;
        }

        private void WriteJournal(string path)
        {
            int n = System.Text.Encoding.UTF8.GetBytes(path, 0, path.Length, journalBytes, 0);
            IStorageFile f = card.Open(JournalPath, FileOpenMode.Create);
            try
            {
                f.Write(journalBytes, 0, n);
                f.Flush();
            }
            finally
            {
                f.Dispose();
            }
        }

        private void ClearJournal()
        {
            try
            {
                card.Delete(JournalPath);
            }
            catch (Exception)
            {
                // a stale journal only makes the next boot check a good file (harmless)
            }
        }

        private static string ReadJournal(IStorage card)
        {
            IStorageFile f = card.Open(JournalPath, FileOpenMode.OpenRead);
            try
            {
                byte[] b = new byte[256];
                int n = f.Read(b, 0, b.Length);
                return n > 0 ? System.Text.Encoding.UTF8.GetString(b, 0, n).Trim() : null;
            }
            finally
            {
                f.Dispose();
            }
        }

        private static string Ascii(string s, int max)
        {
            char[] c = new char[s.Length < max ? s.Length : max];
            for (int i = 0; i < c.Length; i++)
            {
                char ch = s[i];
                c[i] = ch >= ' ' && ch < (char)127 ? ch : '_';
            }

            return new string(c);
        }

        private static string Two(int v)
        {
            return v < 10 ? "0" + v : v.ToString();
        }

        private static string Hex(ulong v)
        {
            const string digits = "0123456789abcdef";
            char[] c = new char[16];
            for (int i = 15; i >= 0; i--)
            {
                c[i] = digits[(int)(v & 15)];
                v >>= 4;
            }

            return new string(c);
        }
    }
}
