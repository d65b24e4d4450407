using System.Text.RegularExpressions;
using Octomix.Drivers.Bwf;
using Octomix.Drivers.Tests.Support;
using Octomix.Hal;
using Xunit;

namespace Octomix.Drivers.Tests.Bwf;

/// <summary>Every row of docs/bwf-file-layout.md against the bytes of real files.</summary>
public class LayoutDocumentTests
{
    private static long Eval(string expr, int h)
    {
        string e = expr.Replace(" ", "", StringComparison.Ordinal).Replace("−", "-", StringComparison.Ordinal);
        var m = Regex.Match(e, @"^(\d+)(?:([+-])H)?$");
        Assert.True(m.Success, "cannot evaluate " + expr);
        long v = long.Parse(m.Groups[1].Value);
        if (m.Groups[2].Success) v += m.Groups[2].Value == "+" ? h : -h;
        return v;
    }

    private static long UInt(byte[] f, long offset, long size) =>
        size switch { 2 => BitConverter.ToUInt16(f, (int)offset), 4 => BitConverter.ToUInt32(f, (int)offset), _ => throw new InvalidOperationException() };

    [Theory]
    [InlineData("", 2, 2)]
    [InlineData("A=PCM,F=48000,W=24,M=stereo,T=Octomix", 2, 3)]
    [InlineData("A=PCM,F=44100,W=16,M=mono,T=Octomix\nA=PCM,F=44100,W=16,M=mono,T=copy", 1, 2)]
    public void Every_row_of_the_layout_table_matches_a_written_file(string codingHistory, int channels, int bytesPerSample)
    {
        var format = new PcmFormat(48000, channels, bytesPerSample);
        var md = BwfTestData.Metadata(format);
        md.CodingHistory = codingHistory;
        var card = new MemoryCard();
        byte[] pcm = BwfTestData.Pcm(format.FrameBytes * 100, 3);
        using (var w = new BwfWriter(card, "t.wav", md, new BwfWriterOptions())) w.Write(pcm, 0, pcm.Length);
        byte[] f = card.ReadAll("t.wav");
        int h = BitConverter.ToInt32(f, 76) - 602;
        Assert.InRange(h, 0, 256);
        Assert.Equal(0, h % 2);

        var rows = MarkdownTable.Rows(RepoPaths.File_("docs", "bwf-file-layout.md"), "layout");
        Assert.True(rows.Count >= 35);
        long expectedOffset = 0;
        foreach (var r in rows)
        {
            long offset = Eval(r[0], h);
            Assert.Equal(expectedOffset, offset); // rows are contiguous: no byte undocumented
            string sizeText = r[1];
            long size = sizeText == "N" ? pcm.Length : Eval(sizeText == "H" ? "0+H" : sizeText, h);
            string value = r[3];
            var id = Regex.Match(value, "^`(.{4})`$");
            if (id.Success) Assert.Equal(id.Groups[1].Value, System.Text.Encoding.ASCII.GetString(f, (int)offset, 4));
            else if (Regex.IsMatch(value, @"^\d+( [+−] H)?$")) Assert.Equal(Eval(value, h), UInt(f, offset, size));
            else if (value == "zeros") Assert.All(f.Skip((int)offset).Take((int)size), b => Assert.Equal(0, b));
            else if (value == "0x7FFF each") for (long o = offset; o < offset + size; o += 2) Assert.Equal(0x7FFF, UInt(f, o, 2));
            else if (r[2] == "nChannels") Assert.Equal(channels, UInt(f, offset, size));
            else if (r[2] == "nSamplesPerSec") Assert.Equal(48000, UInt(f, offset, size));
            else if (r[2] == "nAvgBytesPerSec") Assert.Equal(format.ByteRate, UInt(f, offset, size));
            else if (r[2] == "nBlockAlign") Assert.Equal(format.FrameBytes, UInt(f, offset, size));
            else if (r[2] == "wBitsPerSample") Assert.Equal(bytesPerSample * 8, UInt(f, offset, size));
            else if (r[2] == "RIFF size") Assert.Equal(f.Length - 8, UInt(f, offset, size));
            else if (r[2] == "chunk size" && value.StartsWith("audio bytes", StringComparison.Ordinal)) Assert.Equal(pcm.Length, UInt(f, offset, size));
            else if (r[2] == "TimeReferenceLow") Assert.Equal(md.TimeReference & 0xFFFFFFFF, UInt(f, offset, size));
            else if (r[2] == "TimeReferenceHigh") Assert.Equal(md.TimeReference >> 32, UInt(f, offset, size));
            else if (r[2] == "audio") Assert.Equal(pcm, f.Skip((int)offset).Take((int)size).ToArray());
            else if (r[2] == "iXML document") Assert.StartsWith("<?xml", System.Text.Encoding.UTF8.GetString(f, (int)offset, 5));
            else if (r[2] == "CodingHistory") Assert.Equal(codingHistory.Length == 0 ? "" : codingHistory.Split('\n')[0], System.Text.Encoding.ASCII.GetString(f, (int)offset, (int)size).Split("\r\n")[0]);
            else Assert.Contains(r[2], new[] { "Description", "Originator", "OriginatorReference", "OriginationDate", "OriginationTime" }); // checked by the reader tests
            expectedOffset = offset + size;
        }
        Assert.Equal(f.Length, expectedOffset); // the table covers the whole file (no pad: even data)
        Assert.Equal(BwfLayout.DataOffset, 4096);
    }
}
