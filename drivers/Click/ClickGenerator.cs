using System;
using Octomix.Hal;

namespace Octomix.Drivers.Click
{
    /// <summary>
    /// The box's metronome. Beat <c>n</c> starts at take sample <c>floor(n * 60 * rate * 100 /
    /// tempoCentiBpm)</c>, computed in exact integer arithmetic, so every box that uses the same
    /// tempo and rate puts every beat on the same sample of its own recording. Sample 0 of the take
    /// is beat 0 (the downbeat of bar 1); the count-in is beats -countInBars*beatsPerBar .. -1, so
    /// the take's first sample index is <c>-CountInFrames</c>.
    /// <para>
    /// The clicks are rendered once (<see cref="ClickGenerator(PcmFormat, ClickSound, int)"/>,
    /// <see cref="SetLevel"/>); <see cref="Fill"/> only copies click segments and clears the gaps
    /// (Array.Copy / Array.Clear), allocates nothing and has no per-sample loop, so it can run once
    /// per audio block on the box.
    /// </para>
    /// <para>
    /// Accents: beat 0 of every bar gets the accent click. In compound meters (x/8 with a multiple
    /// of 3 beats above 3: 6/8, 9/8, 12/8) beats 3, 6, 9 of the bar get the accent timbre at a lower
    /// level (<see cref="IsSecondaryAccent"/>), so 6/8 is heard as two groups of three.
    /// </para>
    /// <para>Not thread-safe: one owner (the audio loop) calls Configure, Fill and SetLevel.</para>
    /// </summary>
    public sealed class ClickGenerator
    {
        public const int MinTempoCentiBpm = 3000;
        public const int MaxTempoCentiBpm = 30000;
        public const int MaxBeatsPerBar = 32;
        public const int MaxCountInBars = 16;

        /// <summary>Level of a secondary accent (6/8 beat 4) relative to the accent.</summary>
        private const double SecondaryAccentGain = 0.7;

        private readonly PcmFormat _format;
        private readonly ClickSound _sound;
        private readonly int _frameBytes;
        private readonly int _clickFrames;
        private readonly byte[] _accent;
        private readonly byte[] _secondaryAccent;
        private readonly byte[] _normal;

        /// <summary>60 s * rate * 100: numerator of the beat length in frames per hundredth of a BPM.</summary>
        private readonly long _framesPerMinuteTimes100;

        private int _levelPercent;
        private int _tempoCentiBpm;
        private int _beatsPerBar;
        private int _beatUnit;
        private int _countInBars;
        private long _countInFrames;
        private int _playFrames;
        private long _lastBeatStartedInFill = long.MinValue;

        /// <summary>
        /// Renders the accent, secondary-accent and normal clicks once for <paramref name="format"/>
        /// (one-time per-sample work, a few milliseconds on the box) and configures 120 BPM 4/4
        /// without count-in until <see cref="Configure"/> is called.
        /// </summary>
        public ClickGenerator(PcmFormat format, ClickSound sound, int levelPercent)
        {
            if (format == null) throw new ArgumentNullException("format");
            if (sound != ClickSound.Beep && sound != ClickSound.Woodblock && sound != ClickSound.HiHat)
                throw new ArgumentOutOfRangeException("sound", "unknown click sound " + (int)sound + " (use Beep, Woodblock or HiHat)");
            CheckLevel(levelPercent);

            _format = format;
            _sound = sound;
            _frameBytes = format.FrameBytes;
            _framesPerMinuteTimes100 = 6000L * format.SampleRate;
            _clickFrames = format.SampleRate * ClickRenderer.LengthMilliseconds(sound) / 1000;
            _accent = new byte[_clickFrames * _frameBytes];
            _secondaryAccent = new byte[_clickFrames * _frameBytes];
            _normal = new byte[_clickFrames * _frameBytes];
            Render(levelPercent);
            Configure(12000, 4, 4, 0);
        }

        public PcmFormat Format { get { return _format; } }
        public ClickSound Sound { get { return _sound; } }
        public int LevelPercent { get { return _levelPercent; } }
        public int TempoCentiBpm { get { return _tempoCentiBpm; } }
        public int BeatsPerBar { get { return _beatsPerBar; } }
        public int BeatUnit { get { return _beatUnit; } }
        public int CountInBars { get { return _countInBars; } }

