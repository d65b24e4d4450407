using Octomix.Server.Rooms;
using Xunit;

namespace Octomix.Server.Tests;

/// <summary>The room thread's wake-up pacing rule (ServerOptions.WakeIntervalMicroseconds): it waits only while wake-ups come faster than the interval, and never longer than the rest of it.</summary>
public sealed class WakePacingTests
{
    private const long Interval = 400;

    [Fact]
    public void FrequentWakeUpsWaitOutTheRestOfTheInterval()
    {
        // the last two wake-ups were 100 apart; 150 have passed since the last one
        Assert.Equal(250, RoomWorker.PacingWaitTicks(now: 1150, lastWake: 1000, lastGap: 100, Interval));
    }

    [Fact]
    public void AnIntervalAlreadyOverDoesNotWait()
    {
        Assert.Equal(0, RoomWorker.PacingWaitTicks(now: 1400, lastWake: 1000, lastGap: 100, Interval));
        Assert.Equal(0, RoomWorker.PacingWaitTicks(now: 1900, lastWake: 1000, lastGap: 100, Interval));
    }

    [Fact]
    public void RareOrBunchedArrivalsNeverWait()
    {
        // the last gap was the interval or longer: a quiet room, or boxes sending together
        Assert.Equal(0, RoomWorker.PacingWaitTicks(now: 1001, lastWake: 1000, lastGap: Interval, Interval));
        Assert.Equal(0, RoomWorker.PacingWaitTicks(now: 1001, lastWake: 1000, lastGap: long.MaxValue, Interval));
    }

    [Fact]
    public void PacingOffNeverWaits()
    {
        Assert.Equal(0, RoomWorker.PacingWaitTicks(now: 1001, lastWake: 1000, lastGap: 1, intervalTicks: 0));
    }
}
