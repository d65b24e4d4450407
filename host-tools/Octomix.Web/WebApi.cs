using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Octomix.Desk.Engine;
using Octomix.Desk.Sessions;

namespace Octomix.Web;

/// <summary>
/// The JSON API (docs/web-console.md): every refusal is an HTTP 4xx with <see cref="ApiError"/>
/// naming what is wrong; nothing is half-created (a request is checked whole before anything is written).
/// </summary>
internal sealed partial class WebApi(ConsoleEngine engine, TimeSpan stateInterval, WebLive live)
{
    private readonly Lock _createLock = new();

    public void Map(IEndpointRouteBuilder app)
    {
        app.MapGet("/api/sessions", () => Results.Ok(SessionList()));
        app.MapPost("/api/sessions", (CreateSessionRequest? request) => CreateSession(request));
        app.MapPost("/api/sessions/{id:long}/open", OpenSessionAsync);
        app.MapGet("/api/state", () => Results.Ok(State()));
        app.MapGet("/api/events", StreamStateAsync);
        app.MapPost("/api/tracks", (AddTrackRequest? request) => AddTrack(request));
        app.MapPost("/api/transport/record", RecordAsync);
        app.MapPost("/api/transport/stop", StopAsync);
        MapServerMix(app);
        MapTakes(app);
    }

    private IReadOnlyList<WebSession> SessionList()
    {
        long open = engine.Session.Id;
        return [.. engine.Store.Sessions().Select(s => WebSession.From(s, s.Id == open, engine.Store.Takes(s.Id).Count))];
    }

