namespace Octomix.Protocol.Tests;

public class ProtocolVectorTests
{
    private static readonly string VectorPath = RepoPaths.Docs(VectorFile.FileName);

    [Fact]
    public void VectorFileMatchesTheEncoder()
    {
        var expected = VectorFile.Render();
        if (Environment.GetEnvironmentVariable("OCTOMIX_WRITE_VECTORS") == "1")
        {
            File.WriteAllText(VectorPath, expected);
        }

        Assert.True(File.Exists(VectorPath), VectorPath + " is missing");
        Assert.Equal(expected, File.ReadAllText(VectorPath).ReplaceLineEndings("\n"));
    }

    [Fact]
    public void EveryGoodVectorDecodesToItsFieldsAndReEncodesToItsBytes()
    {
        var (good, _) = VectorFile.Read(VectorPath);
        Assert.True(good.Count >= 19, "expected a vector for every message type");
        var typesSeen = new HashSet<MessageType>();
        foreach (var v in good)
        {
            Assert.Equal(DecodeResult.Ok, Message.Peek(v.Bytes, 0, v.Bytes.Length, out var type));
            typesSeen.Add(type);
            var message = VectorCatalog.NewFor(type);
            Assert.True(DecodeResult.Ok == message.Read(v.Bytes, 0, v.Bytes.Length), v.Name + ": " + message.Read(v.Bytes, 0, v.Bytes.Length));
            Assert.Equal(v.Fields, message.Describe());

            var again = new byte[ProtocolConstants.MaxDatagram];
            int n;
            if (message is AudioPacket audio)
            {
                n = audio.Write(again, 0, v.Bytes, audio.PayloadOffset);
            }
            else if (message is FileDataMessage data)
            {
                Array.Copy(v.Bytes, data.DataOffset, again, FileDataMessage.HeaderLength, data.DataLength);
                n = data.WriteHeader(again, 0);
            }
            else
            {
                n = message.Write(again, 0);
            }

            Assert.Equal(v.Bytes, again[..n]);
        }

        foreach (MessageType t in Enum.GetValues<MessageType>())
        {
            Assert.Contains(t, typesSeen);
        }
    }

    [Fact]
    public void EveryBadVectorGivesItsResult()
    {
        var (_, bad) = VectorFile.Read(VectorPath);
        Assert.True(bad.Count >= 10);
        foreach (var v in bad)
        {
            var decoder = VectorCatalog.NewFor(v.DecodeAs);
            Assert.True(v.Expected == decoder.Read(v.Bytes, 0, v.Bytes.Length), v.Name);
        }
    }

    [Fact]
    public void AudioHeaderBytesAreWhereTheSpecSaysByHand()
    {
        // Independent of the encoder: the byte table of docs/protocol.md, applied by hand.
        var (good, _) = VectorFile.Read(VectorPath);
        var b = good.Single(v => v.Name == "audio-s16-stereo-jam").Bytes;
        Assert.Equal(new byte[] { 0x4F, 0x58, 0x01, 0x01 }, b[..4]);            // "OX", v1, Audio
        Assert.Equal(new byte[] { 0xCD, 0xAB, 0x34, 0x12 }, b[4..8]);           // token LE
        Assert.Equal(2, b[8]);                                                   // source slot
        Assert.Equal(0xFF, b[9]);                                                // everyone
        Assert.Equal(new byte[] { 7, 0, 0, 0 }, b[12..16]);                      // sequence
        Assert.Equal(new byte[] { 0x40, 0x42, 0x0F, 0, 0, 0, 0, 0 }, b[20..28]); // timecode 1 000 000
        Assert.Equal(new byte[] { 2, 0, 2, 1 }, b[28..32]);                      // 2 frames, 2 ch, s16
        Assert.Equal(32 + 8, b.Length);
    }
}
