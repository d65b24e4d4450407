namespace Octomix.Protocol.Tests;

public class CommandAuthTests
{
    /// <summary>
    /// SipHash-2-4 reference outputs (the SipHash paper's vectors_sip64: key 00 01 … 0f, message
    /// 00 01 … len−1), as u64 from the eight little-endian output bytes. Checked against OpenSSL's
    /// SIPHASH MAC as well. Lengths cover the empty message, every partial last word and full words.
    /// </summary>
    [Theory]
    [InlineData(0, 0x726fdb47dd0e0e31UL)]
    [InlineData(1, 0x74f839c593dc67fdUL)]
    [InlineData(7, 0xab0200f58b01d137UL)]
    [InlineData(8, 0x93f5f5799a932462UL)]
    [InlineData(15, 0xa129ca6149be45e5UL)]
    [InlineData(16, 0x3f2acc7f57c29bdbUL)]
    [InlineData(63, 0x958a324ceb064572UL)]
    public void SipHashGivesThePapersVectors(int length, ulong expected)
    {
        var message = new byte[length + 3];
        for (int i = 0; i < length; i++)
        {
            message[i + 3] = (byte)i;
        }

        Assert.Equal(expected, SipHash.Compute(0x0706050403020100UL, 0x0f0e0d0c0b0a0908UL, message, 3, length));
    }

    [Fact]
    public void TheKeyDependsOnJoinCodeBoxIdAndJoinId()
    {
        CommandAuth.DeriveKey("JAM-42", 0x0000A4CF12345678, 1, out ulong a0, out ulong a1);
        CommandAuth.DeriveKey("JAM-42", 0x0000A4CF12345678, 1, out ulong same0, out ulong same1);
        Assert.Equal((a0, a1), (same0, same1));
        Assert.NotEqual(a0, a1);
        CommandAuth.DeriveKey("JAM-43", 0x0000A4CF12345678, 1, out ulong c0, out _);
        CommandAuth.DeriveKey("JAM-42", 0x0000A4CF12345679, 1, out ulong b0, out _);
        CommandAuth.DeriveKey("JAM-42", 0x0000A4CF12345678, 2, out ulong j0, out _);
        Assert.Equal(4, new HashSet<ulong> { a0, c0, b0, j0 }.Count);

        // by hand: K = the join code's 16 NUL-padded bytes; M0 = "OXCMDKEY", box id, join id, 0, 0 0 0
        var key = new byte[16];
        System.Text.Encoding.ASCII.GetBytes("JAM-42").CopyTo(key, 0);
        var m = new byte[24];
        System.Text.Encoding.ASCII.GetBytes("OXCMDKEY").CopyTo(m, 0);
        WireFormat.WriteU64(m, 8, 0x0000A4CF12345678);
        WireFormat.WriteU32(m, 16, 1);
        Assert.Equal(a0, SipHash.Compute(WireFormat.ReadU64(key, 0), WireFormat.ReadU64(key, 8), m, 0, 24));
        m[20] = 1;
        Assert.Equal(a1, SipHash.Compute(WireFormat.ReadU64(key, 0), WireFormat.ReadU64(key, 8), m, 0, 24));
    }

    private static byte[] SignedStop(ulong sequence, ulong k0, ulong k1, uint token = 0x01020304, byte source = 16, uint id = 101)
    {
        var stop = new TakeControlMessage(MessageType.Stop) { Token = token, SourceSlot = source, DestinationSlot = 2, MessageId = id, TakeId = 3 };
        var b = new byte[ProtocolConstants.MaxDatagram];
        int n = stop.Write(b, 0);
        n = CommandAuth.Sign(b, 0, n, sequence, k0, k1);
        return b[..n];
    }

