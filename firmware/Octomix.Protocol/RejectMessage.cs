using System.Text;

namespace Octomix.Protocol
{
    /// <summary>
    /// Reject (0x12): the server's answer to a Join that gets no slot, with the reason.
    /// <code>
    /// off size field
    ///  12    4 message id (of the Join), u32
    ///  16    1 reason (RejectReason)
    ///  17    1 reserved, 0
    ///  18    2 retry after, ms, u16 (0 = do not retry automatically)
    /// </code>
    /// </summary>
    public sealed class RejectMessage : ControlMessage
    {
        public RejectMessage()
            : base(MessageType.Reject)
        {
            SourceSlot = Slot.Server;
        }

        public byte Reason { get; set; }

        public int RetryAfterMilliseconds { get; set; }

        protected override int FixedLength
        {
            get { return 20; }
        }

        protected override void WriteFields(byte[] b, int o)
        {
            b[o + 16] = Reason;
            b[o + 17] = 0;
            WireFormat.WriteU16(b, o + 18, RetryAfterMilliseconds);
        }

        protected override DecodeResult ReadFields(byte[] b, int o, int count)
        {
            Reason = b[o + 16];
            RetryAfterMilliseconds = WireFormat.ReadU16(b, o + 18);
            return ExactLength(count);
        }

        protected override void DescribeFields(StringBuilder text)
        {
            Line(text, "reason", Reason);
            Line(text, "retryAfterMs", RetryAfterMilliseconds);
        }
    }

    /// <summary>Values of <see cref="RejectMessage.Reason"/>.</summary>
    public static class RejectReason
    {
        public const byte RoomFull = 1;
        public const byte BadJoinCode = 2;
        public const byte UnsupportedFormat = 3;
        public const byte RateLimited = 4;
        public const byte EngineerSlotsFull = 5;

        /// <summary>Text for logs and the console (never sent on the wire).</summary>
        public static string Describe(int reason)
        {
            switch (reason)
            {
                case RoomFull: return "the room is full";
                case BadJoinCode: return "wrong join code";
                case UnsupportedFormat: return "the room does not take this audio format";
                case RateLimited: return "too many join attempts, wait and retry";
                case EngineerSlotsFull: return "the room already has its engineers";
                default: return "rejected (reason " + reason + ")";
            }
        }
    }
}
