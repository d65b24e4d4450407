using System.Globalization;
using System.Runtime.InteropServices;

namespace Octomix.Server.Io;

/// <summary>TEMPORARY measurement knobs (environment variables OCTOMIX_X_*); removed once measured.</summary>
internal static unsafe partial class Experiments
{
    private static int Env(string name) => int.TryParse(Environment.GetEnvironmentVariable(name), NumberStyles.Integer, CultureInfo.InvariantCulture, out int v) ? v : -1;

    public static void ApplySocketKnobs(int fd)
    {
        int busy = Env("OCTOMIX_X_BUSY_POLL_US");
        if (busy >= 0)
        {
            Check(LinuxNative.setsockopt(fd, LinuxNative.SOL_SOCKET, 46 /* SO_BUSY_POLL */, &busy, sizeof(int)), "SO_BUSY_POLL");
        }

        int pmtu = Env("OCTOMIX_X_PMTU");
        if (pmtu >= 0)
        {
            Check(LinuxNative.setsockopt(fd, 0 /* IPPROTO_IP */, 10 /* IP_MTU_DISCOVER */, &pmtu, sizeof(int)), "IP_MTU_DISCOVER");
        }

        int noCheck = Env("OCTOMIX_X_NOCHECK");
        if (noCheck >= 0)
        {
            Check(LinuxNative.setsockopt(fd, LinuxNative.SOL_SOCKET, 11 /* SO_NO_CHECK */, &noCheck, sizeof(int)), "SO_NO_CHECK");
        }
    }

    public static void PinThisThread(int worker)
    {
        int cpu = Env("OCTOMIX_X_PIN");
        if (cpu >= 0)
        {
            ulong mask = 1UL << ((cpu + worker) % Environment.ProcessorCount);
            Check(sched_setaffinity(0, sizeof(ulong), &mask), "sched_setaffinity");
        }
    }

    public static void TightTimerSlack()
    {
        Check(prctl(29 /* PR_SET_TIMERSLACK */, 1000, 0, 0, 0), "PR_SET_TIMERSLACK");
    }

    public static void Sleep(long nanoseconds)
    {
        var t = new LinuxNative.TimeSpec { Seconds = nanoseconds / 1_000_000_000L, Nanoseconds = nanoseconds % 1_000_000_000L };
        LinuxNative.ppoll(null, 0, &t, null);
    }

    [LibraryImport("libc", SetLastError = true)]
    private static partial int prctl(int option, ulong a2, ulong a3, ulong a4, ulong a5);

    private static void Check(int result, string what)
    {
        if (result != 0)
        {
            Console.Error.WriteLine($"experiment: {what} failed, errno {Marshal.GetLastPInvokeError()}");
        }
    }

    [LibraryImport("libc", SetLastError = true)]
    private static partial int sched_setaffinity(int pid, nuint size, ulong* mask);
}
