using System.Globalization;
using Octomix.Desk.Export;
using Octomix.Drivers.Bwf;
using Octomix.Protocol;

namespace Octomix.Console.Tests;

public class ExportTakeTests
{
    private const int Rate = 48000;
    private const long CountIn = 4 * 24000;            // 4 beats at 120 BPM
    private const long PreRoll = Rate / 2;             // decision 1
    private const long Origin = ((14 * 3600) + (3 * 60) + 7) * (long)Rate; // 14:03:07

    /// <summary>Decision 1: every box starts its file at F = -countIn - preRoll + L.</summary>
    private static long FirstSample(int latency) => -CountIn - PreRoll + latency;

    private static string WriteData(string folder, string name, int frames, int channels, SampleFormat format, int seed)
    {
        var random = new Random(seed);
        int bytes = SampleFormats.BytesPerSample((int)format);
        var data = new byte[frames * channels * bytes];
        random.NextBytes(data);
        // Quieten the noise so three tracks do not overload: keep the top byte small (sign-extended).
        for (int i = bytes - 1; i < data.Length; i += bytes)
        {
            data[i] = (byte)(sbyte)(random.Next(-12, 12));
        }

        string path = Path.Combine(folder, name + ".raw");
        File.WriteAllBytes(path, data);
        return path;
    }

    private static TakeExportRequest Request(string folder, IReadOnlyList<TakeTrackSource> tracks, SampleFormat mix = SampleFormat.S24) => new()
    {
        Folder = Path.Combine(folder, "take"),
        Project = "Blue Song",
        Session = "Verse",
        Take = "3",
        SampleRate = Rate,
        OriginSamplesSinceMidnight = Origin,
        Tracks = tracks,
        MixFormat = mix,
        RecordedAt = new DateTime(2026, 8, 1, 14, 3, 7),
        Tape = "Day1",
    };

    private static List<TakeTrackSource> ThreeBoxes(string folder) =>
    [
        new() { Name = "Alice", AudioDataPath = WriteData(folder, "a", 96_000, 2, SampleFormat.S24, 1), Channels = 2, Format = SampleFormat.S24,
                FirstSampleIndex = FirstSample(12), LatencySamples = 12, ChannelNames = ["Alice guitar", "Alice mic"], FaderDb = -3, Pan = -0.5 },
        new() { Name = "Bob", AudioDataPath = WriteData(folder, "b", 90_001, 1, SampleFormat.S16, 2), Channels = 1, Format = SampleFormat.S16,
                FirstSampleIndex = FirstSample(300), LatencySamples = 300, Pan = 0.7 },
        new() { Name = "Chloé <&>", AudioDataPath = WriteData(folder, "c", 100_000, 2, SampleFormat.S16, 3), Channels = 2, Format = SampleFormat.S16,
                FirstSampleIndex = FirstSample(150), LatencySamples = 150, FaderDb = 2 },
    ];

    [Fact]
    public void StemsCarryTheBoxesBytesAndTheSameTimeReferenceForRealTools()
    {
        string folder = ExportToolRunner.TempDirectory();
        var tracks = ThreeBoxes(folder);
        var result = TakeExporter.Export(Request(folder, tracks));

        long expected = Origin - CountIn - PreRoll; // origin + F - L, the same for every box
        Assert.Equal(3, result.Stems.Count);
        for (int k = 0; k < 3; k++)
        {
            var stem = result.Stems[k];
            string path = Path.Combine(result.Folder, stem.FileName);
            Assert.Equal(expected, stem.TimeReference);
            string ffprobe = ExportToolRunner.Run("ffprobe", "-v", "error", "-show_entries", "format_tags=time_reference", "-of", "default=nw=1:nk=1", path);
            Assert.Equal(expected.ToString(CultureInfo.InvariantCulture), ffprobe.Trim());

            // The audio data, decoded by ffmpeg, is exactly the box's bytes.
            string codec = tracks[k].Format == SampleFormat.S24 ? "s24le" : "s16le";
            byte[] decoded = ExportToolRunner.RunBytes("ffmpeg", "-v", "error", "-i", path, "-f", codec, "-c:a", "pcm_" + codec, "-");
            Assert.True(File.ReadAllBytes(tracks[k].AudioDataPath).AsSpan().SequenceEqual(decoded), $"{stem.FileName}: audio differs from the box's data");

            string info = ExportToolRunner.Run("sndfile-info", "--broadcast", path);
            // sndfile-info prints "Time ref : 0x090b931c0 (50584.500000 seconds)"
            var timeRef = System.Text.RegularExpressions.Regex.Match(info, @"Time ref\s*:\s*0x([0-9a-fA-F]+)");
            Assert.True(timeRef.Success, info);
            Assert.Equal(expected, long.Parse(timeRef.Groups[1].Value, NumberStyles.HexNumber, CultureInfo.InvariantCulture));
            Assert.Contains("Blue Song / Verse / take 3 /", info);
        }

        string exif = ExportToolRunner.Run("exiftool", "-a", "-G1", "-s", Path.Combine(result.Folder, result.Stems[0].FileName));
        Assert.Matches(@"BwfxmlProject\s*:\s*Blue Song", exif);
        Assert.Matches(@"BwfxmlScene\s*:\s*Verse", exif);
        Assert.Matches(@"BwfxmlTake\s*:\s*3", exif);
        Assert.Matches(@"BwfxmlTape\s*:\s*Day1", exif);
        Assert.Contains("Alice guitar", exif);
        Assert.Contains("Alice mic", exif);
        string exifChloe = ExportToolRunner.Run("exiftool", "-a", "-G1", "-s", Path.Combine(result.Folder, result.Stems[2].FileName));
        Assert.Contains("Chloé <&> 1", exifChloe); // UTF-8 and XML escaping survive in iXML
        Assert.Matches(@"BwfxmlNote\s*: Blue Song / Verse / take 3 / Chloé <&>", exifChloe); // the exact name in iXML
        string bextChloe = ExportToolRunner.Run("sndfile-info", "--broadcast", Path.Combine(result.Folder, result.Stems[2].FileName));
        Assert.Matches(@"Description\s*:\s*Blue Song / Verse / take 3 / Chloe <&>", bextChloe); // bext is ASCII: transliterated, not "Chlo?"
        Assert.Equal(["Verse_3_Alice.wav", "Verse_3_Bob.wav", "Verse_3_Chlo\u00e9.wav"], result.Stems.Select(s => s.FileName));
    }

