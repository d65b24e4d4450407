using System.Globalization;
using System.Text.RegularExpressions;
using Octomix.Desk.Export;
using Octomix.Protocol;

namespace Octomix.Console.Tests;

/// <summary>
/// A box recording at 44.1 kHz in a 48 kHz session (issue 14): on export its stem is converted to
/// the session rate and aligned on the session's timeline like the others, the box's own file is
/// kept under originals/, and the mix and DAW files use the converted stem (docs/take-folder.md,
/// "Stems at another rate"). Checked with ffprobe, ffmpeg and sndfile-info.
/// </summary>
public class ExportStemRateTests
{
    private const int Session = 48000;
    private const int Own = 44100;
    private const long Origin = ((14 * 3600) + (3 * 60) + 7) * (long)Session; // 14:03:07

    // Decision 1 counted in each box's own samples: count-in 2 s + pre-roll 0.5 s before the downbeat.
    private const long LeadSession = (2 * Session) + (Session / 2);   // 120000
    private const long LeadOwn = (2 * Own) + (Own / 2);               // 110250
    private const int AliceLatency = 12;
    private const int BobLatency = 100;                               // Bob's own samples

    private const int AliceFrames = 4 * Session;                      // 4 s
    private const int BobFrames = 4 * Own;                            // 4 s at his rate
    private const int Impulse1 = Own;                                 // 1 s: session frame 48000 exactly
    private const int Impulse2 = (3 * Own / 2) + 1;                   // 66151: session frame 72001.088…
    private const int SineFrom = 2 * Own, SineTo = 3 * Own;           // 2 s .. 3 s: 1 kHz, amplitude 10000
    private const double SineAmplitude = 10000;

    private static string WriteAlice(string folder)
    {
        var random = new Random(7);
        var data = new byte[AliceFrames * 2 * 3];
        random.NextBytes(data);
        for (int i = 2; i < data.Length; i += 3)
        {
            data[i] = (byte)(sbyte)random.Next(-12, 12);
        }

        string path = Path.Combine(folder, "alice.raw");
        File.WriteAllBytes(path, data);
        return path;
    }

    /// <summary>Bob at 44.1 kHz, mono s16: silence, two impulses, a 1 kHz sine from 2 s to 3 s.</summary>
    private static string WriteBob(string folder)
    {
        var samples = new short[BobFrames];
        samples[Impulse1] = 20000;
        samples[Impulse2] = -20000;
        for (int j = SineFrom; j < SineTo; j++)
        {
            samples[j] = (short)Math.Round(SineAmplitude * Math.Sin(2 * Math.PI * 1000 * (j - SineFrom) / Own));
        }

        var data = new byte[BobFrames * 2];
        Buffer.BlockCopy(samples, 0, data, 0, data.Length);
        string path = Path.Combine(folder, "bob.raw");
        File.WriteAllBytes(path, data);
        return path;
    }

    private static TakeExportRequest Request(string folder, string take = "take") => new()
    {
        Folder = Path.Combine(folder, take),
        Project = "Blue Song",
        Session = "Verse",
        Take = "3",
        SampleRate = Session,
        OriginSamplesSinceMidnight = Origin,
        RecordedAt = new DateTime(2026, 8, 1, 14, 3, 7),
        Tracks =
        [
            new() { Name = "Alice", AudioDataPath = WriteAlice(folder), Channels = 2, Format = SampleFormat.S24,
                    FirstSampleIndex = -LeadSession + AliceLatency, LatencySamples = AliceLatency, Mute = true },
            new() { Name = "Bob", AudioDataPath = WriteBob(folder), Channels = 1, Format = SampleFormat.S16, SampleRate = Own,
                    FirstSampleIndex = -LeadOwn + BobLatency, LatencySamples = BobLatency },
        ],
    };

    private static string Probe(string path, string entries)
        => ExportToolRunner.Run("ffprobe", "-v", "error", "-show_entries", entries, "-of", "default=nw=1:nk=1", path).Trim();

    private static short[] DecodeS16(string path)
    {
        byte[] bytes = ExportToolRunner.RunBytes("ffmpeg", "-v", "error", "-i", path, "-f", "s16le", "-c:a", "pcm_s16le", "-");
        var samples = new short[bytes.Length / 2];
        Buffer.BlockCopy(bytes, 0, samples, 0, bytes.Length);
        return samples;
    }

