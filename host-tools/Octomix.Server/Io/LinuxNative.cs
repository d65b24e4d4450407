using System.Runtime.InteropServices;

namespace Octomix.Server.Io;

/// <summary>
/// The few libc calls the Linux fast path needs. Struct layouts are those of x86_64 and
/// aarch64 Linux (LP64); <see cref="IsUsable"/> checks the sizes before anything relies on them.
/// </summary>
internal static unsafe partial class LinuxNative
{
    public const int EINTR = 4;
    public const int ENXIO = 6;
    public const int EAGAIN = 11;
    public const int EPIPE = 32;

    public const int MSG_DONTWAIT = 0x40;
    public const int MSG_TRUNC = 0x20;
    public const int MSG_WAITFORONE = 0x10000;

    public const int SOL_SOCKET = 1;
    public const int SO_RCVTIMEO = 20;
    public const int SO_SNDBUF = 7;
    public const int SO_RCVBUF = 8;
    public const int SO_SNDBUFFORCE = 32;
    public const int SO_RCVBUFFORCE = 33;

    public const int SOL_UDP = 17;

    /// <summary>UDP_SEGMENT (generic segmentation offload for UDP, Linux 4.18+): one send carries several equal-size datagrams.</summary>
    public const int UDP_SEGMENT = 103;

    public const int EINVAL = 22;
    public const int EIO = 5;
    public const int ENOPROTOOPT = 92;

    public const int F_GETFL = 3;
    public const int F_SETFL = 4;

    public const int O_WRONLY = 0x1;
    public const int O_CREAT = 0x40;
    public const int O_TRUNC = 0x200;
    public const int O_NONBLOCK = 0x800;
    public const int O_CLOEXEC = 0x80000;

    public const short POLLIN = 0x1;
    public const short POLLOUT = 0x4;

    public const int AF_INET = 2;
    public const int AF_INET6 = 10;

    [StructLayout(LayoutKind.Sequential)]
    public struct IoVec
    {
        public void* Base;
        public nuint Length;
    }

    [StructLayout(LayoutKind.Sequential)]
    public struct MsgHdr
    {
        public void* Name;
        public uint NameLength;
        public IoVec* Iov;
        public nuint IovLength;
        public void* Control;
        public nuint ControlLength;
        public int Flags;
    }

    [StructLayout(LayoutKind.Sequential)]
    public struct MMsgHdr
    {
        public MsgHdr Header;
        public uint Length;
    }

