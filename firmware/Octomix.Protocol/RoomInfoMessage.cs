using System.Text;

namespace Octomix.Protocol
{
    /// <summary>
    /// RoomInfo (0x14): the server tells a member about the room it joined — the server's name
    /// (<c>octomix server --name</c>) and the room's limits. Sent from the server (source
    /// <see cref="Slot.Server"/>) to one member (destination = its slot) once the member has
    /// proven its address (its first datagram with its token, normally its first Status), and
    /// again every few seconds, so a lost one is made good. Unreliable and never answered; the
    /// message id is the server's (it changes only when the information does), so a receiver
    /// that sees the same id again knows nothing changed.
    /// <code>
    /// off size field
    ///  12    4 message id, u32
    ///  16    1 room index
    ///  17    1 maximum jammers of the room
    ///  18    1 maximum listeners of the room
    ///  19    1 reserved, 0
    ///  20    1 server name length n (0..31; 0 = the server has no name)
    ///  21    n server name, UTF-8
    /// </code>
    /// At most 52 bytes: smaller than any Join (53), though it is only ever sent to a member
    /// whose address is proven.
    /// </summary>
    public sealed class RoomInfoMessage : ControlMessage
    {
        public const int MaxNameBytes = 31;

        public RoomInfoMessage()
            : base(MessageType.RoomInfo)
        {
            SourceSlot = Slot.Server;
            ServerName = string.Empty;
        }

        public byte Room { get; set; }

        public int MaxJammers { get; set; }

        public int MaxListeners { get; set; }

        public string ServerName { get; set; }

        protected override int FixedLength
        {
            // the name's length byte at 20 belongs to the variable part
            get { return 20; }
        }

        protected override int VariableLength
        {
            get { return WireFormat.ShortStringLength(ServerName, MaxNameBytes); }
        }

        protected override void WriteFields(byte[] b, int o)
        {
            b[o + 16] = Room;
            b[o + 17] = (byte)MaxJammers;
            b[o + 18] = (byte)MaxListeners;
            b[o + 19] = 0;
            WireFormat.WriteShortString(b, o + 20, ServerName, MaxNameBytes);
        }

        protected override DecodeResult ReadFields(byte[] b, int o, int count)
        {
            Room = b[o + 16];
            MaxJammers = b[o + 17];
            MaxListeners = b[o + 18];
            if (count < 21)
            {
                return DecodeResult.TooShort;
            }

            int nameLength = b[o + 20];
            if (nameLength > MaxNameBytes || count != 21 + nameLength)
            {
                return DecodeResult.BadLength;
            }

            if (MaxJammers > Slot.MaxJammerSlots || MaxListeners > Slot.MaxListeners)
            {
                return DecodeResult.BadField;
            }

            ServerName = WireFormat.ReadString(b, o + 21, nameLength);
            return ServerName == null ? DecodeResult.BadField : DecodeResult.Ok;
        }

        protected override void DescribeFields(StringBuilder text)
        {
            Line(text, "room", Room);
            Line(text, "maxJammers", MaxJammers);
            Line(text, "maxListeners", MaxListeners);
            Line(text, "serverName", Quote(ServerName));
        }
    }
}