    [Fact]
    public void TheMixIsTheAlignedSumWithFadersAndPans()
    {
        string folder = ExportToolRunner.TempDirectory();
        var tracks = ThreeBoxes(folder);
        // Bob's box had its file start 1000 samples later than decision 1 says: he is placed later, not trimmed.
        tracks[1] = tracks[1] with { FirstSampleIndex = FirstSample(300) + 1000 };
        var result = TakeExporter.Export(Request(folder, tracks, SampleFormat.S24));

        long start = Origin - CountIn - PreRoll;
        Assert.Equal(start, result.Mix.TimeReference);
        Assert.Equal(100_000, result.Mix.Frames);          // Chloé is the longest from the common start
        Assert.Equal(0, result.Mix.GainDb);
        var (left, right) = ReadStereo(Path.Combine(result.Folder, result.Mix.FileName), SampleFormat.S24);
        Assert.Equal(100_000, left.Length);

        var reference = Reference(tracks, start, 100_000);
        for (int i = 0; i < left.Length; i++)
        {
            Assert.InRange(left[i] - Math.Round(reference.Left[i] * 8388608), -1, 1);
            Assert.InRange(right[i] - Math.Round(reference.Right[i] * 8388608), -1, 1);
        }

        string ffprobe = ExportToolRunner.Run("ffprobe", "-v", "error", "-show_entries", "format_tags=time_reference", "-of", "default=nw=1:nk=1",
            Path.Combine(result.Folder, result.Mix.FileName));
        Assert.Equal(start.ToString(CultureInfo.InvariantCulture), ffprobe.Trim());
        Assert.Equal(start + 1000, result.Stems[1].TimeReference);
    }

    [Fact]
    public void AnOverloadedMixIsLoweredAsAWholeNotClipped()
    {
        string folder = ExportToolRunner.TempDirectory();
        var loud = new byte[48_000 * 2];
        for (int i = 0; i < 48_000; i++)
        {
            short v = (short)(Math.Sin(2 * Math.PI * 100 * i / 48000.0) * 30000);
            loud[2 * i] = (byte)v;
            loud[(2 * i) + 1] = (byte)(v >> 8);
        }

        string path = Path.Combine(folder, "loud.raw");
        File.WriteAllBytes(path, loud);
        var tracks = new List<TakeTrackSource>
        {
            new() { Name = "One", AudioDataPath = path, Channels = 1, Format = SampleFormat.S16, FirstSampleIndex = FirstSample(0), LatencySamples = 0, FaderDb = 6 },
            new() { Name = "Two", AudioDataPath = path, Channels = 1, Format = SampleFormat.S16, FirstSampleIndex = FirstSample(0), LatencySamples = 0, FaderDb = 6 },
        };
        var result = TakeExporter.Export(Request(folder, tracks, SampleFormat.S16));

        double peak = 2 * (30000 / 32768.0) * Math.Pow(10, 6 / 20.0) * Math.Sqrt(0.5);
        Assert.Equal(peak, result.Mix.PeakBeforeGain, 3);
        Assert.Equal(-20 * Math.Log10(result.Mix.PeakBeforeGain), result.Mix.GainDb, 6);
        var (left, right) = ReadStereo(Path.Combine(result.Folder, result.Mix.FileName), SampleFormat.S16);
        Assert.InRange(left.Max(), 32700, 32767);  // the loudest sample sits at full scale...
        Assert.InRange(left.Min(), -32768, -32700);
        Assert.Equal(left, right);
        // ...and the waveform is the scaled sine, not a clipped one.
        var reference = Reference(tracks, result.Mix.TimeReference, 48_000);
        double gain = Math.Pow(10, result.Mix.GainDb / 20);
        for (int i = 0; i < left.Length; i++)
        {
            Assert.InRange(left[i] - Math.Round(reference.Left[i] * gain * 32768), -1, 1);
        }

        string info = ExportToolRunner.Run("sndfile-info", "--broadcast", Path.Combine(result.Folder, result.Mix.FileName));
        Assert.Contains("lowered", info);
    }

