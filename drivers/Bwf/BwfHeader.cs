using System;

namespace Octomix.Drivers.Bwf
{
    /// <summary>
    /// Builds the 4096 header bytes of one file (RIFF, JUNK, fmt, bext, iXML, JUNK filler, data
    /// header). One-time work per file: strings and loops are fine here, never in Write.
    /// </summary>
    internal static class BwfHeader
    {
        /// <summary>Fills <paramref name="h"/> (DataOffset bytes) for a file whose first frame is at <paramref name="timeReference"/>.</summary>
        public static void Build(byte[] h, BwfMetadata md, long timeReference, string fileUid)
        {
            Array.Clear(h, 0, h.Length);
            var f = md.Format;

            LittleEndian.PutId(h, 0, "RIFF");
            LittleEndian.PutUInt32(h, 4, BwfLayout.DataOffset - 8); // no audio yet
            LittleEndian.PutId(h, 8, "WAVE");

            // JUNK reserved for ds64: a writer that passes 4 GiB could turn it into RF64 in place.
            LittleEndian.PutId(h, BwfLayout.Ds64ReserveOffset, "JUNK");
            LittleEndian.PutUInt32(h, BwfLayout.Ds64ReserveOffset + 4, BwfLayout.Ds64ReserveSize);

            int p = BwfLayout.FmtOffset;
            LittleEndian.PutId(h, p, "fmt ");
            LittleEndian.PutUInt32(h, p + 4, 16);
            LittleEndian.PutUInt16(h, p + 8, 1); // WAVE_FORMAT_PCM, never EXTENSIBLE (24-in-32 breaks readers)
            LittleEndian.PutUInt16(h, p + 10, f.Channels);
            LittleEndian.PutUInt32(h, p + 12, f.SampleRate);
            LittleEndian.PutUInt32(h, p + 16, f.ByteRate);
            LittleEndian.PutUInt16(h, p + 20, f.FrameBytes);
            LittleEndian.PutUInt16(h, p + 22, f.BitsPerSample);

            // bext v2 (EBU Tech 3285).
            string history = md.CodingHistoryText();
            int historyBytes = md.CodingHistoryBytes();
            p = BwfLayout.BextOffset;
            LittleEndian.PutId(h, p, "bext");
            LittleEndian.PutUInt32(h, p + 4, BwfLayout.BextFixedSize + historyBytes);
            int b = p + 8;
            Utf8.PutAsciiField(md.Description, h, b + 0, 256);
            Utf8.PutAsciiField(md.Originator, h, b + 256, 32);
            Utf8.PutAsciiField(md.OriginatorReference, h, b + 288, 32);
            Utf8.PutAsciiField(md.OriginationDate, h, b + 320, 10);
            Utf8.PutAsciiField(md.OriginationTime, h, b + 330, 8);
            LittleEndian.PutUInt32(h, b + 338, timeReference & 0xFFFFFFFFL);
            LittleEndian.PutUInt32(h, b + 342, (timeReference >> 32) & 0xFFFFFFFFL);
            LittleEndian.PutUInt16(h, b + 346, 2);
            // UMID (64 bytes) stays zero. Loudness fields: 0x7FFF = "not measured" (the box does not
            // measure loudness); 0 would claim 0 LUFS.
            for (int i = 0; i < 5; i++) LittleEndian.PutUInt16(h, b + 412 + 2 * i, 0x7FFF);
            Utf8.PutAsciiField(history, h, b + BwfLayout.BextFixedSize, historyBytes);

            p = b + BwfLayout.BextFixedSize + historyBytes;
            LittleEndian.PutId(h, p, "iXML");
            LittleEndian.PutUInt32(h, p + 4, BwfLayout.IxmlSize);
            int xmlStart = p + 8;
            int xmlEnd = WriteIxml(h, xmlStart, md, timeReference, fileUid);
            for (int i = xmlEnd; i < xmlStart + BwfLayout.IxmlSize; i++) h[i] = (byte)' ';

            // Filler so that the data chunk lands at the fixed offset whatever the CodingHistory length.
            p = xmlStart + BwfLayout.IxmlSize;
            LittleEndian.PutId(h, p, "JUNK");
            LittleEndian.PutUInt32(h, p + 4, BwfLayout.DataHeaderOffset - p - 8);

            LittleEndian.PutId(h, BwfLayout.DataHeaderOffset, "data");
            LittleEndian.PutUInt32(h, BwfLayout.DataSizeOffset, 0);
        }

