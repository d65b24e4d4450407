using System.Globalization;
using Octomix.Tests.Shared;

namespace Octomix.Protocol.Tests;

/// <summary>
/// The RTJam interop vectors of docs/protocol-vectors.txt, read from the file: the codec
/// decodes and re-encodes them, its conversions give the file's bytes, the byte table holds by
/// hand, and no datagram of one format is taken for the other.
/// </summary>
public class RtJamVectorTests
{
    private static readonly string VectorPath = RepoPaths.Docs(VectorFile.FileName);

    private static List<ProtocolVectorText.Vector> All() => ProtocolVectorText.Parse(File.ReadLines(VectorPath)).Where(v => v.IsRtJam).ToList();

    private static byte[] Bytes(ProtocolVectorText.Vector v) => v.HexBytes.Select(b => byte.Parse(b, NumberStyles.HexNumber, CultureInfo.InvariantCulture)).ToArray();

    private static ProtocolVectorText.Vector Named(string name) => All().Single(v => v.Name == name);

    private static string Value(string kind, string key) => kind.Split(' ').Single(p => p.StartsWith(key + "=", StringComparison.Ordinal))[(key.Length + 1)..];

    [Fact]
    public void TheFileHasEveryKindOfRtJamVector()
    {
        var kinds = All().Select(v => v.RtJam!.Split(' ')[0]).ToHashSet();
        Assert.Equal(new[] { "bad", "datagram", "echo-of", "forwarded-of", "octomix-of", "rtjam-of" }, kinds.Order());
        Assert.True(All().Count(v => v.RtJam!.StartsWith("bad", StringComparison.Ordinal)) >= 4);
    }

    [Fact]
    public void EveryRtJamDatagramDecodesToItsFieldsAndReEncodesToItsBytes()
    {
        foreach (var v in All().Where(v => v.RtJam is not null && !v.RtJam.StartsWith("bad", StringComparison.Ordinal) && !v.RtJam.StartsWith("octomix-of", StringComparison.Ordinal)))
        {
            var b = Bytes(v);
            var p = new RtJamPacket();
            if (v.RtJam!.StartsWith("echo-of", StringComparison.Ordinal))
            {
                Assert.Equal(RtJamPacket.HeaderLength, b.Length);
                Assert.Equal(DecodeResult.TooShort, RtJamPacket.Check(b, 0, b.Length)); // an echo is never taken as audio
                p.ReadHeader(b, 0);
            }
            else
            {
                Assert.Equal(DecodeResult.Ok, p.Read(b, 0, b.Length));
            }

            Assert.Equal(v.Fields, p.Describe());
            var again = new byte[b.Length];
            p.WriteHeader(again, 0);
            Array.Copy(b, RtJamPacket.HeaderLength, again, RtJamPacket.HeaderLength, b.Length - RtJamPacket.HeaderLength);
            Assert.Equal(b, again);
        }
    }

    [Fact]
    public void TheConversionsGiveTheFilesBytes()
    {
        var client = Bytes(Named(RtJamVectors.Datagram));
        var rt = new RtJamPacket();
        Assert.Equal(DecodeResult.Ok, rt.Read(client, 0, client.Length));

        // RTJam -> Octomix
        var asOctomix = Named(RtJamVectors.Datagram + "-as-octomix");
        byte slot = byte.Parse(Value(asOctomix.RtJam!, "slot"), CultureInfo.InvariantCulture);
        var cell = new byte[ProtocolConstants.MaxDatagram];
        int n = RtJamPacket.ToOctomix(client, 0, client.Length, slot, RtJamPacket.TimecodeOf((long)rt.TimeStamp), new AudioPacket(), cell, 0);
        Assert.Equal(Bytes(asOctomix), cell[..n]);
        var audio = new AudioPacket();
        Assert.Equal(DecodeResult.Ok, audio.Read(cell, 0, n));
        Assert.Equal(asOctomix.Fields, audio.Describe());

        // forwarded to RTJam members, and the echo
        var forwarded = Named(RtJamVectors.Datagram + "-forwarded");
        ulong serverTime = ulong.Parse(Value(forwarded.RtJam!, "server-time"), CultureInfo.InvariantCulture);
        var copy = (byte[])client.Clone();
        RtJamPacket.StampServer(copy, 0, byte.Parse(Value(forwarded.RtJam!, "slot"), CultureInfo.InvariantCulture), serverTime);
        Assert.Equal(Bytes(forwarded), copy);
        Assert.Equal(client[RtJamPacket.HeaderLength..], copy[RtJamPacket.HeaderLength..]); // audio untouched
        Assert.Equal(copy[..RtJamPacket.HeaderLength], Bytes(Named(RtJamVectors.Datagram + "-echo")));

        // Octomix -> RTJam: the same audio, bit for bit, and the same time
        var back = Named(RtJamVectors.Datagram + "-as-octomix-to-rtjam");
        var cell2 = new byte[ProtocolConstants.MaxDatagram];
        int m = RtJamPacket.FromOctomix(audio, cell, audio.PayloadOffset, serverTime, cell2, 0);
        Assert.Equal(Bytes(back), cell2[..m]);
        Assert.Equal(client[RtJamPacket.HeaderLength..], cell2[RtJamPacket.HeaderLength..m]);
        var rt2 = new RtJamPacket();
        rt2.Read(cell2, 0, m);
        Assert.Equal(rt.TimeStamp, rt2.TimeStamp);
        Assert.Equal(rt.SequenceNumber, rt2.SequenceNumber);
        Assert.Equal(RtJamPacket.OctomixClientIdBase | slot, rt2.ClientId);
    }

