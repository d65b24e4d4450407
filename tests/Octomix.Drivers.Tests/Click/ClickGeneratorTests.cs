using System.Numerics;
using Octomix.Drivers.Click;
using Octomix.Drivers.Tests.Support;
using Octomix.Hal;
using Xunit;

namespace Octomix.Drivers.Tests.Click;

public class ClickGeneratorTests
{
    /// <summary>Reference onset computed independently: BPM as a decimal, 60 s * rate / BPM, floored.</summary>
    private static long ReferenceBeatStart(long n, int rate, int tempoCentiBpm)
    {
        var numerator = new BigInteger(n) * 60 * rate * 100;
        var q = BigInteger.DivRem(numerator, tempoCentiBpm, out var r);
        if (r.Sign < 0) q -= 1; // floor, not truncation
        return (long)q;
    }

    private static byte[] FillRange(ClickGenerator g, long first, int frames)
    {
        var block = new byte[frames * g.Format.FrameBytes];
        g.Fill(block, 0, first, frames);
        return block;
    }

    /// <summary>The three rendered clicks, taken from the output at beats whose kind is known.</summary>
    private static (byte[] accent, byte[] normal) ClickPatterns(ClickGenerator g)
    {
        byte[] accent = FillRange(g, g.BeatStart(0), g.ClickFrames);
        byte[] normal = FillRange(g, g.BeatStart(1), g.ClickFrames);
        return (accent, normal);
    }

    [Theory]
    [InlineData(12000, 48000)]
    [InlineData(9700, 48000)]
    [InlineData(9700, 44100)]
    [InlineData(3000, 48000)]
    [InlineData(30000, 48000)]
    [InlineData(13333, 48000)]
    [InlineData(13333, 44100)]
    [InlineData(13333, 96000)]
    public void BeatStart_matches_exact_floor_of_n_times_60_rate_over_bpm(int tempo, int rate)
    {
        var g = new ClickGenerator(new PcmFormat(rate, 2, 2), ClickSound.Beep, 80);
        g.Configure(tempo, 4, 4, 2);
        // Many bars around zero, then the far end of a ten hour take.
        for (long n = -64; n <= 4000; n++)
            Assert.Equal(ReferenceBeatStart(n, rate, tempo), g.BeatStart(n));
        long tenHours = 10L * 3600 * tempo / 100 / 60;
        for (long n = tenHours - 50; n <= tenHours; n++)
            Assert.Equal(ReferenceBeatStart(n, rate, tempo), g.BeatStart(n));
    }

    [Theory]
    [InlineData(12000, 4, 4)]
    [InlineData(9700, 3, 4)]
    [InlineData(3000, 4, 4)]
    [InlineData(30000, 7, 8)]
    [InlineData(13333, 5, 4)]
    public void Every_click_starts_exactly_on_its_onset_and_silence_fills_the_rest(int tempo, int beatsPerBar, int unit)
    {
        var g = new ClickGenerator(new PcmFormat(48000, 2, 2), ClickSound.Woodblock, 100);
        g.Configure(tempo, beatsPerBar, unit, 1);
        var (accent, normal) = ClickPatterns(g);
        Assert.NotEqual(accent, normal);
        int fb = g.Format.FrameBytes;

        // Check 40 bars beat by beat: a window from 3 frames before the onset to 3 after the click.
        long firstBeat = -beatsPerBar; // the count-in bar
        for (long n = firstBeat; n < firstBeat + 40 * beatsPerBar; n++)
        {
            long onset = ReferenceBeatStart(n, 48000, tempo);
            byte[] window = FillRange(g, onset - 3, g.ClickFrames + 6);
            Assert.All(window.Take(3 * fb), b => Assert.Equal(0, b));
            byte[] expected = (n % beatsPerBar == 0) ? accent : normal;
            Assert.Equal(expected, window.Skip(3 * fb).Take(g.ClickFrames * fb).ToArray());
            Assert.All(window.Skip((3 + g.ClickFrames) * fb), b => Assert.Equal(0, b));
            Assert.Equal(n, g.LastBeatStartedInFill);
        }
    }

