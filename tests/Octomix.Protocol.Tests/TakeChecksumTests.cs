namespace Octomix.Protocol.Tests;

public class TakeChecksumTests
{
    [Fact]
    public void MatchesTheDefinitionOnAKnownInput()
    {
        // 17 bytes 0..16: words 0x0706050403020100, 0x0f0e0d0c0b0a0908, 0x10 (zero-padded)
        var bytes = Enumerable.Range(0, 17).Select(i => (byte)i).ToArray();
        ulong w1 = 0x0706050403020100, w2 = 0x0f0e0d0c0b0a0908, w3 = 0x10;
        ulong a = 0, b = 0;
        foreach (var w in new[] { w1, w2, w3 })
        {
            a += w;
            b += a;
        }

        var c = new TakeChecksum();
        c.Update(bytes, 0, bytes.Length);
        Assert.Equal(a, c.A);
        Assert.Equal(b, c.B);
        Assert.Equal(17, c.Length);
        Assert.Equal(0x16141210_0e0c0a18UL, c.A); // written out, independent of the loop above
    }

    [Fact]
    public void AnyChunkingGivesTheSameResult()
    {
        var rng = new Random(7);
        var data = new byte[100_003];
        rng.NextBytes(data);
        var whole = new TakeChecksum();
        whole.Update(data, 0, data.Length);

        for (int trial = 0; trial < 20; trial++)
        {
            var c = new TakeChecksum();
            int p = 0;
            while (p < data.Length)
            {
                int n = Math.Min(rng.Next(0, 3000), data.Length - p);
                c.Update(data, p, n);
                p += n;
            }

            Assert.Equal(whole.A, c.A);
            Assert.Equal(whole.B, c.B);
        }
    }

    [Fact]
    public void SwappedBlocksAndSingleBitErrorsChangeIt()
    {
        var rng = new Random(8);
        var data = new byte[4096];
        rng.NextBytes(data);
        var reference = Sum(data);

        var swapped = (byte[])data.Clone();
        Array.Copy(data, 0, swapped, 1024, 1024);
        Array.Copy(data, 1024, swapped, 0, 1024);
        var s = Sum(swapped);
        Assert.Equal(reference.A, s.A); // a plain sum cannot see the swap...
        Assert.NotEqual(reference.B, s.B); // ...B can

        for (int bit = 0; bit < 64; bit++)
        {
            var flipped = (byte[])data.Clone();
            flipped[bit * 61 % data.Length] ^= (byte)(1 << (bit % 8));
            Assert.NotEqual(reference, Sum(flipped));
        }
    }

    private static (ulong A, ulong B) Sum(byte[] data)
    {
        var c = new TakeChecksum();
        c.Update(data, 0, data.Length);
        return (c.A, c.B);
    }
}
