using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Octomix.Console.Tests;
using Octomix.Web;

namespace Octomix.Web.Tests;

/// <summary>The room mix and personal mixes over the API (issue 14): set, read back as the server acknowledged them, and refused with a reason.</summary>
public sealed class WebServerMixApiTests
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    [Fact]
    public async Task A_members_pan_in_the_room_mix_is_set_and_read_back_and_bad_levels_get_a_4xx()
    {
        await using var rig = await WebRig.StartAsync(["Anna"]);
        using var box = new FakeBox(rig.Engine.LocalServer!.Port, WebRig.JoinCode, "Anna");
        box.Start();
        Assert.True(await Wait.UntilAsync(() => rig.Engine.Snapshot().Tracks.Single().Slot != null, TimeSpan.FromSeconds(15)));
        int slot = rig.Engine.Snapshot().Tracks.Single().Slot!.Value;

        var set = await rig.Http.PutAsJsonAsync($"/api/mix/room/{slot}", new { gainDb = -6.0, pan = -1.0 });
        Assert.Equal(HttpStatusCode.OK, set.StatusCode);
        var room = await rig.Http.GetFromJsonAsync<WebServerMix>("/api/mix/room", Json);
        var anna = Assert.Single(room!.Members);
        Assert.Equal(("Anna", -6.0, -1.0), (anna.Name, anna.GainDb, anna.Pan));

        // the pan alone: the gain stays
        Assert.Equal(HttpStatusCode.OK, (await rig.Http.PutAsJsonAsync($"/api/mix/room/{slot}", new { pan = 0.5 })).StatusCode);
        anna = Assert.Single((await rig.Http.GetFromJsonAsync<WebServerMix>("/api/mix/room", Json))!.Members);
        Assert.Equal((-6.0, 0.5), (anna.GainDb, anna.Pan));

        var tooLoud = await rig.Http.PutAsJsonAsync($"/api/mix/room/{slot}", new { gainDb = 30.0 });
        Assert.Equal(HttpStatusCode.BadRequest, tooLoud.StatusCode);
        Assert.Contains("gain 30 dB", (await tooLoud.Content.ReadFromJsonAsync<ApiError>(Json))!.Error, StringComparison.Ordinal);

        int empty = slot == 5 ? 6 : 5;
        var nobody = await rig.Http.PutAsJsonAsync($"/api/mix/room/{empty}", new { pan = 0.0 });
        Assert.Equal(HttpStatusCode.NotFound, nobody.StatusCode);
        Assert.Contains($"no jammer in slot {empty}", (await nobody.Content.ReadFromJsonAsync<ApiError>(Json))!.Error, StringComparison.Ordinal);

        // nothing the refusals asked for was kept
        anna = Assert.Single((await rig.Http.GetFromJsonAsync<WebServerMix>("/api/mix/room", Json))!.Members);
        Assert.Equal((-6.0, 0.5), (anna.GainDb, anna.Pan));
    }
}
