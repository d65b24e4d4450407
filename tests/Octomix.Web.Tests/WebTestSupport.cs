using System.Diagnostics;
using System.Net;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Octomix.Cli;
using Octomix.Desk.Engine;
using Octomix.Desk.Sessions;

namespace Octomix.Web.Tests;

/// <summary>
/// A real console engine (its server in this process, started here as the CLI does, on an ephemeral loopback UDP port, a SQLite
/// file in a temporary folder) and the web console over it on a real Kestrel (ephemeral TCP port).
/// </summary>
internal sealed class WebRig : IAsyncDisposable
{
    public const string JoinCode = "WEBTEST";

    private WebRig(string root, InProcessServer server, ConsoleEngine engine, WebConsole web)
    {
        Root = root;
        Server = server;
        Engine = engine;
        Web = web;
        Http = new HttpClient { BaseAddress = new Uri(web.Url.GetLeftPart(UriPartial.Authority).Replace(Dns.GetHostName(), "127.0.0.1", StringComparison.Ordinal)), Timeout = TimeSpan.FromSeconds(30) };
    }

    public string Root { get; }

    /// <summary>The room's server (the test's, not the engine's: the engine references none).</summary>
    public InProcessServer Server { get; }

    public ConsoleEngine Engine { get; }

    public WebConsole Web { get; private set; }

    /// <summary>The monitor to the pages, when the rig was started with one.</summary>
    public WebMonitor? Monitor { get; private init; }

    /// <summary>A client of the page's address (a wildcard bind: reached over 127.0.0.1).</summary>
    public HttpClient Http { get; }

    public string RecordingsFolder => Path.Combine(Root, "recordings");

    /// <param name="tracks">Tracks of the session "Unit".</param>
    /// <param name="web">The web console's options (default: loopback, any free port).</param>
    /// <param name="recordingsNotWritable">A file where the recordings folder should be: nothing can be written there (as root, too).</param>
    public static async Task<WebRig> StartAsync(IReadOnlyList<string>? tracks = null, WebConsoleOptions? web = null, bool recordingsNotWritable = false, WebMonitor? monitor = null)
    {
        string root = Path.Combine(Path.GetTempPath(), "octomix-web-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(root);
        if (recordingsNotWritable)
        {
            await File.WriteAllTextAsync(Path.Combine(root, "recordings"), "a file, not a folder");
        }

        var loggers = NullLoggerFactory.Instance;
        var server = new InProcessServer(0, IPAddress.Loopback, loggers);
        ConsoleEngine engine;
        try
        {
            engine = await ConsoleEngine.StartAsync(
                new ConsoleEngineOptions
                {
                    DatabasePath = Path.Combine(root, "console.db"),
                    RecordingsFolder = Path.Combine(root, "recordings"),
                    Session = new SessionInfo { Name = "Unit", JoinCode = JoinCode },
                    Tracks = tracks ?? [],
                    LocalServer = server,
                    Monitor = "none",
                    MonitorSinks = monitor,
                },
                loggers,
                CancellationToken.None);
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }

        try
        {
            var console = await WebConsole.StartAsync(engine, (web ?? new WebConsoleOptions()) with { Monitor = monitor }, loggers, CancellationToken.None);
            return new WebRig(root, server, engine, console) { Monitor = monitor };
        }
        catch
        {
            await engine.DisposeAsync();
            await server.DisposeAsync();
            throw;
        }
    }

    /// <summary>The web console stops and a new one starts on the same port over the same engine (the console restarting, as the page sees it).</summary>
    public async Task RestartWebAsync(TimeSpan down)
    {
        int port = Web.Url.Port;
        await Web.DisposeAsync();
        await Task.Delay(down);
        Web = await WebConsole.StartAsync(Engine, new WebConsoleOptions { Port = port, Monitor = Monitor }, NullLoggerFactory.Instance, CancellationToken.None);
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await Web.DisposeAsync();
        await Engine.DisposeAsync();
        await Server.DisposeAsync();
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

