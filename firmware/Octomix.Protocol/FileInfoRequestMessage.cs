using System.Text;

namespace Octomix.Protocol
{
    /// <summary>
    /// FileInfoRequest (0x25): the engineer asks a box what it recorded for a take part: sizes,
    /// first sample, latency and the checksum of the audio data. Answered by
    /// <see cref="FileInfoMessage"/> with the same message id.
    /// <code>
    /// off size field
    ///  12    4 message id, u32
    ///  16    4 take id, u32
    ///  20    1 part
    ///  21    3 reserved, 0
    /// </code>
    /// </summary>
    public sealed class FileInfoRequestMessage : ControlMessage
    {
        public FileInfoRequestMessage()
            : base(MessageType.FileInfoRequest)
        {
        }

        public uint TakeId { get; set; }

        public int Part { get; set; }

        protected override int FixedLength
        {
            get { return 24; }
        }

        protected override void WriteFields(byte[] b, int o)
        {
            WireFormat.WriteU32(b, o + 16, TakeId);
            b[o + 20] = (byte)Part;
            b[o + 21] = 0;
            b[o + 22] = 0;
            b[o + 23] = 0;
        }

        protected override DecodeResult ReadFields(byte[] b, int o, int count)
        {
            TakeId = WireFormat.ReadU32(b, o + 16);
            Part = b[o + 20];
            return ExactLength(count);
        }

        protected override void DescribeFields(StringBuilder text)
        {
            Line(text, "take", TakeId);
            Line(text, "part", Part);
        }
    }
}
