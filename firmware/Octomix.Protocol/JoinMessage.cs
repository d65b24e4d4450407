using System.Text;

namespace Octomix.Protocol
{
    /// <summary>
    /// Join (0x10): a box or a console asks the room for a slot. Answered by
    /// <see cref="AcceptMessage"/> or <see cref="RejectMessage"/> carrying the same message id.
    /// The source slot is <see cref="Slot.None"/>; the header's token is 0, except in a rejoin
    /// (<see cref="JoinCapabilities.Rejoin"/>), where it is the token of the membership the
    /// sender had and <see cref="PreviousSlot"/> its slot.
    /// <code>
    /// off size field
    ///  12    4 message id, u32
    ///  16    1 role (JoinRole: 1 jammer, 2 engineer, 3 listener)
    ///  17    1 capabilities (JoinCapabilities bits)
    ///  18    1 previous slot (with the Rejoin capability; else 0)
    ///  19    1 reserved, 0
    ///  20    8 box id, u64 (stable per box: derived from its MAC)
    ///  28    4 sample rate, u32
    ///  32    1 channels
    ///  33    1 sample format (SampleFormat)
    ///  34    2 frames per packet, u16
    ///  36   16 join code, printable ASCII, NUL-padded (1..16 characters)
    ///  52    1 name length n (0..31)
    ///  53    n name, UTF-8
    /// </code>
    /// </summary>
    public sealed class JoinMessage : ControlMessage
    {
        public const int JoinCodeBytes = 16;
        public const int MaxNameBytes = 31;

        public JoinMessage()
            : base(MessageType.Join)
        {
            Role = JoinRole.Jammer;
            SampleRate = 48000;
            Channels = 2;
            Format = (byte)SampleFormat.S16;
            FramesPerPacket = 256;
            JoinCode = string.Empty;
            Name = string.Empty;
        }

        public byte Role { get; set; }

        public byte Capabilities { get; set; }

        /// <summary>With <see cref="JoinCapabilities.Rejoin"/>: the slot the sender had (its old token is the header's). Else 0.</summary>
        public byte PreviousSlot { get; set; }

        /// <summary>True when this Join asks for the sender's previous membership back.</summary>
        public bool IsRejoin
        {
            get { return (Capabilities & JoinCapabilities.Rejoin) != 0; }
        }

        public ulong BoxId { get; set; }

        public int SampleRate { get; set; }

        public int Channels { get; set; }

        public byte Format { get; set; }

        public int FramesPerPacket { get; set; }

        public string JoinCode { get; set; }

        public string Name { get; set; }

        protected override int FixedLength
        {
            // the name's length byte at 52 belongs to the variable part
            get { return 52; }
        }

        protected override int VariableLength
        {
            get { return WireFormat.ShortStringLength(Name, MaxNameBytes); }
        }

        /// <summary>True when <paramref name="code"/> is 1..16 printable ASCII characters.</summary>
        public static bool IsValidJoinCode(string code)
        {
            if (code == null || code.Length == 0 || code.Length > JoinCodeBytes)
            {
                return false;
            }

            for (int i = 0; i < code.Length; i++)
            {
                if (code[i] < 0x21 || code[i] > 0x7E)
                {
                    return false;
                }
            }

            return true;
        }

        /// <summary>
        /// Compares the join code of an encoded Join datagram with <paramref name="expected"/>
        /// without decoding it (no allocation, constant time over the 16 bytes).
        /// </summary>
        public static bool JoinCodeMatches(byte[] datagram, int offset, byte[] expected)
        {
            int diff = 0;
            for (int i = 0; i < JoinCodeBytes; i++)
            {
                byte want = i < expected.Length ? expected[i] : (byte)0;
                diff |= datagram[offset + 36 + i] ^ want;
            }

            return diff == 0;
        }

        protected override void WriteFields(byte[] b, int o)
        {
            if (!IsValidJoinCode(JoinCode))
            {
                throw new System.ArgumentException("join code must be 1..16 printable ASCII characters");
            }

            b[o + 16] = Role;
            b[o + 17] = Capabilities;
            b[o + 18] = PreviousSlot;
            b[o + 19] = 0;
            WireFormat.WriteU64(b, o + 20, BoxId);
            WireFormat.WriteU32(b, o + 28, (uint)SampleRate);
            b[o + 32] = (byte)Channels;
            b[o + 33] = Format;
            WireFormat.WriteU16(b, o + 34, FramesPerPacket);
            for (int i = 0; i < JoinCodeBytes; i++)
            {
                b[o + 36 + i] = i < JoinCode.Length ? (byte)JoinCode[i] : (byte)0;
            }

            WireFormat.WriteShortString(b, o + 52, Name, MaxNameBytes);
        }

