using System;
using System.Text;

namespace Octomix.Protocol
{
    /// <summary>
    /// The 12-byte header every datagram starts with, and the encode/decode frame around each
    /// message's body. Instances are mutable and meant to be allocated once and reused: encoding
    /// writes into a caller-owned buffer, decoding reads from one, neither allocates (except the
    /// strings of a few control messages).
    /// <code>
    /// off size field
    ///   0    2 magic "OX" (0x4F 0x58)
    ///   2    1 version (1)
    ///   3    1 type (MessageType)
    ///   4    4 session token, u32 LE (0 when the sender has none)
    ///   8    1 source slot
    ///   9    1 destination slot
    ///  10    1 flags (meaning per type)
    ///  11    1 reserved, 0
    /// </code>
    /// </summary>
    public abstract class Message
    {
        protected Message(MessageType type)
        {
            Type = type;
            SourceSlot = Slot.None;
            DestinationSlot = Slot.Server;
        }

        public MessageType Type { get; }

        public uint Token { get; set; }

        public byte SourceSlot { get; set; }

        public byte DestinationSlot { get; set; }

        public byte Flags { get; set; }

        /// <summary>Bytes <see cref="Write"/> will produce with the current field values.</summary>
        public abstract int Length { get; }

        /// <summary>
        /// Encodes the message at <paramref name="offset"/>; returns its length. Throws
        /// ArgumentException when the buffer is too small or a field cannot be encoded (a
        /// programming error, not bad input).
        /// </summary>
        public int Write(byte[] buffer, int offset)
        {
            int length = Length;
            if (buffer == null || offset < 0 || offset + length > buffer.Length)
            {
                throw new ArgumentException("buffer too small for " + Type + " (" + length + " bytes)");
            }

            if (length > ProtocolConstants.MaxDatagram)
            {
                throw new ArgumentException(Type + " would be " + length + " bytes, over the " + ProtocolConstants.MaxDatagram + "-byte limit");
            }

            WriteHeader(buffer, offset, Type, Token, SourceSlot, DestinationSlot, Flags);
            WriteBody(buffer, offset);
            return length;
        }

        /// <summary>
        /// Decodes a datagram of <paramref name="count"/> bytes at <paramref name="offset"/> into
        /// this instance. Never throws on bad input; on anything but Ok the fields are unspecified.
        /// </summary>
        public DecodeResult Read(byte[] buffer, int offset, int count)
        {
            MessageType type;
            DecodeResult r = Peek(buffer, offset, count, out type);
            if (r != DecodeResult.Ok)
            {
                return r;
            }

            if (type != Type)
            {
                return DecodeResult.WrongType;
            }

            Token = WireFormat.ReadU32(buffer, offset + 4);
            SourceSlot = buffer[offset + 8];
            DestinationSlot = buffer[offset + 9];
            Flags = buffer[offset + 10];
            return ReadBody(buffer, offset, count);
        }

        /// <summary>Writes this message's body; the header is already written at <paramref name="offset"/>.</summary>
        protected abstract void WriteBody(byte[] buffer, int offset);

        /// <summary>Reads the body of a datagram whose header is valid and of this type.</summary>
        protected abstract DecodeResult ReadBody(byte[] buffer, int offset, int count);

        /// <summary>Appends "name=value" lines for the body fields (diagnostics and test vectors).</summary>
        protected abstract void DescribeBody(StringBuilder text);

        /// <summary>
        /// The fields as "name=value" lines, header first: the textual form used by the test
        /// vectors in docs/protocol-vectors.txt and by trace logs. Allocates; not for hot paths.
        /// </summary>
        public string Describe()
        {
            StringBuilder text = new StringBuilder();
            text.Append("type=").Append(MessageTypeName(Type)).Append('\n');
            Line(text, "token", "0x" + Hex32(Token));
            Line(text, "source", SourceSlot);
            Line(text, "destination", DestinationSlot);
            Line(text, "flags", Flags);
            DescribeBody(text);
            return text.ToString();
        }

        /// <summary>
        /// Checks the header of a datagram: length within limits, magic, version and a known type.
        /// The one gate every received datagram passes before anything else looks at it.
        /// </summary>
        public static DecodeResult Peek(byte[] buffer, int offset, int count, out MessageType type)
        {
            type = 0;
            if (buffer == null || offset < 0 || count < 0 || offset + count > buffer.Length)
            {
                return DecodeResult.BadLength;
            }

            if (count < ProtocolConstants.HeaderSize)
            {
                return DecodeResult.TooShort;
            }

            if (count > ProtocolConstants.MaxDatagram)
            {
                return DecodeResult.TooLong;
            }

            if (buffer[offset] != ProtocolConstants.Magic0 || buffer[offset + 1] != ProtocolConstants.Magic1)
            {
                return DecodeResult.BadMagic;
            }

            if (buffer[offset + 2] != ProtocolConstants.Version)
            {
                return DecodeResult.UnsupportedVersion;
            }

            byte t = buffer[offset + 3];
            if (!IsKnownType(t))
            {
                return DecodeResult.UnknownType;
            }

            type = (MessageType)t;
            return DecodeResult.Ok;
        }

