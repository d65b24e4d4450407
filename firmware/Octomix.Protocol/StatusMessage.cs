using System.Text;

namespace Octomix.Protocol
{
    /// <summary>
    /// Status (0x05): heartbeat and health of a box (or a console), sent to the server at least
    /// every heartbeat interval; the server keeps the slot alive, answers with an
    /// <see cref="AckMessage"/> echoing <see cref="SentAtMicroseconds"/> (round-trip time) and
    /// forwards box status to the engineers. Unreliable: the next one supersedes a lost one.
    /// <code>
    /// off size field
    ///  12    4 status sequence, u32
    ///  16    4 sent at, sender's clock, µs (low 32 bits), u32
    ///  20    1 state (BoxStateCode)
    ///  21    1 status flags (StatusFlags)
    ///  22    1 peak of channel 0 since the last status, -dBFS (0 = full scale, 255 = silence)
    ///  23    1 peak of channel 1, -dBFS
    ///  24    4 round-trip latency L of the box, samples, i32 (-1 = not measured)
    ///  28    4 SD card free space, MiB, u32
    ///  32    2 SD card write speed measured at boot, KB/s, u16
    ///  34    2 playback underruns since join, u16
    ///  36    2 capture overruns since join, u16
    ///  38    2 round-trip time to the server, tenths of ms, u16 (0xFFFF = unknown)
    ///  40    4 current take id, u32 (0 = none)
    ///  44    8 current timecode, i64 (sample index in the take, or the running capture count)
    ///  52    1 error code (0 = none; same codes as the box's LEDs)
    ///  53    1 playback buffer depth, ms
    ///  54    2 commands refused since boot: failed authentication (CommandAuth), u16 saturating
    ///  56    4 card free time: seconds the card still holds at the box's current format, u32
    ///          (0xFFFFFFFF = unknown: no card, or a console)
    /// </code>
    /// </summary>
    public sealed class StatusMessage : Message
    {
        public const int FixedLength = 60;

        /// <summary><see cref="CardFreeSeconds"/> when the sender does not know (no card; a console).</summary>
        public const uint CardFreeUnknown = 0xFFFFFFFF;

        public StatusMessage()
            : base(MessageType.Status)
        {
            LatencySamples = -1;
            PeakDb0 = 255;
            PeakDb1 = 255;
            RttTenthsMs = 0xFFFF;
            CardFreeSeconds = CardFreeUnknown;
        }

        public uint Sequence { get; set; }

        public uint SentAtMicroseconds { get; set; }

        public byte State { get; set; }

        public byte StatusFlags { get; set; }

        public byte PeakDb0 { get; set; }

        public byte PeakDb1 { get; set; }

        public int LatencySamples { get; set; }

        public uint SdFreeMiB { get; set; }

        public int SdWriteKBps { get; set; }

        public int Underruns { get; set; }

        public int Overruns { get; set; }

        public int RttTenthsMs { get; set; }

        public uint TakeId { get; set; }

        public long Timecode { get; set; }

        public byte ErrorCode { get; set; }

        public byte BufferMilliseconds { get; set; }

        /// <summary>Commands the box refused since boot because they failed authentication (forged), saturating at 65535.</summary>
        public int RefusedCommands { get; set; }

        /// <summary>
        /// Seconds of audio the card still holds at the box's current format (rate × channels ×
        /// bytes per sample), what a take in progress has written already taken off;
        /// <see cref="CardFreeUnknown"/> without a card. The console refuses a take a card cannot hold.
        /// </summary>
        public uint CardFreeSeconds { get; set; }

        /// <summary>Seconds <paramref name="freeBytes"/> hold at <paramref name="bytesPerSecond"/>; <see cref="CardFreeUnknown"/> when either is unknown (negative or 0), at most 0xFFFFFFFE.</summary>
        public static uint CardSeconds(long freeBytes, long bytesPerSecond)
        {
            if (freeBytes < 0 || bytesPerSecond <= 0)
            {
                return CardFreeUnknown;
            }

            long seconds = freeBytes / bytesPerSecond;
            return seconds >= CardFreeUnknown ? CardFreeUnknown - 1 : (uint)seconds;
        }

        public override int Length
        {
            get { return FixedLength; }
        }

        protected override void WriteBody(byte[] b, int o)
        {
            WireFormat.WriteU32(b, o + 12, Sequence);
            WireFormat.WriteU32(b, o + 16, SentAtMicroseconds);
            b[o + 20] = State;
            b[o + 21] = StatusFlags;
            b[o + 22] = PeakDb0;
            b[o + 23] = PeakDb1;
            WireFormat.WriteI32(b, o + 24, LatencySamples);
            WireFormat.WriteU32(b, o + 28, SdFreeMiB);
            WireFormat.WriteU16(b, o + 32, Clamp16(SdWriteKBps));
            WireFormat.WriteU16(b, o + 34, Clamp16(Underruns));
            WireFormat.WriteU16(b, o + 36, Clamp16(Overruns));
            WireFormat.WriteU16(b, o + 38, Clamp16(RttTenthsMs));
            WireFormat.WriteU32(b, o + 40, TakeId);
            WireFormat.WriteI64(b, o + 44, Timecode);
            b[o + 52] = ErrorCode;
            b[o + 53] = BufferMilliseconds;
            WireFormat.WriteU16(b, o + 54, Clamp16(RefusedCommands));
            WireFormat.WriteU32(b, o + 56, CardFreeSeconds);
        }

