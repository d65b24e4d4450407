using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Octomix.Desk.Engine;
using Octomix.Server;

namespace Octomix.Cli;

/// <summary>
/// The broadcast server in the console's process, for `octomix console`, `console --web`, `web`
/// and `demo` when no server elsewhere is named: one room with the session's join code and rate,
/// started when the engine asks (<see cref="ILocalServer"/>) and stopped when this is disposed —
/// after the engine, so the console leaves the room first. The engine itself references no server.
/// </summary>
public sealed class InProcessServer : ILocalServer, IAsyncDisposable
{
    private readonly ServerOptions _template;
    private readonly ILogger _logger;
    private readonly Lock _gate = new();
    private BroadcastServer? _server;

    /// <param name="port">UDP port of the room (0 = an ephemeral one, for tests and the demo).</param>
    /// <param name="bind">Address the room binds (every interface by default, so boxes on the network reach it).</param>
    /// <param name="template">Other server settings (e.g. the join rate limits); room count, port, bind, code and rate are set here.</param>
    public InProcessServer(int port, IPAddress bind, ILoggerFactory loggers, ServerOptions? template = null)
    {
        ArgumentNullException.ThrowIfNull(bind);
        ArgumentNullException.ThrowIfNull(loggers);
        _template = (template ?? new ServerOptions()) with { RoomCount = 1, FirstPort = port, BindAddress = bind };
        _logger = loggers.CreateLogger("octomix.server");
    }

    /// <summary>The UDP port the room asks for (0: any).</summary>
    public int RequestedPort => _template.FirstPort;

    /// <summary>The running server (for its status), or null before the engine asked for it.</summary>
    public BroadcastServer? Server => _server;

    /// <summary>The room's UDP port once running.</summary>
    public int Port => (_server ?? throw new InvalidOperationException("the server in this process is not running")).Ports[0];

    public Task<IPEndPoint> StartRoomAsync(LocalRoom room, CancellationToken cancel)
    {
        ArgumentNullException.ThrowIfNull(room);
        lock (_gate)
        {
            if (_server == null)
            {
                var options = _template with { JoinCodes = [room.JoinCode], SampleRate = room.SampleRate };
                try
                {
                    _server = BroadcastServer.Start(options, _logger);
                }
                catch (SocketException e)
                {
                    throw new InvalidOperationException(
                        $"cannot start the server on UDP {options.FirstPort} ({e.Message}): is another server running there? Use --port, or --server host:port to join it", e);
                }
            }
            else if (_server.Options.JoinCodes[0] != room.JoinCode || _server.Options.SampleRate != room.SampleRate)
            {
                throw new InvalidOperationException(
                    $"the server in this process runs join code {_server.Options.JoinCodes[0]} at {_server.Options.SampleRate} Hz, not {room.JoinCode} at {room.SampleRate} Hz");
            }

            // the console joins over loopback, in the family the room is bound in
            var loopback = _template.BindAddress.AddressFamily == AddressFamily.InterNetworkV6 ? IPAddress.IPv6Loopback : IPAddress.Loopback;
            return Task.FromResult(new IPEndPoint(loopback, _server.Ports[0]));
        }
    }

    public async ValueTask DisposeAsync()
    {
        BroadcastServer? server;
        lock (_gate)
        {
            server = _server;
            _server = null;
        }

        if (server != null)
        {
            await server.DisposeAsync().ConfigureAwait(false);
        }
    }
}
