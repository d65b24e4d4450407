namespace Octomix.Device.LogicTests
{
    /// <summary>"4f 58 01 ..." (the vector file's notation) to bytes. Test set-up, not box code.</summary>
    internal static class Hex
    {
        public static byte[] Parse(string text)
        {
            int count = 0;
            for (int i = 0; i < text.Length; i++)
            {
                if (text[i] != ' ' && (i == 0 || text[i - 1] == ' '))
                {
                    count++;
                }
            }

            byte[] bytes = new byte[count];
            int n = 0;
            int p = 0;
            while (p < text.Length)
            {
                if (text[p] == ' ')
                {
                    p++;
                    continue;
                }

                bytes[n++] = (byte)((Digit(text[p]) << 4) | Digit(text[p + 1]));
                p += 2;
            }

            return bytes;
        }

        private static int Digit(char c)
        {
            if (c >= '0' && c <= '9')
            {
                return c - '0';
            }

            if (c >= 'a' && c <= 'f')
            {
                return c - 'a' + 10;
            }

            if (c >= 'A' && c <= 'F')
            {
                return c - 'A' + 10;
            }

            throw new System.ArgumentException("not a hex digit: " + c);
        }
    }
}
