using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Octomix.Console.Tests;

namespace Octomix.Web.Tests;

/// <summary>The web console's API on a real Kestrel over a real engine (docs/web-console.md).</summary>
public sealed class WebApiTests
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    [Fact]
    public async Task Creates_a_session_with_its_settings_and_tracks_and_lists_it()
    {
        await using var rig = await WebRig.StartAsync();
        var response = await rig.Http.PostAsJsonAsync("/api/sessions", new { name = "Friday", tempo = 96.5, meter = "6/8", countIn = 2, sampleRate = 44100, tracks = new[] { "Anna", "Ben" } });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);

        var sessions = await rig.Http.GetFromJsonAsync<List<WebSession>>("/api/sessions", Json);
        var friday = Assert.Single(sessions!, s => s.Name == "Friday");
        Assert.Equal(96.5, friday.Tempo);
        Assert.Equal("6/8", friday.Meter);
        Assert.Equal(2, friday.CountIn);
        Assert.Equal(44100, friday.SampleRate);
        Assert.False(friday.Open);
        Assert.Equal(WebRig.JoinCode, friday.JoinCode);
        Assert.Equal(["Anna", "Ben"], rig.Engine.Store.Tracks(friday.Id).Select(t => t.Name));
        Assert.Contains(sessions!, s => s.Name == "Unit" && s.Open);
    }

    [Theory]
    [InlineData("""{"name":"Bad tempo","tempo":0}""", "tempo")]
    [InlineData("""{"name":"Fast","tempo":1000}""", "tempo 1000 BPM")]
    [InlineData("""{"name":"Odd","meter":"7/0"}""", "meter 7/0")]
    [InlineData("""{"name":"Odd","meter":"seven"}""", "meter \"seven\"")]
    [InlineData("""{"name":"Long","countIn":9}""", "count-in 9")]
    [InlineData("""{"name":"Rate","sampleRate":12345}""", "sample rate 12345")]
    [InlineData("""{"name":"   "}""", "session name: empty")]
    [InlineData("""{"name":"a/b"}""", "session name: no control characters")]
    [InlineData("""{"name":"Dup","tracks":["Anna","anna"]}""", "\"Anna\" twice")]
    [InlineData("""{"name":"Unit"}""", "exists already")]
    [InlineData("""{"name":"unit"}""", "exists already")]
    public async Task Refuses_a_bad_session_with_a_4xx_that_says_why_and_creates_nothing(string body, string message)
    {
        await using var rig = await WebRig.StartAsync(["Solo"]);
        int sessions = rig.Engine.Store.Sessions().Count;
        using var content = new StringContent(body, System.Text.Encoding.UTF8, "application/json");
        var response = await rig.Http.PostAsync("/api/sessions", content);

        Assert.InRange((int)response.StatusCode, 400, 499);
        var error = await response.Content.ReadFromJsonAsync<ApiError>(Json);
        Assert.Contains(message, error!.Error, StringComparison.Ordinal);
        Assert.Equal(sessions, rig.Engine.Store.Sessions().Count);
        Assert.Equal(["Solo"], rig.Engine.Store.Tracks(rig.Engine.Session.Id).Select(t => t.Name));
    }

    [Fact]
    public async Task Opens_a_session_and_pushes_its_state_as_server_sent_events()
    {
        await using var rig = await WebRig.StartAsync();
        var created = await (await rig.Http.PostAsJsonAsync("/api/sessions", new { name = "Night", tracks = new[] { "Drums" } })).Content.ReadFromJsonAsync<WebSession>(Json);

        using var events = await rig.Http.GetAsync("/api/events", HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal("text/event-stream", events.Content.Headers.ContentType?.MediaType);
        using var reader = new StreamReader(await events.Content.ReadAsStreamAsync());
        var first = await NextStateAsync(reader);
        Assert.Equal("Unit", first.Session.Name);

        var open = await rig.Http.PostAsync($"/api/sessions/{created!.Id}/open", null);
        Assert.Equal(HttpStatusCode.OK, open.StatusCode);
        Assert.Equal("Night", rig.Engine.Session.Name);

        WebState state;
        do
        {
            state = await NextStateAsync(reader);
        }
        while (state.Session.Name != "Night");

        var drums = Assert.Single(state.Tracks);
        Assert.Equal("Drums", drums.Name);
        Assert.False(drums.Ready);
        Assert.Contains("no box", drums.Reasons);
        Assert.Equal(WebRig.JoinCode, state.Session.JoinCode);

        var missing = await rig.Http.PostAsync("/api/sessions/999999/open", null);
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
    }

    [Fact]
    public async Task A_box_turns_its_strip_ready_and_of_two_records_one_wins_and_the_other_is_told()
    {
        await using var rig = await WebRig.StartAsync(["Anna"]);
        using var box = new FakeBox(rig.Engine.LocalServer!.Port, WebRig.JoinCode, "Anna");
        box.Start();
        WebState? state = null;
        Assert.True(await Wait.UntilAsync(
            () =>
            {
                state = rig.Http.GetFromJsonAsync<WebState>("/api/state", Json).GetAwaiter().GetResult();
                return state!.Tracks[0].Ready;
            },
            TimeSpan.FromSeconds(15)));
        var anna = state!.Tracks[0];
        Assert.Equal("Anna", anna.Box);
        Assert.Empty(anna.Reasons);
        Assert.Equal(805, anna.LatencySamples);

        var first = rig.Http.PostAsync("/api/transport/record", null);
        var second = rig.Http.PostAsync("/api/transport/record", null);
        var answers = await Task.WhenAll(first, second);
        Assert.Single(answers, a => a.StatusCode == HttpStatusCode.OK);
        var loser = Assert.Single(answers, a => a.StatusCode == HttpStatusCode.Conflict);
        var told = await loser.Content.ReadFromJsonAsync<ApiError>(Json);
        Assert.Contains("is recording", told!.Error, StringComparison.Ordinal);
        var winner = await answers.Single(a => a.StatusCode == HttpStatusCode.OK).Content.ReadFromJsonAsync<RecordResult>(Json);
        Assert.True(winner!.Started);
        Assert.Equal(["Anna"], winner.Recording);

        state = await rig.Http.GetFromJsonAsync<WebState>("/api/state", Json);
        Assert.Equal("recording", state!.Take!.State);

        var stop = await rig.Http.PostAsync("/api/transport/stop", null);
        Assert.Equal(HttpStatusCode.OK, stop.StatusCode);
        Assert.Equal(1, box.Stops);
        var again = await rig.Http.PostAsync("/api/transport/stop", null);
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
    }

    [Fact]
    public async Task Record_without_a_ready_box_is_refused_with_the_reason()
    {
        await using var rig = await WebRig.StartAsync(["Anna"]);
        var response = await rig.Http.PostAsync("/api/transport/record", null);
        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        var error = await response.Content.ReadFromJsonAsync<ApiError>(Json);
        Assert.Contains("Anna: not ready: no box", error!.Error, StringComparison.Ordinal);
        Assert.Null(rig.Engine.CurrentTake);
    }

    [Fact]
    public async Task Off_loopback_a_request_without_the_access_token_gets_401()
    {
        await using var rig = await WebRig.StartAsync(web: new WebConsoleOptions { Bind = IPAddress.Any });
        Assert.NotNull(rig.Web.AccessToken);
        Assert.True(rig.Web.AccessToken!.Length >= 32);

        Assert.Equal(HttpStatusCode.Unauthorized, (await rig.Http.GetAsync("/api/sessions")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await rig.Http.GetAsync("/")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await rig.Http.GetAsync("/api/sessions?token=wrong")).StatusCode);
        using (var wrong = new HttpRequestMessage(HttpMethod.Post, "/api/sessions") { Content = JsonContent.Create(new { name = "Intruder" }) })
        {
            wrong.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", "0123456789abcdef0123456789abcdef");
            Assert.Equal(HttpStatusCode.Unauthorized, (await rig.Http.SendAsync(wrong)).StatusCode);
        }

        Assert.Null(rig.Engine.Store.FindSession("Intruder"));

        using (var bearer = new HttpRequestMessage(HttpMethod.Get, "/api/sessions"))
        {
            bearer.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", rig.Web.AccessToken);
            Assert.Equal(HttpStatusCode.OK, (await rig.Http.SendAsync(bearer)).StatusCode);
        }

        // the printed link: ?token= sets a cookie that the page's own requests carry
        var page = await rig.Http.GetAsync("/?token=" + rig.Web.AccessToken);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        string cookie = Assert.Single(page.Headers.GetValues("Set-Cookie"));
        Assert.StartsWith(WebConsole.TokenCookie + "=" + rig.Web.AccessToken, cookie, StringComparison.Ordinal);
        using var withCookie = new HttpRequestMessage(HttpMethod.Get, "/api/state");
        withCookie.Headers.Add("Cookie", WebConsole.TokenCookie + "=" + rig.Web.AccessToken);
        Assert.Equal(HttpStatusCode.OK, (await rig.Http.SendAsync(withCookie)).StatusCode);
    }

    [Fact]
    public async Task On_loopback_no_token_is_asked_and_the_page_is_served_from_the_assembly()
    {
        await using var rig = await WebRig.StartAsync();
        Assert.Null(rig.Web.AccessToken);
        Assert.Equal("127.0.0.1", rig.Web.Url.Host);
        Assert.NotEqual(0, rig.Web.Url.Port);
        var page = await rig.Http.GetAsync("/");
        Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
        string html = await page.Content.ReadAsStringAsync();
        Assert.Contains("<script src=\"app.js\">", html, StringComparison.Ordinal);
        Assert.DoesNotContain("http", html.Replace("http-equiv", "", StringComparison.Ordinal), StringComparison.Ordinal); // nothing from a CDN
        Assert.Contains("EventSource", await rig.Http.GetStringAsync("/app.js"), StringComparison.Ordinal);
        Assert.Equal("text/css", (await rig.Http.GetAsync("/app.css")).Content.Headers.ContentType?.MediaType);
    }

    private static async Task<WebState> NextStateAsync(StreamReader reader)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        string? eventName = null;
        while (true)
        {
            string? line = await reader.ReadLineAsync(timeout.Token) ?? throw new EndOfStreamException("the event stream ended");
            if (line.StartsWith("event: ", StringComparison.Ordinal))
            {
                eventName = line["event: ".Length..];
            }
            else if (line.StartsWith("data: ", StringComparison.Ordinal) && eventName == "state")
            {
                return JsonSerializer.Deserialize<WebState>(line["data: ".Length..], Json)!;
            }
        }
    }
}
