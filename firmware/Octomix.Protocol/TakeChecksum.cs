using System;

namespace Octomix.Protocol
{
    /// <summary>
    /// The checksum a box and the console compute over a take's audio data to prove the
    /// console's copy equals the SD file. A Fletcher-style pair over little-endian 64-bit words
    /// (the last word zero-padded):
    /// <code>
    ///   for each word w:  A = A + w (mod 2^64);  B = B + A (mod 2^64)
    /// </code>
    /// B makes it position-sensitive (swapped or shifted blocks change it); with the byte length
    /// sent alongside, padding is unambiguous. Chosen over CRC-32 because the box's interpreter
    /// does it with one native BitConverter call and two additions per 8 bytes instead of a table
    /// lookup per byte (docs/device-budget.md has the cost); it runs after the take, never in the
    /// audio loop. Feeding the data in any chunking gives the same result.
    /// </summary>
    public sealed class TakeChecksum
    {
        private readonly byte[] pending = new byte[8];
        private int pendingCount;
        private ulong a;
        private ulong b;

        /// <summary>Bytes fed so far.</summary>
        public long Length { get; private set; }

        /// <summary>A over everything fed so far (a partial last word counts zero-padded).</summary>
        public ulong A
        {
            get { return pendingCount == 0 ? a : a + PendingWord(); }
        }

        /// <summary>B over everything fed so far.</summary>
        public ulong B
        {
            get { return pendingCount == 0 ? b : b + a + PendingWord(); }
        }

        public void Reset()
        {
            a = 0;
            b = 0;
            pendingCount = 0;
            Length = 0;
        }

        /// <summary>
        /// Takes the state of a checksum summed elsewhere (the board's native take writer) over
        /// <paramref name="length"/> bytes; <see cref="A"/> and <see cref="B"/> then read it back as given.
        /// </summary>
        public void Set(ulong sumA, ulong sumB, long length)
        {
            a = sumA;
            b = sumB;
            pendingCount = 0;
            Length = length;
        }

        public void Update(byte[] buffer, int offset, int count)
        {
            if (buffer == null || offset < 0 || count < 0 || offset + count > buffer.Length)
            {
                throw new ArgumentException("range outside the buffer");
            }

            Length += count;
            int p = offset;
            int end = offset + count;

            // complete a word left over from the previous call
            while (pendingCount > 0 && p < end)
            {
                pending[pendingCount++] = buffer[p++];
                if (pendingCount == 8)
                {
                    Add(WireFormat.ReadU64(pending, 0));
                    pendingCount = 0;
                }
            }

            // whole words: one native call each on the box
            bool little = BitConverter.IsLittleEndian;
            while (p + 8 <= end)
            {
                Add(little ? BitConverter.ToUInt64(buffer, p) : WireFormat.ReadU64(buffer, p));
                p += 8;
            }

            while (p < end)
            {
                pending[pendingCount++] = buffer[p++];
            }
        }

        private void Add(ulong word)
        {
            a += word;
            b += a;
        }

        private ulong PendingWord()
        {
            ulong w = 0;
            for (int i = pendingCount - 1; i >= 0; i--)
            {
                w = (w << 8) | pending[i];
            }

            return w;
        }
    }
}