    [Fact]
    public void A_whole_minute_at_120_bpm_has_clicks_exactly_every_24000_frames()
    {
        var g = new ClickGenerator(new PcmFormat(48000, 1, 2), ClickSound.Beep, 100);
        g.Configure(12000, 4, 4, 0);
        byte[] all = FillRange(g, 0, 48000 * 60);
        var onsets = FindOnsets(all, 2, g.ClickFrames);
        Assert.Equal(Enumerable.Range(0, 120).Select(i => (long)i * 24000), onsets);
    }

    /// <summary>First nonzero frame after at least minGap zero frames (the click starts at phase 0, so look for the envelope).</summary>
    private static List<long> FindOnsets(byte[] pcm, int frameBytes, int clickFrames)
    {
        var result = new List<long>();
        long frames = pcm.Length / frameBytes;
        long f = 0;
        while (f < frames)
        {
            bool nonzero = false;
            for (int b = 0; b < frameBytes; b++) nonzero |= pcm[f * frameBytes + b] != 0;
            if (nonzero)
            {
                // Onset = the start of the click; the rendered click's first frame is 0 (attack from
                // zero), so step back one frame.
                result.Add(f - 1);
                f += clickFrames;
            }
            else f++;
        }
        return result;
    }

    [Theory]
    [InlineData(2, 2)]
    [InlineData(2, 3)]
    [InlineData(1, 4)]
    [InlineData(6, 3)]
    public void Many_fills_with_random_block_sizes_equal_one_big_fill(int channels, int bytesPerSample)
    {
        var format = new PcmFormat(48000, channels, bytesPerSample);
        var g = new ClickGenerator(format, ClickSound.HiHat, 90);
        g.Configure(13333, 7, 8, 2);
        long first = -g.CountInFrames;
        int total = 48000 * 12;
        byte[] big = FillRange(g, first, total);

        var rng = new Random(1234);
        var pieces = new byte[big.Length];
        long pos = first;
        int written = 0;
        while (written < total)
        {
            int n = Math.Min(rng.Next(1, 3000), total - written);
            // Fill into the middle of a larger array to also exercise the offset.
            var block = new byte[(n + 10) * format.FrameBytes];
            g.Fill(block, 5 * format.FrameBytes, pos, n);
            Array.Copy(block, 5 * format.FrameBytes, pieces, written * format.FrameBytes, n * format.FrameBytes);
            pos += n;
            written += n;
        }
        Assert.Equal(big, pieces);
        Assert.Contains(big, b => b != 0);
    }

    [Theory]
    [InlineData(12000, 4, 1, 96000)]
    [InlineData(9700, 3, 2, 2 * 3 * 60 * 48000 * 100 / 9700 + 1)] // ceil of a non-integer
    [InlineData(13333, 4, 1, 86403)] // 1152000000 / 13333 = 86402.16
    public void Count_in_is_the_ceiling_of_the_count_in_beats(int tempo, int bpb, int bars, long expected)
    {
        var g = new ClickGenerator(new PcmFormat(48000, 2, 2), ClickSound.Beep, 50);
        g.Configure(tempo, bpb, 4, bars);
        Assert.Equal(expected, g.CountInFrames);
        Assert.Equal(-ReferenceBeatStart(-bars * bpb, 48000, tempo), g.CountInFrames);
        // The take's first sample is the downbeat of the count-in: an accent click starts there.
        var (accent, _) = ClickPatterns(g);
        byte[] head = FillRange(g, -g.CountInFrames, g.ClickFrames);
        Assert.Equal(accent, head);
        Assert.Equal(-bars * bpb, g.LastBeatStartedInFill);
    }

    [Fact]
    public void Negative_indices_use_true_floor_and_true_modulo()
    {
        var g = new ClickGenerator(new PcmFormat(48000, 2, 2), ClickSound.Beep, 50);
        g.Configure(9700, 3, 4, 2);
        Assert.Equal(ReferenceBeatStart(-1, 48000, 9700), g.BeatStart(-1)); // -29691.x floors to -29691 - 1
        Assert.True(g.BeatStart(-1) < -(60L * 48000 * 100 / 9700));
        Assert.True(g.IsAccent(-3));
        Assert.True(g.IsAccent(-6));
        Assert.False(g.IsAccent(-1));
        Assert.False(g.IsAccent(-2));
        Assert.True(g.IsAccent(0));
        Assert.Equal(-1, g.BeatAt(-1));
        Assert.Equal(-1, g.BeatAt(g.BeatStart(-1)));
        Assert.Equal(-2, g.BeatAt(g.BeatStart(-1) - 1));
        Assert.Equal(0, g.BeatAt(0));
    }

