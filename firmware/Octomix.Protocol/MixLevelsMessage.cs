using System.Text;

namespace Octomix.Protocol
{
    /// <summary>
    /// MixLevels (0x24): a jammer that cannot mix asks the server for a personal mix of everyone
    /// else, with its own level per slot. Gains are Q8.8 (256 = unity, 0 = muted, up to 255.99).
    /// Own slot is never mixed back, whatever its gain.
    /// <code>
    /// off size field
    ///  12    4 message id, u32
    ///  16    1 enable (1 = send me a personal mix, 0 = stop and forward streams again)
    ///  17    3 reserved, 0
    ///  20   32 gain per jammer slot 0..15, u16 Q8.8 each
    /// </code>
    /// </summary>
    public sealed class MixLevelsMessage : ControlMessage
    {
        public const int Unity = 256;

        private readonly int[] gains = new int[Slot.MaxJammerSlots];

        public MixLevelsMessage()
            : base(MessageType.MixLevels)
        {
            for (int i = 0; i < gains.Length; i++)
            {
                gains[i] = Unity;
            }
        }

        public bool Enable { get; set; }

        /// <summary>Gain (Q8.8) per jammer slot; the array is owned by this message and reused.</summary>
        public int[] Gains
        {
            get { return gains; }
        }

        protected override int FixedLength
        {
            get { return 52; }
        }

        protected override void WriteFields(byte[] b, int o)
        {
            b[o + 16] = (byte)(Enable ? 1 : 0);
            b[o + 17] = 0;
            b[o + 18] = 0;
            b[o + 19] = 0;
            for (int i = 0; i < gains.Length; i++)
            {
                int g = gains[i];
                WireFormat.WriteU16(b, o + 20 + (2 * i), g < 0 ? 0 : (g > 0xFFFF ? 0xFFFF : g));
            }
        }

        protected override DecodeResult ReadFields(byte[] b, int o, int count)
        {
            if (b[o + 16] > 1)
            {
                return DecodeResult.BadField;
            }

            Enable = b[o + 16] == 1;
            for (int i = 0; i < gains.Length; i++)
            {
                gains[i] = WireFormat.ReadU16(b, o + 20 + (2 * i));
            }

            return ExactLength(count);
        }

        protected override void DescribeFields(StringBuilder text)
        {
            Line(text, "enable", Enable ? 1 : 0);
            StringBuilder list = new StringBuilder();
            for (int i = 0; i < gains.Length; i++)
            {
                if (i > 0)
                {
                    list.Append(',');
                }

                list.Append(gains[i].ToString());
            }

            Line(text, "gains", list.ToString());
        }
    }
}
