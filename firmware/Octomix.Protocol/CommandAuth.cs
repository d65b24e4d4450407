using System;

namespace Octomix.Protocol
{
    /// <summary>
    /// The authentication trailer of the engineer's commands (docs/protocol.md, "Authenticated
    /// commands"). Every datagram of an authenticated type (<see cref="IsAuthenticated"/>) ends in
    /// 16 bytes after its message:
    /// <code>
    /// off  size field
    ///  n      8 sequence, u64 LE (per sender, increasing; never reused under one key)
    ///  n+8    8 MAC, u64 LE = SipHash-2-4(key, datagram bytes 0 .. n+8, the token bytes 4..7 taken as 0)
    /// </code>
    /// n is the message's own length: a receiver checks the trailer, then decodes the first
    /// count − 16 bytes as usual. The token stays outside the MAC because the server blanks it
    /// when it forwards; everything else the box acts on — type, source and destination slots,
    /// flags, body, sequence — is inside it.
    /// The key is per join of the box: <see cref="DeriveKey"/> from the room's join code (never
    /// sent except in the Join), the box id and the Join's message id.
    /// </summary>
    public static class CommandAuth
    {
        /// <summary>Bytes the trailer adds to a command.</summary>
        public const int TrailerLength = 16;

        /// <summary>"OXCMDKEY" as a little-endian word: the first word of the key derivation's input.</summary>
        private const ulong KeyLabel = 0x59454B444D43584FUL;

        /// <summary>
        /// Types a box obeys from an engineer: they carry the trailer, always. Record, Stop,
        /// PlaybackStart, PlaybackStop, Calibrate (state changes), FileInfoRequest, FileRequest
        /// (what the box reads from its card and sends) and Nack (what it re-sends).
        /// </summary>
        public static bool IsAuthenticated(MessageType type)
        {
            switch (type)
            {
                case MessageType.Record:
                case MessageType.Stop:
                case MessageType.PlaybackStart:
                case MessageType.PlaybackStop:
                case MessageType.Calibrate:
                case MessageType.FileInfoRequest:
                case MessageType.FileRequest:
                case MessageType.Nack:
                    return true;
                default:
                    return false;
            }
        }

        /// <summary>
        /// The command key of one join: K = the join code as 16 bytes (ASCII, NUL-padded, exactly
        /// as at offset 36 of the Join) read as two little-endian words; k0 = SipHash-2-4(K, M0),
        /// k1 = SipHash-2-4(K, M1), where Mi is 24 bytes: "OXCMDKEY", the box id (u64 LE), the
        /// Join's message id (u32 LE), i (u8), three zero bytes. Allocation-free.
        /// </summary>
        public static void DeriveKey(string joinCode, ulong boxId, uint joinMessageId, out ulong k0, out ulong k1)
        {
            ulong c0 = 0;
            ulong c1 = 0;
            int length = joinCode == null ? 0 : joinCode.Length;
            for (int i = 0; i < 16 && i < length; i++)
            {
                ulong c = (ulong)(joinCode[i] & 0xFF);
                if (i < 8)
                {
                    c0 |= c << (8 * i);
                }
                else
                {
                    c1 |= c << (8 * (i - 8));
                }
            }

            k0 = SipHash.Hash24(c0, c1, KeyLabel, boxId, joinMessageId);
            k1 = SipHash.Hash24(c0, c1, KeyLabel, boxId, joinMessageId | (1UL << 32));
        }

        /// <summary>The MAC of a signed datagram of <paramref name="signedLength"/> bytes (trailer included).</summary>
        public static ulong Mac(byte[] buffer, int offset, int signedLength, ulong k0, ulong k1)
        {
            return SipHash.Hash(k0, k1, buffer, offset, signedLength - 8, true);
        }

        /// <summary>
        /// Appends the trailer to the message of <paramref name="length"/> bytes at
        /// <paramref name="offset"/>; returns the datagram's new length. Throws ArgumentException
        /// when the buffer or the datagram limit has no room for it (a programming error).
        /// </summary>
        public static int Sign(byte[] buffer, int offset, int length, ulong sequence, ulong k0, ulong k1)
        {
            int signed = length + TrailerLength;
            if (buffer == null || offset < 0 || length < ProtocolConstants.HeaderSize || offset + signed > buffer.Length || signed > ProtocolConstants.MaxDatagram)
            {
                throw new ArgumentException("no room for the command trailer");
            }

            WireFormat.WriteU64(buffer, offset + length, sequence);
            WireFormat.WriteU64(buffer, offset + length + 8, Mac(buffer, offset, signed, k0, k1));
            return signed;
        }

        /// <summary>True when a datagram of <paramref name="count"/> bytes has a trailer and its MAC is right for the key.</summary>
        public static bool HasValidMac(byte[] buffer, int offset, int count, ulong k0, ulong k1)
        {
            if (buffer == null || offset < 0 || count < ProtocolConstants.HeaderSize + TrailerLength || offset + count > buffer.Length)
            {
                return false;
            }

            return WireFormat.ReadU64(buffer, offset + count - 8) == Mac(buffer, offset, count, k0, k1);
        }

        /// <summary>The trailer's sequence of a signed datagram (no check).</summary>
        public static ulong ReadSequence(byte[] buffer, int offset, int count)
        {
            return WireFormat.ReadU64(buffer, offset + count - TrailerLength);
        }
    }
}
