using System.Text;

namespace Octomix.Protocol
{
    /// <summary>
    /// FileInfo (0x26): what a box holds for a take part. The console collects the audio data
    /// (stream copy plus <see cref="FileRequestMessage"/> for the gaps) until its copy has
    /// <see cref="DataBytes"/> bytes with the same <see cref="TakeChecksum"/> (A and B).
    /// <code>
    /// off size field
    ///  12    4 message id (of the request), u32
    ///  16    4 take id, u32
    ///  20    1 part
    ///  21    1 part count
    ///  22    1 file status (FileStatus)
    ///  23    1 sample format (SampleFormat)
    ///  24    8 first sample index of the part, i64 (take timeline; the count-in is negative)
    ///  32    4 frames in the part, u32
    ///  36    4 audio data bytes of the part, u32
    ///  40    4 byte offset of the audio data in the file on the card, u32
    ///  44    4 round-trip latency L of the box for this take, samples, i32
    ///  48    8 checksum A (TakeChecksum), u64
    ///  56    8 checksum B (TakeChecksum), u64
    ///  64    4 sample rate, u32
    ///  68    1 channels
    ///  69    3 reserved, 0
    /// </code>
    /// </summary>
    public sealed class FileInfoMessage : ControlMessage
    {
        public FileInfoMessage()
            : base(MessageType.FileInfo)
        {
        }

        public uint TakeId { get; set; }

        public int Part { get; set; }

        public int PartCount { get; set; }

        public byte FileStatus { get; set; }

        public byte Format { get; set; }

        public long FirstSampleIndex { get; set; }

        public uint FrameCount { get; set; }

        public uint DataBytes { get; set; }

        public uint DataOffsetInFile { get; set; }

        public int LatencySamples { get; set; }

        public ulong ChecksumA { get; set; }

        public ulong ChecksumB { get; set; }

        public int SampleRate { get; set; }

        public int Channels { get; set; }

        protected override int FixedLength
        {
            get { return 72; }
        }

        protected override void WriteFields(byte[] b, int o)
        {
            WireFormat.WriteU32(b, o + 16, TakeId);
            b[o + 20] = (byte)Part;
            b[o + 21] = (byte)PartCount;
            b[o + 22] = FileStatus;
            b[o + 23] = Format;
            WireFormat.WriteI64(b, o + 24, FirstSampleIndex);
            WireFormat.WriteU32(b, o + 32, FrameCount);
            WireFormat.WriteU32(b, o + 36, DataBytes);
            WireFormat.WriteU32(b, o + 40, DataOffsetInFile);
            WireFormat.WriteI32(b, o + 44, LatencySamples);
            WireFormat.WriteU64(b, o + 48, ChecksumA);
            WireFormat.WriteU64(b, o + 56, ChecksumB);
            WireFormat.WriteU32(b, o + 64, (uint)SampleRate);
            b[o + 68] = (byte)Channels;
            b[o + 69] = 0;
            b[o + 70] = 0;
            b[o + 71] = 0;
        }

        protected override DecodeResult ReadFields(byte[] b, int o, int count)
        {
            TakeId = WireFormat.ReadU32(b, o + 16);
            Part = b[o + 20];
            PartCount = b[o + 21];
            FileStatus = b[o + 22];
            Format = b[o + 23];
            FirstSampleIndex = WireFormat.ReadI64(b, o + 24);
            FrameCount = WireFormat.ReadU32(b, o + 32);
            DataBytes = WireFormat.ReadU32(b, o + 36);
            DataOffsetInFile = WireFormat.ReadU32(b, o + 40);
            LatencySamples = WireFormat.ReadI32(b, o + 44);
            ChecksumA = WireFormat.ReadU64(b, o + 48);
            ChecksumB = WireFormat.ReadU64(b, o + 56);
            SampleRate = (int)WireFormat.ReadU32(b, o + 64);
            Channels = b[o + 68];
            if (FileStatus == Protocol.FileStatus.Ready)
            {
                int frameBytes = Channels * SampleFormats.BytesPerSample(Format);
                if (frameBytes == 0 || (ulong)FrameCount * (ulong)frameBytes != DataBytes || Part >= PartCount)
                {
                    return DecodeResult.BadField;
                }
            }

            return ExactLength(count);
        }

        protected override void DescribeFields(StringBuilder text)
        {
            Line(text, "take", TakeId);
            Line(text, "part", Part);
            Line(text, "parts", PartCount);
            Line(text, "status", FileStatus);
            Line(text, "format", Format);
            Line(text, "firstSample", FirstSampleIndex);
            Line(text, "frames", FrameCount);
            Line(text, "dataBytes", DataBytes);
            Line(text, "dataOffset", DataOffsetInFile);
            Line(text, "latency", LatencySamples);
            Line(text, "checksumA", "0x" + Hex64(ChecksumA));
            Line(text, "checksumB", "0x" + Hex64(ChecksumB));
            Line(text, "rate", SampleRate);
            Line(text, "channels", Channels);
        }
    }

    /// <summary>Values of <see cref="FileInfoMessage.FileStatus"/>.</summary>
    public static class FileStatus
    {
        /// <summary>Complete; sizes and checksum are final.</summary>
        public const byte Ready = 0;
        /// <summary>The box is still computing the checksum: ask again shortly.</summary>
        public const byte Computing = 1;
        /// <summary>The box has no such take or part.</summary>
        public const byte NoSuchTake = 2;
        /// <summary>The take is still being recorded.</summary>
        public const byte Recording = 3;
        /// <summary>The file exists but could not be read completely (card error).</summary>
        public const byte Damaged = 4;

        public static string Describe(int status)
        {
            switch (status)
            {
                case Ready: return "ready";
                case Computing: return "computing checksum";
                case NoSuchTake: return "no such take";
                case Recording: return "still recording";
                case Damaged: return "damaged";
                default: return "status " + status;
            }
        }
    }
}
