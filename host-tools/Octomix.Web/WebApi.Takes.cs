using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Octomix.Desk.Engine;
using Octomix.Desk.Export;
using Octomix.Desk.Monitor;
using Octomix.Desk.Sessions;

namespace Octomix.Web;

/// <summary>
/// The takes, transport and mixer half of the API (docs/web-console.md): the takes of a session
/// with their files (downloaded from the take folder), stop → collect → write in the background,
/// play back, collect again, the strips' fader/pan/mute/solo, rename/remove a track, render mix.
/// </summary>
internal sealed partial class WebApi : IAsyncDisposable
{
    /// <summary>At most this many characters in a track name (it names stems and DAW tracks).</summary>
    internal const int TrackNameMax = 64;

    private readonly Lock _jobLock = new();
    private readonly CancellationTokenSource _shutdown = new();
    private Task _job = Task.CompletedTask;
    private volatile string? _activity;
    private volatile string? _jobMessage;

    /// <summary>What the console does in the background now (collecting, writing, playing back), or null.</summary>
    internal string? Activity => _activity;

    private void MapTakes(IEndpointRouteBuilder app)
    {
        app.MapGet("/api/sessions/{id:long}/takes", (long id) => TakeList(id));
        app.MapGet("/api/takes/{id:long}/files/{name}", (long id, string name) => Download(id, name));
        app.MapPost("/api/takes/{id:long}/render", RenderAsync);
        app.MapPost("/api/transport/play", () => Play());
        app.MapPost("/api/transport/collect", () => Collect());
        app.MapPut("/api/tracks/{id:long}/mix", (long id, TrackMixRequest? request) => SetMix(id, request));
        app.MapMethods("/api/tracks/{id:long}", ["PATCH"], (long id, RenameTrackRequest? request) => Rename(id, request));
        app.MapDelete("/api/tracks/{id:long}", (long id) => Remove(id));
        app.MapPost("/api/tracks/{id:long}/calibrate", CalibrateAsync);
    }

    /// <summary>The whole state for the pages: the engine's snapshot and what runs in the background.</summary>
    private WebState State() => WebState.From(engine.Snapshot()) with { Activity = _activity, ActivityMessage = _jobMessage };

    /// <summary>A track's name: not empty, at most <see cref="TrackNameMax"/> characters, no control characters, '/' or '\'.</summary>
    internal static string? TrackNameProblem(string name)
    {
        if (name.Length == 0)
        {
            return "track name: empty";
        }

        if (name.Length > TrackNameMax)
        {
            return $"track name: {name.Length} characters, at most {TrackNameMax}";
        }

        return name.Any(char.IsControl) || name.IndexOfAny(['/', '\\']) >= 0 ? "track name: no control characters, '/' or '\\'" : null;
    }

    private IResult TakeList(long sessionId)
    {
        var session = engine.Store.Session(sessionId);
        if (session == null)
        {
            return Results.NotFound(new ApiError($"no session with id {sessionId}"));
        }

        var current = engine.CurrentTake;
        var list = engine.Store.Takes(sessionId)
            .OrderByDescending(t => t.Number)
            .Select(t => Entry(session, current is { } open && open.Id == t.Id ? open.Info : t))
            .ToList();
        return Results.Ok(list);
    }

    private WebTakeEntry Entry(SessionInfo session, TakeInfo take)
    {
        var rows = engine.Store.TakeTracks(take.Id);
        var problems = rows.Where(r => r.Problem != null).Select(r => $"{r.TrackName}: {r.Problem}").ToList();
        var files = new List<WebTakeFile>();
        double? duration = null;
        foreach (var (name, kind, path) in TakeFiles(session, take, rows))
        {
            var info = new FileInfo(path);
            files.Add(new WebTakeFile(name, kind, info.Length, string.Create(CultureInfo.InvariantCulture, $"/api/takes/{take.Id}/files/{Uri.EscapeDataString(name)}")));
            if (kind == "mix")
            {
                try
                {
                    var wav = WavData.Open(path);
                    duration = Math.Round(wav.DataBytes / (double)wav.FrameBytes / wav.SampleRate, 3);
                }
                catch (Exception e) when (e is IOException or InvalidDataException)
                {
                    problems.Add($"mix: {e.Message}");
                }
            }
        }

        duration ??= take.StoppedUtc is DateTime stopped ? Math.Round((stopped - take.StartedUtc).TotalSeconds, 1) : null;
        return new WebTakeEntry(
            take.Id,
            take.Number,
            take.State.ToString().ToLowerInvariant(),
            take.StartedUtc,
            take.StoppedUtc,
            duration,
            files.Sum(f => f.Bytes),
            files.Count > 0,
            files,
            [.. rows.Where(r => r.State != TakeTrackState.Refused).Select(r => r.TrackName)],
            problems);
    }

