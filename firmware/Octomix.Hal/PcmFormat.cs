using System;

namespace Octomix.Hal
{
    /// <summary>
    /// Interleaved little-endian PCM as the I2S drivers deliver it: rate, channels and the size of
    /// one sample in bytes (2 = 16 bit, 3 = packed 24 bit, 4 = 32 bit). Block align and byte rate
    /// are derived, never stored twice.
    /// </summary>
    public sealed class PcmFormat
    {
        public PcmFormat(int sampleRate, int channels, int bytesPerSample)
        {
            if (sampleRate < 8000 || sampleRate > 192000) throw new ArgumentOutOfRangeException("sampleRate");
            if (channels < 1 || channels > 8) throw new ArgumentOutOfRangeException("channels");
            if (bytesPerSample < 2 || bytesPerSample > 4) throw new ArgumentOutOfRangeException("bytesPerSample");
            SampleRate = sampleRate;
            Channels = channels;
            BytesPerSample = bytesPerSample;
        }

        public int SampleRate { get; }
        public int Channels { get; }
        public int BytesPerSample { get; }
        public int BitsPerSample { get { return BytesPerSample * 8; } }

        /// <summary>Bytes per frame (one sample of every channel).</summary>
        public int FrameBytes { get { return Channels * BytesPerSample; } }

        /// <summary>Bytes per second of audio.</summary>
        public int ByteRate { get { return SampleRate * FrameBytes; } }

        public bool SameAs(PcmFormat other)
        {
            return other != null && other.SampleRate == SampleRate && other.Channels == Channels
                && other.BytesPerSample == BytesPerSample;
        }

        public override string ToString()
        {
            return SampleRate + " Hz, " + Channels + " ch, " + BitsPerSample + " bit";
        }
    }
}
