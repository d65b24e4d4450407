using System.Runtime.InteropServices;

namespace Octomix.Desk.Output;

/// <summary>
/// The few Linux calls a FIFO writer needs that .NET does not offer: open with O_NONBLOCK (a
/// FIFO without a reader then fails with ENXIO instead of blocking), write that returns EAGAIN
/// instead of blocking, poll to wait with a timeout; and the calling thread's CPU time for the
/// benchmark. Values are Linux's (x86-64 and arm64).
/// <para>
/// The server's <c>Octomix.Server.Io.LinuxNative</c> declares some of the same calls (open,
/// write, close, poll, clock_gettime, the errno values). It is internal to the server, so the
/// console cannot use it without a change there; linking its source instead would tie the
/// console's build to a file that is being reworked on the server branch. One shared set of
/// declarations is the follow-up once that work has landed.
/// </para>
/// </summary>
internal static unsafe partial class LibC
{
    public const int OWronly = 0x1;
    public const int OCreat = 0x40;
    public const int OTrunc = 0x200;
    public const int ONonBlock = 0x800;
    public const int OCloExec = 0x80000;

    public const int EIntr = 4;
    public const int ENxio = 6;
    public const int EAgain = 11;
    public const int EPipe = 32;

    public const short PollOut = 0x4;
    public const short PollErr = 0x8;
    public const short PollHup = 0x10;

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int Open(string path, int flags, int mode);

    [LibraryImport("libc", EntryPoint = "write", SetLastError = true)]
    public static partial nint Write(int fd, byte* buffer, nint count);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    public static partial int Close(int fd);

    [LibraryImport("libc", EntryPoint = "poll", SetLastError = true)]
    public static partial int Poll(PollFd* fds, nuint count, int timeoutMilliseconds);

    public const int ClockThreadCpuTime = 3;

    [LibraryImport("libc", EntryPoint = "clock_gettime", SetLastError = true)]
    public static partial int ClockGetTime(int clock, TimeSpec* time);

    [LibraryImport("libc", EntryPoint = "strerror")]
    private static partial nint StrError(int errno);

    public static string Describe(int errno) => Marshal.PtrToStringUTF8(StrError(errno)) ?? $"errno {errno}";

    [StructLayout(LayoutKind.Sequential)]
    public struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    [StructLayout(LayoutKind.Sequential)]
    public struct PollFd
    {
        public int Fd;
        public short Events;
        public short Revents;
    }
}
