using Octomix.Tests.Shared;

namespace Octomix.Protocol.Tests;

/// <summary>
/// A million random and mutated datagrams at every decoder: no exception, ever, and only
/// well-formed input decodes Ok. (The running-server half of the fuzz test is in
/// tests/Octomix.Server.Tests.)
/// </summary>
public class DecoderFuzzTests
{
    private static readonly MessageType[] AllTypes = Enum.GetValues<MessageType>();

    [Fact]
    public void AMillionRandomAndMutatedDatagramsNeverThrow()
    {
        var seeds = VectorCatalog.Good().Select(g => VectorCatalog.Encode(g.Message)).ToArray();
        var decoders = AllTypes.ToDictionary(t => t, VectorCatalog.NewFor);
        var typeBytes = AllTypes.Select(t => (byte)t).ToArray();
        var rng = new Random(20261121);
        var buffer = new byte[ProtocolConstants.MaxDatagram + 64];
        int ok = 0;
        var results = new int[16];

        for (int i = 0; i < 1_000_000; i++)
        {
            int length = FuzzDatagrams.Generate(rng, seeds, typeBytes, 1, buffer, i);
            var peek = Message.Peek(buffer, 0, length, out var type);
            results[(int)peek]++;
            if (peek != DecodeResult.Ok)
            {
                continue;
            }

            var r = decoders[type].Read(buffer, 0, length);
            results[(int)r]++;
            if (r == DecodeResult.Ok)
            {
                ok++;

                // whatever decodes must re-encode within the datagram limit
                Assert.True(decoders[type].Length <= ProtocolConstants.MaxDatagram);
            }

            // decoding as every other type must fail cleanly, never throw
            var other = decoders[AllTypes[rng.Next(AllTypes.Length)]];
            if (other.Type != type)
            {
                Assert.Equal(DecodeResult.WrongType, other.Read(buffer, 0, length));
            }
        }

        Assert.True(ok > 1000, "the mutations should leave some datagrams valid; got " + ok);
        Assert.True(results[(int)DecodeResult.BadMagic] > 1000);
        Assert.True(results[(int)DecodeResult.BadLength] + results[(int)DecodeResult.TooShort] > 1000);
    }

    [Fact]
    public void EveryTruncationOfEveryVectorIsRejected()
    {
        foreach (var (name, message) in VectorCatalog.Good())
        {
            var bytes = VectorCatalog.Encode(message);
            for (int n = 0; n < bytes.Length; n++)
            {
                var decoder = VectorCatalog.NewFor(message.Type);
                var r = decoder.Read(bytes, 0, n);
                Assert.True(r != DecodeResult.Ok, $"{name} truncated to {n} bytes decoded Ok");
            }
        }
    }

    [Fact]
    public void DecodersRejectRangesOutsideTheBufferWithoutThrowing()
    {
        var audio = new AudioPacket();
        var b = new byte[40];
        Assert.Equal(DecodeResult.BadLength, audio.Read(b, 30, 20));
        Assert.Equal(DecodeResult.BadLength, audio.Read(b, -1, 10));
        Assert.Equal(DecodeResult.BadLength, audio.Read(null!, 0, 10));
    }
}