        /// <summary>Frames of one click as played (the rendered length, shortened if a beat is shorter).</summary>
        public int ClickFrames { get { return _playFrames; } }

        /// <summary>
        /// Sets the grid. <paramref name="tempoCentiBpm"/> is in hundredths of BPM (12000 = 120.00),
        /// 3000..30000, counting <paramref name="beatUnit"/> notes (one click per beat unit: 6/8 at
        /// 180.00 clicks eighth notes at 180 per minute). Throws ArgumentOutOfRangeException naming
        /// the bad value; nothing changes then.
        /// </summary>
        public void Configure(int tempoCentiBpm, int beatsPerBar, int beatUnit, int countInBars)
        {
            if (tempoCentiBpm < MinTempoCentiBpm || tempoCentiBpm > MaxTempoCentiBpm)
                throw new ArgumentOutOfRangeException("tempoCentiBpm", "tempo " + FormatCenti(tempoCentiBpm)
                    + " BPM is outside 30.00..300.00 BPM (the value is in hundredths of BPM: 12000 = 120.00 BPM)");
            if (beatsPerBar < 1 || beatsPerBar > MaxBeatsPerBar)
                throw new ArgumentOutOfRangeException("beatsPerBar", "meter " + beatsPerBar + "/" + beatUnit
                    + ": beats per bar must be 1.." + MaxBeatsPerBar);
            if (beatUnit != 1 && beatUnit != 2 && beatUnit != 4 && beatUnit != 8 && beatUnit != 16)
                throw new ArgumentOutOfRangeException("beatUnit", "meter " + beatsPerBar + "/" + beatUnit
                    + ": the beat unit must be 1, 2, 4, 8 or 16");
            if (countInBars < 0 || countInBars > MaxCountInBars)
                throw new ArgumentOutOfRangeException("countInBars", "count-in of " + countInBars
                    + " bars is outside 0.." + MaxCountInBars);

            _tempoCentiBpm = tempoCentiBpm;
            _beatsPerBar = beatsPerBar;
            _beatUnit = beatUnit;
            _countInBars = countInBars;
            _countInFrames = -BeatStart(-(long)countInBars * beatsPerBar);

            // A click never runs into the next beat: beats are floor(K/T) or ceil(K/T) frames apart.
            long shortestBeat = _framesPerMinuteTimes100 / tempoCentiBpm;
            _playFrames = shortestBeat < _clickFrames ? (int)shortestBeat : _clickFrames;
            _lastBeatStartedInFill = long.MinValue;
        }

        /// <summary>
        /// First frame of beat <paramref name="n"/>: floor(n * 60 * rate * 100 / tempoCentiBpm) with a
        /// true floor for negative n (count-in beats). Exact for |n| below about 10^9 beats.
        /// </summary>
        public long BeatStart(long n)
        {
            return FloorDiv(n * _framesPerMinuteTimes100, _tempoCentiBpm);
        }

        /// <summary>Length of the count-in in frames: the take's first sample index is -CountInFrames.</summary>
        public long CountInFrames { get { return _countInFrames; } }

        /// <summary>True for the first beat of a bar (n mod beatsPerBar == 0, true modulo for negatives).</summary>
        public bool IsAccent(long n)
        {
            return Mod(n, _beatsPerBar) == 0;
        }

        /// <summary>True for the lighter accent of compound meters (beats 3, 6, 9 of 6/8, 9/8, 12/8).</summary>
        public bool IsSecondaryAccent(long n)
        {
            if (_beatUnit != 8 || _beatsPerBar <= 3 || _beatsPerBar % 3 != 0) return false;
            long m = Mod(n, _beatsPerBar);
            return m != 0 && m % 3 == 0;
        }

        /// <summary>The beat whose interval contains <paramref name="frame"/>: BeatStart(n) &lt;= frame &lt; BeatStart(n+1).</summary>
        public long BeatAt(long frame)
        {
            // BeatStart(n) <= frame  <=>  n*K < (frame+1)*T  <=>  n < (frame+1)*T/K, so n = ceil((frame+1)*T/K) - 1.
            long n = -FloorDiv(-(frame + 1) * _tempoCentiBpm, _framesPerMinuteTimes100) - 1;
            while (BeatStart(n) > frame) n--;          // never taken; guards the algebra above
            while (BeatStart(n + 1) <= frame) n++;
            return n;
        }

