using System.Buffers.Binary;
using System.Text;

namespace Octomix.Desk.Engine;

/// <summary>The PCM layout of a WAV file: enough of RIFF to find fmt and data.</summary>
public sealed record WavData(int SampleRate, int Channels, int BytesPerSample, long DataOffset, long DataBytes)
{
    public int FrameBytes => Channels * BytesPerSample;

    public static WavData Open(string path)
    {
        using var file = File.OpenRead(path);
        var head = new byte[12];
        file.ReadExactly(head);
        if (Encoding.ASCII.GetString(head, 0, 4) != "RIFF" || Encoding.ASCII.GetString(head, 8, 4) != "WAVE")
        {
            throw new InvalidDataException($"{path}: not a RIFF/WAVE file");
        }

        int rate = 0, channels = 0, bits = 0;
        var chunk = new byte[8];
        while (file.Position + 8 <= file.Length)
        {
            file.ReadExactly(chunk);
            string id = Encoding.ASCII.GetString(chunk, 0, 4);
            long size = BinaryPrimitives.ReadUInt32LittleEndian(chunk.AsSpan(4));
            if (id == "fmt ")
            {
                var fmt = new byte[16];
                file.ReadExactly(fmt);
                int tag = BinaryPrimitives.ReadUInt16LittleEndian(fmt);
                channels = BinaryPrimitives.ReadUInt16LittleEndian(fmt.AsSpan(2));
                rate = BinaryPrimitives.ReadInt32LittleEndian(fmt.AsSpan(4));
                bits = BinaryPrimitives.ReadUInt16LittleEndian(fmt.AsSpan(14));
                if (tag != 1 || channels is < 1 or > 8 || bits is not (16 or 24 or 32))
                {
                    throw new InvalidDataException($"{path}: not 16-, 24- or 32-bit integer PCM (format {tag}, {channels} ch, {bits} bit)");
                }

                file.Position += size - 16 + (size & 1);
            }
            else if (id == "data")
            {
                if (rate == 0)
                {
                    throw new InvalidDataException($"{path}: data before fmt");
                }

                long bytes = Math.Min(size, file.Length - file.Position);
                return new WavData(rate, channels, bits / 8, file.Position, bytes - (bytes % (channels * bits / 8)));
            }
            else
            {
                file.Position += size + (size & 1);
            }
        }

        throw new InvalidDataException($"{path}: no data chunk");
    }
}
