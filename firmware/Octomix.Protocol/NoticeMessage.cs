using System.Text;

namespace Octomix.Protocol
{
    /// <summary>
    /// Notice (0x28): a box tells the engineers about an event they must not miss (reliable,
    /// unlike Status): the take stopped because the card is full, calibration finished or
    /// failed, capture fell behind.
    /// <code>
    /// off size field
    ///  12    4 message id, u32
    ///  16    1 code (NoticeCode)
    ///  17    3 reserved, 0
    ///  20    4 take id, u32 (0 when not about a take)
    ///  24    8 detail, i64 (per code: frames recorded, latency in samples, ...)
    /// </code>
    /// </summary>
    public sealed class NoticeMessage : ControlMessage
    {
        public NoticeMessage()
            : base(MessageType.Notice)
        {
            DestinationSlot = Slot.Engineers;
        }

        public byte Code { get; set; }

        public uint TakeId { get; set; }

        public long Detail { get; set; }

        protected override int FixedLength
        {
            get { return 32; }
        }

        protected override void WriteFields(byte[] b, int o)
        {
            b[o + 16] = Code;
            b[o + 17] = 0;
            b[o + 18] = 0;
            b[o + 19] = 0;
            WireFormat.WriteU32(b, o + 20, TakeId);
            WireFormat.WriteI64(b, o + 24, Detail);
        }

        protected override DecodeResult ReadFields(byte[] b, int o, int count)
        {
            Code = b[o + 16];
            TakeId = WireFormat.ReadU32(b, o + 20);
            Detail = WireFormat.ReadI64(b, o + 24);
            return ExactLength(count);
        }

        protected override void DescribeFields(StringBuilder text)
        {
            Line(text, "code", Code);
            Line(text, "take", TakeId);
            Line(text, "detail", Detail);
        }
    }

    /// <summary>Values of <see cref="NoticeMessage.Code"/>.</summary>
    public static class NoticeCode
    {
        /// <summary>The take started; detail = first sample index (minus the count-in).</summary>
        public const byte TakeStarted = 1;
        /// <summary>The take stopped on command; detail = frames recorded.</summary>
        public const byte TakeStopped = 2;
        /// <summary>The card filled up: the take stopped cleanly, the file is valid; detail = frames recorded.</summary>
        public const byte TakeStoppedCardFull = 3;
        /// <summary>The card failed during the take: it stopped; the file is valid up to detail frames.</summary>
        public const byte TakeStoppedCardError = 4;
        /// <summary>Capture fell behind (samples may be missing); detail = blocks lost.</summary>
        public const byte CaptureOverrun = 5;
        /// <summary>Calibration done; detail = L in samples.</summary>
        public const byte Calibrated = 6;
        /// <summary>Calibration found no click; detail = reason code.</summary>
        public const byte CalibrationFailed = 7;

        public static string Describe(int code)
        {
            switch (code)
            {
                case TakeStarted: return "take started";
                case TakeStopped: return "take stopped";
                case TakeStoppedCardFull: return "take stopped: SD card full";
                case TakeStoppedCardError: return "take stopped: SD card error";
                case CaptureOverrun: return "capture overrun";
                case Calibrated: return "calibrated";
                case CalibrationFailed: return "calibration failed";
                default: return "notice " + code;
            }
        }
    }
}
