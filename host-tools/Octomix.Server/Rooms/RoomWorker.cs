using System.Diagnostics;
using System.Runtime.InteropServices;
using Microsoft.Extensions.Logging;
using Octomix.Server.Io;

namespace Octomix.Server.Rooms;

/// <summary>
/// One thread serving several rooms (batched io, Linux): it sleeps in epoll_wait until any of
/// their sockets has datagrams, then each ready room takes its batch (recvmmsg without waiting),
/// handles it and sends what it produced from its own socket (sendmmsg); every room's timers run
/// on the same thread. A room still has one owner — this thread — so its packet path takes no
/// lock. Why: on a virtual machine a thread's wake-up costs more than handling a datagram, and
/// rooms whose boxes send in the same millisecond share one wake-up here instead of paying one
/// each (docs/benchmarks.md has the figures).
/// </summary>
internal sealed unsafe class RoomWorker : IDisposable
{
    private readonly Room[] rooms;
    private readonly int epoll;
    private readonly byte* events;
    private readonly int eventSize = LinuxNative.EpollEventSize;
    private readonly int dataOffset = LinuxNative.EpollDataOffset;
    private readonly int waitMilliseconds;
    private readonly ILogger logger;
    private readonly Thread thread;
    private volatile bool stopping;
    private bool disposed;

    public RoomWorker(Room[] rooms, int index, int waitMilliseconds, ILogger logger)
    {
        this.rooms = rooms;
        this.waitMilliseconds = waitMilliseconds;
        this.logger = logger;
        epoll = LinuxNative.epoll_create1(LinuxNative.EPOLL_CLOEXEC);
        if (epoll < 0)
        {
            throw new IOException("epoll_create1 failed (errno " + Marshal.GetLastPInvokeError() + ")");
        }

        events = (byte*)NativeMemory.AllocZeroed((nuint)(rooms.Length * 16));
        byte* ev = stackalloc byte[16];
        for (int r = 0; r < rooms.Length; r++)
        {
            new Span<byte>(ev, 16).Clear();
            *(uint*)ev = LinuxNative.EPOLLIN; // level-triggered: a room with more than one batch queued is ready again at once
            *(ulong*)(ev + dataOffset) = (ulong)r;
            if (LinuxNative.epoll_ctl(epoll, LinuxNative.EPOLL_CTL_ADD, rooms[r].Descriptor, ev) != 0)
            {
                int errno = Marshal.GetLastPInvokeError();
                Free();
                throw new IOException("epoll_ctl failed for room " + rooms[r].Index + " (errno " + errno + ")");
            }
        }

        thread = new Thread(Run) { IsBackground = true, Name = "octomix-rooms-" + index };
    }

    public void Start() => thread.Start();

    /// <summary>Ends the loop (at most one wait period plus the current batches) and sends what is queued.</summary>
    public void Stop()
    {
        stopping = true;
        if (thread.IsAlive)
        {
            thread.Join();
        }
    }

    public void Dispose()
    {
        Stop();
        Free();
    }

    private void Run()
    {
        while (!stopping)
        {
            // level-triggered: a room with more than one batch queued is ready again at once
            int n = LinuxNative.epoll_wait(epoll, events, rooms.Length, waitMilliseconds);
            int errno = n < 0 ? Marshal.GetLastPInvokeError() : 0; // before the rooms' own calls overwrite it
            long now = Stopwatch.GetTimestamp();
            for (int i = 0; i < n; i++)
            {
                int r = (int)*(ulong*)(events + (i * eventSize) + dataOffset);
                rooms[r].ServeQueued(now);
            }

            if (n < 0 && errno != LinuxNative.EINTR)
            {
                logger.LogError("epoll_wait failed (errno {Errno})", errno);
                Thread.Sleep(waitMilliseconds);
            }

            foreach (var room in rooms)
            {
                room.ServeTimers(now);
            }
        }

        foreach (var room in rooms)
        {
            room.FinalFlush();
        }
    }

    private void Free()
    {
        if (!disposed)
        {
            disposed = true;
            LinuxNative.close(epoll);
            NativeMemory.Free(events);
        }
    }
}
