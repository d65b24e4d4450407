namespace Octomix.Protocol
{
    /// <summary>
    /// A message delivered reliably: it carries a message id at offset 12 (per sender, increasing;
    /// a retry keeps its id), the receiver acknowledges it (with an <see cref="AckMessage"/> or the
    /// reply the message asks for) and handles a repeated id without doing the work twice
    /// (<see cref="DuplicateFilter"/>). See <see cref="ReliableSender"/>.
    /// </summary>
    public abstract class ControlMessage : Message
    {
        protected ControlMessage(MessageType type)
            : base(type)
        {
        }

        public uint MessageId { get; set; }

        /// <summary>Length of the fixed part of the body after the message id (bytes 16..).</summary>
        protected abstract int FixedLength { get; }

        public override int Length
        {
            get { return FixedLength + VariableLength; }
        }

        /// <summary>Bytes of variable-length fields (strings) after the fixed part.</summary>
        protected virtual int VariableLength
        {
            get { return 0; }
        }

        /// <summary>Message id of a control datagram without decoding it.</summary>
        public static uint ReadMessageId(byte[] buffer, int offset)
        {
            return WireFormat.ReadU32(buffer, offset + 12);
        }

        protected override void WriteBody(byte[] b, int o)
        {
            WireFormat.WriteU32(b, o + 12, MessageId);
            WriteFields(b, o);
        }

        protected override DecodeResult ReadBody(byte[] b, int o, int count)
        {
            if (count < FixedLength)
            {
                return DecodeResult.TooShort;
            }

            MessageId = WireFormat.ReadU32(b, o + 12);
            return ReadFields(b, o, count);
        }

        protected override void DescribeBody(System.Text.StringBuilder text)
        {
            Line(text, "message", MessageId);
            DescribeFields(text);
        }

        /// <summary>Writes fields from offset 16 on.</summary>
        protected abstract void WriteFields(byte[] b, int o);

        /// <summary>Reads fields from offset 16 on; count is at least <see cref="FixedLength"/>.</summary>
        protected abstract DecodeResult ReadFields(byte[] b, int o, int count);

        protected abstract void DescribeFields(System.Text.StringBuilder text);

        /// <summary>For messages with no variable part: the length must be exactly the fixed length.</summary>
        protected DecodeResult ExactLength(int count)
        {
            return count == FixedLength ? DecodeResult.Ok : DecodeResult.BadLength;
        }
    }
}
