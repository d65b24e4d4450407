using Octomix.Drivers.Bwf;
using Octomix.Drivers.Tests.Support;
using Octomix.Hal;
using Xunit;
using static Octomix.Drivers.Tests.Bwf.BwfTestData;

namespace Octomix.Drivers.Tests.Bwf;

public class BwfReaderTests
{
    [Fact]
    public void Reads_back_everything_the_writer_wrote()
    {
        var format = new PcmFormat(44100, 2, 3);
        var card = new MemoryCard();
        var md = Metadata(format, timeReference: 5_000_000_000L); // above 2^32: the high word matters
        using (var w = new BwfWriter(card, "t.wav", md, new BwfWriterOptions())) w.Write(Pcm(6 * 777, 1), 0, 6 * 777);
        var i = BwfReader.Read(card, "t.wav");
        Assert.Equal((1, 2, 44100, 24, 6, 44100 * 6), (i.FormatTag, i.Channels, i.SampleRate, i.BitsPerSample, i.BlockAlign, i.ByteRate));
        Assert.Equal(4096, i.DataOffset);
        Assert.Equal(777, i.FramesDeclared);
        Assert.Equal(777, i.FramesByLength);
        Assert.True(i.DataIsLastChunk);
        Assert.True(i.HasBext);
        Assert.Equal(2, i.BextVersion);
        Assert.Equal("Take 3 of Blue Song", i.Description);
        Assert.Equal("Octomix box 7", i.Originator);
        Assert.Equal("OCTO-7-0003", i.OriginatorReference);
        Assert.Equal("2026-08-01", i.OriginationDate);
        Assert.Equal("14:03:07", i.OriginationTime);
        Assert.Equal(5_000_000_000L, i.TimeReference);
        Assert.Equal("A=PCM,F=44100,W=24,M=stereo,T=Octomix\r\n", i.CodingHistory);
        Assert.NotNull(i.IXml);
        Assert.EndsWith("</BWFXML>", i.IXml);
        Assert.Contains("<NAME>Gitarre Jörg</NAME>", i.IXml);
        Assert.Contains("<NAME>Vocal &lt;lead&gt; &amp; co</NAME>", i.IXml);
        Assert.Contains("<TIMESTAMP_SAMPLES_SINCE_MIDNIGHT_HI>1</TIMESTAMP_SAMPLES_SINCE_MIDNIGHT_HI>", i.IXml);
        Assert.Contains($"<TIMESTAMP_SAMPLES_SINCE_MIDNIGHT_LO>{5_000_000_000L - (1L << 32)}</TIMESTAMP_SAMPLES_SINCE_MIDNIGHT_LO>", i.IXml);
        // The reader agrees with ffprobe on the 64-bit time reference.
        Assert.Equal(5_000_000_000L, FfprobeTimeReference(card.Export("t.wav", Tools.TempDir())));
    }

    [Fact]
    public void Reads_a_plain_wav_written_by_ffmpeg()
    {
        string dir = Tools.TempDir();
        string file = Path.Combine(dir, "sine.wav");
        Tools.Run("ffmpeg", "-v", "error", "-f", "lavfi", "-i", "sine=frequency=440:duration=0.5:sample_rate=22050", "-c:a", "pcm_s16le", file);
        var card = new MemoryCard();
        card.Put("sine.wav", File.ReadAllBytes(file));
        var i = BwfReader.Read(card, "sine.wav");
        Assert.Equal((1, 1, 22050, 16), (i.FormatTag, i.Channels, i.SampleRate, i.BitsPerSample));
        Assert.Equal(11025, i.FramesDeclared);
        Assert.False(i.HasBext);
        Assert.Null(i.IXml);
    }

    [Fact]
    public void Reads_an_rf64_file_with_sizes_from_its_ds64_chunk()
    {
        var b = new List<byte>();
        void Id(string s) => b.AddRange(System.Text.Encoding.ASCII.GetBytes(s));
        void U32(uint v) => b.AddRange(BitConverter.GetBytes(v));
        void U64(ulong v) => b.AddRange(BitConverter.GetBytes(v));
        Id("RF64"); U32(0xFFFFFFFF); Id("WAVE");
        Id("ds64"); U32(28); U64(4 + 36 + 24 + 8 + 12); U64(12); U64(3); U32(0);
        Id("fmt "); U32(16); b.AddRange(new byte[] { 1, 0, 2, 0, 0x80, 0xBB, 0, 0, 0x00, 0xEE, 2, 0, 4, 0, 16, 0 });
        Id("data"); U32(0xFFFFFFFF); b.AddRange(new byte[12]);
        var card = new MemoryCard();
        card.Put("big.wav", b.ToArray());
        var i = BwfReader.Read(card, "big.wav");
        Assert.True(i.IsRf64);
        Assert.Equal(12, i.DataBytesDeclared);
        Assert.Equal(3, i.FramesDeclared);
        Assert.Equal(3, i.FramesByLength);
        Assert.Equal(48000, i.SampleRate);
        Assert.Equal(BwfRepairStatus.NotRepairable, BwfRepair.Repair(card, "big.wav").Status); // RF64: left alone
        // ffprobe agrees that it is a valid RF64 file of 3 frames.
        string file = card.Export("big.wav", Tools.TempDir());
        Assert.Contains("duration_ts=3", Tools.Run("ffprobe", "-v", "error", "-show_entries", "stream=duration_ts", "-of", "default=nw=1", file));
    }

    [Theory]
    [InlineData("text", "not a RIFF file: it starts with 'hell'")]
    [InlineData("short", "shorter than a RIFF header")]
    [InlineData("avi", "not WAVE (form type 'AVI ')")]
    [InlineData("nofmt", "no fmt chunk")]
    [InlineData("nodata", "no data chunk")]
    [InlineData("liar", "claims 5000 bytes but the file ends at")]
    public void Bad_files_get_a_clear_reason(string kind, string reason)
    {
        var card = new MemoryCard();
        var b = new List<byte>();
        void Id(string s) => b.AddRange(System.Text.Encoding.ASCII.GetBytes(s));
        void U32(int v) => b.AddRange(BitConverter.GetBytes(v));
        void Fmt() { Id("fmt "); U32(16); b.AddRange(new byte[] { 1, 0, 1, 0, 0x40, 0x1F, 0, 0, 0x80, 0x3E, 0, 0, 2, 0, 16, 0 }); }
        switch (kind)
        {
            case "text": b.AddRange("hello world, definitely not a wave file"u8.ToArray()); break;
            case "short": Id("RIFF"); break;
            case "avi": Id("RIFF"); U32(4); Id("AVI "); break;
            case "nofmt": Id("RIFF"); U32(16); Id("WAVE"); Id("data"); U32(4); U32(0); break;
            case "nodata": Id("RIFF"); U32(28); Id("WAVE"); Fmt(); break;
            case "liar": Id("RIFF"); U32(100); Id("WAVE"); Id("LIST"); U32(5000); U32(0); break;
        }
        card.Put("f.wav", b.ToArray());
        var ex = Assert.Throws<BwfFormatException>(() => BwfReader.Read(card, "f.wav"));
        Assert.Contains(reason, ex.Message);
        Assert.StartsWith("f.wav:", ex.Message);
    }
}
