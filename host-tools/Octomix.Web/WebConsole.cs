using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Octomix.Desk.Engine;

namespace Octomix.Web;

/// <summary>Where the web console listens, and who may use it.</summary>
public sealed record WebConsoleOptions
{
    /// <summary>Address Kestrel binds: loopback by default (only this machine reaches the page).</summary>
    public IPAddress Bind { get; init; } = IPAddress.Loopback;

    /// <summary>TCP port (0 = any free port).</summary>
    public int Port { get; init; }

    /// <summary>
    /// The access token a request must carry when <see cref="Bind"/> is not loopback (null: a random
    /// one is made). On loopback no token is asked for.
    /// </summary>
    public string? AccessToken { get; init; }

    /// <summary>
    /// The state stream's pace: a change is pushed to the pages at most this often, and the
    /// state is looked at at least every 5 of these even when no event came.
    /// </summary>
    public TimeSpan StateInterval { get; init; } = TimeSpan.FromMilliseconds(200);

    /// <summary>
    /// The monitor mix to the pages (GET /api/monitor): the same object the engine's
    /// <c>MonitorSinks</c> has (alone, or teed with the player). Null: the pages get no audio.
    /// </summary>
    public WebMonitor? Monitor { get; init; }
}

/// <summary>
/// The engineer's web console: Kestrel serving the page (embedded in this assembly) and a JSON
/// API over one <see cref="ConsoleEngine"/> — sessions (list, create, open), the open session's
/// tracks with their boxes and ready state, record/stop — and the live state as Server-Sent Events.
/// The engine is the caller's: disposing the web console leaves it running.
/// </summary>
public sealed class WebConsole : IAsyncDisposable
{
    /// <summary>Header, query parameter and cookie that carry the access token.</summary>
    public const string TokenQuery = "token";
    public const string TokenCookie = "octomix_token";

    private readonly WebApplication _app;
    private readonly WebApi _api;
    private readonly WebLive _live;

    private WebConsole(WebApplication app, WebApi api, WebLive live, Uri url, string? token)
    {
        _app = app;
        _api = api;
        _live = live;
        Url = url;
        AccessToken = token;
    }

    /// <summary>The page's address, e.g. http://127.0.0.1:5123/ (for a wildcard bind: this machine's host name).</summary>
    public Uri Url { get; }

    /// <summary>Pages connected to the live events now (each open session view is one).</summary>
    public int Pages => _live.Clients;

    /// <summary>The token every request must carry (null: loopback, none asked for).</summary>
    public string? AccessToken { get; }

    /// <summary>Starts Kestrel on <see cref="WebConsoleOptions.Bind"/>:<see cref="WebConsoleOptions.Port"/> over <paramref name="engine"/>.</summary>
    public static async Task<WebConsole> StartAsync(ConsoleEngine engine, WebConsoleOptions options, ILoggerFactory loggers, CancellationToken cancel)
    {
        ArgumentNullException.ThrowIfNull(engine);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(loggers);
        if (options.Port is < 0 or > 65535)
        {
            throw new ArgumentException("web port: 0..65535");
        }

        bool loopback = IPAddress.IsLoopback(options.Bind);
        string? token = loopback ? null : options.AccessToken ?? NewToken();
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ApplicationName = typeof(WebConsole).Assembly.GetName().Name });
        // ASP.NET Core's own lines go to the caller's loggers, only from Warning up (one line per request otherwise)
        builder.Logging.ClearProviders();
        builder.Logging.AddProvider(new ForwardingLoggerProvider(loggers));
        builder.Logging.AddFilter("Microsoft", LogLevel.Warning);
        builder.WebHost.ConfigureKestrel(k => k.Listen(options.Bind, options.Port));
        builder.Services.ConfigureHttpJsonOptions(j =>
        {
            j.SerializerOptions.PropertyNamingPolicy = JsonNamingPolicy.CamelCase;
            j.SerializerOptions.NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals;
        });
        var app = builder.Build();
        if (token != null)
        {
            app.Use(TokenGate(token));
        }

        app.UseWebSockets();
        var live = new WebLive(engine);
        var api = new WebApi(engine, options.StateInterval, live);
        api.Map(app);
        live.Map(app);
        (options.Monitor ?? new WebMonitor()).Map(app);
        StaticPage.Map(app);
        try
        {
            await app.StartAsync(cancel).ConfigureAwait(false);
        }
        catch (IOException e)
        {
            live.Dispose();
            await api.DisposeAsync().ConfigureAwait(false);
            await app.DisposeAsync().ConfigureAwait(false);
            throw new InvalidOperationException($"cannot serve the web console on {options.Bind}:{options.Port} ({e.Message}): use --web-port", e);
        }

        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        int port = new Uri(address).Port;
        string host = options.Bind.Equals(IPAddress.Any) || options.Bind.Equals(IPAddress.IPv6Any) ? Dns.GetHostName()
            : options.Bind.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? "[" + options.Bind + "]"
            : options.Bind.ToString();
        return new WebConsole(app, api, live, new Uri(string.Create(CultureInfo.InvariantCulture, $"http://{host}:{port}/")), token);
    }

    public async ValueTask DisposeAsync()
    {
        _live.Dispose(); // ends the pages' event streams, so the host stops at once
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(2));
        await _api.DisposeAsync().ConfigureAwait(false); // a collection or playback running in the background ends first
        await _app.StopAsync(stop.Token).ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
    }

    private static string NewToken() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));

    /// <summary>
    /// Every request carries the token: "Authorization: Bearer T", or ?token=T (the link printed at
    /// start; it sets a cookie so the page's own requests carry it), or that cookie. Else 401.
    /// </summary>
    private static Func<HttpContext, RequestDelegate, Task> TokenGate(string token)
    {
        byte[] expected = Encoding.UTF8.GetBytes(token);
        bool Matches(string? given) => given != null && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(given), expected);
        return async (context, next) =>
        {
            string? header = context.Request.Headers.Authorization;
            string? bearer = header != null && header.StartsWith("Bearer ", StringComparison.Ordinal) ? header["Bearer ".Length..].Trim() : null;
            string? query = context.Request.Query[TokenQuery];
            if (Matches(query))
            {
                context.Response.Cookies.Append(TokenCookie, token, new CookieOptions { HttpOnly = true, SameSite = SameSiteMode.Strict, Path = "/" });
                await next(context).ConfigureAwait(false);
                return;
            }

            if (Matches(bearer) || Matches(context.Request.Cookies[TokenCookie]))
            {
                await next(context).ConfigureAwait(false);
                return;
            }

            context.Response.StatusCode = StatusCodes.Status401Unauthorized;
            await context.Response.WriteAsJsonAsync(new ApiError("this web console needs its access token (printed when it started): open the printed link with ?token=…")).ConfigureAwait(false);
        };
    }
}

/// <summary>Hands the web host's log lines to the loggers the caller gave.</summary>
internal sealed class ForwardingLoggerProvider(ILoggerFactory loggers) : ILoggerProvider
{
    public ILogger CreateLogger(string categoryName) => loggers.CreateLogger(categoryName);

    public void Dispose()
    {
        // the caller's loggers stay the caller's
    }
}
