using Octomix.Hal;

namespace Octomix.Board.Simulated;

/// <summary>The board clock: the simulation's time, and a wall clock that starts at a fixed or real date.</summary>
public sealed class SimulatedClock : IClock
{
    private readonly SimulatedTime time;
    private readonly DateTime epoch;

    public SimulatedClock(SimulatedTime time, DateTime epochUtc)
    {
        this.time = time;
        epoch = epochUtc;
    }

    public long Microseconds => time.NowMicroseconds;

    public DateTime UtcNow => epoch.AddTicks(time.NowMicroseconds * 10);
}
