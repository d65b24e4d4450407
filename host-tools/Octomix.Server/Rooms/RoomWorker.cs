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
    private readonly long wakeIntervalTicks;
    private readonly ILogger logger;
    private readonly Thread thread;
    private volatile bool stopping;
    private bool disposed;

    /// <param name="wakeIntervalMicroseconds">The shortest time between two wake-ups while arrivals come faster than that (<see cref="ServerOptions.WakeIntervalMicroseconds"/>; 0 = none).</param>
    public RoomWorker(Room[] rooms, int index, int waitMilliseconds, int wakeIntervalMicroseconds, ILogger logger)
    {
        this.rooms = rooms;
        this.waitMilliseconds = waitMilliseconds;
        wakeIntervalTicks = wakeIntervalMicroseconds * Stopwatch.Frequency / 1_000_000;
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
        long lastWake = 0;
        long lastGap = long.MaxValue;
        while (!stopping)
        {
            PaceWakeUps(lastWake, lastGap);

            // level-triggered: a room with more than one batch queued is ready again at once
            int n = LinuxNative.epoll_wait(epoll, events, rooms.Length, waitMilliseconds);
            int errno = n < 0 ? Marshal.GetLastPInvokeError() : 0; // before the rooms' own calls overwrite it
            long now = Stopwatch.GetTimestamp();
            if (n > 0)
            {
                lastGap = now - lastWake;
                lastWake = now;
            }
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

    /// <summary>
    /// When the last two wake-ups came closer together than the interval (arrivals spread out
    /// and frequent: each wake-up found only a few datagrams), waits out the rest of the interval
    /// so that the next datagrams queue and are served by one wake-up. When arrivals are rare or
    /// already bunched the gap is longer and the thread never waits, so a quiet room pays no
    /// latency for it.
    /// </summary>
    private void PaceWakeUps(long lastWake, long lastGap)
    {
        long wait = PacingWaitTicks(Stopwatch.GetTimestamp(), lastWake, lastGap, wakeIntervalTicks);
        if (wait > 0)
        {
            LinuxNative.SleepNanoseconds(wait * 1_000_000_000L / Stopwatch.Frequency);
        }
    }

    /// <summary>How long to wait before the next epoll_wait (the rule of <see cref="PaceWakeUps"/>), in the clock's ticks; 0 = at once.</summary>
    internal static long PacingWaitTicks(long now, long lastWake, long lastGap, long intervalTicks)
    {
        if (intervalTicks <= 0 || lastGap >= intervalTicks)
        {
            return 0;
        }

        long left = lastWake + intervalTicks - now;
        return left > 0 ? left : 0;
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
