using System.Numerics;
using System.Runtime.InteropServices;

namespace Octomix.Dsp;

/// <summary>
/// A streaming polyphase windowed-sinc resampler between two integer rates (44.1 ↔ 48 kHz and any
/// other pair whose reduced ratio L/M has L ≤ <see cref="MaxPhases"/>), for any channel count.
/// Design (docs/server.md, "Sample rates"). Host-only (host-tools/Octomix.Dsp): the server's mixes and the console's stem export both use it, and the console does not depend on the server for it.
/// <list type="bullet">
/// <item>the input is conceptually upsampled by L (zeros inserted), low-pass filtered and
/// decimated by M; only the L filter phases that land on an output are computed;</item>
/// <item>prototype: sinc with cutoff <see cref="CutoffFraction"/> × the lower of the two rates
/// (21.05 kHz between 44.1 and 48 kHz), Kaiser window β = <see cref="KaiserBeta"/>
/// (≈ 100 dB stopband), <see cref="TapsAtLowerRate"/> taps per phase when upsampling (scaled by
/// in/out when downsampling, so the transition band stays as wide in Hz);</item>
/// <item>the output frame n is the input signal at the instant n·in/out (input frames): zero
/// phase, no delay on the timeline; it needs <see cref="TapsPerPhase"/>/2 input frames after
/// that instant (the latency), and input before frame 0 reads as silence.</item>
/// </list>
/// Coefficients are computed in double and kept in float, as is the history; each output is one
/// dot product of contiguous floats (SIMD). All memory is allocated in the constructor: processing
/// allocates nothing.
/// </summary>
public sealed class PolyphaseResampler
{
    public const int MaxPhases = 4096;
    public const double CutoffFraction = 21050.0 / 44100.0;
    public const double KaiserBeta = 10.0;
    public const int TapsAtLowerRate = 144;

    private readonly int phases;   // L
    private readonly int step;     // M
    private readonly int taps;     // K
    private readonly float[] coefficients; // phase p: taps at [p·K, p·K + K), reversed (oldest input first)
    private readonly float[][] history;    // per channel: inputs from absolute index historyBase
    private readonly int historyCapacity;
    private long historyBase;      // absolute input index of history[c][0]
    private int historyLength;     // frames held
    private long inputFrames;      // inputs received (absolute index of the next input)
    private long outputFrames;     // outputs produced
    private long baseIndex;        // j0 of the next output: floor(n·M / L)
    private int phase;             // (n·M) mod L

    /// <param name="maxBlockFrames">The most input frames one <see cref="Process(ReadOnlySpan{short}, int, Span{short})"/> call is given.</param>
    public PolyphaseResampler(int inputRate, int outputRate, int channels, int maxBlockFrames = 4096)
    {
        if (inputRate <= 0 || outputRate <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(inputRate), "rates must be positive");
        }

        if (channels < 1 || channels > 64)
        {
            throw new ArgumentOutOfRangeException(nameof(channels), "1..64 channels");
        }

        int g = Gcd(inputRate, outputRate);
        phases = outputRate / g;
        step = inputRate / g;
        if (phases > MaxPhases)
        {
            throw new ArgumentException($"{inputRate} → {outputRate} Hz needs {phases} filter phases (at most {MaxPhases})");
        }

        InputRate = inputRate;
        OutputRate = outputRate;
        Channels = channels;
        double ratio = Math.Max(1.0, (double)inputRate / outputRate);
        taps = (int)Math.Ceiling(TapsAtLowerRate * ratio / 2.0) * 2;
        coefficients = Design(phases, taps, CutoffFraction * Math.Min(inputRate, outputRate) / inputRate);
        historyCapacity = taps + maxBlockFrames + 1;
        MaxBlockFrames = maxBlockFrames;
        history = new float[channels][];
        for (int c = 0; c < channels; c++)
        {
            history[c] = new float[historyCapacity];
        }

