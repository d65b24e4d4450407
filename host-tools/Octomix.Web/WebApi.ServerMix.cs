using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Octomix.Desk.Engine;
using Octomix.Protocol;

namespace Octomix.Web;

/// <summary>
/// The mixes the server makes (docs/web-console.md, "Room mix"): the room mix for listeners and
/// each jammer's personal mix, a gain and a pan per room member. Out-of-range values are 400, a
/// slot with no member 404, a server that did not acknowledge 502 — each with a sentence.
/// </summary>
internal sealed partial class WebApi
{
    private void MapServerMix(IEndpointRouteBuilder app)
    {
        app.MapGet("/api/mix/room", () => ServerMixOf(null));
        app.MapGet("/api/mix/personal/{of:int}", (int of) => ServerMixOf(of));
        app.MapPut("/api/mix/room/{slot:int}", (int slot, ServerMixRequest? request, CancellationToken cancel) => SetServerMixAsync(null, slot, request, cancel));
        app.MapPut("/api/mix/personal/{of:int}/{slot:int}", (int of, int slot, ServerMixRequest? request, CancellationToken cancel) => SetServerMixAsync(of, slot, request, cancel));
    }

    /// <summary>The jammers in the room now: the tracks' boxes and the unbound ones, by slot.</summary>
    private List<(int Slot, string Name)> RoomJammers()
    {
        var snapshot = engine.Snapshot();
        var members = snapshot.Tracks
            .Where(t => t.Slot is int s && Slot.IsJammer(s))
            .Select(t => (t.Slot!.Value, t.Track.BoxName is { } box && !string.Equals(box, t.Track.Name, StringComparison.OrdinalIgnoreCase) ? $"{t.Track.Name} ({box})" : t.Track.Name))
            .Concat(snapshot.UnboundBoxes.Where(u => Slot.IsJammer(u.Slot)).Select(u => (u.Slot, u.Name)));
        return [.. members.OrderBy(m => m.Item1)];
    }

    private IResult ServerMixOf(int? of)
    {
        var jammers = RoomJammers();
        if (of is int jammer && jammers.All(j => j.Slot != jammer))
        {
            return Results.NotFound(new ApiError($"no jammer in slot {jammer} of the room"));
        }

        return Results.Ok(View(engine.ServerMix(of), jammers));
    }

    private async Task<IResult> SetServerMixAsync(int? of, int slot, ServerMixRequest? request, CancellationToken cancel)
    {
        var jammers = RoomJammers();
        if (of is int jammer && jammers.All(j => j.Slot != jammer))
        {
            return Results.NotFound(new ApiError($"no jammer in slot {jammer} of the room: whose personal mix?"));
        }

        if (jammers.All(j => j.Slot != slot))
        {
            return Results.NotFound(new ApiError($"no jammer in slot {slot} of the room"));
        }

        if (request == null || (request.GainDb == null && request.Pan == null))
        {
            return Bad("a mix level needs a JSON body: gainDb and/or pan");
        }

        var now = engine.ServerMix(of).LevelOf(slot);
        var level = new ServerMixLevel(request.GainDb ?? now.GainDb, request.Pan ?? now.Pan);
        if (ServerMixLevel.Problem(level.GainDb, level.Pan) is { } problem)
        {
            return Bad(problem);
        }

        bool acknowledged;
        try
        {
            acknowledged = await engine.SetServerMixLevelAsync(new ServerMixEdit(of, slot, level), cancel).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            acknowledged = false;
        }

        if (!acknowledged)
        {
            return Results.Json(
                new ApiError($"the server did not acknowledge the {(of is int o ? $"personal mix of slot {o}" : "room mix")}: nothing changed"),
                statusCode: StatusCodes.Status502BadGateway);
        }

        return Results.Ok(View(engine.ServerMix(of), RoomJammers()));
    }

    private static WebServerMix View(ServerMixView mix, List<(int Slot, string Name)> jammers) => new(
        mix.PersonalMixOf is int of ? "personal" : "room",
        mix.PersonalMixOf,
        mix.Enabled,
        [.. jammers.Where(j => j.Slot != mix.PersonalMixOf).Select(j => new WebMixMember(j.Slot, j.Name, mix.LevelOf(j.Slot).GainDb, mix.LevelOf(j.Slot).Pan))]);
}