    [Fact]
    public void ReaperAndAudacityFilesPlaceEveryStemFromItsTimeReference()
    {
        string folder = ExportToolRunner.TempDirectory();
        var tracks = ThreeBoxes(folder);
        tracks[1] = tracks[1] with { FirstSampleIndex = FirstSample(300) + 24_000, Mute = true }; // 0.5 s later
        var result = TakeExporter.Export(Request(folder, tracks));

        string rpp = File.ReadAllText(Path.Combine(result.Folder, result.ReaperProjectFile));
        Assert.Equal("Verse_3.rpp", result.ReaperProjectFile);
        Assert.StartsWith("<REAPER_PROJECT", rpp);
        Assert.Contains("SAMPLERATE 48000 0 0", rpp);
        Assert.Equal(3, rpp.Split("<TRACK").Length - 1);
        Assert.Contains("NAME \"Alice\"", rpp);
        Assert.Contains("NAME \"Chloé <&>\"", rpp);
        Assert.Contains("<SOURCE WAVE\n        FILE \"Verse_3_Bob.wav\"", rpp);
        var positions = rpp.Split('\n').Where(l => l.Trim().StartsWith("POSITION ", StringComparison.Ordinal)).Select(l => l.Trim()).ToList();
        Assert.Equal(["POSITION 0", "POSITION 0.5", "POSITION 0"], positions);
        Assert.Contains("LENGTH 2\n", rpp);                    // Alice: 96000 frames
        Assert.Contains("LENGTH 1.8750208333\n", rpp);         // Bob: 90001 frames
        Assert.Contains($"VOLPAN {Math.Pow(10, -3 / 20.0).ToString("R", CultureInfo.InvariantCulture)} -0.5 -1 -1 1", rpp);
        Assert.Equal(1, rpp.Split("MUTESOLO 1 0 0").Length - 1); // Bob is muted in the mix, so in the project

        string lof = File.ReadAllText(Path.Combine(result.Folder, result.AudacityProjectFile));
        Assert.Equal(
            "window\nfile \"Verse_3_Alice.wav\" offset 0\nfile \"Verse_3_Bob.wav\" offset 0.5\nfile \"Verse_3_Chloé.wav\" offset 0\n",
            lof);
    }

    /// <summary>
    /// A take whose count-in crosses midnight: its origin (take sample 0, 00:00:01 on the new day)
    /// is counted on the clock of the day its files start, past one day, so the stems'
    /// TimeReference is the true time of day just before midnight — not negative, not wrapped.
    /// </summary>
    [Fact]
    public void ATakeWhoseCountInCrossesMidnightKeepsThePreviousDaysClock()
    {
        string folder = ExportToolRunner.TempDirectory();
        long day = 86400L * Rate;
        long origin = day + Rate; // take sample 0 at "24:00:01"
        var result = TakeExporter.Export(Request(folder, ThreeBoxes(folder)) with { OriginSamplesSinceMidnight = origin, RecordedAt = new DateTime(2026, 7, 31, 23, 59, 58) });
        long expected = origin - CountIn - PreRoll; // 23:59:58.5
        Assert.Equal(day - (Rate * 3 / 2), expected);
        foreach (var stem in result.Stems)
        {
            Assert.Equal(expected, stem.TimeReference);
            string ffprobe = ExportToolRunner.Run("ffprobe", "-v", "error", "-show_entries", "format_tags=time_reference", "-of", "default=nw=1:nk=1", Path.Combine(result.Folder, stem.FileName));
            Assert.Equal(expected.ToString(CultureInfo.InvariantCulture), ffprobe.Trim());
        }

        Assert.Equal(expected, result.Mix.TimeReference);
    }

