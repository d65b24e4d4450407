namespace Octomix.Drivers.Bwf
{
    /// <summary>What <see cref="BwfReader.Read"/> found in a RIFF/WAVE file.</summary>
    public sealed class BwfInfo
    {
        public string Path;
        public long FileLength;
        /// <summary>True for an RF64 file (sizes from its ds64 chunk).</summary>
        public bool IsRf64;
        /// <summary>The RIFF size field as found (file length - 8 when correct).</summary>
        public long RiffSizeDeclared;

        public int FormatTag;
        public int Channels;
        public int SampleRate;
        public int BitsPerSample;
        public int BlockAlign;
        public int ByteRate;

        /// <summary>Offset of the first audio byte.</summary>
        public long DataOffset;
        /// <summary>The data chunk's size field.</summary>
        public long DataBytesDeclared;
        /// <summary>Whole frames of audio that are really in the file after DataOffset (up to the declared size when chunks follow the data).</summary>
        public long DataBytesByLength;
        /// <summary>True when no valid chunk follows the audio (the usual layout, and the one a recorder appends to).</summary>
        public bool DataIsLastChunk;

        public bool HasBext;
        public string Description = "";
        public string Originator = "";
        public string OriginatorReference = "";
        public string OriginationDate = "";
        public string OriginationTime = "";
        public long TimeReference;
        public int BextVersion;
        public string CodingHistory = "";

        /// <summary>The iXML text (trailing padding removed), or null when there is none.</summary>
        public string IXml;

        /// <summary>Frames according to the header.</summary>
        public long FramesDeclared { get { return BlockAlign > 0 ? DataBytesDeclared / BlockAlign : 0; } }

        /// <summary>Frames really in the file.</summary>
        public long FramesByLength { get { return BlockAlign > 0 ? DataBytesByLength / BlockAlign : 0; } }
    }
}
