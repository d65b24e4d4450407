using System;

namespace Octomix.Board.Esp32Reference
{
    /// <summary>
    /// Maps the HAL's card paths ("takes/t0001-a.wav", '/' separated, relative to the card's root)
    /// onto nanoFramework's drive paths ("D:\takes\t0001-a.wav"). Runs when a file is opened or
    /// listed, never per block.
    /// </summary>
    public static class CardPath
    {
        /// <summary>
        /// The full path of <paramref name="path"/> under <paramref name="root"/> ("D:\").
        /// The empty path (or "/") is the root itself; one leading and one trailing '/' are
        /// ignored ("/takes/" is "takes"). Rejects what could leave the card or means
        /// something else on FAT: backslashes, drive letters, "." and ".." segments, empty segments.
        /// </summary>
        public static string ToDrivePath(string root, string path)
        {
            if (path == null) throw new ArgumentNullException("path");
            int start = 0;
            int end = path.Length;
            if (end > 0 && path[0] == '/') start = 1;
            if (end > start && path[end - 1] == '/') end--;
            if (start == end) return root;

            char[] mapped = new char[end - start];
            int segmentStart = 0;
            for (int i = 0; i < mapped.Length; i++)
            {
                char c = path[start + i];
                if (c == '\\' || c == ':' || c < ' ')
                {
                    throw new ArgumentException("card path \"" + path + "\" contains '" + (c < ' ' ? "control character" : c.ToString()) + "'; use '/'-separated names relative to the card root", "path");
                }

                if (c == '/')
                {
                    CheckSegment(path, start + segmentStart, i - segmentStart);
                    segmentStart = i + 1;
                    mapped[i] = '\\';
                }
                else
                {
                    mapped[i] = c;
                }
            }

            CheckSegment(path, start + segmentStart, mapped.Length - segmentStart);
            return root + new string(mapped);
        }

        /// <summary>The name after the last separator of a drive path ("D:\takes\a.wav" → "a.wav").</summary>
        public static string NameOf(string drivePath)
        {
            int slash = drivePath.LastIndexOf('\\');
            return slash < 0 ? drivePath : drivePath.Substring(slash + 1);
        }

        private static void CheckSegment(string path, int index, int length)
        {
            if (length == 0)
            {
                throw new ArgumentException("card path \"" + path + "\" has an empty name between separators", "path");
            }

            if ((length == 1 && path[index] == '.') || (length == 2 && path[index] == '.' && path[index + 1] == '.'))
            {
                throw new ArgumentException("card path \"" + path + "\" uses '.' or '..'; paths are relative to the card root", "path");
            }
        }
    }
}
