using System;

namespace Octomix.Board.Esp32Reference
{
    /// <summary>Argument checks shared by the audio and bus bindings (no allocation unless they throw).</summary>
    internal static class AudioRange
    {
        public static void Check(byte[] buffer, int offset, int count, int frameBytes)
        {
            CheckSpan(buffer, offset, count, "buffer");
            if (count % frameBytes != 0)
            {
                throw new ArgumentException("count (" + count + ") is not a whole number of " + frameBytes + "-byte frames", "count");
            }
        }

        public static void CheckSpan(byte[] buffer, int offset, int count, string name)
        {
            if (buffer == null) throw new ArgumentNullException(name);
            if (offset < 0 || offset > buffer.Length) throw new ArgumentOutOfRangeException("offset", "offset " + offset + " is outside the " + buffer.Length + "-byte " + name);
            if (count < 0 || count > buffer.Length - offset) throw new ArgumentOutOfRangeException("count", "count " + count + " at offset " + offset + " does not fit the " + buffer.Length + "-byte " + name);
        }
    }
}
