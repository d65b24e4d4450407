using System.Diagnostics;

namespace Octomix.Board.Simulated;

/// <summary>
/// The time of one simulated box. Real time: a stopwatch, and waiting sleeps. Fast time: a
/// virtual microsecond counter that only moves when something waits for it — the audio clock
/// (a capture read waits for its block), a card write stall, or a test calling
/// <see cref="Spend"/> — so minutes of audio simulate in milliseconds, deterministically.
/// One box's loop owns it; <see cref="NowMicroseconds"/> may be read from any thread.
/// </summary>
public sealed class SimulatedTime
{
    private readonly Stopwatch stopwatch = Stopwatch.StartNew();
    private long virtualMicros;

    public SimulatedTime(bool realTime)
    {
        RealTime = realTime;
    }

    public bool RealTime { get; }

    public long NowMicroseconds => RealTime
        ? stopwatch.ElapsedTicks * 1_000_000L / Stopwatch.Frequency
        : Interlocked.Read(ref virtualMicros);

    /// <summary>Returns once the time is at least <paramref name="micros"/> (fast time: jumps there).</summary>
    public void WaitUntil(long micros)
    {
        if (!RealTime)
        {
            long current = Interlocked.Read(ref virtualMicros);
            if (current < micros)
            {
                Interlocked.Exchange(ref virtualMicros, micros);
            }

            return;
        }

        while (true)
        {
            long remaining = micros - NowMicroseconds;
            if (remaining <= 0)
            {
                return;
            }

            // Sleep, never spin: a box is at most about a millisecond late, which its playback
            // pipeline absorbs, and N boxes in one process leave the CPU to the server and console.
            Thread.Sleep(remaining >= 2000 ? (int)(remaining / 1000) - 1 : 1);
        }
    }

    /// <summary>Lets <paramref name="micros"/> pass (a stall, a slow operation).</summary>
    public void Spend(long micros)
    {
        if (micros <= 0)
        {
            return;
        }

        if (RealTime)
        {
            WaitUntil(NowMicroseconds + micros);
        }
        else
        {
            Interlocked.Add(ref virtualMicros, micros);
        }
    }
}