    [Fact]
    public void Six_eight_accents_beat_one_fully_and_beat_four_lighter()
    {
        var g = new ClickGenerator(new PcmFormat(48000, 1, 2), ClickSound.Beep, 100);
        g.Configure(18000, 6, 8, 0);
        Assert.True(g.IsAccent(0));
        Assert.True(g.IsSecondaryAccent(3));
        Assert.True(g.IsSecondaryAccent(-3));
        Assert.False(g.IsSecondaryAccent(0));
        Assert.False(g.IsSecondaryAccent(1));
        byte[] beat0 = FillRange(g, g.BeatStart(0), g.ClickFrames);
        byte[] beat3 = FillRange(g, g.BeatStart(3), g.ClickFrames);
        byte[] beat1 = FillRange(g, g.BeatStart(1), g.ClickFrames);
        Assert.True(Peak16(beat3) < Peak16(beat0));
        Assert.True(Peak16(beat3) > Peak16(beat0) / 2);
        Assert.NotEqual(beat1, beat3);

        // 3/4 has no secondary accent.
        g.Configure(12000, 3, 4, 0);
        Assert.False(g.IsSecondaryAccent(3));
    }

    private static int Peak16(byte[] pcm)
    {
        int peak = 0;
        for (int i = 0; i + 1 < pcm.Length; i += 2) peak = Math.Max(peak, Math.Abs((int)BitConverter.ToInt16(pcm, i)));
        return peak;
    }

    [Fact]
    public void Level_sets_the_peak_and_zero_is_silent()
    {
        var g = new ClickGenerator(new PcmFormat(48000, 1, 2), ClickSound.Beep, 100);
        int full = Peak16(FillRange(g, 0, g.ClickFrames));
        Assert.InRange(full, 16000, 16384); // -6 dBFS peak at 100 %
        g.SetLevel(50);
        int half = Peak16(FillRange(g, 0, g.ClickFrames));
        Assert.InRange(half, full / 2 - 2, full / 2 + 2);
        g.SetLevel(0);
        Assert.All(FillRange(g, 0, 48000), b => Assert.Equal(0, b));
    }

    [Fact]
    public void Twenty_four_bit_samples_are_packed_three_byte_little_endian_in_every_channel()
    {
        var g = new ClickGenerator(new PcmFormat(48000, 2, 3), ClickSound.Beep, 100);
        byte[] click = FillRange(g, 0, g.ClickFrames);
        int peak = 0;
        for (int f = 0; f < g.ClickFrames; f++)
        {
            int left = (click[f * 6] | click[f * 6 + 1] << 8 | click[f * 6 + 2] << 16) << 8 >> 8;
            int right = (click[f * 6 + 3] | click[f * 6 + 4] << 8 | click[f * 6 + 5] << 16) << 8 >> 8;
            Assert.Equal(left, right);
            peak = Math.Max(peak, Math.Abs(left));
        }
        Assert.InRange(peak, 4_100_000, 4_194_304); // -6 dBFS of 2^23
    }

    [Fact]
    public void Fill_allocates_nothing_in_steady_state()
    {
        var g = new ClickGenerator(new PcmFormat(48000, 2, 3), ClickSound.Woodblock, 70);
        g.Configure(13333, 4, 4, 1);
        var block = new byte[256 * 6];
        long pos = -g.CountInFrames;
        long beats = 0;
        Allocation.AssertNone(() =>
        {
            g.Fill(block, 0, pos, 256);
            pos += 256;
            if (g.LastBeatStartedInFill != long.MinValue) beats++;
        });
        Assert.True(beats > 100); // clicks really happened during the measurement
    }

