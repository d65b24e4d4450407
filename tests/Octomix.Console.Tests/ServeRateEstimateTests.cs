using Octomix.Desk.Engine;

namespace Octomix.Console.Tests;

/// <summary>The collector's measure of a box's serving rate, which its request deadlines follow.</summary>
public class ServeRateEstimateTests
{
    /// <summary>Feeds <paramref name="seconds"/> of a box serving <paramref name="bytesPerSecond"/>, observed every 20 ms as the collector does.</summary>
    private static long Serve(ServeRateEstimate e, long from, double seconds, double bytesPerSecond, ref long present, bool requesting = true)
    {
        long t = from;
        for (; t < from + (long)(seconds * 1000); t += 20)
        {
            present += requesting ? (long)(bytesPerSecond * 0.020) : 0;
            e.Observe(t, present, requesting);
        }

        return t;
    }

    [Fact]
    public void TheDeadlineRateFollowsAFastBoxAndNeverGoesBelowTheFloor()
    {
        var e = new ServeRateEstimate();
        Assert.Equal(90_000, e.DeadlineBytesPerSecond(90_000)); // nothing measured yet: the floor
        long present = 0;
        long t = Serve(e, 0, 2, 1_280_000, ref present);
        Assert.InRange(e.BytesPerSecond, 1_200_000, 1_300_000);
        Assert.InRange(e.DeadlineBytesPerSecond(90_000), 960_000, 1_040_000); // 80 % of it

        // a stock box: the estimate comes down within a few windows, never under the floor
        t = Serve(e, t, 3, 40_000, ref present);
        Assert.InRange(e.BytesPerSecond, 30_000, 60_000);
        Assert.Equal(90_000, e.DeadlineBytesPerSecond(90_000));
    }

    [Fact]
    public void TimeWithNothingAskedIsNotMeasured()
    {
        var e = new ServeRateEstimate();
        long present = 0;
        long t = Serve(e, 0, 1, 500_000, ref present);
        double before = e.BytesPerSecond;
        int windows = e.Windows;
        t = Serve(e, t, 5, 0, ref present, requesting: false); // idle: the collector asked nothing
        Assert.Equal(windows, e.Windows);
        Assert.Equal(before, e.BytesPerSecond);

        // the first window after the idle time starts afresh: the idle bytes (none) are not averaged in
        Serve(e, t, 1, 500_000, ref present);
        Assert.InRange(e.BytesPerSecond, 480_000, 520_000);
    }
}