    /// <summary>
    /// The files of a take folder this console wrote: every stem, the mix, the .rpp and the .lof
    /// (names as the export gives them; only those that are there). Nothing else is served.
    /// </summary>
    private static IEnumerable<(string Name, string Kind, string Path)> TakeFiles(SessionInfo session, TakeInfo take, IReadOnlyList<TakeTrackInfo> rows)
    {
        if (take.Folder == null || !Directory.Exists(take.Folder))
        {
            yield break;
        }

        var complete = rows.Where(r => r.State == TakeTrackState.Complete).Select(r => r.TrackName).ToList();
        if (complete.Count == 0)
        {
            yield break;
        }

        var names = TakeExporter.FileNames(session.Name, take.Number.ToString(CultureInfo.InvariantCulture), complete);
        var candidates = names.Stems.Select(s => (s, "stem"))
            .Concat(names.Stems.SelectMany(s => Enumerable.Range(1, 8).Select(p => (Octomix.Drivers.Bwf.BwfWriter.PartPath(s, p), "stem"))))
            .Append((names.Mix, "mix"))
            .Append((names.Reaper, "rpp"))
            .Append((names.Audacity, "lof"));
        foreach (var (name, kind) in candidates)
        {
            string path = System.IO.Path.Combine(take.Folder, name);
            if (File.Exists(path))
            {
                yield return (name, kind, path);
            }
        }
    }

    private IResult Download(long takeId, string name)
    {
        var take = takeId is > 0 and <= uint.MaxValue ? engine.Store.Take((uint)takeId) : null;
        var session = take != null ? engine.Store.Session(take.SessionId) : null;
        if (take == null || session == null)
        {
            return Results.NotFound(new ApiError($"no take with id {takeId}"));
        }

        // only a file of the take's own list, by its exact name: no path reaches anything else
        var file = TakeFiles(session, take, engine.Store.TakeTracks(take.Id)).FirstOrDefault(f => string.Equals(f.Name, name, StringComparison.Ordinal));
        if (file.Path == null)
        {
            return Results.NotFound(new ApiError($"take {take.Number} has no file \"{name}\""));
        }

        string type = file.Kind is "stem" or "mix" ? "audio/wav" : file.Kind == "rpp" ? "application/x-reaper-project" : "text/plain; charset=utf-8";
        return Results.File(file.Path, type, file.Name);
    }

    private async Task<IResult> RenderAsync(long id, CancellationToken cancel)
    {
        if (Busy() is string busy)
        {
            return Results.Conflict(new ApiError(busy));
        }

        if (id is <= 0 or > uint.MaxValue)
        {
            return Results.NotFound(new ApiError($"no take with id {id}"));
        }

        try
        {
            var files = await engine.RenderMixAsync((uint)id, cancel).ConfigureAwait(false);
            return Results.Ok(new RenderResult(files.Mix.FileName, files.Mix.Frames, Math.Round(files.Mix.GainDb, 2)));
        }
        catch (KeyNotFoundException e)
        {
            return Results.NotFound(new ApiError(e.Message));
        }
        catch (Exception e) when (e is InvalidOperationException or IOException or UnauthorizedAccessException)
        {
            return Results.Conflict(new ApiError("render mix: " + e.Message));
        }
        catch (ArgumentException e)
        {
            return Bad("render mix: " + e.Message);
        }
    }

    private IResult Play()
    {
        if (engine.CurrentTake is not { } take || take.Info.Folder == null)
        {
            return Results.Conflict(new ApiError("no written take to play back: record, stop and wait until it is complete"));
        }

        return StartJob("playing back take " + take.Info.Number, async cancel =>
        {
            var p = await engine.PlaybackAsync(cancel).ConfigureAwait(false);
            return $"take {take.Info.Number} played back to {p.Playing.Count} box(es)" + (p.Problems.Count > 0 ? "; " + string.Join("; ", p.Problems) : "");
        });
    }

    private IResult Collect()
    {
        if (engine.CurrentTake is not { Info.State: TakeState.Incomplete or TakeState.Collecting or TakeState.Stopping } take)
        {
            return Results.Conflict(new ApiError("no stopped take is waiting to be collected"));
        }

        return StartJob("collecting take " + take.Info.Number, CollectAndWriteAsync);
    }

    /// <summary>Collects the open take and, once complete, writes its take folder (what the terminal's "s" does after Stop).</summary>
    private async Task<string> CollectAndWriteAsync(CancellationToken cancel)
    {
        var report = await engine.CollectAsync(cancel).ConfigureAwait(false);
        if (!report.Complete)
        {
            return $"take {report.Take.Number} INCOMPLETE: " + string.Join("; ", report.Incomplete.Select(t => $"{t.TrackName}: {t.Problem}")) + " (collect again)";
        }

        _activity = "writing take " + report.Take.Number;
        var export = await engine.ExportAsync(null, false, cancel).ConfigureAwait(false);
        return $"take {report.Take.Number} written to {export.Files.Folder}";
    }

