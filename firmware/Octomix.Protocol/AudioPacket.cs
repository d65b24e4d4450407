using System;
using System.Text;

namespace Octomix.Protocol
{
    /// <summary>
    /// Timecoded PCM (type 0x01). The payload is exactly what the box's I2S driver delivers:
    /// interleaved little-endian PCM, so the box copies a block into a packet with one native
    /// Array.Copy.
    /// <code>
    /// off size field
    ///  12    4 sequence, u32: +1 per packet of this sender's stream (retransmissions keep theirs)
    ///  16    4 take id, u32 (0 = no take: jamming)
    ///  20    8 timecode, i64: sample index of the first frame (negative during the count-in)
    ///  28    2 frame count, u16 (1..)
    ///  30    1 channels (1..8)
    ///  31    1 sample format (SampleFormat)
    ///  32    … payload: frame count × channels × bytes per sample
    /// </code>
    /// Flags: <see cref="AudioFlags"/>.
    /// </summary>
    public sealed class AudioPacket : Message
    {
        public const int HeaderLength = 32;

        /// <summary>Largest payload that fits a datagram.</summary>
        public const int MaxPayload = ProtocolConstants.MaxDatagram - HeaderLength;

        public AudioPacket()
            : base(MessageType.Audio)
        {
            DestinationSlot = Slot.Everyone;
            Channels = 2;
            Format = (byte)SampleFormat.S16;
        }

        public uint Sequence { get; set; }

        public uint TakeId { get; set; }

        public long Timecode { get; set; }

        public int FrameCount { get; set; }

        public int Channels { get; set; }

        /// <summary>A <see cref="SampleFormat"/> code.</summary>
        public byte Format { get; set; }

        /// <summary>After <see cref="Message.Read"/>: absolute offset of the payload in the buffer read.</summary>
        public int PayloadOffset { get; private set; }

        /// <summary>Payload bytes (frame count × channels × bytes per sample).</summary>
        public int PayloadLength
        {
            get { return FrameCount * Channels * SampleFormats.BytesPerSample(Format); }
        }

        public override int Length
        {
            get { return HeaderLength + PayloadLength; }
        }

        /// <summary>Payload bytes for the given shape, or -1 when the format code is unknown.</summary>
        public static int PayloadBytes(int frames, int channels, int format)
        {
            int bytes = SampleFormats.BytesPerSample(format);
            return bytes == 0 ? -1 : frames * channels * bytes;
        }

        /// <summary>Most frames of this shape that fit one datagram.</summary>
        public static int MaxFrames(int channels, int format)
        {
            int frameBytes = channels * SampleFormats.BytesPerSample(format);
            return frameBytes == 0 ? 0 : MaxPayload / frameBytes;
        }

        /// <summary>
        /// Writes only the 32 header bytes (the payload is already at offset + 32, e.g. in a
        /// retransmit ring slot). Returns the datagram length.
        /// </summary>
        public int WriteHeader(byte[] buffer, int offset)
        {
            int length = Length;
            if (buffer == null || offset < 0 || offset + length > buffer.Length || length > ProtocolConstants.MaxDatagram)
            {
                throw new ArgumentException("audio packet of " + length + " bytes does not fit");
            }

            WriteHeader(buffer, offset, Type, Token, SourceSlot, DestinationSlot, Flags);
            WriteBody(buffer, offset);
            return length;
        }

        /// <summary>Writes header and payload (copied with one Array.Copy). Returns the datagram length.</summary>
        public int Write(byte[] buffer, int offset, byte[] payload, int payloadOffset)
        {
            int length = WriteHeader(buffer, offset);
            Array.Copy(payload, payloadOffset, buffer, offset + HeaderLength, PayloadLength);
            return length;
        }

        /// <summary>
        /// Rewrites the two fields that change from packet to packet in an already written header:
        /// on the box this is 12 byte stores instead of 32.
        /// </summary>
        public static void StampSequenceAndTimecode(byte[] buffer, int offset, uint sequence, long timecode)
        {
            WireFormat.WriteU32(buffer, offset + 12, sequence);
            WireFormat.WriteI64(buffer, offset + 20, timecode);
        }

        public static uint ReadSequence(byte[] buffer, int offset)
        {
            return WireFormat.ReadU32(buffer, offset + 12);
        }

        public static long ReadTimecode(byte[] buffer, int offset)
        {
            return WireFormat.ReadI64(buffer, offset + 20);
        }

        protected override void WriteBody(byte[] b, int o)
        {
            WireFormat.WriteU32(b, o + 12, Sequence);
            WireFormat.WriteU32(b, o + 16, TakeId);
            WireFormat.WriteI64(b, o + 20, Timecode);
            WireFormat.WriteU16(b, o + 28, FrameCount);
            b[o + 30] = (byte)Channels;
            b[o + 31] = Format;
        }

        protected override DecodeResult ReadBody(byte[] b, int o, int count)
        {
            if (count < HeaderLength)
            {
                return DecodeResult.TooShort;
            }

            Sequence = WireFormat.ReadU32(b, o + 12);
            TakeId = WireFormat.ReadU32(b, o + 16);
            Timecode = WireFormat.ReadI64(b, o + 20);
            FrameCount = WireFormat.ReadU16(b, o + 28);
            Channels = b[o + 30];
            Format = b[o + 31];
            PayloadOffset = o + HeaderLength;
            if (FrameCount == 0 || Channels == 0 || Channels > 8 || SampleFormats.BytesPerSample(Format) == 0)
            {
                return DecodeResult.BadField;
            }

            if (HeaderLength + PayloadLength != count)
            {
                return DecodeResult.BadLength;
            }

            return DecodeResult.Ok;
        }

        protected override void DescribeBody(StringBuilder text)
        {
            Line(text, "sequence", Sequence);
            Line(text, "take", TakeId);
            Line(text, "timecode", Timecode);
            Line(text, "frames", FrameCount);
            Line(text, "channels", Channels);
            Line(text, "format", Format);
        }
    }

    /// <summary>Bits of the header's flags byte in <see cref="AudioPacket"/>.</summary>
    public static class AudioFlags
    {
        /// <summary>Sent again in answer to a NACK (the sequence number is the original one).</summary>
        public const byte Retransmission = 0x01;

        /// <summary>Made by the server: a personal mix of the other jammers.</summary>
        public const byte Mix = 0x02;

        /// <summary>A take played back to the boxes by the engineer.</summary>
        public const byte Playback = 0x04;
    }
}