        protected override DecodeResult ReadFields(byte[] b, int o, int count)
        {
            Role = b[o + 16];
            Capabilities = b[o + 17];
            PreviousSlot = b[o + 18];
            BoxId = WireFormat.ReadU64(b, o + 20);
            SampleRate = (int)WireFormat.ReadU32(b, o + 28);
            Channels = b[o + 32];
            Format = b[o + 33];
            FramesPerPacket = WireFormat.ReadU16(b, o + 34);
            if (count < 53)
            {
                return DecodeResult.TooShort;
            }

            int nameLength = b[o + 52];
            if (nameLength > MaxNameBytes || count != 53 + nameLength)
            {
                return DecodeResult.BadLength;
            }

            if (Role != JoinRole.Jammer && Role != JoinRole.Engineer && Role != JoinRole.Listener)
            {
                return DecodeResult.BadField;
            }

            if (Channels < 1 || Channels > 8 || SampleFormats.BytesPerSample(Format) == 0 || FramesPerPacket == 0
                || SampleRate < 8000 || SampleRate > 192000)
            {
                return DecodeResult.BadField;
            }

            // Join code: printable ASCII, then NUL padding only.
            int codeLength = 0;
            while (codeLength < JoinCodeBytes && b[o + 36 + codeLength] != 0)
            {
                byte c = b[o + 36 + codeLength];
                if (c < 0x21 || c > 0x7E)
                {
                    return DecodeResult.BadField;
                }

                codeLength++;
            }

            if (codeLength == 0)
            {
                return DecodeResult.BadField;
            }

            for (int i = codeLength; i < JoinCodeBytes; i++)
            {
                if (b[o + 36 + i] != 0)
                {
                    return DecodeResult.BadField;
                }
            }

            JoinCode = Encoding.UTF8.GetString(b, o + 36, codeLength);
            Name = WireFormat.ReadString(b, o + 53, nameLength);
            return Name == null ? DecodeResult.BadField : DecodeResult.Ok;
        }

        protected override void DescribeFields(StringBuilder text)
        {
            Line(text, "role", Role);
            Line(text, "capabilities", Capabilities);
            if (IsRejoin)
            {
                Line(text, "previousSlot", PreviousSlot);
            }

            Line(text, "box", "0x" + Hex64(BoxId));
            Line(text, "rate", SampleRate);
            Line(text, "channels", Channels);
            Line(text, "format", Format);
            Line(text, "framesPerPacket", FramesPerPacket);
            Line(text, "joinCode", Quote(JoinCode));
            Line(text, "name", Quote(Name));
        }
    }

    /// <summary>Values of <see cref="JoinMessage.Role"/>.</summary>
    public static class JoinRole
    {
        /// <summary>A musician's box (or a simulated one): takes a jammer slot.</summary>
        public const byte Jammer = 1;

        /// <summary>The engineer's console: takes an engineer slot, receives every stream, sends control.</summary>
        public const byte Engineer = 2;

        /// <summary>
        /// A listen-only member (a listener's player, a console that only monitors): takes a
        /// listener slot (32..63), never a jammer slot; receives the room mix, or every jammer's
        /// stream with <see cref="JoinCapabilities.MemberStreams"/>; sends no audio.
        /// </summary>
        public const byte Listener = 3;
    }

    /// <summary>Bits of <see cref="JoinMessage.Capabilities"/>.</summary>
    public static class JoinCapabilities
    {
        /// <summary>Mixes forwarded streams itself (a PC); without it the server sends a personal mix on request.</summary>
        public const byte CanMix = 0x01;

        /// <summary>Wants a personal mix from the server from the start.</summary>
        public const byte WantsPersonalMix = 0x02;

        /// <summary>Records takes locally (has an SD card).</summary>
        public const byte Records = 0x04;

        /// <summary>
        /// A rejoin: the sender had a membership (the header's token, the previous-slot byte) and
        /// asks for it back, after its server went silent. The server gives the same slot and token
        /// back when the slot is free or still the sender's.
        /// </summary>
        public const byte Rejoin = 0x08;

        /// <summary>
        /// A listener (role 3) that wants every jammer's stream forwarded as it is, instead of
        /// the server's room mix (the default for a listener). Meaningless for other roles.
        /// </summary>
        public const byte MemberStreams = 0x10;

        /// <summary>
        /// Wants every forwarded stream at the room's rate: the server converts the streams of
        /// members at another rate (a 44.1 kHz member in a 48 kHz room) before forwarding them to
        /// this member; without it they are forwarded untouched, at their own rate.
        /// </summary>
        public const byte WantsRoomRate = 0x20;
    }
}
