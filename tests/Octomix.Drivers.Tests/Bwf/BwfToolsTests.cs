using Octomix.Drivers.Bwf;
using Octomix.Drivers.Tests.Support;
using Octomix.Hal;
using Xunit;
using static Octomix.Drivers.Tests.Bwf.BwfTestData;

namespace Octomix.Drivers.Tests.Bwf;

/// <summary>Files written by BwfWriter, read back by ffprobe, ffmpeg, sndfile-info and exiftool.</summary>
public class BwfToolsTests
{
    [Theory]
    [InlineData(2, 2)]
    [InlineData(2, 3)]
    [InlineData(1, 3)]
    [InlineData(2, 4)]
    public void Ffmpeg_decodes_exactly_the_samples_written_and_ffprobe_prints_the_time_reference(int channels, int bytesPerSample)
    {
        var format = new PcmFormat(48000, channels, bytesPerSample);
        var card = new MemoryCard();
        byte[] pcm = Pcm(format.FrameBytes * 48001, 7); // odd frame count: a pad byte for 24-bit mono
        var md = Metadata(format);
        using (var w = new BwfWriter(card, "takes/t0003-a.wav", md, new BwfWriterOptions()))
            WriteInBlocks(w, pcm, format.FrameBytes, 3);

        string dir = Tools.TempDir();
        string file = card.Export("takes/t0003-a.wav", dir);
        Assert.Equal(pcm, Decode(file, bytesPerSample));
        Assert.Equal(md.TimeReference, FfprobeTimeReference(file));
        Assert.Equal(0, new FileInfo(file).Length % 2); // every chunk even, the file too
        string probe = Tools.Run("ffprobe", "-v", "error", "-show_entries", "stream=codec_name,sample_rate,channels,bits_per_sample", "-of", "default=nw=1", file);
        Assert.Contains("sample_rate=48000", probe);
        Assert.Contains("channels=" + channels, probe);
        Assert.Contains("bits_per_sample=" + bytesPerSample * 8, probe);
    }

    [Fact]
    public void Sndfile_info_shows_the_bext_fields()
    {
        var format = new PcmFormat(48000, 2, 3);
        var card = new MemoryCard();
        var md = Metadata(format);
        using (var w = new BwfWriter(card, "t.wav", md, new BwfWriterOptions()))
            w.Write(Pcm(format.FrameBytes * 1000, 1), 0, format.FrameBytes * 1000);
        string file = card.Export("t.wav", Tools.TempDir());
        string info = Tools.Run("sndfile-info", "--broadcast", file);
        Assert.Matches(@"Description\s*:\s*Take 3 of Blue Song", info);
        Assert.Matches(@"Originator\s*:\s*Octomix box 7", info);
        Assert.Matches(@"Origination ref\s*:\s*OCTO-7-0003", info);
        Assert.Matches(@"Origination date\s*:\s*2026-08-01", info);
        Assert.Matches(@"Origination time\s*:\s*14:03:07", info);
        Assert.Matches(@"BWF version\s*:\s*2", info);
        Assert.Matches(@"Coding history\s*:\s*A=PCM,F=48000,W=24,M=stereo,T=Octomix", info);
        // Time ref is printed in hex and seconds: 14 h + 123 samples.
        Assert.Matches($@"time ref\s*:\s*0x0*{md.TimeReference:x}\b", info.ToLowerInvariant());
    }

    [Fact]
    public void The_bext_description_is_transliterated_ascii_and_the_ixml_note_keeps_the_exact_utf8()
    {
        var format = new PcmFormat(48000, 2, 2);
        var md = Metadata(format);
        md.Description = "Chlo\u00e9 \u00df \u0152uvre \u2013 \u201cx\u201d \u65e5\u672c";
        var card = new MemoryCard();
        using (var w = new BwfWriter(card, "t.wav", md, new BwfWriterOptions()))
            w.Write(Pcm(400, 2), 0, 400);
        string file = card.Export("t.wav", Tools.TempDir());

        // bext (ASCII by EBU Tech 3285): accents dropped, ligatures spelled out, quotes/dashes ASCII; no letter becomes '?'.
        string info = Tools.Run("sndfile-info", "--broadcast", file);
        Assert.Matches(@"Description\s*:\s*Chloe ss OEuvre - ""x"" \?\?\s", info);
        Assert.Equal("Chloe ss OEuvre - \"x\" ??", BwfReader.Read(card, "t.wav").Description);
        byte[] bytes = File.ReadAllBytes(file);
        int bext = IndexOf(bytes, "bext"u8) + 8;
        for (int i = bext; i < bext + 256; i++)
            Assert.True(bytes[i] < 0x80, $"bext description byte {i - bext} is 0x{bytes[i]:x2}: not ASCII");

        // iXML NOTE: the exact text, UTF-8.
        string x = Tools.Run("exiftool", "-a", "-G1", "-s", file);
        Assert.Matches(@"\[XML\]\s+BwfxmlNote\s*: Chlo\u00e9 \u00df \u0152uvre \u2013 \u201cx\u201d \u65e5\u672c", x);
    }