    [Fact]
    public void EveryBadRtJamVectorGivesItsResult()
    {
        foreach (var v in All().Where(v => v.RtJam!.StartsWith("bad ", StringComparison.Ordinal)))
        {
            var b = Bytes(v);
            var expected = Enum.Parse<DecodeResult>(v.RtJam![4..]);
            Assert.True(expected == RtJamPacket.Check(b, 0, b.Length), v.Name);
            Assert.True(expected == new RtJamPacket().Read(b, 0, b.Length), v.Name);
        }
    }

    [Fact]
    public void TheByteTableHoldsByHand()
    {
        var b = Bytes(Named(RtJamVectors.Datagram + "-forwarded"));
        Assert.Equal(284, b.Length);                                         // 28 + 4 * 64
        Assert.Equal(new byte[] { 3, 0, 1, 2 }, b[..4]);                     // Channel 3, 48 kHz, 1 chunk, beat (7.25 s / 0.5 s) % 4 = 2
        Assert.Equal(new byte[] { 0, 0, 0, 0, 0, 0x6E, 0xA0, 0x50 }, b[4..12]); // ServerTime 7 250 000 µs, big-endian
        Assert.Equal(new byte[] { 0, 0, 0, 0, 0x01, 0x3D, 0xE4, 0x36 }, b[12..20]); // TimeStamp 20 833 334 µs = ceil(1 000 000 * 125 / 6)
        Assert.Equal(new byte[] { 0x1A, 0x2B, 0x3C, 0x4D }, b[20..24]);      // ClientId
        Assert.Equal(new byte[] { 0, 0, 0, 41 }, b[24..28]);                 // SequenceNumber
        Assert.Equal(new byte[] { 0x00, 0x00, 0xFF, 0xFF, 0x80, 0x00, 0x7F, 0xFF }, b[28..36]); // ch 0: -32768, 32767, 0, -1 (offset-binary BE)
        Assert.Equal(new byte[] { 0xFF, 0xFF, 0x00, 0x01 }, b[156..160]);    // ch 1 (planar, at 28 + 128): 32767, -32767

        var o = Bytes(Named(RtJamVectors.Datagram + "-as-octomix"));
        Assert.Equal(32 + 256, o.Length);
        Assert.Equal(new byte[] { 0x00, 0x80, 0xFF, 0x7F, 0xFF, 0x7F, 0x01, 0x80 }, o[32..40]); // L -32768, R 32767, L 32767, R -32767 (s16 LE, interleaved)
        Assert.Equal(new byte[] { 0x40, 0x42, 0x0F, 0, 0, 0, 0, 0 }, o[20..28]); // timecode 1 000 000
        Assert.Equal(new byte[] { 41, 0, 0, 0 }, o[12..16]);                     // sequence = SequenceNumber
    }

    [Fact]
    public void NoDatagramOfOneFormatIsTakenForTheOther()
    {
        // byte 1 decides: 0x58 ('X' of "OX") for Octomix, 0x00 (48 kHz) for RTJam
        var (good, bad) = VectorFile.Read(VectorPath);
        foreach (var v in good)
        {
            Assert.Equal(0x58, v.Bytes[1]);
            Assert.NotEqual(DecodeResult.Ok, RtJamPacket.Check(v.Bytes, 0, v.Bytes.Length));
        }

        foreach (var v in All().Where(v => !v.RtJam!.StartsWith("octomix-of", StringComparison.Ordinal)))
        {
            var b = Bytes(v);
            Assert.NotEqual(DecodeResult.Ok, Message.Peek(b, 0, b.Length, out _));
        }
    }

    [Fact]
    public void TimecodeToMicrosecondsAndBackIsExact()
    {
        foreach (long tc in new long[] { 0, 1, 5, 6, 7, 47_999, 48_000, 1_000_000, -1, -6, -96_000, 1L << 40 })
        {
            Assert.Equal(tc, RtJamPacket.TimecodeOf(RtJamPacket.MicrosecondsOf(tc)));
        }

        for (long tc = -200; tc < 200; tc++)
        {
            long us = RtJamPacket.MicrosecondsOf(tc);
            Assert.Equal(tc, RtJamPacket.TimecodeOf(us));
            Assert.Equal(tc - 1, RtJamPacket.TimecodeOf(us - 1)); // the earliest µs of that sample
        }

        Assert.Equal(48_000, RtJamPacket.TimecodeOf(1_000_000));
        Assert.Equal(47_999, RtJamPacket.TimecodeOf(999_999));
        Assert.Equal(64, RtJamPacket.TimecodeOf(1334)); // 64 frames = 1333.33 µs
    }

    [Fact]
    public void MonoAndWideOctomixPacketsBecomeStereoRtJam()
    {
        // mono s16: both RTJam channels carry it; s24: the top 16 bits
        var mono = new AudioPacket { SourceSlot = 1, FrameCount = 2, Channels = 1, Format = (byte)SampleFormat.S16 };
        var src = new byte[] { 0x34, 0x12, 0x00, 0x80 };
        var dst = new byte[64];
        int n = RtJamPacket.FromOctomix(mono, src, 0, 0, dst, 0);
        Assert.Equal(36, n);
        Assert.Equal(new byte[] { 0x92, 0x34, 0x00, 0x00, 0x92, 0x34, 0x00, 0x00 }, dst[28..36]);

        var s24 = new AudioPacket { SourceSlot = 1, FrameCount = 1, Channels = 2, Format = (byte)SampleFormat.S24 };
        n = RtJamPacket.FromOctomix(s24, new byte[] { 0xAA, 0x34, 0x12, 0xBB, 0xFF, 0xFF }, 0, 0, dst, 0);
        Assert.Equal(32, n);
        Assert.Equal(new byte[] { 0x92, 0x34, 0x7F, 0xFF }, dst[28..32]);
    }
}
