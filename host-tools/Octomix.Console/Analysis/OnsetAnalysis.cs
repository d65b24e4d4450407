using System.Buffers.Binary;
using Octomix.Desk.Engine;
using Octomix.Desk.Sessions;

namespace Octomix.Desk.Analysis;

/// <summary>One note onset of a stem placed on the take's timeline, against the nearest click.</summary>
/// <param name="Frame">Frame of the stem.</param>
/// <param name="TakeIndex">Take index of that musical instant (take index 0 = the downbeat after the count-in).</param>
/// <param name="Beat">The nearest beat.</param>
/// <param name="Error">Onset minus that beat's first frame, samples.</param>
public readonly record struct Onset(long Frame, long TakeIndex, long Beat, long Error);

/// <summary>The onsets of one stem and how far the worst is from the click grid.</summary>
public sealed record OnsetReport(string Track, IReadOnlyList<Onset> Onsets)
{
    public long MaxAbsError => Onsets.Count == 0 ? 0 : Onsets.Max(o => Math.Abs(o.Error));
}

/// <summary>
/// Where the notes of a stem fall against the click grid: a check of the whole chain (click on
/// the box, the musician's round trip, L, the take's placement). An onset is the first frame of
/// channel 0 at or above the threshold after at least <c>quietFrames</c> below it. Frame j of a
/// stem is the musical instant <c>F − L + j</c> (decision 1: the stems are aligned, every stem
/// starts at <c>−countIn − preRoll</c>).
/// </summary>
public static class OnsetAnalysis
{
    public static OnsetReport Measure(string track, string stemWav, TakeTimelineMath timeline, long firstSampleIndex, int latencySamples,
        double threshold = 0.05, int quietFrames = 480)
    {
        var wav = WavData.Open(stemWav);
        var onsets = new List<Onset>();
        using var file = File.OpenRead(stemWav);
        file.Position = wav.DataOffset;
        int bytes = wav.BytesPerSample;
        int frameBytes = wav.FrameBytes;
        int limit = (int)Math.Round(threshold * (1 << ((8 * bytes) - 1)));
        var buffer = new byte[frameBytes * 4096];
        long frames = wav.DataBytes / frameBytes;
        long quiet = quietFrames;
        for (long at = 0; at < frames;)
        {
            int n = (int)Math.Min(4096, frames - at);
            file.ReadExactly(buffer, 0, n * frameBytes);
            for (int j = 0; j < n; j++)
            {
                int v = Sample(buffer, j * frameBytes, bytes);
                if (Math.Abs(v) >= limit)
                {
                    if (quiet >= quietFrames)
                    {
                        long frame = at + j;
                        long index = firstSampleIndex - latencySamples + frame;
                        long beat = timeline.NearestBeat(index);
                        onsets.Add(new Onset(frame, index, beat, index - timeline.BeatStart(beat)));
                    }

                    quiet = 0;
                }
                else
                {
                    quiet++;
                }
            }

            at += n;
        }

        return new OnsetReport(track, onsets);
    }

    private static int Sample(byte[] b, int offset, int bytes) => bytes switch
    {
        2 => BinaryPrimitives.ReadInt16LittleEndian(b.AsSpan(offset)),
        3 => b[offset] | (b[offset + 1] << 8) | ((sbyte)b[offset + 2] << 16),
        _ => BinaryPrimitives.ReadInt32LittleEndian(b.AsSpan(offset)),
    };
}
