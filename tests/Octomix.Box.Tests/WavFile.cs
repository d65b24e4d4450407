using System.Buffers.Binary;
using System.Text;

namespace Octomix.Box.Tests;

/// <summary>A WAV file read by the test itself (RIFF chunks by hand), independent of the box's BWF code.</summary>
public sealed class WavFile
{
    public int Channels { get; private init; }
    public int SampleRate { get; private init; }
    public int BitsPerSample { get; private init; }
    public long TimeReference { get; private init; }
    public string Description { get; private init; } = "";
    public byte[] Data { get; private init; } = [];
    public long DataOffset { get; private init; }

    public int FrameBytes => Channels * BitsPerSample / 8;
    public long Frames => Data.Length / FrameBytes;

    public static WavFile Read(string path)
    {
        byte[] b = File.ReadAllBytes(path);
        if (Encoding.ASCII.GetString(b, 0, 4) != "RIFF" || Encoding.ASCII.GetString(b, 8, 4) != "WAVE")
        {
            throw new InvalidDataException(path + " is not a RIFF/WAVE file");
        }

        int channels = 0, rate = 0, bits = 0;
        long timeRef = 0;
        string description = "";
        byte[] data = [];
        long dataOffset = 0;
        int p = 12;
        while (p + 8 <= b.Length)
        {
            string id = Encoding.ASCII.GetString(b, p, 4);
            long size = BinaryPrimitives.ReadUInt32LittleEndian(b.AsSpan(p + 4));
            int body = p + 8;
            if (id == "fmt ")
            {
                channels = BinaryPrimitives.ReadUInt16LittleEndian(b.AsSpan(body + 2));
                rate = (int)BinaryPrimitives.ReadUInt32LittleEndian(b.AsSpan(body + 4));
                bits = BinaryPrimitives.ReadUInt16LittleEndian(b.AsSpan(body + 14));
            }
            else if (id == "bext")
            {
                description = Encoding.ASCII.GetString(b, body, 256).TrimEnd('\0');
                timeRef = (long)BinaryPrimitives.ReadUInt64LittleEndian(b.AsSpan(body + 338));
            }
            else if (id == "data")
            {
                long available = Math.Min(size, b.Length - body);
                data = b.AsSpan(body, (int)available).ToArray();
                dataOffset = body;
                break;
            }

            p = body + (int)size + (int)(size & 1);
        }

        return new WavFile { Channels = channels, SampleRate = rate, BitsPerSample = bits, TimeReference = timeRef, Description = description, Data = data, DataOffset = dataOffset };
    }

    public int Sample(long frame, int channel)
    {
        int bytes = BitsPerSample / 8;
        int p = (int)(frame * FrameBytes) + (channel * bytes);
        int v = 0;
        for (int k = bytes - 1; k >= 0; k--)
        {
            v = (v << 8) | Data[p + k];
        }

        int shift = 32 - (8 * bytes);
        return (v << shift) >> shift;
    }

    /// <summary>Frames where channel 0 rises above <paramref name="threshold"/> after at least <paramref name="quietFrames"/> below it.</summary>
    public List<long> Onsets(int threshold, int quietFrames)
    {
        var onsets = new List<long>();
        int quiet = quietFrames;
        for (long f = 0; f < Frames; f++)
        {
            if (Math.Abs(Sample(f, 0)) > threshold)
            {
                if (quiet >= quietFrames)
                {
                    onsets.Add(f);
                }

                quiet = 0;
            }
            else
            {
                quiet++;
            }
        }

        return onsets;
    }
}
