using System.Text;

namespace Octomix.Protocol
{
    /// <summary>
    /// Take commands from the engineer: Stop (0x21), PlaybackStart (0x22), PlaybackStop (0x23).
    /// Stop ends the take's recording on the box (which then stays ready to serve its file);
    /// PlaybackStart tells the box to play the audio the engineer streams for that take
    /// (packets flagged <see cref="AudioFlags.Playback"/>), PlaybackStop ends it.
    /// <code>
    /// off size field
    ///  12    4 message id, u32
    ///  16    4 take id, u32
    ///  20    2 start delay, ms, u16 (PlaybackStart: buffer this long before playing; else 0)
    ///  22    2 reserved, 0
    /// </code>
    /// </summary>
    public sealed class TakeControlMessage : ControlMessage
    {
        public TakeControlMessage(MessageType type)
            : base(type)
        {
            if (type != MessageType.Stop && type != MessageType.PlaybackStart && type != MessageType.PlaybackStop)
            {
                throw new System.ArgumentException("not a take command type");
            }
        }

        public uint TakeId { get; set; }

        public int StartDelayMilliseconds { get; set; }

        protected override int FixedLength
        {
            get { return 24; }
        }

        protected override void WriteFields(byte[] b, int o)
        {
            WireFormat.WriteU32(b, o + 16, TakeId);
            WireFormat.WriteU16(b, o + 20, StartDelayMilliseconds);
            WireFormat.WriteU16(b, o + 22, 0);
        }

        protected override DecodeResult ReadFields(byte[] b, int o, int count)
        {
            TakeId = WireFormat.ReadU32(b, o + 16);
            StartDelayMilliseconds = WireFormat.ReadU16(b, o + 20);
            return ExactLength(count);
        }

        protected override void DescribeFields(StringBuilder text)
        {
            Line(text, "take", TakeId);
            Line(text, "startDelayMs", StartDelayMilliseconds);
        }
    }
}