    private IResult CreateSession(CreateSessionRequest? request)
    {
        if (request == null)
        {
            return Bad("a session needs a JSON body: name, tempo, meter, countIn, sampleRate");
        }

        var problems = new List<string>();
        string name = (request.Name ?? "").Trim();
        problems.AddRange(SessionNameProblems(name));
        int beats = 4, unit = 4;
        string meter = (request.Meter ?? "4/4").Trim();
        var parts = meter.Split('/');
        if (parts.Length != 2 || !int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out beats) || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out unit))
        {
            problems.Add($"meter \"{meter}\": beats/unit, e.g. 4/4 or 6/8");
        }

        double tempo = request.Tempo ?? 120;
        if (double.IsNaN(tempo) || double.IsInfinity(tempo))
        {
            problems.Add("tempo: a number of BPM");
            tempo = 120;
        }

        var tracks = (request.Tracks ?? []).Select(t => (t ?? "").Trim()).ToList();
        if (tracks.Any(t => t.Length == 0))
        {
            problems.Add("tracks: a track needs a name");
        }

        foreach (var twice in tracks.Where(t => t.Length > 0).GroupBy(t => t, StringComparer.OrdinalIgnoreCase).Where(g => g.Count() > 1))
        {
            problems.Add($"tracks: \"{twice.Key}\" twice");
        }

        var room = engine.Session;
        var session = new SessionInfo
        {
            Name = name,
            Project = room.Project,
            // the room's join code: the boxes joined with it, so this console can open the session
            JoinCode = room.JoinCode,
            SampleRate = request.SampleRate ?? room.SampleRate,
            TempoCentiBpm = (int)Math.Clamp(Math.Round(tempo * 100), int.MinValue, int.MaxValue),
            BeatsPerBar = beats,
            BeatUnit = unit,
            CountInBars = request.CountIn ?? 1,
            ClickSound = room.ClickSound,
            ClickLevel = room.ClickLevel,
            ClickDuringTake = room.ClickDuringTake,
            CreatedUtc = DateTime.UtcNow,
        };
        // the name was checked above (SessionNameProblems)
        problems.AddRange(session.Problems().Where(p => !p.StartsWith("session name", StringComparison.Ordinal)));

        if (problems.Count > 0)
        {
            return Bad(string.Join("; ", problems));
        }

        lock (_createLock)
        {
            if (engine.Store.FindSession(name) != null || engine.Store.Sessions().Any(s => string.Equals(s.Name, name, StringComparison.OrdinalIgnoreCase)))
            {
                return Results.Conflict(new ApiError($"a session named \"{name}\" exists already"));
            }

            SessionInfo created;
            try
            {
                created = engine.Store.CreateSession(session);
            }
            catch (ArgumentException e)
            {
                return Bad(e.Message);
            }

            foreach (var track in tracks)
            {
                engine.Store.AddTrack(created.Id, track);
            }

            return Results.Created($"/api/sessions/{created.Id}", WebSession.From(created, false, 0));
        }
    }

    /// <summary>A session's name names its take folders: printable, no path separators, at most 64 characters.</summary>
    internal static IEnumerable<string> SessionNameProblems(string name)
    {
        if (name.Length == 0)
        {
            yield return "session name: empty";
            yield break;
        }

        if (name.Length > 64)
        {
            yield return $"session name: {name.Length} characters, at most 64";
        }

        if (name.Any(char.IsControl) || name.IndexOfAny(['/', '\\']) >= 0)
        {
            yield return "session name: no control characters, '/' or '\\'";
        }
    }

    private async Task<IResult> OpenSessionAsync(long id, CancellationToken cancel)
    {
        var session = engine.Store.Session(id);
        if (session == null)
        {
            return Results.NotFound(new ApiError($"no session with id {id}"));
        }

        try
        {
            await engine.SwitchSessionAsync(session.Name, cancel).ConfigureAwait(false);
        }
        catch (InvalidOperationException e)
        {
            return Results.Conflict(new ApiError(e.Message));
        }

        return Results.Ok(State());
    }

    private IResult AddTrack(AddTrackRequest? request)
    {
        string name = (request?.Name ?? "").Trim();
        if (TrackNameProblem(name) is string problem)
        {
            return Bad(problem);
        }

        try
        {
            var track = engine.AddTrack(name);
            return Results.Created($"/api/tracks/{track.Id}", new { track.Id, track.Position, track.Name });
        }
        catch (ArgumentException e)
        {
            return Results.Conflict(new ApiError(e.Message));
        }
    }

    private async Task<IResult> RecordAsync(CancellationToken cancel)
    {
        if (Busy() is string busy)
        {
            return Results.Conflict(new ApiError(busy));
        }

        RecordOutcome outcome;
        try
        {
            outcome = await engine.RecordAsync(cancel).ConfigureAwait(false);
        }
        catch (InvalidOperationException e)
        {
            // the take another engineer (or page) started is recording: this one is told so
            return Results.Conflict(new ApiError(e.Message));
        }

        var result = new RecordResult(
            outcome.Started,
            outcome.Take?.Number,
            outcome.Recording,
            [.. outcome.NotRecording.Select(p => p.ToString())]);
        return outcome.Started ? Results.Ok(result) : Results.Conflict(new ApiError("no track is ready: " + string.Join("; ", result.NotRecording)));
    }

    private async Task<IResult> StopAsync(CancellationToken cancel)
    {
        if (engine.CurrentTake is not { Info.State: TakeState.Recording })
        {
            return Results.Conflict(new ApiError("no take is recording"));
        }

        try
        {
            var stop = await engine.StopAsync(cancel).ConfigureAwait(false);
            // then collected and written in the background; the state shows the progress
            StartJob("collecting take " + stop.Take.Number, CollectAndWriteAsync);
            return Results.Ok(new StopResult(stop.Take.Number, stop.Stopped, [.. stop.Problems.Select(p => p.ToString())]));
        }
        catch (InvalidOperationException e)
        {
            return Results.Conflict(new ApiError(e.Message));
        }
    }

    /// <summary>
    /// Server-Sent Events: "state" with the whole <see cref="WebState"/> when it changed — looked at
    /// when an engine event came (at most once per interval), and at least every 5 intervals.
    /// </summary>
    private async Task StreamStateAsync(HttpContext context)
    {
        var json = context.RequestServices.GetRequiredService<IOptions<JsonOptions>>().Value.SerializerOptions;
        var response = context.Response;
        response.Headers.ContentType = "text/event-stream";
        response.Headers.CacheControl = "no-cache";
        response.Headers["X-Accel-Buffering"] = "no";
        var cancel = context.RequestAborted;
        string last = "";
        var quiet = System.Diagnostics.Stopwatch.StartNew();
        try
        {
            await response.WriteAsync("retry: 1000\n\n", cancel).ConfigureAwait(false);
            await response.Body.FlushAsync(cancel).ConfigureAwait(false);
            long seen = live.Version;
            while (true)
            {
                string state = JsonSerializer.Serialize(State(), json);
                if (state != last)
                {
                    last = state;
                    quiet.Restart();
                    await response.WriteAsync("event: state\ndata: " + state + "\n\n", cancel).ConfigureAwait(false);
                    await response.Body.FlushAsync(cancel).ConfigureAwait(false);
                }
                else if (quiet.Elapsed > TimeSpan.FromSeconds(10))
                {
                    quiet.Restart();
                    await response.WriteAsync(": keep-alive\n\n", cancel).ConfigureAwait(false);
                    await response.Body.FlushAsync(cancel).ConfigureAwait(false);
                }

                await Task.Delay(stateInterval, cancel).ConfigureAwait(false);
                long now = await live.WaitForChangeAsync(seen, stateInterval * 4, cancel).ConfigureAwait(false);
                if (now == seen && live.Stopped)
                {
                    return; // the web console stops
                }

                seen = now;
            }
        }
        catch (OperationCanceledException) when (cancel.IsCancellationRequested)
        {
            // the page went away
        }
    }

    private static IResult Bad(string message) => Results.BadRequest(new ApiError(message));
}
