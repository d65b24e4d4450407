using System.Text;

namespace Octomix.Protocol
{
    /// <summary>
    /// Nack (0x02): the engineer asks a box (destination slot) to send again the audio packets
    /// of its stream with the listed sequence numbers. Unreliable: it is repeated while the
    /// packets are still missing and there is time to play them.
    /// <code>
    /// off size field
    ///  12    1 range count n (1..32)
    ///  13    3 reserved, 0
    ///  16  8·n ranges: first sequence u32, count u16 (1..), reserved u16
    /// </code>
    /// </summary>
    public sealed class NackMessage : Message
    {
        public const int MaxRanges = 32;

        private readonly uint[] starts = new uint[MaxRanges];
        private readonly int[] counts = new int[MaxRanges];

        public NackMessage()
            : base(MessageType.Nack)
        {
        }

        public int RangeCount { get; private set; }

        public override int Length
        {
            get { return 16 + (8 * RangeCount); }
        }

        public uint RangeStart(int index)
        {
            return starts[index];
        }

        public int RangeLength(int index)
        {
            return counts[index];
        }

        public void Clear()
        {
            RangeCount = 0;
        }

        /// <summary>Adds a range; false when the message is full or the range is empty.</summary>
        public bool AddRange(uint firstSequence, int count)
        {
            if (RangeCount == MaxRanges || count < 1 || count > 0xFFFF)
            {
                return false;
            }

            starts[RangeCount] = firstSequence;
            counts[RangeCount] = count;
            RangeCount++;
            return true;
        }

        protected override void WriteBody(byte[] b, int o)
        {
            if (RangeCount == 0)
            {
                throw new System.ArgumentException("a NACK needs at least one range");
            }

            b[o + 12] = (byte)RangeCount;
            b[o + 13] = 0;
            b[o + 14] = 0;
            b[o + 15] = 0;
            for (int i = 0; i < RangeCount; i++)
            {
                int p = o + 16 + (8 * i);
                WireFormat.WriteU32(b, p, starts[i]);
                WireFormat.WriteU16(b, p + 4, counts[i]);
                WireFormat.WriteU16(b, p + 6, 0);
            }
        }

        protected override DecodeResult ReadBody(byte[] b, int o, int count)
        {
            if (count < 24)
            {
                return DecodeResult.TooShort;
            }

            int n = b[o + 12];
            if (n < 1 || n > MaxRanges || count != 16 + (8 * n))
            {
                return DecodeResult.BadLength;
            }

            for (int i = 0; i < n; i++)
            {
                int p = o + 16 + (8 * i);
                starts[i] = WireFormat.ReadU32(b, p);
                counts[i] = WireFormat.ReadU16(b, p + 4);
                if (counts[i] == 0)
                {
                    RangeCount = 0;
                    return DecodeResult.BadField;
                }
            }

            RangeCount = n;
            return DecodeResult.Ok;
        }

        protected override void DescribeBody(StringBuilder text)
        {
            Line(text, "ranges", RangeCount);
            for (int i = 0; i < RangeCount; i++)
            {
                Line(text, "range", starts[i].ToString() + "+" + counts[i].ToString());
            }
        }
    }
}
