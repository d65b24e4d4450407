namespace Octomix.Drivers.Bwf
{
    /// <summary>Little-endian field access on byte arrays (RIFF is little-endian).</summary>
    internal static class LittleEndian
    {
        public static void PutUInt16(byte[] b, int pos, int value)
        {
            b[pos] = (byte)value;
            b[pos + 1] = (byte)(value >> 8);
        }

        public static void PutUInt32(byte[] b, int pos, long value)
        {
            b[pos] = (byte)value;
            b[pos + 1] = (byte)(value >> 8);
            b[pos + 2] = (byte)(value >> 16);
            b[pos + 3] = (byte)(value >> 24);
        }

        public static int UInt16(byte[] b, int pos)
        {
            return b[pos] | (b[pos + 1] << 8);
        }

        public static long UInt32(byte[] b, int pos)
        {
            return (long)(b[pos] | (b[pos + 1] << 8) | (b[pos + 2] << 16)) | ((long)b[pos + 3] << 24);
        }

        public static long UInt64(byte[] b, int pos)
        {
            return UInt32(b, pos) | (UInt32(b, pos + 4) << 32);
        }

        public static void PutId(byte[] b, int pos, string id)
        {
            for (int i = 0; i < 4; i++) b[pos + i] = (byte)id[i];
        }

        public static bool IsId(byte[] b, int pos, string id)
        {
            for (int i = 0; i < 4; i++) if (b[pos + i] != (byte)id[i]) return false;
            return true;
        }

        /// <summary>The four characters at <paramref name="pos"/>, non-printable ones as '?' (for error messages).</summary>
        public static string Id(byte[] b, int pos)
        {
            char[] c = new char[4];
            for (int i = 0; i < 4; i++) c[i] = b[pos + i] >= 32 && b[pos + i] < 127 ? (char)b[pos + i] : '?';
            return new string(c);
        }
    }
}
