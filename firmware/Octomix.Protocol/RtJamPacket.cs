namespace Octomix.Protocol
{
    /// <summary>
    /// RTJam's datagram (its <c>struct JamMessage</c>, packed, big-endian), the format of the jam
    /// server Octomix grew from, so that RTJam clients can play in an Octomix room
    /// (docs/protocol.md, "RTJam interop"). A 28-byte header, then the audio: two channels,
    /// planar (every frame of channel 0, then channel 1), u16 big-endian offset-binary; frames =
    /// (length − 28) / 4. No magic, no version, no authentication.
    /// <para>
    /// Decoding never throws and allocates nothing; the conversions to and from Octomix's
    /// interleaved little-endian signed s16 are exact (a sample is its two bytes swapped, the top
    /// bit flipped). Portable (nanoFramework and .NET): byte arrays and offsets only.
    /// </para>
    /// </summary>
    public sealed class RtJamPacket
    {
        /// <summary>Bytes before the audio.</summary>
        public const int HeaderLength = 28;

        /// <summary>Audio bytes per frame: two channels of 16 bits.</summary>
        public const int BytesPerFrame = 4;

        /// <summary>Most frames a datagram of at most <see cref="ProtocolConstants.MaxDatagram"/> bytes carries (343).</summary>
        public const int MaxFrames = (ProtocolConstants.MaxDatagram - HeaderLength) / BytesPerFrame;

        /// <summary>The SampleRate byte of 48 kHz, the only rate accepted.</summary>
        public const byte SampleRate48k = 0;

        /// <summary>The rate that <see cref="SampleRate48k"/> means.</summary>
        public const int SampleRateHz = 48000;

        /// <summary>Frames of one RTJam audio chunk (NumAudioChunks counts them).</summary>
        public const int ChunkFrames = 64;

        /// <summary>One beat of the server's metronome, µs (120 BPM); Beat = ServerTime / this mod 4.</summary>
        public const ulong BeatMicroseconds = 500000;

        /// <summary>ClientId of a packet converted from an Octomix member: "OX" in the top 16 bits, the slot below.</summary>
        public const uint OctomixClientIdBase = 0x4F580000;

        public byte Channel;

        public byte SampleRate;

        public byte NumAudioChunks;

        public byte Beat;

        public ulong ServerTime;

        public ulong TimeStamp;

        public uint ClientId;

        public uint SequenceNumber;

        /// <summary>Frames of the datagram last read (from its length).</summary>
        public int FrameCount;

        /// <summary>Length of a datagram of <paramref name="frames"/> frames: 28 + 4 · frames (64 → 284, 128 → 540).</summary>
        public static int LengthOf(int frames)
        {
            return HeaderLength + (frames * BytesPerFrame);
        }

        /// <summary>
        /// Checks a datagram's shape: <see cref="DecodeResult.TooShort"/> below 32 bytes (a header
        /// with no audio is an echo, never sent to a server), <see cref="DecodeResult.TooLong"/> above
        /// 1400, <see cref="DecodeResult.BadLength"/> when length − 28 is not a multiple of 4,
        /// <see cref="DecodeResult.BadField"/> when SampleRate is not 0 (48 kHz).
        /// </summary>
        public static DecodeResult Check(byte[] b, int o, int length)
        {
            if (length < HeaderLength + BytesPerFrame)
            {
                return DecodeResult.TooShort;
            }

            if (length > ProtocolConstants.MaxDatagram)
            {
                return DecodeResult.TooLong;
            }

            if (((length - HeaderLength) % BytesPerFrame) != 0)
            {
                return DecodeResult.BadLength;
            }

            if (b[o + 1] != SampleRate48k)
            {
                return DecodeResult.BadField;
            }

            return DecodeResult.Ok;
        }

        /// <summary>Checks (<see cref="Check"/>) and reads the header of a datagram.</summary>
        public DecodeResult Read(byte[] b, int o, int length)
        {
            DecodeResult r = Check(b, o, length);
            if (r != DecodeResult.Ok)
            {
                return r;
            }

            ReadHeader(b, o);
            FrameCount = (length - HeaderLength) / BytesPerFrame;
            return DecodeResult.Ok;
        }

        /// <summary>Reads the 28 header bytes without checking anything (an echo, a datagram already checked).</summary>
        public void ReadHeader(byte[] b, int o)
        {
            Channel = b[o];
            SampleRate = b[o + 1];
            NumAudioChunks = b[o + 2];
            Beat = b[o + 3];
            ServerTime = ReadU64(b, o + 4);
            TimeStamp = ReadU64(b, o + 12);
            ClientId = ReadU32(b, o + 20);
            SequenceNumber = ReadU32(b, o + 24);
        }

        /// <summary>Writes the 28 header bytes; returns 28.</summary>
        public int WriteHeader(byte[] b, int o)
        {
            b[o] = Channel;
            b[o + 1] = SampleRate;
            b[o + 2] = NumAudioChunks;
            b[o + 3] = Beat;
            WriteU64(b, o + 4, ServerTime);
            WriteU64(b, o + 12, TimeStamp);
            WriteU32(b, o + 20, ClientId);
            WriteU32(b, o + 24, SequenceNumber);
            return HeaderLength;
        }

        /// <summary>What RTJam's server writes into a packet it forwards: Channel (the sender's slot), ServerTime, Beat.</summary>
        public static void StampServer(byte[] b, int o, byte channel, ulong serverTime)
        {
            b[o] = channel;
            b[o + 3] = BeatAt(serverTime);
            WriteU64(b, o + 4, serverTime);
        }

        /// <summary>The server metronome's beat (0–3) at <paramref name="serverTime"/> µs.</summary>
        public static byte BeatAt(ulong serverTime)
        {
            return (byte)((serverTime / BeatMicroseconds) % 4);
        }

        /// <summary>
        /// Octomix timecode (samples at 48 kHz) of an RTJam time in µs: floor(µs · 48000 / 10⁶) =
        /// floor(µs · 6 / 125), exact for every value (no overflow: divided first).
        /// </summary>
        public static long TimecodeOf(long microseconds)
        {
            long q = microseconds / 125;
            long r = microseconds % 125;
            if (r < 0)
            {
                q--;
                r += 125;
            }

            return (q * 6) + ((r * 6) / 125);
        }

        /// <summary>
        /// RTJam time in µs of an Octomix timecode: ceil(samples · 125 / 6), the earliest µs whose
        /// <see cref="TimecodeOf"/> is that sample, so timecode → µs → timecode is exact.
        /// </summary>
        public static long MicrosecondsOf(long timecode)
        {
            long q = timecode / 6;
            long r = timecode % 6;
            if (r < 0)
            {
                q--;
                r += 6;
            }

            return (q * 125) + (((r * 125) + 5) / 6);
        }

        /// <summary>
        /// The audio of an RTJam datagram (at <paramref name="audioOffset"/>: planar u16 BE
        /// offset-binary) as Octomix stereo s16 (interleaved little-endian signed), written at
        /// <paramref name="dstOffset"/>: 4 · <paramref name="frames"/> bytes. Exact.
        /// </summary>
        public static void ToInterleaved(byte[] src, int audioOffset, int frames, byte[] dst, int dstOffset)
        {
            int left = audioOffset;
            int right = audioOffset + (frames * 2);
            int d = dstOffset;
            for (int f = 0; f < frames; f++)
            {
                dst[d] = src[left + 1];
                dst[d + 1] = (byte)(src[left] ^ 0x80);
                dst[d + 2] = src[right + 1];
                dst[d + 3] = (byte)(src[right] ^ 0x80);
                left += 2;
                right += 2;
                d += 4;
            }
        }

        /// <summary>
        /// Octomix PCM (interleaved little-endian, <paramref name="channels"/> 1–8 of
        /// <paramref name="format"/> s16/s24/s32) as RTJam's planar u16 BE offset-binary stereo
        /// at <paramref name="dstOffset"/>: s16 stereo exactly; s24 and s32 keep their top 16 bits;
        /// mono goes to both channels; channels past two are left out.
        /// </summary>
        public static void FromInterleaved(byte[] src, int payloadOffset, int frames, int channels, int format, byte[] dst, int dstOffset)
        {
            int bytes = format == (int)SampleFormat.S16 ? 2 : (format == (int)SampleFormat.S24 ? 3 : 4);
            int top = bytes - 2; // offset of the top 16 bits (little-endian) within a sample
            int frameBytes = bytes * channels;
            int second = channels > 1 ? bytes : 0;
            int p = payloadOffset + top;
            int left = dstOffset;
            int right = dstOffset + (frames * 2);
            for (int f = 0; f < frames; f++)
            {
                dst[left] = (byte)(src[p + 1] ^ 0x80);
                dst[left + 1] = src[p];
                dst[right] = (byte)(src[p + second + 1] ^ 0x80);
                dst[right + 1] = src[p + second];
                p += frameBytes;
                left += 2;
                right += 2;
            }
        }

        /// <summary>
        /// An Octomix Audio datagram of the (checked) RTJam datagram at <paramref name="o"/>, written
        /// at <paramref name="dstOffset"/>: token 0, source <paramref name="sourceSlot"/>, destination
        /// FF, flags 0, sequence = SequenceNumber, take 0, the given timecode, stereo s16. Returns its
        /// length (32 + 4 · frames). <paramref name="scratch"/> is the caller's reused encoder.
        /// </summary>
        public static int ToOctomix(byte[] src, int o, int length, byte sourceSlot, long timecode, AudioPacket scratch, byte[] dst, int dstOffset)
        {
            int frames = (length - HeaderLength) / BytesPerFrame;
            scratch.Token = 0;
            scratch.SourceSlot = sourceSlot;
            scratch.DestinationSlot = Slot.Everyone;
            scratch.Flags = 0;
            scratch.Sequence = ReadU32(src, o + 24);
            scratch.TakeId = 0;
            scratch.Timecode = timecode;
            scratch.FrameCount = frames;
            scratch.Channels = 2;
            scratch.Format = (byte)SampleFormat.S16;
            int n = scratch.WriteHeader(dst, dstOffset);
            ToInterleaved(src, o + HeaderLength, frames, dst, dstOffset + AudioPacket.HeaderLength);
            return n;
        }

        /// <summary>
        /// An RTJam datagram of a (decoded) Octomix Audio datagram whose payload is at
        /// <paramref name="payloadOffset"/> of <paramref name="src"/>: Channel = the sender's slot,
        /// SampleRate 0, NumAudioChunks = frames / 64 rounded up, ServerTime and Beat from
        /// <paramref name="serverTime"/>, TimeStamp = <see cref="MicrosecondsOf"/>(timecode), ClientId
        /// "OX" + slot, SequenceNumber = the Audio's. Returns its length (28 + 4 · frames); frames
        /// beyond <see cref="MaxFrames"/> are cut (an Octomix packet never has that many in stereo s16).
        /// </summary>
        public static int FromOctomix(AudioPacket audio, byte[] src, int payloadOffset, ulong serverTime, byte[] dst, int dstOffset)
        {
            int frames = audio.FrameCount > MaxFrames ? MaxFrames : audio.FrameCount;
            dst[dstOffset] = audio.SourceSlot;
            dst[dstOffset + 1] = SampleRate48k;
            dst[dstOffset + 2] = (byte)((frames + ChunkFrames - 1) / ChunkFrames);
            dst[dstOffset + 3] = BeatAt(serverTime);
            WriteU64(dst, dstOffset + 4, serverTime);
            WriteU64(dst, dstOffset + 12, (ulong)MicrosecondsOf(audio.Timecode));
            WriteU32(dst, dstOffset + 20, OctomixClientIdBase | audio.SourceSlot);
            WriteU32(dst, dstOffset + 24, audio.Sequence);
            FromInterleaved(src, payloadOffset, frames, audio.Channels, audio.Format, dst, dstOffset + HeaderLength);
            return LengthOf(frames);
        }

        /// <summary>One line per field, as the vectors file prints them.</summary>
        public string Describe()
        {
            return "rtjam.channel=" + Channel.ToString() + "\n"
                + "rtjam.sampleRate=" + SampleRate.ToString() + "\n"
                + "rtjam.numAudioChunks=" + NumAudioChunks.ToString() + "\n"
                + "rtjam.beat=" + Beat.ToString() + "\n"
                + "rtjam.serverTime=" + ServerTime.ToString() + "\n"
                + "rtjam.timeStamp=" + TimeStamp.ToString() + "\n"
                + "rtjam.clientId=" + ClientId.ToString() + "\n"
                + "rtjam.sequence=" + SequenceNumber.ToString() + "\n"
                + "rtjam.frames=" + FrameCount.ToString() + "\n";
        }

        public static uint ReadU32(byte[] b, int o)
        {
            return ((uint)b[o] << 24) | ((uint)b[o + 1] << 16) | ((uint)b[o + 2] << 8) | b[o + 3];
        }

        public static ulong ReadU64(byte[] b, int o)
        {
            return ((ulong)ReadU32(b, o) << 32) | ReadU32(b, o + 4);
        }

        public static void WriteU32(byte[] b, int o, uint v)
        {
            b[o] = (byte)(v >> 24);
            b[o + 1] = (byte)(v >> 16);
            b[o + 2] = (byte)(v >> 8);
            b[o + 3] = (byte)v;
        }

        public static void WriteU64(byte[] b, int o, ulong v)
        {
            WriteU32(b, o, (uint)(v >> 32));
            WriteU32(b, o + 4, (uint)v);
        }
    }
}
