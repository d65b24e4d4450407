using System.Text;

namespace Octomix.Protocol
{
    /// <summary>
    /// MixLevels (0x24): a jammer that cannot mix asks the server for a personal mix of everyone
    /// else, with its own level per slot. Gains are Q8.8 (256 = unity, 0 = muted, up to 255.99).
    /// Own slot is never mixed back, whatever its gain. From an engineer it sets the personal mix
    /// of the jammer named as destination, or (destination FE) the room mix. An optional pan
    /// per slot follows (68 bytes; without it, 52 bytes, every pan is centre).
    /// <code>
    /// off size field
    ///  12    4 message id, u32
    ///  16    1 enable (1 = send me a personal mix, 0 = stop and forward streams again)
    ///  17    1 flags: 01 = pans follow (then 68 bytes, else 52)
    ///  18    2 reserved, 0
    ///  20   32 gain per jammer slot 0..15, u16 Q8.8 each
    ///  52   16 with flag 01: pan per jammer slot 0..15, i8: -127 hard left, 0 centre, +127 hard right (-128 is invalid)
    /// </code>
    /// </summary>
    public sealed class MixLevelsMessage : ControlMessage
    {
        public const int Unity = 256;

        /// <summary>Hard right (hard left is its negative).</summary>
        public const int MaxPan = 127;

        private readonly int[] gains = new int[Slot.MaxJammerSlots];

        private readonly int[] pans = new int[Slot.MaxJammerSlots];

        private const byte PansFlag = 0x01;

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

        /// <summary>Pan per jammer slot, -127 (hard left) .. 0 (centre) .. +127 (hard right); the array is owned by this message and reused.</summary>
        public int[] Pans
        {
            get { return pans; }
        }

        /// <summary>Whether the 16 pan bytes are written (always when a pan is not centre); set by the decoder from the length.</summary>
        public bool WithPans { get; set; }

        /// <summary>Whether the message carries pans: <see cref="WithPans"/>, or any pan not centre.</summary>
        public bool CarriesPans
        {
            get
            {
                if (WithPans)
                {
                    return true;
                }

                for (int i = 0; i < pans.Length; i++)
                {
                    if (pans[i] != 0)
                    {
                        return true;
                    }
                }

                return false;
            }
        }

        protected override int FixedLength
        {
            get { return 52; }
        }

        protected override int VariableLength
        {
            get { return CarriesPans ? Slot.MaxJammerSlots : 0; }
        }

        protected override void WriteFields(byte[] b, int o)
        {
            b[o + 16] = (byte)(Enable ? 1 : 0);
            b[o + 17] = (byte)(CarriesPans ? PansFlag : 0);
            b[o + 18] = 0;
            b[o + 19] = 0;
            for (int i = 0; i < gains.Length; i++)
            {
                int g = gains[i];
                WireFormat.WriteU16(b, o + 20 + (2 * i), g < 0 ? 0 : (g > 0xFFFF ? 0xFFFF : g));
            }

            if (CarriesPans)
            {
                for (int i = 0; i < pans.Length; i++)
                {
                    int p = pans[i];
                    p = p < -MaxPan ? -MaxPan : (p > MaxPan ? MaxPan : p);
                    b[o + 52 + i] = (byte)(sbyte)p;
                }
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

            bool withPans = (b[o + 17] & PansFlag) != 0;
            if (!withPans)
            {
                if (count != 52)
                {
                    return DecodeResult.BadLength;
                }

                WithPans = false;
                for (int i = 0; i < pans.Length; i++)
                {
                    pans[i] = 0;
                }

                return DecodeResult.Ok;
            }

            if (count != 52 + Slot.MaxJammerSlots)
            {
                return DecodeResult.BadLength;
            }

            for (int i = 0; i < pans.Length; i++)
            {
                if (b[o + 52 + i] == 0x80)
                {
                    return DecodeResult.BadField;
                }
            }

            WithPans = true;
            for (int i = 0; i < pans.Length; i++)
            {
                pans[i] = (sbyte)b[o + 52 + i];
            }

            return DecodeResult.Ok;
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
            if (CarriesPans)
            {
                StringBuilder panList = new StringBuilder();
                for (int i = 0; i < pans.Length; i++)
                {
                    if (i > 0)
                    {
                        panList.Append(',');
                    }

                    panList.Append(pans[i].ToString());
                }

                Line(text, "pans", panList.ToString());
            }
        }
    }
}