    [StructLayout(LayoutKind.Sequential)]
    public struct TimeVal
    {
        public long Seconds;
        public long Microseconds;
    }

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
        public short ReturnedEvents;
    }

    /// <summary>True on 64-bit Linux, where the layouts above match the kernel's.</summary>
    public static bool IsUsable =>
        OperatingSystem.IsLinux() && IntPtr.Size == 8 && sizeof(MMsgHdr) == 64 && sizeof(MsgHdr) == 56 && sizeof(IoVec) == 16;

    [LibraryImport("libc", SetLastError = true)]
    public static partial int recvmmsg(int fd, MMsgHdr* messages, uint count, int flags, TimeSpec* timeout);

    [LibraryImport("libc", SetLastError = true)]
    public static partial int sendmmsg(int fd, MMsgHdr* messages, uint count, int flags);

    public const int EPOLL_CLOEXEC = 0x80000;
    public const int EPOLL_CTL_ADD = 1;
    public const uint EPOLLIN = 0x1;

    /// <summary>
    /// Bytes per struct epoll_event and the offset of its data field: the struct is packed on
    /// x86_64 (12 bytes), naturally aligned elsewhere (16).
    /// </summary>
    public static int EpollEventSize => RuntimeInformation.ProcessArchitecture == Architecture.X64 ? 12 : 16;

    public static int EpollDataOffset => RuntimeInformation.ProcessArchitecture == Architecture.X64 ? 4 : 8;

    [LibraryImport("libc", SetLastError = true)]
    public static partial int epoll_create1(int flags);

    [LibraryImport("libc", SetLastError = true)]
    public static partial int epoll_ctl(int epfd, int op, int fd, byte* ev);

    [LibraryImport("libc", SetLastError = true)]
    public static partial int epoll_wait(int epfd, byte* events, int maxEvents, int timeoutMilliseconds);

    [LibraryImport("libc", SetLastError = true)]
    public static partial int setsockopt(int fd, int level, int name, void* value, uint length);

    [LibraryImport("libc", SetLastError = true)]
    public static partial int fcntl(int fd, int command, int argument);

    [LibraryImport("libc", SetLastError = true)]
    public static partial int poll(PollFd* fds, nuint count, int timeoutMilliseconds);

    [LibraryImport("libc", SetLastError = true)]
    public static partial int ppoll(PollFd* fds, nuint count, TimeSpec* timeout, void* signalMask);

    [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int open(string path, int flags, int mode);

    [LibraryImport("libc", SetLastError = true)]
    public static partial nint write(int fd, byte* buffer, nuint count);

    [LibraryImport("libc", SetLastError = true)]
    public static partial int close(int fd);

    [LibraryImport("libc", SetLastError = true)]
    public static partial int kill(int pid, int signal);

    [LibraryImport("libc", SetLastError = true)]
    public static partial int clock_gettime(int clock, TimeSpec* time);

    public const int CLOCK_REALTIME = 0;
    public const int CLOCK_MONOTONIC = 1;

    [LibraryImport("libc", SetLastError = true)]
    public static partial int clock_nanosleep(int clock, int flags, TimeSpec* request, TimeSpec* remain);

    /// <summary>Sleeps this many nanoseconds (CLOCK_MONOTONIC, relative; an interrupted sleep simply ends early).</summary>
    public static void SleepNanoseconds(long nanoseconds)
    {
        TimeSpec t;
        t.Seconds = nanoseconds / 1_000_000_000L;
        t.Nanoseconds = nanoseconds % 1_000_000_000L;
        clock_nanosleep(CLOCK_MONOTONIC, 0, &t, null);
    }

    /// <summary>SO_TIMESTAMPNS: the kernel stamps each received datagram (CLOCK_REALTIME, ns) in a control message.</summary>
    public const int SO_TIMESTAMPNS = 35;

    /// <summary>Now on CLOCK_REALTIME in nanoseconds (the clock of SO_TIMESTAMPNS).</summary>
    public static long RealtimeNanoseconds()
    {
        TimeSpec t;
        clock_gettime(CLOCK_REALTIME, &t);
        return (t.Seconds * 1_000_000_000L) + t.Nanoseconds;
    }

    /// <summary>
    /// Asks for socket buffers of <paramref name="bytes"/>: past net.core.rmem_max/wmem_max when
    /// the process may (CAP_NET_ADMIN: SO_*BUFFORCE), else as much as the limits allow.
    /// </summary>
    public static void SetBuffers(int fd, int bytes)
    {
        int value = bytes;
        if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &value, sizeof(int)) != 0)
        {
            setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &value, sizeof(int));
        }

        if (setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &value, sizeof(int)) != 0)
        {
            setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &value, sizeof(int));
        }
    }

    /// <summary>Puts a descriptor in blocking mode (clears O_NONBLOCK); false on failure.</summary>
    public static bool MakeBlocking(int fd)
    {
        int flags = fcntl(fd, F_GETFL, 0);
        return flags >= 0 && fcntl(fd, F_SETFL, flags & ~O_NONBLOCK) == 0;
    }

    /// <summary>Sets SO_RCVTIMEO: a blocking receive returns EAGAIN after this long without data.</summary>
    public static bool SetReceiveTimeout(int fd, int milliseconds)
    {
        var tv = new TimeVal { Seconds = milliseconds / 1000, Microseconds = (milliseconds % 1000) * 1000L };
        return setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, (uint)sizeof(TimeVal)) == 0;
    }
}
