using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using System.Threading.Channels;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Octomix.Desk.Engine;

namespace Octomix.Web;

/// <summary>
/// The engine's typed events, fanned out to the pages: the web console subscribes once
/// (<see cref="ConsoleEngine.Subscribe"/>), as the terminal screen does, and every page connected to
/// <c>GET /api/live</c> (Server-Sent Events) gets each event as it happens — <c>meters</c> (25 per
/// second while a take's monitor runs) and <c>engine</c> (everything else, with its type) — and the
/// state stream (<c>/api/events</c>) is pushed when an event says the state changed.
/// </summary>
internal sealed class WebLive : IDisposable
{
    /// <summary>Events a slow page may fall behind by before the oldest are dropped (it gets the state whole anyway).</summary>
    private const int ClientQueue = 512;

    private readonly ConsoleEngine _engine;
    private readonly IDisposable _subscription;
    private readonly Lock _lock = new();
    private readonly List<Channel<EngineEvent>> _clients = [];
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _version;

    public WebLive(ConsoleEngine engine)
    {
        _engine = engine;
        _subscription = engine.Subscribe(OnEvent);
    }

    /// <summary>The event types' JSON: camelCase, enums as strings, −∞ dB as "-Infinity".</summary>
    public static JsonSerializerOptions Json { get; } = new(JsonSerializerDefaults.Web)
    {
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };

    /// <summary>Goes up by one with every event that changes what the session view shows (not the meters).</summary>
    public long Version => Interlocked.Read(ref _version);

    public void Map(IEndpointRouteBuilder app) => app.MapGet("/api/live", StreamAsync);

    /// <summary>Waits until <see cref="Version"/> is past <paramref name="seen"/>, or <paramref name="atMost"/> passed; returns the version.</summary>
    public async Task<long> WaitForChangeAsync(long seen, TimeSpan atMost, CancellationToken cancel)
    {
        Task changed;
        lock (_lock)
        {
            if (Version != seen)
            {
                return Version;
            }

            changed = _changed.Task;
        }

        try
        {
            await changed.WaitAsync(atMost, cancel).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            // nothing happened: the caller looks anyway
        }

        return Version;
    }

    /// <summary>One event as the pages get it: its fields, "type" (the record's name, camelCase) and "text" (its log line).</summary>
    public static string ToJson(EngineEvent e)
    {
        var node = JsonSerializer.SerializeToNode(e, e.GetType(), Json)!.AsObject();
        node.Remove("logged");
        string name = e.GetType().Name;
        node["type"] = char.ToLowerInvariant(name[0]) + name[1..];
        node["text"] = e.Describe();
        return node.ToJsonString(Json);
    }

    /// <summary>Pages connected to /api/live.</summary>
    public int Clients
    {
        get
        {
            lock (_lock)
            {
                return _clients.Count;
            }
        }
    }

    /// <summary>The web console stops: the streams end.</summary>
    public bool Stopped { get; private set; }

    public void Dispose()
    {
        _subscription.Dispose();
        lock (_lock)
        {
            Stopped = true;
            foreach (var c in _clients)
            {
                c.Writer.TryComplete();
            }

            _clients.Clear();
            _changed.TrySetResult();
        }
    }

    private void OnEvent(EngineEvent e)
    {
        lock (_lock)
        {
            foreach (var client in _clients)
            {
                client.Writer.TryWrite(e);
            }

            if (e is not MetersUpdate)
            {
                Interlocked.Increment(ref _version);
                var changed = _changed;
                _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                changed.TrySetResult();
            }
        }
    }

    /// <summary>
    /// Server-Sent Events: first the events that describe the state now
    /// (<see cref="ConsoleEngine.CurrentState"/>), then every event as it comes: "meters" for
    /// <see cref="MetersUpdate"/>, "engine" for the others.
    /// </summary>
    private async Task StreamAsync(HttpContext context)
    {
        var response = context.Response;
        response.Headers.ContentType = "text/event-stream";
        response.Headers.CacheControl = "no-cache";
        response.Headers["X-Accel-Buffering"] = "no";
        var cancel = context.RequestAborted;
        var queue = Channel.CreateBounded<EngineEvent>(new BoundedChannelOptions(ClientQueue) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true });
        lock (_lock)
        {
            _clients.Add(queue);
        }

        try
        {
            await response.WriteAsync("retry: 1000\n\n", cancel).ConfigureAwait(false);
            foreach (var e in _engine.CurrentState())
            {
                await response.WriteAsync("event: engine\ndata: " + ToJson(e) + "\n\n", cancel).ConfigureAwait(false);
            }

            await response.Body.FlushAsync(cancel).ConfigureAwait(false);
            while (true)
            {
                using var quiet = CancellationTokenSource.CreateLinkedTokenSource(cancel);
                quiet.CancelAfter(TimeSpan.FromSeconds(10));
                bool more;
                try
                {
                    more = await queue.Reader.WaitToReadAsync(quiet.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (!cancel.IsCancellationRequested)
                {
                    await response.WriteAsync(": keep-alive\n\n", cancel).ConfigureAwait(false);
                    await response.Body.FlushAsync(cancel).ConfigureAwait(false);
                    continue;
                }

                if (!more)
                {
                    return; // the web console stops
                }

                while (queue.Reader.TryRead(out var e))
                {
                    string kind = e is MetersUpdate ? "meters" : "engine";
                    await response.WriteAsync("event: " + kind + "\ndata: " + ToJson(e) + "\n\n", cancel).ConfigureAwait(false);
                }

                await response.Body.FlushAsync(cancel).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (cancel.IsCancellationRequested)
        {
            // the page went away
        }
        finally
        {
            lock (_lock)
            {
                _clients.Remove(queue);
            }
        }
    }
}