        Reset();
    }

    public static bool Supports(int inputRate, int outputRate)
        => inputRate > 0 && outputRate > 0 && outputRate / Gcd(inputRate, outputRate) <= MaxPhases;

    public int InputRate { get; }

    public int OutputRate { get; }

    public int Channels { get; }

    public int MaxBlockFrames { get; }

    /// <summary>Taps per output (per phase), in input frames.</summary>
    public int TapsPerPhase => taps;

    /// <summary>Input frames after an output's instant that it needs before it can be produced.</summary>
    public int LatencyFrames => taps / 2;

    public long InputFramesReceived => inputFrames;

    public long OutputFramesProduced => outputFrames;

    /// <summary>The most output frames <paramref name="inputFrames"/> input frames can produce in one call.</summary>
    public int MaxOutputFor(int inputFrames) => (int)(((long)inputFrames * phases / step) + 2);

    /// <summary>Starts a new stream: history silent, output 0 at input 0.</summary>
    public void Reset()
    {
        // inputs −K .. −1 are silence
        historyBase = -taps;
        historyLength = taps;
        for (int c = 0; c < Channels; c++)
        {
            Array.Clear(history[c]);
        }

        inputFrames = 0;
        outputFrames = 0;
        baseIndex = 0;
        phase = 0;
    }

    /// <summary>
    /// How many more input frames must be given before <paramref name="outputs"/> more output
    /// frames are available (0 when they already are).
    /// </summary>
    public int InputNeededFor(int outputs)
    {
        if (outputs <= 0)
        {
            return 0;
        }

        long last = outputFrames + outputs - 1;
        long j0 = last * step / phases;
        long need = j0 + (taps / 2) + 1;
        return (int)Math.Max(0, need - inputFrames);
    }

    /// <summary>Interleaved s16 in and out (saturated, rounded to nearest). Returns the output frames written.</summary>
    public int Process(ReadOnlySpan<short> input, int frames, Span<short> output) => Process(input, frames, output, int.MaxValue);

    /// <summary>
    /// As <see cref="Process(ReadOnlySpan{short}, int, Span{short})"/>, producing at most
    /// <paramref name="maxOutputs"/> frames; what else is ready is produced by the next call.
    /// </summary>
    public int Process(ReadOnlySpan<short> input, int frames, Span<short> output, int maxOutputs)
    {
        Append(input, frames);
        int produced = 0;
        int ch = Channels;
        while (produced < maxOutputs && Ready())
        {
            int start = (int)(baseIndex - (taps / 2) + 1 - historyBase);
            var coef = new ReadOnlySpan<float>(coefficients, phase * taps, taps);
            for (int c = 0; c < ch; c++)
            {
                double v = Dot(coef, new ReadOnlySpan<float>(history[c], start, taps));
                v = Math.Round(v);
                output[(produced * ch) + c] = v >= short.MaxValue ? short.MaxValue : (v <= short.MinValue ? short.MinValue : (short)v);
            }

            produced++;
            Advance();
        }

        Compact();
        return produced;
    }

    /// <summary>Interleaved float in and out (no rounding or clipping: for exports and measurements). Returns the output frames written.</summary>
    public int Process(ReadOnlySpan<float> input, int frames, Span<float> output)
    {
        if (frames > MaxBlockFrames)
        {
            throw new ArgumentOutOfRangeException(nameof(frames), $"at most {MaxBlockFrames} frames per call");
        }

        int ch = Channels;
        for (int c = 0; c < ch; c++)
        {
            var h = history[c];
            int at = historyLength;
            for (int f = 0; f < frames; f++)
            {
                h[at + f] = input[(f * ch) + c];
            }
        }

        historyLength += frames;
        inputFrames += frames;
        int produced = 0;
        while (Ready())
        {
            int start = (int)(baseIndex - (taps / 2) + 1 - historyBase);
            var coef = new ReadOnlySpan<float>(coefficients, phase * taps, taps);
            for (int c = 0; c < ch; c++)
            {
                output[(produced * ch) + c] = (float)Dot(coef, new ReadOnlySpan<float>(history[c], start, taps));
            }

            produced++;
            Advance();
        }

        Compact();
        return produced;
    }

    /// <summary>Output frames that a whole stream of <paramref name="inputFrames"/> frames maps to: ceil(frames · out / in).</summary>
    public long OutputLengthOf(long inputFrames) => ((inputFrames * phases) + step - 1) / step;

    private void Append(ReadOnlySpan<short> input, int frames)
    {
        if (frames > MaxBlockFrames)
        {
            throw new ArgumentOutOfRangeException(nameof(frames), $"at most {MaxBlockFrames} frames per call");
        }

        int ch = Channels;
        for (int c = 0; c < ch; c++)
        {
            var h = history[c];
            int at = historyLength;
            for (int f = 0; f < frames; f++)
            {
                h[at + f] = input[(f * ch) + c];
            }
        }

        historyLength += frames;
        inputFrames += frames;
    }

    private bool Ready() => baseIndex + (taps / 2) < inputFrames;

    private void Advance()
    {
        outputFrames++;
        phase += step;
        while (phase >= phases)
        {
            phase -= phases;
            baseIndex++;
        }
    }

    /// <summary>Keeps only the inputs the next output can still need at the front of the history.</summary>
    private void Compact()
    {
        long keepFrom = baseIndex - (taps / 2) + 1;
        int drop = (int)(keepFrom - historyBase);
        if (drop <= 0)
        {
            return;
        }

        drop = Math.Min(drop, historyLength);
        int keep = historyLength - drop;
        for (int c = 0; c < Channels; c++)
        {
            Array.Copy(history[c], drop, history[c], 0, keep);
        }

        historyBase += drop;
        historyLength = keep;
    }

    private static double Dot(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        int n = a.Length;
        int i = 0;
        float sum = 0f;
        if (Vector.IsHardwareAccelerated && n >= Vector<float>.Count)
        {
            var va = MemoryMarshal.Cast<float, Vector<float>>(a);
            var vb = MemoryMarshal.Cast<float, Vector<float>>(b);
            var acc = Vector<float>.Zero;
            for (int k = 0; k < va.Length; k++)
            {
                acc += va[k] * vb[k];
            }

            sum = Vector.Sum(acc);
            i = va.Length * Vector<float>.Count;
        }

        for (; i < n; i++)
        {
            sum += a[i] * b[i];
        }

        return sum;
    }

    /// <summary>
    /// Prototype h(t) = 2·fc·L·sinc(2·fc·t)·kaiser(t), t in input samples, sampled at 1/L; phase p's
    /// tap k (k = 0 oldest input) is h at t = p/L + (K/2 − 1 − k). Each phase is normalised to a DC
    /// gain of exactly 1, so a constant stays constant whatever the phase.
    /// </summary>
    private static float[] Design(int phases, int taps, double cutoff)
    {
        var result = new float[phases * taps];
        double half = taps / 2.0;
        double i0Beta = BesselI0(KaiserBeta);
        var row = new double[taps];
        for (int p = 0; p < phases; p++)
        {
            double sum = 0;
            for (int k = 0; k < taps; k++)
            {
                // distance in input samples from the output instant to the input this tap multiplies
                double t = ((double)p / phases) + ((taps / 2) - 1 - k);
                double x = 2 * cutoff * t;
                double sinc = Math.Abs(x) < 1e-12 ? 1.0 : Math.Sin(Math.PI * x) / (Math.PI * x);
                double r = t / half;
                double window = Math.Abs(r) >= 1 ? 0 : BesselI0(KaiserBeta * Math.Sqrt(1 - (r * r))) / i0Beta;
                row[k] = 2 * cutoff * sinc * window;
                sum += row[k];
            }

            for (int k = 0; k < taps; k++)
            {
                result[(p * taps) + k] = (float)(row[k] / sum);
            }
        }

        return result;
    }

    private static double BesselI0(double x)
    {
        double sum = 1, term = 1, q = x * x / 4;
        for (int k = 1; k < 64; k++)
        {
            term *= q / ((double)k * k);
            sum += term;
            if (term < sum * 1e-17)
            {
                break;
            }
        }

        return sum;
    }

    private static int Gcd(int a, int b)
    {
        while (b != 0)
        {
            (a, b) = (b, a % b);
        }

        return a;
    }
}