        protected override DecodeResult ReadBody(byte[] b, int o, int count)
        {
            if (count != FixedLength)
            {
                return count < FixedLength ? DecodeResult.TooShort : DecodeResult.BadLength;
            }

            Sequence = WireFormat.ReadU32(b, o + 12);
            SentAtMicroseconds = WireFormat.ReadU32(b, o + 16);
            State = b[o + 20];
            StatusFlags = b[o + 21];
            PeakDb0 = b[o + 22];
            PeakDb1 = b[o + 23];
            LatencySamples = WireFormat.ReadI32(b, o + 24);
            SdFreeMiB = WireFormat.ReadU32(b, o + 28);
            SdWriteKBps = WireFormat.ReadU16(b, o + 32);
            Underruns = WireFormat.ReadU16(b, o + 34);
            Overruns = WireFormat.ReadU16(b, o + 36);
            RttTenthsMs = WireFormat.ReadU16(b, o + 38);
            TakeId = WireFormat.ReadU32(b, o + 40);
            Timecode = WireFormat.ReadI64(b, o + 44);
            ErrorCode = b[o + 52];
            BufferMilliseconds = b[o + 53];
            RefusedCommands = WireFormat.ReadU16(b, o + 54);
            CardFreeSeconds = WireFormat.ReadU32(b, o + 56);
            return DecodeResult.Ok;
        }

        protected override void DescribeBody(StringBuilder text)
        {
            Line(text, "sequence", Sequence);
            Line(text, "sentAtUs", SentAtMicroseconds);
            Line(text, "state", State);
            Line(text, "statusFlags", StatusFlags);
            Line(text, "peakDb0", PeakDb0);
            Line(text, "peakDb1", PeakDb1);
            Line(text, "latency", LatencySamples);
            Line(text, "sdFreeMiB", SdFreeMiB);
            Line(text, "sdWriteKBps", SdWriteKBps);
            Line(text, "underruns", Underruns);
            Line(text, "overruns", Overruns);
            Line(text, "rttTenthsMs", RttTenthsMs);
            Line(text, "take", TakeId);
            Line(text, "timecode", Timecode);
            Line(text, "error", ErrorCode);
            Line(text, "bufferMs", BufferMilliseconds);
            Line(text, "refusedCommands", RefusedCommands);
            Line(text, "cardFreeSeconds", CardFreeSeconds);
        }

        private static int Clamp16(int v)
        {
            return v < 0 ? 0 : (v > 0xFFFF ? 0xFFFF : v);
        }
    }

    /// <summary>Bits of <see cref="StatusMessage.StatusFlags"/>.</summary>
    public static class StatusFlags
    {
        public const byte SdCardOk = 0x01;
        /// <summary>The card's measured write speed sustains the session's format with margin.</summary>
        public const byte SdFastEnough = 0x02;
        /// <summary>L was measured since the last join.</summary>
        public const byte Calibrated = 0x04;
        public const byte Recording = 0x08;
        public const byte SdFull = 0x10;
        /// <summary>Capture fell behind at least once this take (samples may be missing).</summary>
        public const byte CaptureOverrun = 0x20;
        public const byte Streaming = 0x40;
    }

    /// <summary>Values of <see cref="StatusMessage.State"/>: the box's state machine, for the console.</summary>
    public static class BoxStateCode
    {
        public const byte Booting = 0;
        public const byte Network = 1;
        public const byte Idle = 2;
        public const byte Joining = 3;
        public const byte Ready = 4;
        public const byte Calibrating = 5;
        public const byte CountIn = 6;
        public const byte Recording = 7;
        public const byte Stopping = 8;
        public const byte Collecting = 9;
        public const byte Jamming = 10;
        public const byte Playback = 11;
        public const byte Error = 12;
        /// <summary>Not a box: an engineer's console.</summary>
        public const byte Engineer = 20;

        public static string Name(int code)
        {
            switch (code)
            {
                case Booting: return "booting";
                case Network: return "network";
                case Idle: return "idle";
                case Joining: return "joining";
                case Ready: return "ready";
                case Calibrating: return "calibrating";
                case CountIn: return "count-in";
                case Recording: return "recording";
                case Stopping: return "stopping";
                case Collecting: return "collecting";
                case Jamming: return "jamming";
                case Playback: return "playback";
                case Error: return "error";
                case Engineer: return "engineer";
                default: return "state " + code;
            }
        }
    }
}
