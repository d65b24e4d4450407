using System.Text;

namespace Octomix.Protocol.Tests;

public class WireFormatTests
{
    [Theory]
    [InlineData("Bass", 31, "Bass")]
    [InlineData("", 31, "")]
    [InlineData("0123456789012345678901234567890123456789", 31, "0123456789012345678901234567890")]
    [InlineData("ééééééééééééééééé", 31, "ééééééééééééééé")]   // 2 bytes each: 15 fit in 31
    [InlineData("♪♪♪♪♪♪♪♪♪♪♪", 31, "♪♪♪♪♪♪♪♪♪♪")]           // 3 bytes each: 10 fit
    [InlineData("🎸🎸🎸🎸🎸🎸🎸🎸🎸", 31, "🎸🎸🎸🎸🎸🎸🎸")]             // surrogate pairs, 4 bytes each: never split
    public void ShortStringsAreCutAtACharacterBoundary(string input, int max, string expected)
    {
        var b = new byte[64];
        int n = WireFormat.WriteShortString(b, 0, input, max);
        Assert.Equal(n, WireFormat.ShortStringLength(input, max));
        Assert.True(b[0] <= max);
        Assert.Equal(1 + b[0], n);
        Assert.Equal(expected, WireFormat.ReadString(b, 1, b[0]));
    }

    [Theory]
    [InlineData(new byte[] { 0xC0, 0x80 })]             // overlong NUL
    [InlineData(new byte[] { 0xE0, 0x80, 0x80 })]       // overlong
    [InlineData(new byte[] { 0xED, 0xA0, 0x80 })]       // surrogate
    [InlineData(new byte[] { 0xF4, 0x90, 0x80, 0x80 })] // above U+10FFFF
    [InlineData(new byte[] { 0xE2, 0x99 })]             // truncated
    [InlineData(new byte[] { 0x80 })]                   // stray continuation
    [InlineData(new byte[] { 0xFF })]
    public void InvalidUtf8IsRefused(byte[] bytes)
    {
        Assert.False(WireFormat.IsValidUtf8(bytes, 0, bytes.Length));
        Assert.Null(WireFormat.ReadString(bytes, 0, bytes.Length));
    }

    [Fact]
    public void ValidUtf8IsAccepted()
    {
        var bytes = Encoding.UTF8.GetBytes("Régie ♪ 🎸 x");
        Assert.True(WireFormat.IsValidUtf8(bytes, 0, bytes.Length));
    }

    [Fact]
    public void IntegersAreLittleEndian()
    {
        var b = new byte[8];
        WireFormat.WriteI64(b, 0, -2);
        Assert.Equal(new byte[] { 0xFE, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF }, b);
        Assert.Equal(-2, WireFormat.ReadI64(b, 0));
        WireFormat.WriteU32(b, 0, 0x01020304);
        Assert.Equal(new byte[] { 4, 3, 2, 1 }, b[..4]);
        Assert.Equal(0x0102, WireFormat.ReadU16(b, 2));
    }

    [Fact]
    public void JoinCodeMatchingIsExact()
    {
        var join = new JoinMessage { MessageId = 1, JoinCode = "JAM-42" };
        var b = new byte[128];
        join.Write(b, 0);
        Assert.True(JoinMessage.JoinCodeMatches(b, 0, Encoding.ASCII.GetBytes("JAM-42")));
        Assert.False(JoinMessage.JoinCodeMatches(b, 0, Encoding.ASCII.GetBytes("JAM-4")));
        Assert.False(JoinMessage.JoinCodeMatches(b, 0, Encoding.ASCII.GetBytes("JAM-421")));
        Assert.False(JoinMessage.JoinCodeMatches(b, 0, Encoding.ASCII.GetBytes("jam-42")));
    }

    [Fact]
    public void EncodingRejectsWhatCannotBeSent()
    {
        Assert.Throws<ArgumentException>(() => new JoinMessage { JoinCode = "" }.Write(new byte[128], 0));
        Assert.Throws<ArgumentException>(() => new JoinMessage { JoinCode = "has space" }.Write(new byte[128], 0));
        Assert.Throws<ArgumentException>(() => new StatusMessage().Write(new byte[10], 0));
        Assert.Throws<ArgumentException>(() => new NackMessage().Write(new byte[100], 0));
        var big = new AudioPacket { FrameCount = 1000, Channels = 2, Format = 1 };
        Assert.Throws<ArgumentException>(() => big.WriteHeader(new byte[5000], 0));
        Assert.Equal(342, AudioPacket.MaxFrames(2, (int)SampleFormat.S16));
        Assert.Equal(228, AudioPacket.MaxFrames(2, (int)SampleFormat.S24));
    }
}
