namespace Octomix.Tests.Shared;

/// <summary>
/// The one way the tests measure "allocates nothing": a window on
/// <see cref="GC.GetAllocatedBytesForCurrentThread"/> that starts with a gen-0 garbage collection.
/// Why: that counter includes the unused rest of the thread's current allocation context (up to
/// ~8 KB), which the runtime gives back only when the context is retired. A collection started by
/// another thread during the window retires it, and the window then shows the rest as if this
/// thread had allocated it. Tests run in parallel and other threads allocate, so it does happen:
/// CI saw +5 560 bytes in a box test and +32 in a server test, with no allocation on the
/// measured thread. Measured on this machine: 171 of 1 464 non-allocating 1 ms windows showed
/// 16..8 112 bytes while another thread allocated; 0 of 759 when the window started with a
/// collection. A collection retires every thread's context, so it also serves a counter another
/// thread publishes (the server's room thread).
/// </summary>
internal static class AllocationWindow
{
    /// <summary>
    /// Retires every thread's allocation context: a blocking gen-0 collection. Not a full one: a
    /// gen-2 collection makes the runtime trim its per-thread pools (ArrayPool, socket caches),
    /// and the measured thread would then allocate again on its next call (+280 bytes in the
    /// server's portable receive, seen).
    /// </summary>
    public static void RetireAllocationContexts() => GC.Collect(0, GCCollectionMode.Forced, blocking: true);

    /// <summary>Starts a window on this thread: returns the counter to pass to <see cref="BytesSince"/>.</summary>
    public static long Start()
    {
        RetireAllocationContexts();
        return GC.GetAllocatedBytesForCurrentThread();
    }

    /// <summary>Bytes this thread allocated since <paramref name="start"/>.</summary>
    public static long BytesSince(long start) => GC.GetAllocatedBytesForCurrentThread() - start;

    /// <summary>Rounds <see cref="AssertNone"/> runs at the most, unless told.</summary>
    public const int MaxRounds = 6;

    /// <summary>
    /// "Allocates nothing in steady state": runs <paramref name="round"/> (<paramref name="calls"/>
    /// calls of the step under test) in windows, until one round allocates exactly 0 bytes, at
    /// most <paramref name="maxRounds"/> times; no round may allocate as much as a byte per call. Why
    /// rounds and not one window: even after the collection the counter moves now and then by a
    /// few dozen bytes around a system call while other threads allocate and collect (+32 and +56
    /// bytes seen in the server's send and receive calls, about 1 run in 8 with the machine
    /// loaded, not traced further); that is a one-off, while a real allocation per call, even
    /// one in a thousand, is in every round. Returns the bytes of each round.
    /// </summary>
    public static long[] AssertNone(Action round, long calls, int maxRounds = MaxRounds)
    {
        var measured = new List<long>();
        for (int r = 0; r < maxRounds && !measured.Contains(0); r++)
        {
            long start = Start();
            round();
            measured.Add(BytesSince(start));
        }

        if (!measured.Contains(0) || measured.Max() >= calls)
        {
            throw new Xunit.Sdk.XunitException($"bytes allocated per round of {calls} calls: {string.Join(", ", measured)}");
        }

        return measured.ToArray();
    }
}