        /// <summary>Bytes the iXML text of <paramref name="md"/> needs (checked against IxmlSize before writing).</summary>
        public static int IxmlBytes(BwfMetadata md, long timeReference, string fileUid)
        {
            return Utf8.ByteCount(IxmlText(md, timeReference, fileUid));
        }

        private static int WriteIxml(byte[] h, int pos, BwfMetadata md, long timeReference, string fileUid)
        {
            string xml = IxmlText(md, timeReference, fileUid);
            if (Utf8.ByteCount(xml) > BwfLayout.IxmlSize)
                throw new ArgumentException("the iXML text needs " + Utf8.ByteCount(xml) + " bytes; at most "
                    + BwfLayout.IxmlSize + " fit (shorten the track names, project, scene or take)");
            return Utf8.Encode(xml, h, pos);
        }

        private static string IxmlText(BwfMetadata md, long timeReference, string fileUid)
        {
            var f = md.Format;
            string rate = "" + f.SampleRate;
            string s = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<BWFXML>\n"
                + Element("IXML_VERSION", "2.10")
                + Element("PROJECT", md.Project)
                + Element("SCENE", md.Scene)
                + Element("TAKE", md.Take)
                + Element("TAPE", md.Tape)
                + Element("FILE_UID", fileUid)
                + Element("NOTE", md.Description)
                + "<SPEED>\n"
                + Element("MASTER_SPEED", md.TimecodeRate)
                + Element("CURRENT_SPEED", md.TimecodeRate)
                + Element("TIMECODE_RATE", md.TimecodeRate)
                + Element("TIMECODE_FLAG", md.TimecodeFlag)
                + Element("FILE_SAMPLE_RATE", rate)
                + Element("AUDIO_BIT_DEPTH", "" + f.BitsPerSample)
                + Element("DIGITIZER_SAMPLE_RATE", rate)
                + Element("TIMESTAMP_SAMPLES_SINCE_MIDNIGHT_HI", "" + ((timeReference >> 32) & 0xFFFFFFFFL))
                + Element("TIMESTAMP_SAMPLES_SINCE_MIDNIGHT_LO", "" + (timeReference & 0xFFFFFFFFL))
                + Element("TIMESTAMP_SAMPLE_RATE", rate)
                + "</SPEED>\n<TRACK_LIST>\n"
                + Element("TRACK_COUNT", "" + f.Channels);
            for (int i = 0; i < f.Channels; i++)
            {
                s = s + "<TRACK>\n" + Element("CHANNEL_INDEX", "" + (i + 1)) + Element("INTERLEAVE_INDEX", "" + (i + 1))
                    + Element("NAME", md.TrackName(i)) + "</TRACK>\n";
            }
            return s + "</TRACK_LIST>\n</BWFXML>\n";
        }

        private static string Element(string name, string value)
        {
            return "<" + name + ">" + Escape(value) + "</" + name + ">\n";
        }

        private static string Escape(string s)
        {
            bool plain = true;
            for (int i = 0; i < s.Length; i++)
            {
                char c = s[i];
                if (c == '&' || c == '<' || c == '>' || c < ' ') { plain = false; break; }
            }
            if (plain) return s;
            string r = "";
            for (int i = 0; i < s.Length; i++)
            {
                char c = s[i];
                if (c == '&') r += "&amp;";
                else if (c == '<') r += "&lt;";
                else if (c == '>') r += "&gt;";
                else if (c < ' ') r += " "; // control characters are not allowed in XML 1.0
                else r += c;
            }
            return r;
        }
    }
}