    private static int IndexOf(byte[] haystack, ReadOnlySpan<byte> needle) => haystack.AsSpan().IndexOf(needle);

    [Fact]
    public void Exiftool_shows_the_ixml_scene_take_and_track_names()
    {
        var format = new PcmFormat(48000, 2, 2);
        var card = new MemoryCard();
        using (var w = new BwfWriter(card, "t.wav", Metadata(format), new BwfWriterOptions()))
            w.Write(Pcm(400, 2), 0, 400);
        string file = card.Export("t.wav", Tools.TempDir());
        string x = Tools.Run("exiftool", "-a", "-G1", "-s", file);
        Assert.Matches(@"\[XML\]\s+BwfxmlProject\s*: Blue Song", x);
        Assert.Matches(@"\[XML\]\s+BwfxmlScene\s*: Verse 2", x);
        Assert.Matches(@"\[XML\]\s+BwfxmlTake\s*: 3", x);
        Assert.Matches(@"\[XML\]\s+BwfxmlTape\s*: Day1", x);
        Assert.Matches(@"\[XML\]\s+BwfxmlFileUid\s*: OCTO7T0003", x);
        Assert.Matches(@"BwfxmlTrackListTrackCount\s*: 2", x);
        Assert.Matches(@"BwfxmlTrackListTrackName\s*: Gitarre Jörg", x);
        Assert.Matches(@"BwfxmlTrackListTrackName\s*: Vocal <lead> & co", x);
        Assert.Matches(@"BwfxmlSpeedTimestampSamplesSinceMidnightLo\s*: " + (48000L * 3600 * 14 + 123), x);
        Assert.Matches(@"BwfxmlSpeedTimestampSampleRate\s*: 48000", x);
        Assert.Matches(@"BwfxmlSpeedTimecodeFlag\s*: NDF", x);
        Assert.Matches(@"\[RIFF\]\s+TimeReference\s*: " + (48000L * 3600 * 14 + 123), x);
    }

    [Fact]
    public void Split_parts_concatenate_to_the_input_and_their_time_references_chain()
    {
        var format = new PcmFormat(48000, 2, 2);
        var card = new MemoryCard();
        var md = Metadata(format, timeReference: 1_000_000);
        byte[] pcm = Pcm(format.FrameBytes * 3500, 11);
        var options = new BwfWriterOptions { MaxFileBytes = BwfWriter.DataOffset + 1000 * 4 + 1, HeaderUpdateIntervalFrames = 300 };
        int parts;
        using (var w = new BwfWriter(card, "takes/t0009-b.wav", md, options))
        {
            WriteInBlocks(w, pcm, format.FrameBytes, 5, maxFrames: 333);
            parts = w.PartCount;
            Assert.Equal(3500, w.FramesWritten);
            Assert.Equal("takes/t0009-b-p03.wav", w.CurrentPath);
        }
        Assert.Equal(4, parts);
        Assert.Equal(["t0009-b-p01.wav", "t0009-b-p02.wav", "t0009-b-p03.wav", "t0009-b.wav"], card.ListFiles("takes"));

        string dir = Tools.TempDir();
        var joined = new List<byte>();
        for (int k = 0; k < parts; k++)
        {
            string path = BwfWriter.PartPath("takes/t0009-b.wav", k);
            string file = card.Export(path, dir);
            Assert.True(new FileInfo(file).Length <= options.MaxFileBytes);
            Assert.Equal(1_000_000 + 1000L * k, FfprobeTimeReference(file));
            var info = BwfReader.Read(card, path);
            Assert.Equal(k < 3 ? 4000 : 2000, info.DataBytesDeclared);
            Assert.Contains(k == 0 ? "<FILE_UID>OCTO7T0003</FILE_UID>" : $"<FILE_UID>OCTO7T0003-p0{k}</FILE_UID>", info.IXml);
            Assert.Contains($"<TIMESTAMP_SAMPLES_SINCE_MIDNIGHT_LO>{1_000_000 + 1000L * k}<", info.IXml);
            joined.AddRange(Decode(file, 2));
        }
        Assert.Equal(pcm, joined.ToArray());
    }
}
