using System.Text;

namespace Octomix.Protocol
{
    /// <summary>
    /// Little-endian reads and writes into caller-owned byte arrays. No allocation, no
    /// BitConverter (its GetBytes allocates and its byte order is the platform's).
    /// Callers check lengths before calling: these helpers do not.
    /// </summary>
    public static class WireFormat
    {
        public static void WriteU16(byte[] b, int o, int v)
        {
            b[o] = (byte)v;
            b[o + 1] = (byte)(v >> 8);
        }

        public static void WriteU32(byte[] b, int o, uint v)
        {
            b[o] = (byte)v;
            b[o + 1] = (byte)(v >> 8);
            b[o + 2] = (byte)(v >> 16);
            b[o + 3] = (byte)(v >> 24);
        }

        public static void WriteI32(byte[] b, int o, int v)
        {
            WriteU32(b, o, (uint)v);
        }

        public static void WriteU64(byte[] b, int o, ulong v)
        {
            WriteU32(b, o, (uint)v);
            WriteU32(b, o + 4, (uint)(v >> 32));
        }

        public static void WriteI64(byte[] b, int o, long v)
        {
            WriteU64(b, o, (ulong)v);
        }

        public static int ReadU16(byte[] b, int o)
        {
            return b[o] | (b[o + 1] << 8);
        }

        public static uint ReadU32(byte[] b, int o)
        {
            return (uint)(b[o] | (b[o + 1] << 8) | (b[o + 2] << 16) | (b[o + 3] << 24));
        }

        public static int ReadI32(byte[] b, int o)
        {
            return (int)ReadU32(b, o);
        }

        public static ulong ReadU64(byte[] b, int o)
        {
            return ReadU32(b, o) | ((ulong)ReadU32(b, o + 4) << 32);
        }

        public static long ReadI64(byte[] b, int o)
        {
            return (long)ReadU64(b, o);
        }

        /// <summary>
        /// Writes a short string as a length byte followed by at most <paramref name="maxBytes"/>
        /// bytes of UTF-8, cut at a character boundary. Returns the bytes written (1 + length).
        /// A null string is written as empty.
        /// </summary>
        public static int WriteShortString(byte[] b, int o, string s, int maxBytes)
        {
            int chars;
            int bytes = Utf8Fit(s, maxBytes, out chars);
            int written = chars == 0 ? 0 : Encoding.UTF8.GetBytes(s, 0, chars, b, o + 1);
            b[o] = (byte)written;
            return 1 + bytes;
        }

        /// <summary>Bytes <see cref="WriteShortString"/> writes for <paramref name="s"/>, length byte included.</summary>
        public static int ShortStringLength(string s, int maxBytes)
        {
            int chars;
            return 1 + Utf8Fit(s, maxBytes, out chars);
        }

        /// <summary>
        /// UTF-8 size of the longest prefix of <paramref name="s"/> that fits in
        /// <paramref name="maxBytes"/> without splitting a character; <paramref name="chars"/> is
        /// that prefix's length in UTF-16 units. (nanoFramework's Encoding has no GetByteCount.)
        /// </summary>
        public static int Utf8Fit(string s, int maxBytes, out int chars)
        {
            chars = 0;
            if (s == null)
            {
                return 0;
            }

            int bytes = 0;
            while (chars < s.Length)
            {
                char c = s[chars];
                int size = 3;
                int step = 1;
                if (c < 0x80)
                {
                    size = 1;
                }
                else if (c < 0x800)
                {
                    size = 2;
                }
                else if (c >= 0xD800 && c <= 0xDBFF && chars + 1 < s.Length)
                {
                    size = 4;
                    step = 2;
                }

                if (bytes + size > maxBytes)
                {
                    break;
                }

                bytes += size;
                chars += step;
            }

            return bytes;
        }

        /// <summary>
        /// Reads a UTF-8 string of <paramref name="length"/> bytes; null when the bytes are not
        /// valid UTF-8 (callers turn that into <see cref="DecodeResult.BadField"/>).
        /// Allocates the string: for control messages only, never the audio path.
        /// </summary>
        public static string ReadString(byte[] b, int o, int length)
        {
            if (length == 0)
            {
                return string.Empty;
            }

            if (!IsValidUtf8(b, o, length))
            {
                return null;
            }

            return Encoding.UTF8.GetString(b, o, length);
        }

        /// <summary>Strict UTF-8 check (no overlongs, no surrogates, nothing above U+10FFFF).</summary>
        public static bool IsValidUtf8(byte[] b, int o, int length)
        {
            int end = o + length;
            int i = o;
            while (i < end)
            {
                int c = b[i];
                int need;
                int min;
                if (c < 0x80)
                {
                    i++;
                    continue;
                }
                else if (c >= 0xC2 && c <= 0xDF)
                {
                    need = 1;
                    min = 0x80;
                    c &= 0x1F;
                }
                else if (c >= 0xE0 && c <= 0xEF)
                {
                    need = 2;
                    min = 0x800;
                    c &= 0x0F;
                }
                else if (c >= 0xF0 && c <= 0xF4)
                {
                    need = 3;
                    min = 0x10000;
                    c &= 0x07;
                }
                else
                {
                    return false;
                }

                if (i + need >= end)
                {
                    // fewer continuation bytes left than the lead byte announces
                    return false;
                }

                for (int k = 1; k <= need; k++)
                {
                    int cc = b[i + k];
                    if ((cc & 0xC0) != 0x80)
                    {
                        return false;
                    }

                    c = (c << 6) | (cc & 0x3F);
                }

                if (c < min || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF))
                {
                    return false;
                }

                i += need + 1;
            }

            return true;
        }
    }
}
