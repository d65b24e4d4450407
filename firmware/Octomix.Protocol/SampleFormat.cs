namespace Octomix.Protocol
{
    /// <summary>Sample encodings of audio payloads: interleaved, little-endian, signed PCM.</summary>
    public enum SampleFormat : byte
    {
        S16 = 1,
        /// <summary>24-bit packed in 3 bytes (never 24-in-32, see audio-files.md).</summary>
        S24 = 2,
        S32 = 3,
    }

    public static class SampleFormats
    {
        /// <summary>Bytes per sample of a format, or 0 for an unknown code.</summary>
        public static int BytesPerSample(int format)
        {
            switch (format)
            {
                case (int)SampleFormat.S16: return 2;
                case (int)SampleFormat.S24: return 3;
                case (int)SampleFormat.S32: return 4;
                default: return 0;
            }
        }

        /// <summary>The format code for a sample size in bytes, or 0 when there is none.</summary>
        public static int FromBytesPerSample(int bytes)
        {
            switch (bytes)
            {
                case 2: return (int)SampleFormat.S16;
                case 3: return (int)SampleFormat.S24;
                case 4: return (int)SampleFormat.S32;
                default: return 0;
            }
        }
    }
}
