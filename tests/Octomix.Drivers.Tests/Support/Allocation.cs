using Xunit;

namespace Octomix.Drivers.Tests.Support;

/// <summary>
/// "Allocates nothing in steady state", measured with GC.GetAllocatedBytesForCurrentThread.
/// The runtime itself may allocate a little on the test thread while it tiers up freshly
/// JIT-compiled code, so the step runs in rounds after a warm-up: at least one round must
/// allocate exactly 0 bytes, and no round may allocate as much as one byte per call (which any
/// real per-call allocation would).
/// </summary>
public static class Allocation
{
    public static void AssertNone(Action step, int callsPerRound = 5000, int rounds = 6)
    {
        for (int i = 0; i < callsPerRound; i++) step();
        var measured = new List<long>();
        for (int r = 0; r < rounds; r++)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            for (int i = 0; i < callsPerRound; i++) step();
            measured.Add(GC.GetAllocatedBytesForCurrentThread() - before);
            if (measured[^1] == 0 && r >= 1) break;
        }
        Assert.True(measured.Contains(0) && measured.Max() < callsPerRound,
            $"bytes allocated per round of {callsPerRound} calls: {string.Join(", ", measured)}");
    }
}