    [Fact]
    public void ASignedCommandVerifiesWhateverTheTokenAndFailsOnAnyOtherChangedBit()
    {
        CommandAuth.DeriveKey("JAM-42", 7, 99, out ulong k0, out ulong k1);
        var signed = SignedStop(1000, k0, k1);
        Assert.Equal(24 + CommandAuth.TrailerLength, signed.Length);
        Assert.Equal(1000UL, CommandAuth.ReadSequence(signed, 0, signed.Length));
        Assert.True(CommandAuth.HasValidMac(signed, 0, signed.Length, k0, k1));

        // the server blanks the token when it forwards: still valid
        var forwarded = (byte[])signed.Clone();
        Message.WriteToken(forwarded, 0, 0);
        Assert.True(CommandAuth.HasValidMac(forwarded, 0, forwarded.Length, k0, k1));

        for (int i = 0; i < signed.Length; i++)
        {
            if (i is >= 4 and < 8)
            {
                continue;
            }

            var bent = (byte[])signed.Clone();
            bent[i] ^= 0x01;
            Assert.False(CommandAuth.HasValidMac(bent, 0, bent.Length, k0, k1), "byte " + i);
        }

        Assert.False(CommandAuth.HasValidMac(signed, 0, signed.Length, k0 ^ 1, k1));
        Assert.False(CommandAuth.HasValidMac(signed, 0, signed.Length - 1, k0, k1));
        Assert.False(CommandAuth.HasValidMac(signed, 0, 27, k0, k1));
        var stop = new TakeControlMessage(MessageType.Stop);
        Assert.Equal(DecodeResult.Ok, stop.Read(signed, 0, signed.Length - CommandAuth.TrailerLength));
        Assert.Equal(DecodeResult.BadLength, stop.Read(signed, 0, signed.Length));
    }

    [Fact]
    public void SignRefusesToGrowPastTheDatagramLimit()
    {
        var b = new byte[ProtocolConstants.MaxDatagram + 100];
        Assert.Throws<ArgumentException>(() => CommandAuth.Sign(b, 0, ProtocolConstants.MaxDatagram - 15, 1, 1, 2));
        Assert.Equal(ProtocolConstants.MaxDatagram, CommandAuth.Sign(b, 0, ProtocolConstants.MaxDatagram - 16, 1, 1, 2));
    }

    [Fact]
    public void TheVerifierAcceptsEachSequenceOnceWithinA64Window()
    {
        var v = new CommandVerifier();
        CommandAuth.DeriveKey("JAM-42", 7, 99, out ulong k0, out ulong k1);
        Assert.Equal(CommandCheck.Forged, v.Verify(SignedStop(1, k0, k1), 0, 40)); // no key yet
        v.SetKey(k0, k1);

        byte Check(ulong seq, byte source = 16)
        {
            var d = SignedStop(seq, k0, k1, source: source);
            return v.Verify(d, 0, d.Length);
        }

        Assert.Equal(CommandCheck.Fresh, Check(1000));
        Assert.Equal(CommandCheck.Replayed, Check(1000));
        Assert.Equal(CommandCheck.Fresh, Check(1002));
        Assert.Equal(CommandCheck.Fresh, Check(1001)); // reordered, inside the window
        Assert.Equal(CommandCheck.Replayed, Check(1001));
        Assert.Equal(CommandCheck.Fresh, Check(1070));
        Assert.Equal(CommandCheck.Fresh, Check(1007));   // 63 behind: still in the window
        Assert.Equal(CommandCheck.Replayed, Check(1006)); // 64 behind: too old
        Assert.Equal(CommandCheck.Replayed, Check(5));
        Assert.Equal(CommandCheck.Fresh, Check(1_000_000));
        Assert.Equal(CommandCheck.Replayed, Check(1070));

        // another engineer slot has a window of its own; a jammer slot is never a commander
        Assert.Equal(CommandCheck.Fresh, Check(3, source: 17));
        Assert.Equal(CommandCheck.Forged, Check(4, source: 2));

        // a wrong key is forged, and does not move the window
        var forged = SignedStop(2_000_000, k0 ^ 0x10, k1);
        Assert.Equal(CommandCheck.Forged, v.Verify(forged, 0, forged.Length));
        Assert.Equal(CommandCheck.Fresh, Check(1_000_001));

        // a new join: a new key, fresh windows, old datagrams no longer verify
        CommandAuth.DeriveKey("JAM-42", 7, 100, out ulong n0, out ulong n1);
        v.SetKey(n0, n1);
        var old = SignedStop(1_000_002, k0, k1);
        Assert.Equal(CommandCheck.Forged, v.Verify(old, 0, old.Length));
        var renewed = SignedStop(5, n0, n1);
        Assert.Equal(CommandCheck.Fresh, v.Verify(renewed, 0, renewed.Length));
        Assert.Equal(4, v.Forged);
        Assert.Equal(5, v.Replayed);
    }

