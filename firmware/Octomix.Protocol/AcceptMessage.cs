using System.Text;

namespace Octomix.Protocol
{
    /// <summary>
    /// Accept (0x11): the server's answer to a Join that got a slot. Same message id as the Join.
    /// Smaller than any valid Join, so a spoofed Join cannot be used to amplify traffic.
    /// <code>
    /// off size field
    ///  12    4 message id (of the Join), u32
    ///  16    1 slot assigned
    ///  17    1 room index
    ///  18    2 heartbeat interval, ms, u16 (send Status at least this often)
    ///  20    4 session token, u32 (put it in the header of everything you send)
    ///  24    2 slot timeout, ms, u16 (silence after which the slot is freed)
    ///  26    1 maximum jammers of the room
    ///  27    1 reserved, 0
    ///  28    4 sample rate of the room, u32
    ///  32    8 server time, µs, u64 (for logs and round-trip estimates)
    /// </code>
    /// </summary>
    public sealed class AcceptMessage : ControlMessage
    {
        public AcceptMessage()
            : base(MessageType.Accept)
        {
            SourceSlot = Slot.Server;
        }

        public byte AssignedSlot { get; set; }

        public byte Room { get; set; }

        public int HeartbeatMilliseconds { get; set; }

        public uint SessionToken { get; set; }

        public int SlotTimeoutMilliseconds { get; set; }

        public int MaxJammers { get; set; }

        public int SampleRate { get; set; }

        public ulong ServerTimeMicroseconds { get; set; }

        protected override int FixedLength
        {
            get { return 40; }
        }

        protected override void WriteFields(byte[] b, int o)
        {
            b[o + 16] = AssignedSlot;
            b[o + 17] = Room;
            WireFormat.WriteU16(b, o + 18, HeartbeatMilliseconds);
            WireFormat.WriteU32(b, o + 20, SessionToken);
            WireFormat.WriteU16(b, o + 24, SlotTimeoutMilliseconds);
            b[o + 26] = (byte)MaxJammers;
            b[o + 27] = 0;
            WireFormat.WriteU32(b, o + 28, (uint)SampleRate);
            WireFormat.WriteU64(b, o + 32, ServerTimeMicroseconds);
        }

        protected override DecodeResult ReadFields(byte[] b, int o, int count)
        {
            AssignedSlot = b[o + 16];
            Room = b[o + 17];
            HeartbeatMilliseconds = WireFormat.ReadU16(b, o + 18);
            SessionToken = WireFormat.ReadU32(b, o + 20);
            SlotTimeoutMilliseconds = WireFormat.ReadU16(b, o + 24);
            MaxJammers = b[o + 26];
            SampleRate = (int)WireFormat.ReadU32(b, o + 28);
            ServerTimeMicroseconds = WireFormat.ReadU64(b, o + 32);
            if (!Slot.IsJammer(AssignedSlot) && !Slot.IsEngineer(AssignedSlot) && !Slot.IsListener(AssignedSlot))
            {
                return DecodeResult.BadField;
            }

            return ExactLength(count);
        }

        protected override void DescribeFields(StringBuilder text)
        {
            Line(text, "slot", AssignedSlot);
            Line(text, "room", Room);
            Line(text, "heartbeatMs", HeartbeatMilliseconds);
            Line(text, "sessionToken", "0x" + Hex32(SessionToken));
            Line(text, "slotTimeoutMs", SlotTimeoutMilliseconds);
            Line(text, "maxJammers", MaxJammers);
            Line(text, "rate", SampleRate);
            Line(text, "serverTimeUs", ServerTimeMicroseconds);
        }
    }
}
