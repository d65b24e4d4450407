using System.Text;

namespace Octomix.Protocol
{
    /// <summary>
    /// Control messages that carry nothing but their message id: Leave (0x13) and Calibrate
    /// (0x27). Leave frees the sender's slot; Calibrate asks a box (destination slot) to measure
    /// its round-trip latency again.
    /// <code>
    /// off size field
    ///  12    4 message id, u32
    /// </code>
    /// </summary>
    public sealed class SimpleControlMessage : ControlMessage
    {
        public SimpleControlMessage(MessageType type)
            : base(type)
        {
            if (type != MessageType.Leave && type != MessageType.Calibrate)
            {
                throw new System.ArgumentException("not a message-id-only type");
            }
        }

        protected override int FixedLength
        {
            get { return 16; }
        }

        protected override void WriteFields(byte[] b, int o)
        {
        }

        protected override DecodeResult ReadFields(byte[] b, int o, int count)
        {
            return ExactLength(count);
        }

        protected override void DescribeFields(StringBuilder text)
        {
        }
    }
}
