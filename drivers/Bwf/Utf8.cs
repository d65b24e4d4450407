namespace Octomix.Drivers.Bwf
{
    /// <summary>
    /// UTF-8 for the iXML text and ASCII for the bext fields, without the System.Text package
    /// (one-time header work, never per block).
    /// </summary>
    internal static class Utf8
    {
        /// <summary>Bytes needed to encode <paramref name="s"/>.</summary>
        public static int ByteCount(string s)
        {
            int n = 0;
            for (int i = 0; i < s.Length; i++)
            {
                char c = s[i];
                if (c < 0x80) n += 1;
                else if (c < 0x800) n += 2;
                else if (c >= 0xD800 && c <= 0xDBFF && i + 1 < s.Length && s[i + 1] >= 0xDC00 && s[i + 1] <= 0xDFFF) { n += 4; i++; }
                else n += 3;
            }
            return n;
        }

        /// <summary>Encodes <paramref name="s"/> at <paramref name="pos"/>; returns the position after it.</summary>
        public static int Encode(string s, byte[] b, int pos)
        {
            for (int i = 0; i < s.Length; i++)
            {
                int c = s[i];
                if (c >= 0xD800 && c <= 0xDBFF && i + 1 < s.Length && s[i + 1] >= 0xDC00 && s[i + 1] <= 0xDFFF)
                {
                    c = 0x10000 + ((c - 0xD800) << 10) + (s[i + 1] - 0xDC00);
                    i++;
                }
                else if (c >= 0xD800 && c <= 0xDFFF)
                {
                    c = 0xFFFD; // a lone surrogate is not text
                }
                if (c < 0x80) b[pos++] = (byte)c;
                else if (c < 0x800) { b[pos++] = (byte)(0xC0 | (c >> 6)); b[pos++] = (byte)(0x80 | (c & 0x3F)); }
                else if (c < 0x10000) { b[pos++] = (byte)(0xE0 | (c >> 12)); b[pos++] = (byte)(0x80 | ((c >> 6) & 0x3F)); b[pos++] = (byte)(0x80 | (c & 0x3F)); }
                else
                {
                    b[pos++] = (byte)(0xF0 | (c >> 18)); b[pos++] = (byte)(0x80 | ((c >> 12) & 0x3F));
                    b[pos++] = (byte)(0x80 | ((c >> 6) & 0x3F)); b[pos++] = (byte)(0x80 | (c & 0x3F));
                }
            }
            return pos;
        }

        /// <summary>Decodes UTF-8 (invalid bytes become U+FFFD).</summary>
        public static string Decode(byte[] b, int pos, int count)
        {
            char[] chars = new char[count * 2];
            int n = 0, end = pos + count;
            while (pos < end)
            {
                int x = b[pos];
                int cp, need;
                if (x < 0x80) { cp = x; need = 0; }
                else if ((x & 0xE0) == 0xC0) { cp = x & 0x1F; need = 1; }
                else if ((x & 0xF0) == 0xE0) { cp = x & 0x0F; need = 2; }
                else if ((x & 0xF8) == 0xF0) { cp = x & 0x07; need = 3; }
                else { chars[n++] = '\uFFFD'; pos++; continue; }
                pos++;
                bool ok = pos + need <= end;
                for (int k = 0; ok && k < need; k++)
                {
                    if ((b[pos + k] & 0xC0) != 0x80) ok = false;
                    else cp = (cp << 6) | (b[pos + k] & 0x3F);
                }
                if (!ok) { chars[n++] = '\uFFFD'; continue; }
                pos += need;
                if (cp >= 0x10000)
                {
                    cp -= 0x10000;
                    chars[n++] = (char)(0xD800 + (cp >> 10));
                    chars[n++] = (char)(0xDC00 + (cp & 0x3FF));
                }
                else chars[n++] = (char)cp;
            }
            return new string(chars, 0, n);
        }

        /// <summary>Writes <paramref name="s"/> as ASCII into a fixed NUL-padded field; non-ASCII characters become '?'.</summary>
        public static void PutAsciiField(string s, byte[] b, int pos, int size)
        {
            int len = s == null ? 0 : s.Length;
            for (int i = 0; i < size; i++)
            {
                if (i < len)
                {
                    char c = s[i];
                    b[pos + i] = c >= 32 && c < 127 ? (byte)c : (c == '\r' || c == '\n' ? (byte)c : (byte)'?');
                }
                else b[pos + i] = 0;
            }
        }

        /// <summary>Reads a NUL-terminated (or full-width) ASCII field.</summary>
        public static string AsciiField(byte[] b, int pos, int size)
        {
            int len = 0;
            while (len < size && b[pos + len] != 0) len++;
            char[] c = new char[len];
            for (int i = 0; i < len; i++) c[i] = (char)b[pos + i];
            return new string(c);
        }
    }
}