    [Fact]
    public void BadInputIsRefusedBeforeAnythingIsWritten()
    {
        string folder = ExportToolRunner.TempDirectory();
        var good = ThreeBoxes(folder);
        void Refused<T>(TakeExportRequest request, string message)
            where T : Exception
        {
            var error = Assert.ThrowsAny<T>(() => TakeExporter.Export(request));
            Assert.Contains(message, error.Message);
            Assert.False(Directory.Exists(request.Folder) && Directory.EnumerateFileSystemEntries(request.Folder).Any(), "nothing may be written");
        }

        Refused<FileNotFoundException>(Request(folder, [good[0], good[1] with { AudioDataPath = Path.Combine(folder, "nope.raw") }]), "audio data file not found");
        string odd = Path.Combine(folder, "odd.raw");
        File.WriteAllBytes(odd, new byte[7]);
        Refused<ArgumentException>(Request(folder, [good[0] with { AudioDataPath = odd }]), "not a whole number of 6-byte frames");
        Refused<ArgumentException>(Request(folder, [good[0] with { FirstSampleIndex = -Origin - 1 }]), "before midnight");
        Refused<ArgumentException>(Request(folder, []), "at least one track");
        Refused<ArgumentException>(Request(folder, good, SampleFormat.S32), "s16 or s24");
        Refused<ArgumentException>(Request(folder, [good[0] with { ChannelNames = ["only one"] }]), "TrackNames has 1 names for 2 channels");
        Refused<ArgumentException>(Request(folder, [good[0] with { Format = (SampleFormat)9 }]), "unknown sample format");
        Refused<ArgumentOutOfRangeException>(Request(folder, [good[0] with { Pan = 2 }]), "pan");
        Refused<ArgumentOutOfRangeException>(Request(folder, good) with { OriginSamplesSinceMidnight = 2 * 86400L * Rate }, "samples since midnight");
        Refused<ArgumentOutOfRangeException>(Request(folder, good) with { OriginSamplesSinceMidnight = -1 }, "samples since midnight");

        // An existing take is never overwritten by accident.
        var first = TakeExporter.Export(Request(folder, good));
        var before = Directory.GetFiles(first.Folder).ToDictionary(f => f, File.GetLastWriteTimeUtc);
        var again = Assert.Throws<IOException>(() => TakeExporter.Export(Request(folder, good)));
        Assert.Contains("already holds", again.Message);
        Assert.Equal(before, Directory.GetFiles(first.Folder).ToDictionary(f => f, File.GetLastWriteTimeUtc));
        TakeExporter.Export(Request(folder, good) with { Overwrite = true });
    }

    private static (int[] Left, int[] Right) ReadStereo(string path, SampleFormat format)
    {
        string directory = Path.GetDirectoryName(path)!;
        var info = BwfReader.Read(new FolderStorage(directory), Path.GetFileName(path));
        var bytes = File.ReadAllBytes(path).AsSpan((int)info.DataOffset, (int)info.DataBytesByLength);
        int size = format == SampleFormat.S16 ? 2 : 3;
        int frames = bytes.Length / (2 * size);
        var left = new int[frames];
        var right = new int[frames];
        for (int i = 0; i < frames; i++)
        {
            left[i] = Sample(bytes, i * 2 * size, size);
            right[i] = Sample(bytes, (i * 2 * size) + size, size);
        }

        return (left, right);
    }

    private static int Sample(ReadOnlySpan<byte> bytes, int offset, int size) => size == 2
        ? (short)(bytes[offset] | (bytes[offset + 1] << 8))
        : (bytes[offset] << 8 | bytes[offset + 1] << 16 | bytes[offset + 2] << 24) >> 8;

    /// <summary>The mix computed independently: per track, channels summed, fader, constant-power pan, placed at origin + F - L.</summary>
    private static (double[] Left, double[] Right) Reference(IReadOnlyList<TakeTrackSource> tracks, long start, int frames)
    {
        var left = new double[frames];
        var right = new double[frames];
        foreach (var track in tracks)
        {
            if (track.Mute)
            {
                continue;
            }

            int size = SampleFormats.BytesPerSample((int)track.Format);
            double full = track.Format == SampleFormat.S16 ? 32768 : 8388608;
            var data = File.ReadAllBytes(track.AudioDataPath);
            double gain = Math.Pow(10, track.FaderDb / 20);
            double theta = (track.Pan + 1) * Math.PI / 4;
            long position = Origin + track.FirstSampleIndex - track.LatencySamples - start;
            int trackFrames = data.Length / (size * track.Channels);
            for (int j = 0; j < trackFrames && position + j < frames; j++)
            {
                double sum = 0;
                for (int c = 0; c < track.Channels; c++)
                {
                    sum += Sample(data, ((j * track.Channels) + c) * size, size) / full;
                }

                left[position + j] += sum * gain * Math.Cos(theta);
                right[position + j] += sum * gain * Math.Sin(theta);
            }
        }

        return (left, right);
    }
}
