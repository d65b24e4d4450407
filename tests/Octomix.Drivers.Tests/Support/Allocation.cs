using Xunit;
using Octomix.Tests.Shared;

namespace Octomix.Drivers.Tests.Support;

/// <summary>
/// "Allocates nothing in steady state" for a driver step: a warm-up round (first calls,
/// tier-up), then the rule of <see cref="AllocationWindow.AssertNone"/> over rounds of
/// <c>callsPerRound</c> calls.
/// </summary>
public static class Allocation
{
    public static void AssertNone(Action step, int callsPerRound = 5000, int rounds = AllocationWindow.MaxRounds)
    {
        for (int i = 0; i < callsPerRound; i++) step();
        AllocationWindow.AssertNone(() => { for (int i = 0; i < callsPerRound; i++) step(); }, callsPerRound, rounds);
    }
}
