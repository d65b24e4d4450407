using Octomix.Desk.Monitor;
using Octomix.Protocol;

namespace Octomix.Desk.Export;

/// <summary>
/// Computes the take's stereo mix on the timeline: track k's frame j sits at TimeReference_k + j,
/// so tracks are aligned by integer sample positions (no resampling). Each track is summed to
/// mono, scaled by its fader and panned with <see cref="MixLaw"/>, exactly like the monitor.
/// Works in chunks straight from the audio data files, so a take of any length fits in memory.
/// </summary>
internal sealed class TakeMixRenderer : IDisposable
{
    private readonly Source[] _sources;
    private byte[] _bytes = [];
    private double[] _mono = [];

    public TakeMixRenderer(IReadOnlyList<TakeTrackSource> tracks, IReadOnlyList<long> timeReferences, IReadOnlyList<long> frames)
    {
        bool anySolo = tracks.Any(t => t.Solo);
        _sources = new Source[tracks.Count];
        for (int k = 0; k < tracks.Count; k++)
        {
            var track = tracks[k];
            double gain = MixLaw.FaderGain(track.FaderDb);
            var (left, right) = MixLaw.PanGains(track.Pan);
            bool audible = MixLaw.IsAudible(track.Mute, track.Solo, anySolo) && gain > 0;
            _sources[k] = new Source(
                audible ? new FileStream(track.AudioDataPath, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16) : null,
                track.Channels,
                track.Format,
                track.AudioDataOffset,
                timeReferences[k],
                frames[k],
                gain * left,
                gain * right);
        }

        Start = timeReferences.Min();
        End = Enumerable.Range(0, tracks.Count).Max(k => timeReferences[k] + frames[k]);
    }

    /// <summary>Timeline position (samples since midnight) of the mix's first frame.</summary>
    public long Start { get; }

    /// <summary>One past the last frame of any track.</summary>
    public long End { get; }

    /// <summary>Mix of timeline frames [position, position + left.Length) (1.0 = full scale, not clipped).</summary>
    public void Fill(long position, Span<double> left, Span<double> right)
    {
        left.Clear();
        right.Clear();
        int count = left.Length;
        foreach (var source in _sources)
        {
            if (source.File is null)
            {
                continue;
            }

            long from = Math.Max(position, source.Start);
            long to = Math.Min(position + count, source.Start + source.Frames);
            if (from >= to)
            {
                continue;
            }

            int n = (int)(to - from);
            int frameBytes = source.Channels * PcmDownmix.BytesPerSample(source.Format);
            if (_bytes.Length < n * frameBytes)
            {
                _bytes = new byte[n * frameBytes];
            }

            if (_mono.Length < n)
            {
                _mono = new double[n];
            }

            source.File.Position = source.DataOffset + ((from - source.Start) * frameBytes);
            source.File.ReadExactly(_bytes, 0, n * frameBytes);
            var mono = _mono.AsSpan(0, n);
            PcmDownmix.ToMono(_bytes.AsSpan(0, n * frameBytes), source.Channels, source.Format, mono);
            int offset = (int)(from - position);
            for (int i = 0; i < n; i++)
            {
                left[offset + i] += source.GainLeft * mono[i];
                right[offset + i] += source.GainRight * mono[i];
            }
        }
    }

    public void Dispose()
    {
        foreach (var source in _sources)
        {
            source.File?.Dispose();
        }
    }

    /// <summary>Quantizes v·scale to <paramref name="format"/> (round to nearest, clamped: ±1.0 can reach one step past the positive maximum).</summary>
    public static int Quantize(double value, SampleFormat format)
    {
        double full = format == SampleFormat.S16 ? 32768 : 8388608;
        double q = Math.Round(value * full, MidpointRounding.ToEven);
        return (int)Math.Clamp(q, -full, full - 1);
    }

    private sealed record Source(FileStream? File, int Channels, SampleFormat Format, long DataOffset, long Start, long Frames, double GainLeft, double GainRight);
}
