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

        /// <summary>
        /// Writes <paramref name="s"/> as ASCII into a fixed NUL-padded field (bext is ASCII by EBU
        /// Tech 3285). Latin letters lose their accents ("Chloé" → "Chloe", "ß" → "ss", "Œ" → "OE"),
        /// typographic quotes and dashes become their ASCII forms; anything else becomes '?'. The
        /// exact text stays in the iXML (UTF-8). Table-based: no Normalize on nanoFramework.
        /// </summary>
        public static void PutAsciiField(string s, byte[] b, int pos, int size)
        {
            int len = s == null ? 0 : s.Length;
            int j = 0;
            for (int i = 0; i < len && j < size; i++)
            {
                char c = s[i];
                if ((c >= 32 && c < 127) || c == '\r' || c == '\n')
                {
                    b[pos + j++] = (byte)c;
                    continue;
                }

                if (c >= 0xD800 && c <= 0xDBFF && i + 1 < len && s[i + 1] >= 0xDC00 && s[i + 1] <= 0xDFFF) i++; // one '?' per code point
                char first = '?', second = '_';
                if (c >= LatinFirst && c < LatinEnd)
                {
                    first = Latin[2 * (c - LatinFirst)];
                    second = Latin[2 * (c - LatinFirst) + 1];
                }
                else if ((c >= 0x2010 && c <= 0x2015) || c == 0x2212) first = '-';
                else if ((c >= 0x2018 && c <= 0x201B) || c == 0x2032) first = '\'';
                else if ((c >= 0x201C && c <= 0x201F) || c == 0x2033) first = '"';
                else if (c == 0x2022 || c == 0x2026) first = '.';
                else if (c == 0x20AC) { first = 'E'; second = 'U'; }
                b[pos + j++] = (byte)first;
                if (second != '_' && j < size) b[pos + j++] = (byte)second;
            }
            for (; j < size; j++) b[pos + j] = 0;
        }

        /// <summary>ASCII for U+00A0..U+017F (Latin-1 Supplement, Latin Extended-A), two characters each ('_' = none); from NFD without the combining marks, plus the letters that have no decomposition.</summary>
        private const int LatinFirst = 0xA0;
        private const int LatinEnd = 0x180;

        private const string Latin =
            " _!_c_L_?_Y_|_S_\"_c_a_<<-_-_R_-_" // U+00A0
            + "o_+-2_3_'_u_P_._,_1_o_>>?_?_?_?_" // U+00B0
            + "A_A_A_A_A_A_AEC_E_E_E_E_I_I_I_I_" // U+00C0
            + "D_N_O_O_O_O_O_x_O_U_U_U_U_Y_Thss" // U+00D0
            + "a_a_a_a_a_a_aec_e_e_e_e_i_i_i_i_" // U+00E0
            + "d_n_o_o_o_o_o_/_o_u_u_u_u_y_thy_" // U+00F0
            + "A_a_A_a_A_a_C_c_C_c_C_c_C_c_D_d_" // U+0100
            + "D_d_E_e_E_e_E_e_E_e_E_e_G_g_G_g_" // U+0110
            + "G_g_G_g_H_h_H_h_I_i_I_i_I_i_I_i_" // U+0120
            + "I_i_IJijJ_j_K_k_q_L_l_L_l_L_l_L_" // U+0130
            + "l_L_l_N_n_N_n_N_n_'nN_n_O_o_O_o_" // U+0140
            + "O_o_OEoeR_r_R_r_R_r_S_s_S_s_S_s_" // U+0150
            + "S_s_T_t_T_t_T_t_U_u_U_u_U_u_U_u_" // U+0160
            + "U_u_U_u_W_w_Y_y_Y_Z_z_Z_z_Z_z_s_"; // U+0170

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
