using System.Text;

namespace Octomix.Protocol
{
    /// <summary>
    /// Ack (0x06): acknowledges a control message (same message id) with a result, or answers
    /// a Status (message id = the status sequence) echoing its timestamp. Never acknowledged
    /// itself; a lost Ack makes the sender retry and the receiver re-send the same Ack.
    /// <code>
    /// off size field
    ///  12    4 message id acknowledged, u32
    ///  16    1 result (AckResult)
    ///  17    3 reserved, 0
    ///  20    4 echo, u32 (Status: its sent-at field; else 0)
    /// </code>
    /// </summary>
    public sealed class AckMessage : Message
    {
        public const int FixedLength = 24;

        public AckMessage()
            : base(MessageType.Ack)
        {
        }

        public uint AckedId { get; set; }

        public byte Result { get; set; }

        public uint Echo { get; set; }

        public override int Length
        {
            get { return FixedLength; }
        }

        protected override void WriteBody(byte[] b, int o)
        {
            WireFormat.WriteU32(b, o + 12, AckedId);
            b[o + 16] = Result;
            b[o + 17] = 0;
            b[o + 18] = 0;
            b[o + 19] = 0;
            WireFormat.WriteU32(b, o + 20, Echo);
        }

        protected override DecodeResult ReadBody(byte[] b, int o, int count)
        {
            if (count != FixedLength)
            {
                return count < FixedLength ? DecodeResult.TooShort : DecodeResult.BadLength;
            }

            AckedId = WireFormat.ReadU32(b, o + 12);
            Result = b[o + 16];
            Echo = WireFormat.ReadU32(b, o + 20);
            return DecodeResult.Ok;
        }

        protected override void DescribeBody(StringBuilder text)
        {
            Line(text, "acked", AckedId);
            Line(text, "result", Result);
            Line(text, "echo", Echo);
        }
    }

    /// <summary>Values of <see cref="AckMessage.Result"/>.</summary>
    public static class AckResult
    {
        public const byte Ok = 0;
        /// <summary>Record refused: the box is not ready (not calibrated, SD missing or too slow...).</summary>
        public const byte NotReady = 1;
        /// <summary>The command names a take the box does not have.</summary>
        public const byte UnknownTake = 2;
        /// <summary>Busy with something that cannot be interrupted (calibrating, collecting).</summary>
        public const byte Busy = 3;
        /// <summary>The request is well formed but not acceptable (e.g. a format the card is too slow for).</summary>
        public const byte Refused = 4;

        public static string Describe(int result)
        {
            switch (result)
            {
                case Ok: return "ok";
                case NotReady: return "not ready";
                case UnknownTake: return "unknown take";
                case Busy: return "busy";
                case Refused: return "refused";
                default: return "result " + result;
            }
        }
    }
}
