using System.Net;
using Microsoft.Playwright;
using Octomix.Cli;
using Xunit.Abstractions;

namespace Octomix.Web.Tests;

/// <summary>
/// The page in a real browser (one Chromium for the class: <see cref="BrowserFixture"/>).
/// Screenshots go to the test output folder (screenshots/).
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class WebBrowserTests(BrowserFixture browser, ITestOutputHelper output) : IClassFixture<BrowserFixture>
{
    [Fact]
    public async Task Creates_a_session_in_the_page_sees_it_listed_and_opens_its_view()
    {
        await using var rig = await WebRig.StartAsync(["Click"]);
        var (context, page) = await browser.NewPageAsync();
        await using var closeContext = context;
        var problems = WatchProblems(page);

        await page.GotoAsync(rig.Web.Url.ToString());
        await Assertions.Expect(page.Locator("#sessions tbody tr[data-session='Unit']")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("#connection")).ToHaveAttributeAsync("data-state", "live");

        // a bad tempo: the page says why, and nothing is created
        await page.FillAsync("#new-name", "Session B");
        await page.FillAsync("#new-tempo", "1000");
        await page.ClickAsync("#create");
        await Assertions.Expect(page.Locator("#create-error")).ToContainTextAsync("tempo 1000 BPM");
        Assert.Null(rig.Engine.Store.FindSession("Session B"));

        await page.FillAsync("#new-tempo", "98");
        await page.FillAsync("#new-meter", "3/4");
        await page.FillAsync("#new-tracks", "Anna, Ben");
        await page.ClickAsync("#create");
        var row = page.Locator("#sessions tbody tr[data-session='Session B']");
        await Assertions.Expect(row).ToBeVisibleAsync();
        await Assertions.Expect(row.Locator("td").Nth(2)).ToHaveTextAsync("3/4");
        await Assertions.Expect(page.Locator("#create-error")).ToHaveTextAsync("");

        await row.Locator("button.open-session").ClickAsync();
        await Assertions.Expect(page.Locator("#session-page")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("#session-name")).ToHaveTextAsync("Session B");
        await Assertions.Expect(page.Locator("#join-code")).ToHaveTextAsync(WebRig.JoinCode);
        await Assertions.Expect(page.Locator(".strip")).ToHaveCountAsync(2);
        var anna = page.Locator(".strip[data-track='Anna']");
        await Assertions.Expect(anna).ToHaveAttributeAsync("data-ready", "false");
        await Assertions.Expect(anna.Locator(".reasons")).ToHaveTextAsync("no box");
        Assert.Equal("Session B", rig.Engine.Session.Name);

        // a track added from the page appears as a strip (pushed by the server)
        await page.FillAsync("#add-track-name", "Chloé");
        await page.ClickAsync("#add-track button");
        await Assertions.Expect(page.Locator(".strip[data-track='Chloé']")).ToBeVisibleAsync();

        await ScreenshotAsync(page, "session-view.png");
        Assert.Empty(problems);
    }

    [Fact]
    public async Task The_whole_take_in_the_page_three_boxes_record_stop_collect_fader_render_and_download_a_stem()
    {
        await using var rig = await WebRig.StartAsync();
        var (context, page) = await browser.NewPageAsync();
        await using var closeContext = context;
        var problems = WatchProblems(page);
        await page.GotoAsync(rig.Web.Url.ToString());
        await Assertions.Expect(page.Locator("#connection")).ToHaveAttributeAsync("data-state", "live");

        // a session made in the page, with two tracks, and a third added in its view
        await page.FillAsync("#new-name", "Flow");
        await page.FillAsync("#new-count-in", "0");
        await page.FillAsync("#new-tracks", "Anna, Ben");
        await page.ClickAsync("#create");
        var row = page.Locator("#sessions tbody tr[data-session='Flow']");
        await row.Locator("button.open-session").ClickAsync();
        await Assertions.Expect(page.Locator("#session-name")).ToHaveTextAsync("Flow");
        await page.FillAsync("#add-track-name", "Chloé");
        await page.ClickAsync("#add-track button");
        await Assertions.Expect(page.Locator(".strip")).ToHaveCountAsync(3);

        // three simulated boxes (the real firmware on a simulated board, in real time), named like the tracks
        StudioMusician[] musicians = [new("Anna", 12, 0, 0, 0), new("Ben", 97, 0, 0, 0), new("Chloé", 203, 0, 0, 0)];
        using var studio = new SimulatedStudio(rig.Root, IPAddress.Loopback.ToString(), rig.Engine.LocalServer!.Port, WebRig.JoinCode, musicians);
        studio.Start();
        foreach (var m in musicians)
        {
            await WaitReadyAsync(page, m.Name);
        }

        await ScreenshotAsync(page, "flow-1-ready.png");

        // record 3 s, stop; the take is collected and written by itself
        await page.ClickAsync("#record");
        await Assertions.Expect(page.Locator("#take-state")).ToHaveAttributeAsync("data-state", "recording");
        await Assertions.Expect(page.Locator("#stop")).ToBeEnabledAsync();
        await Assertions.Expect(page.Locator("#take-tracks li")).ToHaveCountAsync(3);
        await page.WaitForTimeoutAsync(3000);
        await Assertions.Expect(page.Locator("#elapsed")).Not.ToHaveTextAsync("");
        await ScreenshotAsync(page, "flow-2-recording.png");
        await page.ClickAsync("#stop");
        await Assertions.Expect(page.Locator("#take-state")).ToHaveAttributeAsync("data-state", "complete", new() { Timeout = 60_000 });
        var take = page.Locator("#takes tbody tr[data-take='1']");
        await Assertions.Expect(take).ToHaveAttributeAsync("data-written", "true");
        await Assertions.Expect(take.Locator("a.download")).ToHaveCountAsync(6); // three stems, mix, .rpp, .lof
        await Assertions.Expect(page.Locator("#play")).ToBeEnabledAsync();

        // a fader moved in the page is the engine's (persisted)
        long annaId = rig.Engine.Tracks.Single(t => t.Name == "Anna").Id;
        await page.Locator(".strip[data-track='Anna'] input.fader").FillAsync("-6");
        Assert.True(await Wait.UntilAsync(() => rig.Engine.Store.Tracks(rig.Engine.Session.Id).Single(t => t.Id == annaId).FaderDb == -6, TimeSpan.FromSeconds(10)), "the fader reached the engine");

        // render the mix with it
        string folder = rig.Engine.Store.Takes(rig.Engine.Session.Id).Single().Folder!;
        string mix = Path.Combine(folder, "Flow_1_mix.wav");
        byte[] before = await File.ReadAllBytesAsync(mix);
        await take.Locator("button.render-mix").ClickAsync();
        await Assertions.Expect(page.Locator("#takes-message")).ToContainTextAsync("take 1: mix rendered");
        Assert.NotEqual(before, await File.ReadAllBytesAsync(mix));

        // a stem downloaded through the page's link is the take folder's file, byte for byte
        var link = take.Locator("a.download[data-file='Flow_1_Ben.wav']");
        var download = await page.RunAndWaitForDownloadAsync(() => link.ClickAsync());
        Assert.Equal("Flow_1_Ben.wav", download.SuggestedFilename);
        string saved = Path.Combine(rig.Root, "downloaded.wav");
        await download.SaveAsAsync(saved);
        Assert.Equal(await File.ReadAllBytesAsync(Path.Combine(folder, "Flow_1_Ben.wav")), await File.ReadAllBytesAsync(saved));

        await ScreenshotAsync(page, "flow-3-complete.png");
        Assert.Empty(problems);
    }

    /// <summary>
    /// Waits for a strip to turn ready. No second Calibrate: a box whose loop stalls on a loaded
    /// machine measures its round trip again by itself (docs/box.md, "Stalls and calibration").
    /// </summary>
    private static Task WaitReadyAsync(IPage page, string track) =>
        Assertions.Expect(page.Locator($".strip[data-track='{track}']")).ToHaveAttributeAsync("data-ready", "true", new() { Timeout = 30_000 });

    private static List<string> WatchProblems(IPage page)
    {
        var problems = new List<string>();
        page.PageError += (_, e) => problems.Add("page error: " + e);
        page.Console += (_, m) =>
        {
            // refusals answer 4xx on purpose (their messages are asserted in the page)
            if (m.Type == "error" && !m.Text.StartsWith("Failed to load resource", StringComparison.Ordinal))
            {
                problems.Add("console: " + m.Text);
            }
        };
        return problems;
    }

    private async Task ScreenshotAsync(IPage page, string name)
    {
        string shot = Path.Combine(AppContext.BaseDirectory, "screenshots", name);
        Directory.CreateDirectory(Path.GetDirectoryName(shot)!);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = shot, FullPage = true });
        output.WriteLine("screenshot: " + shot);
    }
}

/// <summary>The browser tests run alone: real-time simulated boxes calibrate reliably only on a machine that is not busy with the other tests.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class BrowserCollection
{
    public const string Name = "browser";
}
