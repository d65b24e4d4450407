using Octomix.Tests.Shared;

namespace Octomix.Protocol.Tests;

/// <summary>The shared reader of the vector file (tests/Shared/ProtocolVectorText.cs) on small texts.</summary>
public class ProtocolVectorTextTests
{
    [Fact]
    public void GoodAndBadVectorsWithCommentsAndHexContinuationLines()
    {
        string[] lines =
        [
            "# header comment",
            "",
            "== ping",
            "type=Ping",
            "name=\"Anna\"",
            "hex: 4f 58 01",
            "  0a\t0b",
            "# between vectors",
            "== short",
            "expect: TooShort",
            "decode-as: Join",
            "hex: 4f",
        ];
        var vectors = ProtocolVectorText.Parse(lines);
        Assert.Equal(2, vectors.Count);
        var ping = vectors[0];
        Assert.False(ping.IsBad);
        Assert.Equal("ping", ping.Name);
        Assert.Equal("type=Ping\nname=\"Anna\"\n", ping.Fields);
        Assert.Equal(["4f", "58", "01", "0a", "0b"], ping.HexBytes);
        Assert.Equal("4f 58 01 0a 0b", ping.Hex);
        var bad = vectors[1];
        Assert.True(bad.IsBad);
        Assert.Equal(("TooShort", "Join"), (bad.Expect, bad.DecodeAs));
        Assert.Equal("", bad.Fields);
    }

    [Fact]
    public void ABadVectorWithoutDecodeAsIsRefused()
    {
        var error = Assert.Throws<FormatException>(() => ProtocolVectorText.Parse(["== broken", "expect: TooShort", "hex: 00"]));
        Assert.Contains("broken: decode-as missing", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TheRepositoryFileReadsIntoTypedVectors()
    {
        var (good, bad) = VectorFile.Read(Path.Combine(RepoPaths.Root, "docs", VectorFile.FileName));
        Assert.True(good.Count >= 19 && bad.Count >= 10, $"{good.Count} good, {bad.Count} bad");
        Assert.All(good, v => Assert.True(v.Bytes.Length >= 4, v.Name));
    }
}
