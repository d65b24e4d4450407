using System.Text;

namespace Octomix.Protocol
{
    /// <summary>
    /// FileRequest (0x04): the engineer asks a box for a byte range of a recorded take's audio
    /// data (offsets count from the first audio byte of the part, not from the file start).
    /// The box answers with <see cref="FileDataMessage"/>s of at most
    /// <see cref="FileDataMessage.MaxData"/> bytes each. Unreliable: the engineer asks again for
    /// what did not arrive.
    /// <code>
    /// off size field
    ///  12    4 take id, u32
    ///  16    1 part (0.. for takes split at the FAT32 size limit)
    ///  17    3 reserved, 0
    ///  20    4 offset in the part's audio data, u32
    ///  24    4 length, u32 (1..65536)
    /// </code>
    /// </summary>
    public sealed class FileRequestMessage : Message
    {
        public const int FixedLength = 28;
        public const int MaxRequestBytes = 65536;

        public FileRequestMessage()
            : base(MessageType.FileRequest)
        {
        }

        public uint TakeId { get; set; }

        public int Part { get; set; }

        public uint Offset { get; set; }

        public int RequestLength { get; set; }

        public override int Length
        {
            get { return FixedLength; }
        }

        protected override void WriteBody(byte[] b, int o)
        {
            WireFormat.WriteU32(b, o + 12, TakeId);
            b[o + 16] = (byte)Part;
            b[o + 17] = 0;
            b[o + 18] = 0;
            b[o + 19] = 0;
            WireFormat.WriteU32(b, o + 20, Offset);
            WireFormat.WriteU32(b, o + 24, (uint)RequestLength);
        }

        protected override DecodeResult ReadBody(byte[] b, int o, int count)
        {
            if (count != FixedLength)
            {
                return count < FixedLength ? DecodeResult.TooShort : DecodeResult.BadLength;
            }

            TakeId = WireFormat.ReadU32(b, o + 12);
            Part = b[o + 16];
            Offset = WireFormat.ReadU32(b, o + 20);
            uint length = WireFormat.ReadU32(b, o + 24);
            if (length == 0 || length > MaxRequestBytes)
            {
                return DecodeResult.BadField;
            }

            RequestLength = (int)length;
            return DecodeResult.Ok;
        }

        protected override void DescribeBody(StringBuilder text)
        {
            Line(text, "take", TakeId);
            Line(text, "part", Part);
            Line(text, "offset", Offset);
            Line(text, "length", RequestLength);
        }
    }
}
