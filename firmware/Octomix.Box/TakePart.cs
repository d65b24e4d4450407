namespace Octomix.Box
{
    /// <summary>What the box knows about one part file of a recorded take (for FileInfo and FileRequest).</summary>
    public sealed class TakePart
    {
        public uint TakeId;
        public int Part;
        public int PartCount;
        public string Path;

        /// <summary>Take index of the part's first frame.</summary>
        public long FirstSampleIndex;
        public uint Frames;
        public uint DataBytes;
        public uint DataOffset;
        public int LatencyFrames;
        public int SampleRate;
        public int Channels;

        /// <summary>A Protocol SampleFormat code.</summary>
        public byte Format;

        public bool ChecksumDone;
        public bool Damaged;
        public ulong ChecksumA;
        public ulong ChecksumB;

        /// <summary>Why the part is damaged (log text), or null.</summary>
        public string Problem;
    }
}
