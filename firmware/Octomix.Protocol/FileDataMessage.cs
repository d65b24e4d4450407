using System;
using System.Text;

namespace Octomix.Protocol
{
    /// <summary>
    /// FileData (0x03): a chunk of a take's audio data as stored on the box's SD card, in answer
    /// to a <see cref="FileRequestMessage"/>.
    /// <code>
    /// off size field
    ///  12    4 take id, u32
    ///  16    1 part
    ///  17    1 reserved, 0
    ///  18    2 data length n, u16 (1..1372)
    ///  20    4 offset in the part's audio data, u32
    ///  24    4 reserved, 0
    ///  28    n data
    /// </code>
    /// </summary>
    public sealed class FileDataMessage : Message
    {
        public const int HeaderLength = 28;
        public const int MaxData = ProtocolConstants.MaxDatagram - HeaderLength;

        public FileDataMessage()
            : base(MessageType.FileData)
        {
        }

        public uint TakeId { get; set; }

        public int Part { get; set; }

        public uint Offset { get; set; }

        public int DataLength { get; set; }

        /// <summary>After <see cref="Message.Read"/>: absolute offset of the data in the buffer read.</summary>
        public int DataOffset { get; private set; }

        public override int Length
        {
            get { return HeaderLength + DataLength; }
        }

        /// <summary>Writes the header only; the data is already at offset + 28 (read there straight from the file).</summary>
        public int WriteHeader(byte[] buffer, int offset)
        {
            if (DataLength < 1 || DataLength > MaxData || buffer == null || offset < 0 || offset + Length > buffer.Length)
            {
                throw new ArgumentException("file data chunk of " + DataLength + " bytes does not fit");
            }

            WriteHeader(buffer, offset, Type, Token, SourceSlot, DestinationSlot, Flags);
            WriteBody(buffer, offset);
            return Length;
        }

        protected override void WriteBody(byte[] b, int o)
        {
            if (DataLength < 1 || DataLength > MaxData)
            {
                throw new ArgumentException("file data chunk must be 1.." + MaxData + " bytes");
            }

            WireFormat.WriteU32(b, o + 12, TakeId);
            b[o + 16] = (byte)Part;
            b[o + 17] = 0;
            WireFormat.WriteU16(b, o + 18, DataLength);
            WireFormat.WriteU32(b, o + 20, Offset);
            WireFormat.WriteU32(b, o + 24, 0);
        }

        protected override DecodeResult ReadBody(byte[] b, int o, int count)
        {
            if (count < HeaderLength + 1)
            {
                return DecodeResult.TooShort;
            }

            TakeId = WireFormat.ReadU32(b, o + 12);
            Part = b[o + 16];
            DataLength = WireFormat.ReadU16(b, o + 18);
            Offset = WireFormat.ReadU32(b, o + 20);
            DataOffset = o + HeaderLength;
            if (DataLength < 1 || HeaderLength + DataLength != count)
            {
                return DecodeResult.BadLength;
            }

            return DecodeResult.Ok;
        }

        protected override void DescribeBody(StringBuilder text)
        {
            Line(text, "take", TakeId);
            Line(text, "part", Part);
            Line(text, "length", DataLength);
            Line(text, "offset", Offset);
        }
    }
}
