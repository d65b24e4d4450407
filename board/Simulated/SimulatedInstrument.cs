namespace Octomix.Board.Simulated;

/// <summary>
/// A musician with an instrument: listens to the headphone signal (channel 0 of what the click
/// DAC plays, after the output delay) and plays a note on every click it hears. A click is
/// heard when the signal leaves digital silence (at least 2 ms of exact zeros, as the click
/// generator leaves between clicks); its onset is that first non-zero frame minus the click's
/// known lead-in (every rendered click starts at phase 0 with an attack ramp, so its first
/// frame is zero: <see cref="ClickLeadFrames"/>, measured from the real click generator by
/// the board). With zero spread the note starts exactly on the onset heard; otherwise it starts
/// late by |N(0, spread)| (a simulated musician cannot anticipate), drawn from a seeded random
/// generator so runs repeat exactly.
/// <para>
/// The note: 60 ms of a 220 Hz square wave at -6 dBFS with a quadratic decay; its first frame is
/// its loudest, so its onset in a recording is unambiguous. Notes are written into a ring ahead
/// of time (a note may start a frame before its click became audible: the frames are not yet
/// captured because of the input delay). Allocation-free after construction.
/// </para>
/// </summary>
public sealed class SimulatedInstrument
{
    public const int RingFrames = 1 << 17;
    public const int NoteMilliseconds = 60;
    public const int NoteHz = 220;
    private const int MaxRecorded = 1 << 16;

    private readonly int[] ring = new int[RingFrames];
    private readonly int noteFrames;
    private readonly int halfPeriod;
    private readonly int amplitude;
    private readonly int minSilence;
    private readonly Random random;
    private readonly long[] starts = new long[MaxRecorded];
    private int silentRun;

    /// <param name="sampleRate">Frames per second.</param>
    /// <param name="fullScale">Full scale of the sample format (32767 for 16 bit).</param>
    /// <param name="clickLeadFrames">Zero frames a click starts with.</param>
    /// <param name="spreadMilliseconds">Human timing spread (0 = plays exactly on the click).</param>
    /// <param name="seed">Seed of the timing spread.</param>
    public SimulatedInstrument(int sampleRate, int fullScale, int clickLeadFrames, double spreadMilliseconds, int seed)
    {
        SampleRate = sampleRate;
        ClickLeadFrames = clickLeadFrames;
        SpreadFrames = spreadMilliseconds * sampleRate / 1000.0;
        noteFrames = sampleRate * NoteMilliseconds / 1000;
        halfPeriod = sampleRate / NoteHz / 2;
        amplitude = fullScale / 2;
        minSilence = sampleRate / 500;
        random = new Random(seed);
        silentRun = minSilence;
    }

    public int SampleRate { get; }

    public int ClickLeadFrames { get; }

    public double SpreadFrames { get; }

    /// <summary>When false the musician does not play (a box left alone).</summary>
    public bool Playing { get; set; } = true;

    /// <summary>Notes played so far.</summary>
    public int Notes { get; private set; }

    /// <summary>Clock frame (the board's sample clock) where note <paramref name="index"/> starts.</summary>
    public long NoteStart(int index) => starts[index % MaxRecorded];

    /// <summary>The musician hears frame <paramref name="clock"/> (channel 0 value) of the headphones.</summary>
    public void Hear(long clock, int value, long earliestStart)
    {
        if (value == 0)
        {
            silentRun++;
            return;
        }

        if (silentRun >= minSilence && Playing)
        {
            long onset = clock - ClickLeadFrames;
            long late = SpreadFrames > 0 ? (long)Math.Round(Math.Abs(Gaussian()) * SpreadFrames) : 0;
            long start = onset + late;
            if (start < earliestStart)
            {
                start = earliestStart; // the input delay is shorter than the click's lead-in: play as early as possible
            }

            Play(start);
        }

        silentRun = 0;
    }

    /// <summary>The instrument's signal at <paramref name="clock"/>, then forgotten (each frame is captured once).</summary>
    public int Take(long clock)
    {
        int i = (int)(clock & (RingFrames - 1));
        int v = ring[i];
        ring[i] = 0;
        return v;
    }

    private void Play(long start)
    {
        starts[Notes % MaxRecorded] = start;
        Notes++;
        for (int k = 0; k < noteFrames; k++)
        {
            double decay = 1.0 - ((double)k / noteFrames);
            int v = (int)(amplitude * decay * decay);
            if ((k / halfPeriod) % 2 == 1)
            {
                v = -v;
            }

            int i = (int)((start + k) & (RingFrames - 1));
            ring[i] += v;
        }
    }

    private double Gaussian()
    {
        // Box-Muller
        double u1 = 1.0 - random.NextDouble();
        double u2 = random.NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2);
    }
}
