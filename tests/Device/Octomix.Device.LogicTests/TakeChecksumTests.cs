using nanoFramework.TestFramework;
using Octomix.Protocol;

namespace Octomix.Device.LogicTests
{
    /// <summary>
    /// The take checksum on the box's runtime (its BitConverter.ToUInt64 and 64-bit arithmetic):
    /// the check value of docs/protocol.md, any chunking, and position sensitivity.
    /// </summary>
    [TestClass]
    public class TakeChecksumTests
    {
        [TestMethod]
        public void SeventeenBytesGiveTheCheckValueOfTheSpec()
        {
            byte[] bytes = new byte[17];
            for (int i = 0; i < bytes.Length; i++)
            {
                bytes[i] = (byte)i;
            }

            TakeChecksum c = new TakeChecksum();
            c.Update(bytes, 0, bytes.Length);
            Assert.AreEqual(0x161412100e0c0a18UL, c.A, "A (docs/protocol.md)");
            // B = A1 + A2 + A3 = 3·w1 + 2·w2 + w3 with the little-endian words of the definition.
            ulong w1 = 0x0706050403020100UL, w2 = 0x0f0e0d0c0b0a0908UL, w3 = 0x10UL;
            Assert.AreEqual((3 * w1) + (2 * w2) + w3, c.B, "B");
            Assert.AreEqual(17L, c.Length);
        }

        [TestMethod]
        public void AnyChunkingGivesTheSameResult()
        {
            byte[] data = Noise(1003, 7);
            TakeChecksum whole = new TakeChecksum();
            whole.Update(data, 0, data.Length);
            for (int chunk = 1; chunk <= 17; chunk++)
            {
                TakeChecksum c = new TakeChecksum();
                for (int p = 0; p < data.Length; p += chunk)
                {
                    c.Update(data, p, p + chunk <= data.Length ? chunk : data.Length - p);
                }

                Assert.AreEqual(whole.A, c.A, "A in chunks of " + chunk);
                Assert.AreEqual(whole.B, c.B, "B in chunks of " + chunk);
            }
        }

        [TestMethod]
        public void SwappedWordsChangeBButNotA()
        {
            byte[] data = Noise(64, 9);
            TakeChecksum reference = new TakeChecksum();
            reference.Update(data, 0, data.Length);
            byte[] swapped = new byte[data.Length];
            System.Array.Copy(data, swapped, data.Length);
            System.Array.Copy(data, 0, swapped, 8, 8);
            System.Array.Copy(data, 8, swapped, 0, 8);
            TakeChecksum c = new TakeChecksum();
            c.Update(swapped, 0, swapped.Length);
            Assert.AreEqual(reference.A, c.A, "a plain sum cannot see the swap");
            Assert.AreNotEqual(reference.B, c.B, "B can");
        }

        /// <summary>Deterministic test bytes (a linear congruential generator).</summary>
        private static byte[] Noise(int count, uint seed)
        {
            byte[] data = new byte[count];
            uint x = seed;
            for (int i = 0; i < count; i++)
            {
                x = (x * 1664525u) + 1013904223u;
                data[i] = (byte)(x >> 24);
            }

            return data;
        }
    }
}