        /// <summary>Header fields without decoding the body (for routing on a hot path).</summary>
        public static uint ReadToken(byte[] buffer, int offset)
        {
            return WireFormat.ReadU32(buffer, offset + 4);
        }

        public static byte ReadSourceSlot(byte[] buffer, int offset)
        {
            return buffer[offset + 8];
        }

        public static byte ReadDestinationSlot(byte[] buffer, int offset)
        {
            return buffer[offset + 9];
        }

        /// <summary>Rewrites the token field in place (the server blanks it before forwarding).</summary>
        public static void WriteToken(byte[] buffer, int offset, uint token)
        {
            WireFormat.WriteU32(buffer, offset + 4, token);
        }

        public static void WriteHeader(byte[] b, int o, MessageType type, uint token, byte source, byte destination, byte flags)
        {
            b[o] = ProtocolConstants.Magic0;
            b[o + 1] = ProtocolConstants.Magic1;
            b[o + 2] = ProtocolConstants.Version;
            b[o + 3] = (byte)type;
            WireFormat.WriteU32(b, o + 4, token);
            b[o + 8] = source;
            b[o + 9] = destination;
            b[o + 10] = flags;
            b[o + 11] = 0;
        }

        public static bool IsKnownType(byte t)
        {
            return (t >= 0x01 && t <= 0x06) || (t >= 0x10 && t <= 0x14) || (t >= 0x20 && t <= 0x28);
        }

        /// <summary>Name of a message type without enum reflection (nanoFramework's Enum.ToString prints the number).</summary>
        public static string MessageTypeName(MessageType type)
        {
            switch (type)
            {
                case MessageType.Audio: return "Audio";
                case MessageType.Nack: return "Nack";
                case MessageType.FileData: return "FileData";
                case MessageType.FileRequest: return "FileRequest";
                case MessageType.Status: return "Status";
                case MessageType.Ack: return "Ack";
                case MessageType.Join: return "Join";
                case MessageType.Accept: return "Accept";
                case MessageType.Reject: return "Reject";
                case MessageType.Leave: return "Leave";
                case MessageType.RoomInfo: return "RoomInfo";
                case MessageType.Record: return "Record";
                case MessageType.Stop: return "Stop";
                case MessageType.PlaybackStart: return "PlaybackStart";
                case MessageType.PlaybackStop: return "PlaybackStop";
                case MessageType.MixLevels: return "MixLevels";
                case MessageType.FileInfoRequest: return "FileInfoRequest";
                case MessageType.FileInfo: return "FileInfo";
                case MessageType.Calibrate: return "Calibrate";
                case MessageType.Notice: return "Notice";
                default: return "0x" + Hex8((byte)type);
            }
        }

        protected static void Line(StringBuilder text, string name, int value)
        {
            text.Append(name).Append('=').Append(value.ToString()).Append('\n');
        }

        protected static void Line(StringBuilder text, string name, uint value)
        {
            text.Append(name).Append('=').Append(value.ToString()).Append('\n');
        }

        protected static void Line(StringBuilder text, string name, long value)
        {
            text.Append(name).Append('=').Append(value.ToString()).Append('\n');
        }

        protected static void Line(StringBuilder text, string name, ulong value)
        {
            text.Append(name).Append('=').Append(value.ToString()).Append('\n');
        }

        protected static void Line(StringBuilder text, string name, string value)
        {
            text.Append(name).Append('=').Append(value).Append('\n');
        }

        protected static string Hex32(uint v)
        {
            return Hex8((byte)(v >> 24)) + Hex8((byte)(v >> 16)) + Hex8((byte)(v >> 8)) + Hex8((byte)v);
        }

        protected static string Hex64(ulong v)
        {
            return Hex32((uint)(v >> 32)) + Hex32((uint)v);
        }

        protected static string Hex8(byte v)
        {
            const string digits = "0123456789abcdef";
            return new string(new char[] { digits[v >> 4], digits[v & 15] });
        }

        /// <summary>A string field as it appears in descriptions: quoted, so empty and absent differ visibly.</summary>
        protected static string Quote(string s)
        {
            return "\"" + (s ?? string.Empty) + "\"";
        }
    }
}