    [Fact]
    public void OnlyTheCommandsABoxObeysAreAuthenticated()
    {
        var authenticated = Enum.GetValues<MessageType>().Where(CommandAuth.IsAuthenticated).ToHashSet();
        Assert.Equal(
            new HashSet<MessageType> { MessageType.Record, MessageType.Stop, MessageType.PlaybackStart, MessageType.PlaybackStop, MessageType.Calibrate, MessageType.FileInfoRequest, MessageType.FileRequest, MessageType.Nack },
            authenticated);
    }
}

/// <summary>The signed commands of docs/protocol-vectors.txt (the box's nanoFramework tests check the same ones).</summary>
public class SignedVectorTests
{
    private static readonly string VectorPath = RepoPaths.Docs(VectorFile.FileName);

    [Fact]
    public void EverySignedVectorHasItsKeyVerifiesDecodesAndReSignsToItsBytes()
    {
        var signed = VectorFile.ReadSigned(VectorPath);
        Assert.True(signed.Count >= 8, "a signed vector for every authenticated type");
        var types = new HashSet<MessageType>();
        foreach (var v in signed)
        {
            CommandAuth.DeriveKey(v.JoinCode, v.BoxId, v.JoinId, out ulong k0, out ulong k1);
            Assert.True((v.Key0, v.Key1) == (k0, k1), v.Name + ": key");
            Assert.True(CommandAuth.HasValidMac(v.Bytes, 0, v.Bytes.Length, k0, k1), v.Name + ": MAC");
            Assert.Equal(v.Sequence, CommandAuth.ReadSequence(v.Bytes, 0, v.Bytes.Length));
            var verifier = new CommandVerifier();
            verifier.SetJoin(v.JoinCode, v.BoxId, v.JoinId);
            Assert.Equal(CommandCheck.Fresh, verifier.Verify(v.Bytes, 0, v.Bytes.Length));

            int n = v.Bytes.Length - CommandAuth.TrailerLength;
            Assert.Equal(DecodeResult.Ok, Message.Peek(v.Bytes, 0, n, out var type));
            Assert.True(CommandAuth.IsAuthenticated(type), v.Name);
            types.Add(type);
            var message = VectorCatalog.NewFor(type);
            Assert.Equal(DecodeResult.Ok, message.Read(v.Bytes, 0, n));
            Assert.Equal(v.Fields, message.Describe());
            Assert.Equal(v.Bytes, VectorCatalog.EncodeSigned(message, v.JoinCode, v.BoxId, v.JoinId, v.Sequence));
        }

        Assert.Equal(Enum.GetValues<MessageType>().Where(CommandAuth.IsAuthenticated).ToHashSet(), types);

        // the token is outside the MAC: the same Stop with and without the console's token carries one MAC
        var stop = signed.Single(v => v.Name == "signed-stop").Bytes;
        var withToken = signed.Single(v => v.Name == "signed-stop-token-not-blanked").Bytes;
        Assert.NotEqual(stop[4..8], withToken[4..8]);
        Assert.Equal(stop[^8..], withToken[^8..]);
    }
}
