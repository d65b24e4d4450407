using Octomix.Drivers.Bwf;
using Octomix.Hal;

namespace Octomix.Drivers.Tests.Bwf;

internal static class BwfTestData
{
    public static byte[] Pcm(int bytes, int seed)
    {
        var b = new byte[bytes];
        new Random(seed).NextBytes(b);
        return b;
    }

    public static BwfMetadata Metadata(PcmFormat format, long timeReference = 48000L * 3600 * 14 + 123)
    {
        var names = Enumerable.Range(1, format.Channels).Select(i => i switch { 1 => "Gitarre Jörg", 2 => "Vocal <lead> & co", _ => "Ch " + i }).ToArray();
        return new BwfMetadata(format)
        {
            Description = "Take 3 of Blue Song",
            Originator = "Octomix box 7",
            OriginatorReference = "OCTO-7-0003",
            OriginationDate = "2026-08-01",
            OriginationTime = "14:03:07",
            TimeReference = timeReference,
            Project = "Blue Song",
            Scene = "Verse 2",
            Take = "3",
            Tape = "Day1",
            TrackNames = names,
            FileUid = "OCTO7T0003",
        };
    }

    /// <summary>Writes <paramref name="pcm"/> in random whole-frame blocks.</summary>
    public static void WriteInBlocks(BwfWriter w, byte[] pcm, int frameBytes, int seed, int maxFrames = 700)
    {
        var rng = new Random(seed);
        int pos = 0;
        while (pos < pcm.Length)
        {
            int n = Math.Min(rng.Next(1, maxFrames) * frameBytes, pcm.Length - pos);
            w.Write(pcm, pos, n);
            pos += n;
        }
    }

    /// <summary>ffmpeg's decode of a file to raw little-endian PCM of the same width.</summary>
    public static byte[] Decode(string file, int bytesPerSample)
    {
        string fmt = bytesPerSample == 2 ? "s16le" : bytesPerSample == 3 ? "s24le" : "s32le";
        return Support.Tools.RunBytes("ffmpeg", "-v", "error", "-i", file, "-f", fmt, "-c:a", "pcm_" + fmt, "-");
    }

    public static long FfprobeTimeReference(string file) =>
        long.Parse(Support.Tools.Run("ffprobe", "-v", "error", "-show_entries", "format_tags=time_reference", "-of", "default=nw=1:nk=1", file).Trim(),
            System.Globalization.CultureInfo.InvariantCulture);
}