    [Theory]
    [InlineData(2999, 4, 4, 0, "tempoCentiBpm", "29.99")]
    [InlineData(30001, 4, 4, 0, "tempoCentiBpm", "300.01")]
    [InlineData(0, 4, 4, 0, "tempoCentiBpm", "0.00")]
    [InlineData(12000, 0, 4, 0, "beatsPerBar", "0/4")]
    [InlineData(12000, 33, 4, 0, "beatsPerBar", "33/4")]
    [InlineData(12000, 4, 3, 0, "beatUnit", "4/3")]
    [InlineData(12000, 4, 0, 0, "beatUnit", "4/0")]
    [InlineData(12000, 4, 4, -1, "countInBars", "-1")]
    [InlineData(12000, 4, 4, 17, "countInBars", "17")]
    public void Bad_tempo_or_meter_is_rejected_with_a_clear_message_and_nothing_changes(int tempo, int bpb, int unit, int countIn, string param, string shown)
    {
        var g = new ClickGenerator(new PcmFormat(48000, 2, 2), ClickSound.Beep, 50);
        g.Configure(9700, 3, 4, 1);
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => g.Configure(tempo, bpb, unit, countIn));
        Assert.Equal(param, ex.ParamName);
        Assert.Contains(shown, ex.Message);
        Assert.Equal(9700, g.TempoCentiBpm);
        Assert.Equal(3, g.BeatsPerBar);
        Assert.Equal(1, g.CountInBars);
    }

    [Fact]
    public void Bad_constructor_and_fill_arguments_are_rejected()
    {
        var format = new PcmFormat(48000, 2, 2);
        Assert.Throws<ArgumentNullException>(() => new ClickGenerator(null!, ClickSound.Beep, 50));
        Assert.Throws<ArgumentOutOfRangeException>(() => new ClickGenerator(format, (ClickSound)7, 50));
        Assert.Throws<ArgumentOutOfRangeException>(() => new ClickGenerator(format, ClickSound.Beep, 101));
        var g = new ClickGenerator(format, ClickSound.Beep, 50);
        Assert.Throws<ArgumentOutOfRangeException>(() => g.SetLevel(-1));
        Assert.Throws<ArgumentNullException>(() => g.Fill(null!, 0, 0, 10));
        Assert.Throws<ArgumentException>(() => g.Fill(new byte[39], 0, 0, 10));
        Assert.Throws<ArgumentException>(() => g.Fill(new byte[40], 4, 0, 10));
        Assert.Throws<ArgumentOutOfRangeException>(() => g.Fill(new byte[40], 0, 0, -1));
    }

    [Fact]
    public void Last_beat_started_is_min_value_when_no_beat_starts_in_the_block()
    {
        var g = new ClickGenerator(new PcmFormat(48000, 2, 2), ClickSound.Beep, 50);
        g.Configure(12000, 4, 4, 0);
        var block = new byte[256 * 4];
        g.Fill(block, 0, 100, 256);
        Assert.Equal(long.MinValue, g.LastBeatStartedInFill);
        g.Fill(block, 0, 24000 - 10, 256);
        Assert.Equal(1, g.LastBeatStartedInFill);
        g.Fill(block, 0, 24000, 256);
        Assert.Equal(1, g.LastBeatStartedInFill);
        g.Fill(block, 0, 24001, 256);
        Assert.Equal(long.MinValue, g.LastBeatStartedInFill);
    }

    [Fact]
    public void Click_sounds_differ_and_each_has_accent_and_normal_variants()
    {
        var format = new PcmFormat(48000, 1, 2);
        var sounds = new[] { ClickSound.Beep, ClickSound.Woodblock, ClickSound.HiHat };
        var accents = new List<byte[]>();
        foreach (var s in sounds)
        {
            var g = new ClickGenerator(format, s, 100);
            var (accent, normal) = ClickPatterns(g);
            Assert.NotEqual(accent, normal);
            Assert.True(Peak16(accent) > Peak16(normal));
            accents.Add(accent);
        }
        Assert.NotEqual(accents[0].Take(500), accents[1].Take(500));
        Assert.NotEqual(accents[1].Take(500), accents[2].Take(500));
    }
}