        /// <summary>
        /// Writes the click track for take frames [firstSampleIndex, firstSampleIndex + frames) into
        /// <paramref name="block"/> at <paramref name="offset"/>. Clicks that straddle blocks continue
        /// seamlessly, so any split of a range into Fill calls gives the same bytes. No allocation,
        /// no per-sample loop: one Array.Copy per click segment, one Array.Clear per gap.
        /// </summary>
        public void Fill(byte[] block, int offset, long firstSampleIndex, int frames)
        {
            if (block == null) throw new ArgumentNullException("block");
            if (frames < 0) throw new ArgumentOutOfRangeException("frames", "frames must not be negative");
            if (offset < 0 || (long)offset + (long)frames * _frameBytes > block.Length)
                throw new ArgumentException("block of " + block.Length + " bytes cannot hold " + frames
                    + " frames of " + _frameBytes + " bytes at offset " + offset);

            _lastBeatStartedInFill = long.MinValue;
            long end = firstSampleIndex + frames;
            long p = firstSampleIndex;
            int dst = offset;
            long n = BeatAt(p);
            long start = BeatStart(n);
            long next = BeatStart(n + 1);

            while (p < end)
            {
                if (p >= next)
                {
                    n++;
                    start = next;
                    next = BeatStart(n + 1);
                }
                if (start >= firstSampleIndex) _lastBeatStartedInFill = n;

                long segmentEnd = next < end ? next : end;
                long intoClick = p - start;
                int count;
                if (intoClick < _playFrames)
                {
                    long clickEnd = start + _playFrames;
                    if (clickEnd < segmentEnd) segmentEnd = clickEnd;
                    count = (int)(segmentEnd - p);
                    Array.Copy(ClickFor(n), (int)intoClick * _frameBytes, block, dst, count * _frameBytes);
                }
                else
                {
                    count = (int)(segmentEnd - p);
                    Array.Clear(block, dst, count * _frameBytes);
                }
                dst += count * _frameBytes;
                p = segmentEnd;
            }
        }

        /// <summary>Beat number whose first frame fell inside the last Fill, or long.MinValue (drives the beat LED).</summary>
        public long LastBeatStartedInFill { get { return _lastBeatStartedInFill; } }

        /// <summary>
        /// Re-renders the clicks at <paramref name="levelPercent"/> (0 = silent, 100 = -6 dBFS peak).
        /// This is per-sample work (tens of milliseconds on the box): NOT for the audio loop. The
        /// click-level knob drives the codec's analog click gain instead (Wm8960.SetClickVolume).
        /// </summary>
        public void SetLevel(int levelPercent)
        {
            CheckLevel(levelPercent);
            Render(levelPercent);
        }

        private byte[] ClickFor(long n)
        {
            if (IsAccent(n)) return _accent;
            if (IsSecondaryAccent(n)) return _secondaryAccent;
            return _normal;
        }

        private void Render(int levelPercent)
        {
            int rate = _format.SampleRate, channels = _format.Channels, bps = _format.BytesPerSample;
            double normalGain = _sound == ClickSound.HiHat ? 0.55 : 0.7;
            ClickRenderer.Render(_accent, _clickFrames, rate, channels, bps, _sound, true, 1.0, levelPercent);
            ClickRenderer.Render(_secondaryAccent, _clickFrames, rate, channels, bps, _sound, true, SecondaryAccentGain, levelPercent);
            ClickRenderer.Render(_normal, _clickFrames, rate, channels, bps, _sound, false, normalGain, levelPercent);
            _levelPercent = levelPercent;
        }

        private static void CheckLevel(int levelPercent)
        {
            if (levelPercent < 0 || levelPercent > 100)
                throw new ArgumentOutOfRangeException("levelPercent", "click level " + levelPercent + " % is outside 0..100");
        }

        /// <summary>Floor division for a positive divisor (C# '/' truncates toward zero).</summary>
        private static long FloorDiv(long a, long b)
        {
            long q = a / b;
            if (a % b != 0 && a < 0) q--;
            return q;
        }

        private static long Mod(long a, long b)
        {
            long m = a % b;
            return m < 0 ? m + b : m;
        }

        private static string FormatCenti(int centi)
        {
            string sign = centi < 0 ? "-" : "";
            int a = centi < 0 ? -centi : centi;
            int frac = a % 100;
            return sign + (a / 100) + "." + (frac < 10 ? "0" : "") + frac;
        }
    }
}
