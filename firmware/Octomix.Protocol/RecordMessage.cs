using System.Text;

namespace Octomix.Protocol
{
    /// <summary>
    /// Record (0x20): the engineer starts a take on a box. Every box gets the same take id,
    /// tempo, meter, count-in and origin, so beat n falls on sample floor(n·60·rate/bpm) of the
    /// take on every box and sample k of every stem is the same musical instant.
    /// <code>
    /// off size field
    ///  12    4 message id, u32
    ///  16    4 take id, u32 (non-zero)
    ///  20    4 tempo, hundredths of BPM, u32 (3000..30000)
    ///  24    1 beats per bar (1..16)
    ///  25    1 beat unit (2, 4, 8 or 16)
    ///  26    1 count-in bars (0..8)
    ///  27    1 click sound (1 beep, 2 woodblock, 3 hi-hat)
    ///  28    1 click level, percent (0..100)
    ///  29    1 record flags (RecordFlags)
    ///  30    2 start delay, ms, u16: begin the count-in this long after receiving
    ///  32    8 origin, i64: samples since midnight (at the session rate) of take sample 0
    ///  40    4 sample rate of the session, u32
    ///  44    1+n project name (length byte, UTF-8, n ≤ 31)
    ///   …    1+n scene name (the session)
    ///   …    1+n track name (this box's track)
    /// </code>
    /// </summary>
    public sealed class RecordMessage : ControlMessage
    {
        public const int MaxNameBytes = 31;

        public RecordMessage()
            : base(MessageType.Record)
        {
            TempoCentiBpm = 12000;
            BeatsPerBar = 4;
            BeatUnit = 4;
            CountInBars = 1;
            ClickSound = 1;
            ClickLevel = 80;
            Flags2 = RecordFlags.StreamAudio | RecordFlags.ClickDuringTake;
            SampleRate = 48000;
            Project = string.Empty;
            Scene = string.Empty;
            Track = string.Empty;
        }

        public uint TakeId { get; set; }

        public int TempoCentiBpm { get; set; }

        public int BeatsPerBar { get; set; }

        public int BeatUnit { get; set; }

        public int CountInBars { get; set; }

        public int ClickSound { get; set; }

        public int ClickLevel { get; set; }

        /// <summary><see cref="RecordFlags"/> bits (byte 29; the header flags byte is unused here).</summary>
        public byte Flags2 { get; set; }

        public int StartDelayMilliseconds { get; set; }

        public long OriginSamples { get; set; }

        public int SampleRate { get; set; }

        public string Project { get; set; }

        public string Scene { get; set; }

        public string Track { get; set; }

        protected override int FixedLength
        {
            get { return 44; }
        }

        protected override int VariableLength
        {
            get
            {
                return WireFormat.ShortStringLength(Project, MaxNameBytes)
                    + WireFormat.ShortStringLength(Scene, MaxNameBytes)
                    + WireFormat.ShortStringLength(Track, MaxNameBytes);
            }
        }

        protected override void WriteFields(byte[] b, int o)
        {
            WireFormat.WriteU32(b, o + 16, TakeId);
            WireFormat.WriteU32(b, o + 20, (uint)TempoCentiBpm);
            b[o + 24] = (byte)BeatsPerBar;
            b[o + 25] = (byte)BeatUnit;
            b[o + 26] = (byte)CountInBars;
            b[o + 27] = (byte)ClickSound;
            b[o + 28] = (byte)ClickLevel;
            b[o + 29] = Flags2;
            WireFormat.WriteU16(b, o + 30, StartDelayMilliseconds);
            WireFormat.WriteI64(b, o + 32, OriginSamples);
            WireFormat.WriteU32(b, o + 40, (uint)SampleRate);
            int p = o + 44;
            p += WireFormat.WriteShortString(b, p, Project, MaxNameBytes);
            p += WireFormat.WriteShortString(b, p, Scene, MaxNameBytes);
            WireFormat.WriteShortString(b, p, Track, MaxNameBytes);
        }

        protected override DecodeResult ReadFields(byte[] b, int o, int count)
        {
            TakeId = WireFormat.ReadU32(b, o + 16);
            TempoCentiBpm = (int)WireFormat.ReadU32(b, o + 20);
            BeatsPerBar = b[o + 24];
            BeatUnit = b[o + 25];
            CountInBars = b[o + 26];
            ClickSound = b[o + 27];
            ClickLevel = b[o + 28];
            Flags2 = b[o + 29];
            StartDelayMilliseconds = WireFormat.ReadU16(b, o + 30);
            OriginSamples = WireFormat.ReadI64(b, o + 32);
            SampleRate = (int)WireFormat.ReadU32(b, o + 40);

            int p = o + 44;
            int end = o + count;
            string[] names = new string[3];
            for (int i = 0; i < 3; i++)
            {
                if (p >= end)
                {
                    return DecodeResult.TooShort;
                }

                int n = b[p];
                if (n > MaxNameBytes || p + 1 + n > end)
                {
                    return DecodeResult.BadLength;
                }

                names[i] = WireFormat.ReadString(b, p + 1, n);
                if (names[i] == null)
                {
                    return DecodeResult.BadField;
                }

                p += 1 + n;
            }

            if (p != end)
            {
                return DecodeResult.BadLength;
            }

            Project = names[0];
            Scene = names[1];
            Track = names[2];

            if (TakeId == 0 || TempoCentiBpm < 3000 || TempoCentiBpm > 30000 || BeatsPerBar < 1 || BeatsPerBar > 16
                || (BeatUnit != 2 && BeatUnit != 4 && BeatUnit != 8 && BeatUnit != 16) || CountInBars > 8
                || ClickLevel > 100 || SampleRate < 8000 || SampleRate > 192000)
            {
                return DecodeResult.BadField;
            }

            return DecodeResult.Ok;
        }

        protected override void DescribeFields(StringBuilder text)
        {
            Line(text, "take", TakeId);
            Line(text, "tempoCentiBpm", TempoCentiBpm);
            Line(text, "beatsPerBar", BeatsPerBar);
            Line(text, "beatUnit", BeatUnit);
            Line(text, "countInBars", CountInBars);
            Line(text, "clickSound", ClickSound);
            Line(text, "clickLevel", ClickLevel);
            Line(text, "recordFlags", Flags2);
            Line(text, "startDelayMs", StartDelayMilliseconds);
            Line(text, "origin", OriginSamples);
            Line(text, "rate", SampleRate);
            Line(text, "project", Quote(Project));
            Line(text, "scene", Quote(Scene));
            Line(text, "track", Quote(Track));
        }
    }

    /// <summary>Bits of <see cref="RecordMessage.Flags2"/>.</summary>
    public static class RecordFlags
    {
        /// <summary>Stream the take's audio to the engineers while recording (for the monitor mix).</summary>
        public const byte StreamAudio = 0x01;

        /// <summary>Keep the click running after the count-in (else count-in only).</summary>
        public const byte ClickDuringTake = 0x02;
    }
}
