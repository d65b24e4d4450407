using Microsoft.Playwright;
using Xunit.Abstractions;

namespace Octomix.Web.Tests;

/// <summary>
/// The page in a real browser: Microsoft.Playwright driving Debian's chromium (/usr/bin/chromium,
/// installed by .ci/run; OCTOMIX_CHROMIUM points elsewhere). Screenshots go to the test output folder.
/// </summary>
public sealed class WebBrowserTests(ITestOutputHelper output)
{
    private static string Chromium => Environment.GetEnvironmentVariable("OCTOMIX_CHROMIUM") ?? "/usr/bin/chromium";

    [Fact]
    public async Task Creates_a_session_in_the_page_sees_it_listed_and_opens_its_view()
    {
        Assert.True(File.Exists(Chromium), $"{Chromium} is missing: apt-get install chromium (.ci/run does)");
        await using var rig = await WebRig.StartAsync(["Click"]);
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Chromium,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
        });
        var page = await browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1280, Height = 900 } });
        page.SetDefaultTimeout(15_000);
        var problems = new List<string>();
        page.PageError += (_, e) => problems.Add("page error: " + e);
        page.Console += (_, m) =>
        {
            // the refused create answers 400 on purpose (its message is asserted in the page)
            if (m.Type == "error" && !m.Text.StartsWith("Failed to load resource", StringComparison.Ordinal))
            {
                problems.Add("console: " + m.Text);
            }
        };

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

        string shot = Path.Combine(AppContext.BaseDirectory, "screenshots", "session-view.png");
        Directory.CreateDirectory(Path.GetDirectoryName(shot)!);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = shot, FullPage = true });
        output.WriteLine("screenshot: " + shot);
        Assert.Empty(problems);
    }
}
