using Octomix.Protocol;

namespace Octomix.Tests.Shared;

/// <summary>
/// The fuzz input both halves of the fuzz test use (the decoders in Octomix.Protocol.Tests, the
/// running server in Octomix.Server.Tests): pure noise, sometimes behind a valid
/// magic/version/type so it gets past the first gate, or a valid datagram with bytes flipped,
/// cut or extended.
/// </summary>
internal static class FuzzDatagrams
{
    /// <summary>
    /// Writes datagram number <paramref name="i"/> into <paramref name="buffer"/> (at least 40
    /// bytes longer than the longest seed) and returns its length. Every fourth is noise; the
    /// noise's type byte is drawn from <paramref name="types"/>; a mutated seed gets
    /// <paramref name="minFlips"/>..3 flipped bytes.
    /// </summary>
    public static int Generate(Random rng, byte[][] seeds, byte[] types, int minFlips, byte[] buffer, int i)
    {
        int length;
        if ((i & 3) == 0)
        {
            length = rng.Next(0, buffer.Length);
            rng.NextBytes(buffer.AsSpan(0, length));
            if ((i & 4) == 0 && length >= 4)
            {
                buffer[0] = ProtocolConstants.Magic0;
                buffer[1] = ProtocolConstants.Magic1;
                buffer[2] = ProtocolConstants.Version;
                buffer[3] = types[rng.Next(types.Length)];
            }

            return length;
        }

        var seed = seeds[rng.Next(seeds.Length)];
        length = seed.Length;
        seed.CopyTo(buffer, 0);
        int flips = rng.Next(minFlips, 4);
        for (int f = 0; f < flips; f++)
        {
            buffer[rng.Next(length)] = (byte)rng.Next(256);
        }

        int cut = rng.Next(8);
        if (cut == 0)
        {
            length = rng.Next(length);
        }
        else if (cut == 1)
        {
            int extra = rng.Next(1, 40);
            rng.NextBytes(buffer.AsSpan(length, extra));
            length += extra;
        }

        return length;
    }
}
