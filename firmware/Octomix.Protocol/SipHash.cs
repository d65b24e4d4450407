namespace Octomix.Protocol
{
    /// <summary>
    /// SipHash-2-4 (Aumasson and Bernstein, "SipHash: a fast short-input PRF", 2012): a keyed
    /// 64-bit MAC over short messages, used to authenticate the engineer's commands
    /// (<see cref="CommandAuth"/>). Portable and allocation-free: 64-bit additions, XORs and
    /// rotations only, no tables, so it runs as it is on the box's interpreter.
    /// </summary>
    public static class SipHash
    {
        /// <summary>SipHash-2-4 of <paramref name="count"/> bytes at <paramref name="offset"/> under the key (k0, k1).</summary>
        public static ulong Compute(ulong k0, ulong k1, byte[] buffer, int offset, int count)
        {
            return Hash(k0, k1, buffer, offset, count, false);
        }

        /// <summary>
        /// The hash with the message's bytes 4..7 taken as zero when <paramref name="blankToken"/>
        /// is set (a datagram's session token, which the server rewrites when it forwards).
        /// </summary>
        internal static ulong Hash(ulong k0, ulong k1, byte[] b, int o, int count, bool blankToken)
        {
            ulong v0 = k0 ^ 0x736f6d6570736575UL;
            ulong v1 = k1 ^ 0x646f72616e646f6dUL;
            ulong v2 = k0 ^ 0x6c7967656e657261UL;
            ulong v3 = k1 ^ 0x7465646279746573UL;
            int tail = count & 7;
            int end = o + count - tail;
            for (int i = o; i < end; i += 8)
            {
                ulong m = WireFormat.ReadU64(b, i);
                if (blankToken && i == o)
                {
                    m &= 0x00000000FFFFFFFFUL;
                }

                Compress(ref v0, ref v1, ref v2, ref v3, m, 2);
            }

            ulong last = (ulong)(count & 0xFF) << 56;
            for (int k = 0; k < tail; k++)
            {
                last |= (ulong)b[end + k] << (8 * k);
            }

            if (blankToken && count < 8)
            {
                last &= 0xFF000000FFFFFFFFUL;
            }

            Compress(ref v0, ref v1, ref v2, ref v3, last, 2);
            return Finish(ref v0, ref v1, ref v2, ref v3);
        }

        /// <summary>SipHash-2-4 of a 24-byte message given as three little-endian words (the command key's derivation).</summary>
        internal static ulong Hash24(ulong k0, ulong k1, ulong w0, ulong w1, ulong w2)
        {
            ulong v0 = k0 ^ 0x736f6d6570736575UL;
            ulong v1 = k1 ^ 0x646f72616e646f6dUL;
            ulong v2 = k0 ^ 0x6c7967656e657261UL;
            ulong v3 = k1 ^ 0x7465646279746573UL;
            Compress(ref v0, ref v1, ref v2, ref v3, w0, 2);
            Compress(ref v0, ref v1, ref v2, ref v3, w1, 2);
            Compress(ref v0, ref v1, ref v2, ref v3, w2, 2);
            Compress(ref v0, ref v1, ref v2, ref v3, 24UL << 56, 2);
            return Finish(ref v0, ref v1, ref v2, ref v3);
        }

        private static ulong Finish(ref ulong v0, ref ulong v1, ref ulong v2, ref ulong v3)
        {
            v2 ^= 0xFF;
            Compress(ref v0, ref v1, ref v2, ref v3, 0, 4);
            return v0 ^ v1 ^ v2 ^ v3;
        }

        /// <summary>Absorbs one word: v3 ^= m, <paramref name="rounds"/> SipRounds, v0 ^= m.</summary>
        private static void Compress(ref ulong v0, ref ulong v1, ref ulong v2, ref ulong v3, ulong m, int rounds)
        {
            ulong a = v0, b = v1, c = v2, d = v3 ^ m;
            for (int r = 0; r < rounds; r++)
            {
                a += b;
                b = (b << 13) | (b >> 51);
                b ^= a;
                a = (a << 32) | (a >> 32);
                c += d;
                d = (d << 16) | (d >> 48);
                d ^= c;
                a += d;
                d = (d << 21) | (d >> 43);
                d ^= a;
                c += b;
                b = (b << 17) | (b >> 47);
                b ^= c;
                c = (c << 32) | (c >> 32);
            }

            v0 = a ^ m;
            v1 = b;
            v2 = c;
            v3 = d;
        }
    }
}
