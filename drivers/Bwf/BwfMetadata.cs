using System;
using Octomix.Hal;

namespace Octomix.Drivers.Bwf
{
    /// <summary>
    /// What a take file says about itself: the bext fields (EBU Tech 3285 v2) and the iXML fields
    /// that field recorders write. Set the properties before creating a <see cref="BwfWriter"/>;
    /// the writer checks them (<see cref="Validate"/>) and builds the header once per file.
    /// bext text is ASCII (other characters are written as '?'); the iXML copy is UTF-8.
    /// </summary>
    public sealed class BwfMetadata
    {
        public const int DescriptionMax = 256;
        public const int OriginatorMax = 32;
        public const int OriginatorReferenceMax = 32;
        /// <summary>Bytes reserved for CodingHistory (after CR/LF are added and the size made even).</summary>
        public const int CodingHistoryMax = 256;

        public BwfMetadata(PcmFormat format)
        {
            if (format == null) throw new ArgumentNullException("format");
            Format = format;
            Description = "";
            Originator = "Octomix";
            OriginatorReference = "";
            OriginationDate = "";
            OriginationTime = "";
            Project = "";
            Scene = "";
            Take = "";
            Tape = "";
            FileUid = "";
            TimecodeRate = "25/1";
            TimecodeFlag = "NDF";
            CodingHistory = "A=PCM,F=" + format.SampleRate + ",W=" + format.BitsPerSample + ",M="
                + (format.Channels == 1 ? "mono" : format.Channels == 2 ? "stereo" : "multitrack") + ",T=Octomix";
        }

        /// <summary>The PCM format of the audio (fmt chunk).</summary>
        public PcmFormat Format { get; private set; }

        /// <summary>bext Description (up to 256 ASCII characters; ffprobe shows it as "comment").</summary>
        public string Description { get; set; }
        /// <summary>bext Originator (up to 32; ffprobe "encoded_by").</summary>
        public string Originator { get; set; }
        /// <summary>bext OriginatorReference (up to 32): a unique reference of the file.</summary>
        public string OriginatorReference { get; set; }
        /// <summary>bext OriginationDate "yyyy-mm-dd", or "" when the box has no wall clock yet.</summary>
        public string OriginationDate { get; set; }
        /// <summary>bext OriginationTime "hh:mm:ss", or "".</summary>
        public string OriginationTime { get; set; }
        /// <summary>Samples since midnight of the first sample of the file (bext TimeReference, iXML TIMESTAMP_*).</summary>
        public long TimeReference { get; set; }
        public string Project { get; set; }
        public string Scene { get; set; }
        public string Take { get; set; }
        public string Tape { get; set; }
        /// <summary>One name per channel (iXML TRACK_LIST); null = "Track 1".."Track n".</summary>
        public string[] TrackNames { get; set; }
        /// <summary>iXML TIMECODE_RATE, e.g. "25/1", "30000/1001".</summary>
        public string TimecodeRate { get; set; }
        /// <summary>iXML TIMECODE_FLAG: "NDF" or "DF".</summary>
        public string TimecodeFlag { get; set; }
        /// <summary>iXML FILE_UID of part 0 (later parts append "-p01"...).</summary>
        public string FileUid { get; set; }
        /// <summary>bext CodingHistory: one or more lines; CR/LF is appended to each line.</summary>
        public string CodingHistory { get; set; }

        /// <summary>Throws ArgumentException naming the first field that cannot be written.</summary>
        public void Validate()
        {
            CheckLength(Description, DescriptionMax, "Description");
            CheckLength(Originator, OriginatorMax, "Originator");
            CheckLength(OriginatorReference, OriginatorReferenceMax, "OriginatorReference");
            if (!IsDate(OriginationDate)) throw new ArgumentException("OriginationDate must be \"yyyy-mm-dd\" or empty, not \"" + OriginationDate + "\"", "OriginationDate");
            if (!IsTime(OriginationTime)) throw new ArgumentException("OriginationTime must be \"hh:mm:ss\" or empty, not \"" + OriginationTime + "\"", "OriginationTime");
            if (TimeReference < 0) throw new ArgumentException("TimeReference must not be negative, not " + TimeReference, "TimeReference");
            if (TrackNames != null && TrackNames.Length != Format.Channels)
                throw new ArgumentException("TrackNames has " + TrackNames.Length + " names for " + Format.Channels + " channels", "TrackNames");
            if (TrackNames != null)
                for (int i = 0; i < TrackNames.Length; i++)
                    if (TrackNames[i] == null) throw new ArgumentException("TrackNames[" + i + "] is null", "TrackNames");
            if (Project == null || Scene == null || Take == null || Tape == null || FileUid == null || TimecodeRate == null || TimecodeFlag == null)
                throw new ArgumentException("Project, Scene, Take, Tape, FileUid, TimecodeRate and TimecodeFlag must not be null (use \"\")");
            if (CodingHistory == null) throw new ArgumentException("CodingHistory must not be null (use \"\")", "CodingHistory");
            if (CodingHistoryBytes() > CodingHistoryMax)
                throw new ArgumentException("CodingHistory needs " + CodingHistoryBytes() + " bytes with CR/LF; at most " + CodingHistoryMax + " fit", "CodingHistory");
        }

        /// <summary>Name of track <paramref name="i"/> (0-based).</summary>
        public string TrackName(int i)
        {
            return TrackNames != null ? TrackNames[i] : "Track " + (i + 1);
        }

        /// <summary>CodingHistory as stored: each line ends with CR/LF, total padded to even with a NUL.</summary>
        internal int CodingHistoryBytes()
        {
            int n = CodingHistoryText().Length;
            return (n + 1) & ~1;
        }

        internal string CodingHistoryText()
        {
            if (CodingHistory.Length == 0) return "";
            string s = CodingHistory;
            // Normalise line ends to CR/LF and end the last line.
            string result = "";
            int start = 0;
            for (int i = 0; i <= s.Length; i++)
            {
                if (i == s.Length || s[i] == '\n' || s[i] == '\r')
                {
                    if (i > start) result = result + s.Substring(start, i - start) + "\r\n";
                    if (i < s.Length - 1 && s[i] == '\r' && s[i + 1] == '\n') i++;
                    start = i + 1;
                }
            }
            return result;
        }

        private static void CheckLength(string s, int max, string name)
        {
            if (s == null) throw new ArgumentException(name + " must not be null (use \"\")", name);
            if (s.Length > max) throw new ArgumentException(name + " has " + s.Length + " characters; bext allows " + max, name);
        }

        private static bool IsDate(string s)
        {
            if (s == null) return false;
            if (s.Length == 0) return true;
            return s.Length == 10 && Digits(s, 0, 4) && s[4] == '-' && Digits(s, 5, 2) && s[7] == '-' && Digits(s, 8, 2);
        }

        private static bool IsTime(string s)
        {
            if (s == null) return false;
            if (s.Length == 0) return true;
            return s.Length == 8 && Digits(s, 0, 2) && s[2] == ':' && Digits(s, 3, 2) && s[5] == ':' && Digits(s, 6, 2);
        }

        private static bool Digits(string s, int start, int count)
        {
            for (int i = start; i < start + count; i++) if (s[i] < '0' || s[i] > '9') return false;
            return true;
        }
    }
}