    /// <summary>Runs <paramref name="work"/> in the background (one job at a time): 202, or 409 while another runs.</summary>
    private IResult StartJob(string activity, Func<CancellationToken, Task<string>> work)
    {
        lock (_jobLock)
        {
            if (Busy() is string busy)
            {
                return Results.Conflict(new ApiError(busy));
            }

            _activity = activity;
            _jobMessage = null;
            var cancel = _shutdown.Token;
            _job = Task.Run(
                async () =>
                {
                    try
                    {
                        _jobMessage = await work(cancel).ConfigureAwait(false);
                    }
                    catch (OperationCanceledException) when (cancel.IsCancellationRequested)
                    {
                        _jobMessage = activity + ": stopped (the web console closed)";
                    }
                    catch (Exception e) when (e is InvalidOperationException or ArgumentException or IOException or UnauthorizedAccessException or KeyNotFoundException)
                    {
                        _jobMessage = activity + ": " + e.Message;
                    }
                    finally
                    {
                        _activity = null;
                    }
                },
                CancellationToken.None);
            return Results.Accepted(value: new JobResult(activity));
        }
    }

    /// <summary>Why nothing else can start now (a job runs), or null.</summary>
    private string? Busy() => _job.IsCompleted ? null : $"busy: {_activity ?? "working"}; wait until it is done";

    private IResult SetMix(long id, TrackMixRequest? request)
    {
        var track = engine.Tracks.FirstOrDefault(t => t.Id == id);
        if (track == null)
        {
            return Results.NotFound(new ApiError($"the open session has no track with id {id}"));
        }

        if (request == null)
        {
            return Bad("a mix change needs a JSON body: faderDb, pan, mute, solo (each optional)");
        }

        double fader = request.FaderDb ?? track.FaderDb;
        double pan = request.Pan ?? track.Pan;
        var problems = new List<string>();
        if (double.IsNaN(fader) || fader > MixLaw.FaderMaxDb || (fader < MixLaw.FaderOffDb && !double.IsNegativeInfinity(fader)))
        {
            problems.Add(string.Create(CultureInfo.InvariantCulture, $"fader {fader} dB: {MixLaw.FaderOffDb} (off) .. +{MixLaw.FaderMaxDb} dB"));
        }

        if (double.IsNaN(pan) || pan is < -1 or > 1)
        {
            problems.Add(string.Create(CultureInfo.InvariantCulture, $"pan {pan}: -1 (left) .. +1 (right)"));
        }

        if (problems.Count > 0)
        {
            return Bad(string.Join("; ", problems));
        }

        engine.SetTrackMix(track.Id, fader, pan, request.Mute ?? track.Mute, request.Solo ?? track.Solo);
        var now = engine.Tracks.First(t => t.Id == id);
        return Results.Ok(new TrackMix(now.Id, now.Name, now.FaderDb, now.Pan, now.Mute, now.Solo));
    }

    private IResult Rename(long id, RenameTrackRequest? request)
    {
        string name = (request?.Name ?? "").Trim();
        if (TrackNameProblem(name) is string problem)
        {
            return Bad(problem);
        }

        try
        {
            var track = engine.RenameTrack(id, name);
            return Results.Ok(new { track.Id, track.Position, track.Name });
        }
        catch (KeyNotFoundException e)
        {
            return Results.NotFound(new ApiError(e.Message));
        }
        catch (ArgumentException e)
        {
            return Results.Conflict(new ApiError(e.Message));
        }
    }

    /// <summary>Asks the track's box to measure its round trip again (a box whose calibration failed records only after one succeeds).</summary>
    private async Task<IResult> CalibrateAsync(long id, CancellationToken cancel)
    {
        if (engine.Tracks.All(t => t.Id != id))
        {
            return Results.NotFound(new ApiError($"the open session has no track with id {id}"));
        }

        var problems = await engine.CalibrateAsync(id, cancel).ConfigureAwait(false);
        return problems.Count == 0 ? Results.Accepted() : Results.Conflict(new ApiError("calibrate: " + string.Join("; ", problems)));
    }

    private IResult Remove(long id)
    {
        try
        {
            var track = engine.RemoveTrack(id);
            return Results.Ok(new { track.Id, track.Position, track.Name });
        }
        catch (KeyNotFoundException e)
        {
            return Results.NotFound(new ApiError(e.Message));
        }
        catch (InvalidOperationException e)
        {
            return Results.Conflict(new ApiError(e.Message));
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _shutdown.CancelAsync().ConfigureAwait(false);
        try
        {
            await _job.WaitAsync(TimeSpan.FromSeconds(15)).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            // the engine's own disposal ends what is left
        }

        _shutdown.Dispose();
    }
}
