using System.Diagnostics;
using System.Net;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Octomix.Server.Rooms;

namespace Octomix.Server;

/// <summary>
/// The broadcast server: its rooms, each a UDP port, served by a few threads (batched io) or a
/// thread each (portable io). Start it with
/// <see cref="Start"/> (the `octomix server` command, the console and the demo all do it this
/// way), read live figures with <see cref="GetStatus"/> from any thread, end it with
/// <see cref="StopAsync"/> or Dispose (idempotent).
/// </summary>
public sealed class BroadcastServer : IAsyncDisposable, IDisposable
{
    private readonly Room[] rooms;
    private readonly RoomWorker[] workers;
    private readonly ILogger logger;
    private readonly long startedAt;
    private readonly object stopLock = new();
    private Task? stopped;

    private BroadcastServer(ServerOptions options, Room[] rooms, RoomWorker[] workers, ILogger logger)
    {
        Options = options;
        this.rooms = rooms;
        this.workers = workers;
        this.logger = logger;
        startedAt = Stopwatch.GetTimestamp();
        Ports = rooms.Select(r => r.Port).ToArray();
        Endpoints = rooms.Select(r => new IPEndPoint(options.BindAddress, r.Port)).ToArray();
    }

    public ServerOptions Options { get; }

    /// <summary>UDP port of each room, by room index (the real ones when FirstPort was 0).</summary>
    public IReadOnlyList<int> Ports { get; }

    /// <summary>Bind address and port of each room.</summary>
    public IReadOnlyList<IPEndPoint> Endpoints { get; }

    /// <summary>True when the rooms use recvmmsg/sendmmsg, false for the portable path.</summary>
    public bool UsesBatchedIo => rooms.Length > 0 && rooms[0].IsBatched;

    /// <summary>True while the rooms send with UDP segmentation offload (batched io only).</summary>
    public bool UsesUdpSegmentation => rooms.Length > 0 && rooms.All(r => r.IsSegmenting);

    /// <summary>
    /// Validates the options, binds every room's socket and starts the room threads. Throws
    /// <see cref="ArgumentException"/> for bad options and <see cref="System.Net.Sockets.SocketException"/>
    /// when a port cannot be bound (nothing is left open then).
    /// </summary>
    public static BroadcastServer Start(ServerOptions options, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        logger ??= NullLogger.Instance;
        var rooms = new List<Room>();
        var workers = new List<RoomWorker>();
        try
        {
            for (int i = 0; i < options.RoomCount; i++)
            {
                rooms.Add(new Room(options, i, logger));
            }

            if (rooms[0].Descriptor >= 0)
            {
                // batched io: a few threads, each serving its share of the rooms with epoll
                int threads = options.EffectiveRoomThreads;
                for (int w = 0; w < threads; w++)
                {
                    var mine = rooms.Where(r => r.Index % threads == w).ToArray();
                    workers.Add(new RoomWorker(mine, w, Room.WaitMilliseconds, options.WakeIntervalMicroseconds, logger));
                }
            }
        }
        catch
        {
            foreach (var w in workers)
            {
                w.Dispose();
            }

            foreach (var r in rooms)
            {
                r.Dispose();
            }

            throw;
        }

        var server = new BroadcastServer(options, rooms.ToArray(), workers.ToArray(), logger);
        if (workers.Count > 0)
        {
            foreach (var w in workers)
            {
                w.Start();
            }
        }
        else
        {
            foreach (var r in rooms)
            {
                r.Start();
            }
        }

        if (options.JoinCodes.Count == 1 && options.JoinCodes[0] == ServerOptions.DefaultJoinCode)
        {
            logger.LogWarning("using the default join code \"{Code}\": anyone who knows it can join; set --join-code", ServerOptions.DefaultJoinCode);
        }

        if (options.RtJamRooms.Count > 0 && options.RtJamAllowsAny)
        {
            logger.LogWarning("RTJam rooms {Rooms} take RTJam packets from any address: RTJam has no authentication, anyone who sends one is in; set --rtjam-allow to your networks", string.Join(",", options.RtJamRooms));
        }

        logger.LogInformation(
            "broadcast server up: {Rooms} rooms on {Address} UDP {Ports}, {Io} io, {Threads} room thread(s)",
            rooms.Count,
            options.BindAddress,
            string.Join(",", server.Ports),
            server.UsesBatchedIo ? (server.UsesUdpSegmentation ? "batched (recvmmsg/sendmmsg + UDP segmentation)" : "batched (recvmmsg/sendmmsg)") : "portable",
            workers.Count > 0 ? workers.Count : rooms.Count);
        return server;
    }

    /// <summary>Figures of every room and slot, now. Safe from any thread; never makes a room wait.</summary>
    public ServerStatus GetStatus()
    {
        var roomStatus = rooms.Select(r => r.Snapshot()).ToArray();
        return new ServerStatus(DateTimeOffset.UtcNow, Stopwatch.GetElapsedTime(startedAt), UsesBatchedIo, roomStatus) { ServerName = Options.ServerName };
    }

    /// <summary>Stops every room (each finishes its current batch) and closes the sockets and outputs.</summary>
    public Task StopAsync()
    {
        lock (stopLock)
        {
            stopped ??= Task.Run(() =>
            {
                foreach (var w in workers)
                {
                    w.Dispose();
                }

                foreach (var r in rooms)
                {
                    r.Dispose();
                }

                logger.LogInformation("broadcast server stopped");
            });
            return stopped;
        }
    }

    public void Dispose() => StopAsync().GetAwaiter().GetResult();

    public async ValueTask DisposeAsync() => await StopAsync().ConfigureAwait(false);
}