    private static int ArgMaxAbs(short[] x, int from, int to)
    {
        int best = from;
        for (int i = from; i < to; i++)
        {
            if (Math.Abs((int)x[i]) > Math.Abs((int)x[best]))
            {
                best = i;
            }
        }

        return best;
    }

    [Fact]
    public void A44kStemIsConvertedAlignedOnTheSessionTimelineAndTheOriginalKept()
    {
        string folder = ExportToolRunner.TempDirectory();
        var request = Request(folder);
        var result = TakeExporter.Export(request);

        long start = Origin - LeadSession; // the session-timeline position of every stem's first frame
        var alice = result.Stems[0];
        var bob = result.Stems[1];
        Assert.Null(alice.OriginalFile);
        Assert.Equal("originals/Verse_3_Bob.wav", bob.OriginalFile);
        Assert.Equal(Own, bob.OriginalSampleRate);
        Assert.Equal(start, alice.TimeReference);
        Assert.Equal(start, bob.TimeReference);
        long converted = (((long)BobFrames * Session) + Own - 1) / Own; // ceil(frames · 48000 / 44100)
        Assert.Equal(converted, bob.Frames);

        // The converted stem: 48 kHz in its fmt chunk, the session's TimeReference, the length at 48 kHz.
        string bobPath = Path.Combine(result.Folder, bob.FileName);
        Assert.Equal(Session.ToString(CultureInfo.InvariantCulture), Probe(bobPath, "stream=sample_rate"));
        Assert.Equal(start.ToString(CultureInfo.InvariantCulture), Probe(bobPath, "format_tags=time_reference"));
        string info = ExportToolRunner.Run("sndfile-info", "--broadcast", bobPath);
        Assert.Matches(@"Sample Rate\s*:\s*48000", ExportToolRunner.Run("sndfile-info", bobPath));
        var timeRef = Regex.Match(info, @"Time ref\s*:\s*0x([0-9a-fA-F]+)");
        Assert.True(timeRef.Success, info);
        Assert.Equal(start, long.Parse(timeRef.Groups[1].Value, NumberStyles.HexNumber, CultureInfo.InvariantCulture));
        Assert.Contains("A=PCM,F=44100,W=16,M=mono,T=Octomix", info);  // the coding history names both rates
        Assert.Contains("A=PCM,F=48000,W=16,M=mono,T=Octomix (converted from 44100 Hz)", info);

        // The onsets land where they should on the session timeline (group delay compensated), ±1 sample.
        var stem = DecodeS16(bobPath);
        Assert.Equal(converted, stem.Length);
        Assert.Equal(48000, ArgMaxAbs(stem, 40000, 56000));
        Assert.InRange(ArgMaxAbs(stem, 64000, 80000), 72001 - 1, 72001 + 1);
        Assert.True(stem[48000] > 15000 && stem[72001] < -15000, "impulse heights");
        for (int i = 0; i < 40000; i++)
        {
            Assert.Equal(0, stem[i]); // silence stays silence (nothing before the onset: no pre-echo of the filter this far)
        }

        // The sine, resampled: the ideal 1 kHz sine on the 48 kHz grid, within 0.1 % RMS.
        double error = 0, power = 0;
        int sineStart = 2 * Session;
        for (int n = sineStart + 200; n < (3 * Session) - 200; n++)
        {
            double ideal = SineAmplitude * Math.Sin(2 * Math.PI * 1000 * (n - sineStart) / (double)Session);
            error += (stem[n] - ideal) * (stem[n] - ideal);
            power += ideal * ideal;
        }

        Assert.True(Math.Sqrt(error / power) < 1e-3, $"sine error {Math.Sqrt(error / power):E2}");

        // The original: the box's bytes at 44.1 kHz, its TimeReference counted in its own samples since midnight.
        string originalPath = Path.Combine(result.Folder, "originals", "Verse_3_Bob.wav");
        Assert.Equal(Own.ToString(CultureInfo.InvariantCulture), Probe(originalPath, "stream=sample_rate"));
        long ownStart = (Origin * Own / Session) - LeadOwn;
        Assert.Equal(ownStart.ToString(CultureInfo.InvariantCulture), Probe(originalPath, "format_tags=time_reference"));
        Assert.Equal(ownStart / (double)Own, start / (double)Session, 9); // the same instant of the day
        byte[] original = ExportToolRunner.RunBytes("ffmpeg", "-v", "error", "-i", originalPath, "-f", "s16le", "-c:a", "pcm_s16le", "-");
        Assert.True(File.ReadAllBytes(request.Tracks[1].AudioDataPath).AsSpan().SequenceEqual(original), "the original is the box's data");

        // The mix (Alice muted) is Bob's converted stem on the same timeline: the same onsets.
        Assert.Equal(start, result.Mix.TimeReference);
        Assert.Equal(Math.Max(AliceFrames, converted), result.Mix.Frames);
        var mix = DecodeS16(Path.Combine(result.Folder, result.Mix.FileName)); // stereo interleaved
        var mixLeft = Enumerable.Range(0, mix.Length / 2).Select(i => mix[2 * i]).ToArray();
        Assert.Equal(48000, ArgMaxAbs(mixLeft, 40000, 56000));
        Assert.InRange(ArgMaxAbs(mixLeft, 64000, 80000), 72001 - 1, 72001 + 1);

        // The DAW files name the converted stem, its length at the session rate; not the original.
        string rpp = File.ReadAllText(Path.Combine(result.Folder, result.ReaperProjectFile));
        Assert.Contains("<SOURCE WAVE\n        FILE \"Verse_3_Bob.wav\"", rpp);
        Assert.Contains($"LENGTH {(converted / (double)Session).ToString("0.##########", CultureInfo.InvariantCulture)}\n", rpp);
        Assert.DoesNotContain("originals", rpp);
        string lof = File.ReadAllText(Path.Combine(result.Folder, result.AudacityProjectFile));
        Assert.Equal("window\nfile \"Verse_3_Alice.wav\" offset 0\nfile \"Verse_3_Bob.wav\" offset 0\n", lof);

        // Nothing else left in the folder (no conversion scratch files).
        Assert.Equal(
            ["Verse_3.lof", "Verse_3.rpp", "Verse_3_Alice.wav", "Verse_3_Bob.wav", "Verse_3_mix.wav", "originals/Verse_3_Bob.wav"],
            Directory.GetFiles(result.Folder, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(result.Folder, f).Replace('\\', '/')).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void AStemAtTheSessionRateIsUntouched()
    {
        string folder = ExportToolRunner.TempDirectory();
        var plain = Request(folder, "plain");
        plain = plain with { Tracks = [plain.Tracks[0]] };
        var stated = plain with { Folder = Path.Combine(folder, "stated"), Tracks = [plain.Tracks[0] with { SampleRate = Session }] };
        var a = TakeExporter.Export(plain);
        var b = TakeExporter.Export(stated);

        string pathA = Path.Combine(a.Folder, a.Stems[0].FileName);
        string pathB = Path.Combine(b.Folder, b.Stems[0].FileName);
        Assert.True(File.ReadAllBytes(pathA).AsSpan().SequenceEqual(File.ReadAllBytes(pathB)), "a stated session rate changes nothing");
        Assert.Null(b.Stems[0].OriginalFile);
        Assert.False(Directory.Exists(Path.Combine(b.Folder, "originals")));
        byte[] decoded = ExportToolRunner.RunBytes("ffmpeg", "-v", "error", "-i", pathB, "-f", "s24le", "-c:a", "pcm_s24le", "-");
        Assert.True(File.ReadAllBytes(plain.Tracks[0].AudioDataPath).AsSpan().SequenceEqual(decoded), "the stem is the box's bytes");
    }

    [Fact]
    public void ARateThatCannotBeConvertedIsRefusedBeforeWriting()
    {
        string folder = ExportToolRunner.TempDirectory();
        var request = Request(folder);
        request = request with { Tracks = [request.Tracks[0], request.Tracks[1] with { SampleRate = 4000 }] };
        var e = Assert.Throws<ArgumentException>(() => TakeExporter.Export(request));
        Assert.Contains("track 2 \"Bob\": recorded at 4000 Hz", e.Message);
        Assert.False(Directory.Exists(request.Folder));
    }
}
