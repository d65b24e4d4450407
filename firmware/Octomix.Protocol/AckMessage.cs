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
    ///  17    1 reason (NotReadyReason when result is NotReady or Busy; else 0) — added after v1's
    ///           first draft in a byte that was reserved and always 0, so old decoders ignore it
    ///  18    2 reserved, 0
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

        /// <summary>Why a command was refused (<see cref="NotReadyReason"/>), 0 when it was not.</summary>
        public byte Reason { get; set; }

        public override int Length
        {
            get { return FixedLength; }
        }

        protected override void WriteBody(byte[] b, int o)
        {
            WireFormat.WriteU32(b, o + 12, AckedId);
            b[o + 16] = Result;
            b[o + 17] = Reason;
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
            Reason = b[o + 17];
            Echo = WireFormat.ReadU32(b, o + 20);
            return DecodeResult.Ok;
        }

        protected override void DescribeBody(StringBuilder text)
        {
            Line(text, "acked", AckedId);
            Line(text, "result", Result);
            if (Reason != 0)
            {
                // printed only when set, so descriptions of v1 vectors (reason 0) are unchanged
                Line(text, "reason", Reason);
            }

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

    /// <summary>
    /// Values of <see cref="AckMessage.Reason"/>: why a box refused a Record (result NotReady) or
    /// another command (Busy). The console shows the box and the reason instead of skipping it.
    /// </summary>
    public static class NotReadyReason
    {
        public const byte None = 0;
        /// <summary>The round trip L has not been measured (or calibration failed).</summary>
        public const byte NotCalibrated = 1;
        /// <summary>No SD card, or it cannot be mounted.</summary>
        public const byte NoCard = 2;
        /// <summary>The card measured at boot cannot sustain the audio format with margin.</summary>
        public const byte CardTooSlow = 3;
        /// <summary>The card has no room for a take.</summary>
        public const byte CardFull = 4;
        /// <summary>L is not smaller than the take's pre-roll (half a second).</summary>
        public const byte LatencyTooLarge = 5;
        /// <summary>The session's sample rate is not the box's.</summary>
        public const byte FormatMismatch = 6;
        /// <summary>Calibrating, or another take is running.</summary>
        public const byte Busy = 7;
        /// <summary>The card refused the take's file.</summary>
        public const byte CardError = 8;

        public static string Describe(int reason)
        {
            switch (reason)
            {
                case None: return "none";
                case NotCalibrated: return "not calibrated";
                case NoCard: return "no SD card";
                case CardTooSlow: return "SD card too slow for the format";
                case CardFull: return "SD card full";
                case LatencyTooLarge: return "round trip longer than the pre-roll";
                case FormatMismatch: return "session sample rate differs from the box's";
                case Busy: return "busy";
                case CardError: return "SD card error";
                default: return "reason " + reason;
            }
        }
    }
}
