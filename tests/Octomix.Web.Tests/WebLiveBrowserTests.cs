using System.Text.Json;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace Octomix.Web.Tests;

/// <summary>
/// The live half in Chromium (/usr/bin/chromium, or OCTOMIX_CHROMIUM): meters moving, the monitor
/// mix played by the page's AudioWorklet, and the page coming back by itself after the console restarts.
/// </summary>
public sealed class WebLiveBrowserTests(ITestOutputHelper output)
{
    private static string Chromium => Environment.GetEnvironmentVariable("OCTOMIX_CHROMIUM") ?? "/usr/bin/chromium";

    [Fact]
    public async Task Meters_move_and_the_monitor_worklet_receives_samples_while_three_boxes_play()
    {
        Assert.True(File.Exists(Chromium), $"{Chromium} is missing: apt-get install chromium (.ci/run does)");
        var monitor = new WebMonitor();
        await using var rig = await WebRig.StartAsync(["Anna", "Ben", "Chloé"], monitor: monitor);
        using var boxes = new PlayingBoxes(rig, "Anna", "Ben", "Chloé");
        await using var browser = await BrowserAsync();
        var (page, problems) = await OpenAsync(browser, rig);

        await Assertions.Expect(page.Locator(".live-track[data-track='Chloé'][data-ready='true']")).ToBeVisibleAsync(new() { Timeout = 20_000 });
        await page.ClickAsync("#monitor-toggle");
        await Assertions.Expect(page.Locator("#monitor-delay")).ToContainTextAsync("no take playing");

        await page.ClickAsync("#record");
        await Assertions.Expect(page.Locator("#take-state")).ToHaveAttributeAsync("data-state", "recording");
        boxes.Play(rig.Engine.CurrentTake!.Id);

        // the worklet's counter grows while the boxes play (and the meters move: the tone is −12 dBFS)
        await page.WaitForFunctionAsync("() => window.octomixMonitor.samplesReceived > 24000", null, new() { Timeout = 20_000 });
        long before = await page.EvaluateAsync<long>("() => window.octomixMonitor.samplesReceived");
        int metersBefore = await page.EvaluateAsync<int>("() => window.octomixLive.meterUpdates");
        await page.WaitForTimeoutAsync(1500);
        long after = await page.EvaluateAsync<long>("() => window.octomixMonitor.samplesReceived");
        int metersAfter = await page.EvaluateAsync<int>("() => window.octomixLive.meterUpdates");
        output.WriteLine($"worklet: {before} → {after} frames in 1.5 s; meters: {metersBefore} → {metersAfter}");
        Assert.True(after - before > 24000, $"the worklet got {after - before} frames in 1.5 s");
        Assert.True(metersAfter - metersBefore >= 20, $"{metersAfter - metersBefore} meter updates in 1.5 s");
        await page.WaitForFunctionAsync("() => [...document.querySelectorAll('.live-track .live-peak')].every(e => parseFloat(e.style.width) > 50)", null, new() { Timeout = 10_000 });
        await Assertions.Expect(page.Locator("#monitor-delay")).ToContainTextAsync("console");
        double consoleDelay = await page.EvaluateAsync<double>("() => window.octomixMonitor.consoleDelayMs");
        Assert.InRange(consoleDelay, 1, 1000);
        Assert.True(monitor.Listeners >= 1);

        await Screenshot(page, "live-session-view.png");
        if (Environment.GetEnvironmentVariable("OCTOMIX_DOCS_SCREENSHOT") is { Length: > 0 } docs)
        {
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = docs, FullPage = true });
        }

        // Stop listening: the socket closes and the page stops counting
        await page.ClickAsync("#monitor-toggle");
        Assert.True(await Wait.UntilAsync(() => monitor.Listeners == 0, TimeSpan.FromSeconds(5)));
        await Assertions.Expect(page.Locator("#monitor-delay")).ToHaveTextAsync("monitor off");
        await rig.Engine.StopAsync(CancellationToken.None);
        Assert.Empty(problems);
    }

    [Fact]
    public async Task The_pan_set_in_the_page_moves_the_soloed_track_between_the_left_and_right_of_the_mix_the_worklet_plays()
    {
        Assert.True(File.Exists(Chromium), $"{Chromium} is missing: apt-get install chromium (.ci/run does)");
        var monitor = new WebMonitor();
        await using var rig = await WebRig.StartAsync(["Anna", "Ben", "Chloé"], monitor: monitor);
        using var boxes = new PlayingBoxes(rig, "Anna", "Ben", "Chloé");
        await using var browser = await BrowserAsync();
        var (page, problems) = await OpenAsync(browser, rig);
        await Assertions.Expect(page.Locator(".live-track[data-track='Chloé'][data-ready='true']")).ToBeVisibleAsync(new() { Timeout = 20_000 });
        await page.ClickAsync("#monitor-toggle");
        await page.ClickAsync("#record");
        await Assertions.Expect(page.Locator("#take-state")).ToHaveAttributeAsync("data-state", "recording");
        boxes.Play(rig.Engine.CurrentTake!.Id);
        await page.WaitForFunctionAsync("() => window.octomixMonitor.rmsWindows > 3", null, new() { Timeout = 20_000 });

        // Ben alone (the others play the same tone, centred): solo him with the strip's S button
        var ben = page.Locator(".strip[data-track='Ben']");
        await ben.Locator("button.solo").ClickAsync();
        await Assertions.Expect(ben.Locator("button.solo")).ToHaveAttributeAsync("aria-pressed", "true");

        // hard left: the left channel of what the worklet receives is at least 20 dB above the right
        await SetPanAndHearAsync(page, ben, "-1", "balance >= 20", "hard left");
        await Screenshot(page, "pan-hard-left.png");
        // hard right: the reverse
        await SetPanAndHearAsync(page, ben, "1", "balance <= -20", "hard right");
        // centre: both sides within 1 dB (constant-power pan: each −3 dB)
        await SetPanAndHearAsync(page, ben, "0", "Math.abs(balance) < 1", "centre");

        await page.ClickAsync("#stop");
        Assert.Empty(problems);
    }

    /// <summary>
    /// Moves a strip's pan control as a user does (the range input's value, then its change
    /// event), then waits until fresh 100 ms windows of the frames the worklet received have
    /// left/right <c>balance</c> (dB) meeting <paramref name="condition"/>.
    /// </summary>
    private async Task SetPanAndHearAsync(IPage page, ILocator strip, string pan, string condition, string what)
    {
        int windows = await page.EvaluateAsync<int>("() => window.octomixMonitor.rmsWindows");
        await strip.Locator("input.pan").FillAsync(pan);
        const string balance = "(m) => 20 * Math.log10(Math.max(m.rmsLeft, 1e-7) / Math.max(m.rmsRight, 1e-7))";
        try
        {
            await page.WaitForFunctionAsync(
                $"(since) => {{ const m = window.octomixMonitor; const balance = ({balance})(m); return m.rmsWindows > since + 2 && {condition}; }}",
                windows, new() { Timeout = 10_000 });
        }
        finally
        {
            double left = await page.EvaluateAsync<double>("() => window.octomixMonitor.rmsLeft");
            double right = await page.EvaluateAsync<double>("() => window.octomixMonitor.rmsRight");
            output.WriteLine($"pan {what} ({pan}): worklet RMS left {left:0.00000}, right {right:0.00000}, {20 * Math.Log10(Math.Max(left, 1e-7) / Math.Max(right, 1e-7)):0.0} dB");
        }
    }

    [Fact]
    public async Task The_page_reconnects_by_itself_when_the_console_restarts_and_shows_the_take_still_recording()
    {
        Assert.True(File.Exists(Chromium), $"{Chromium} is missing: apt-get install chromium (.ci/run does)");
        await using var rig = await WebRig.StartAsync(["Anna"]);
        using var boxes = new PlayingBoxes(rig, "Anna");
        Assert.True(await boxes.AllReadyAsync());
        await using var browser = await BrowserAsync();
        var (page, problems) = await OpenAsync(browser, rig);
        await page.ClickAsync("#record");
        await Assertions.Expect(page.Locator("#take-state")).ToHaveAttributeAsync("data-state", "recording");
        boxes.Play(rig.Engine.CurrentTake!.Id);
        await page.WaitForFunctionAsync("() => window.octomixLive.meterUpdates > 5");

        // the console goes away for a moment and comes back on the same port
        var restart = rig.RestartWebAsync(TimeSpan.FromSeconds(2));
        await Assertions.Expect(page.Locator("#connection")).ToHaveAttributeAsync("data-state", "lost");
        await Assertions.Expect(page.Locator("#live-panel")).ToHaveAttributeAsync("data-connection", "lost");
        await restart;
        int metersAtRestart = await page.EvaluateAsync<int>("() => window.octomixLive.meterUpdates");
        await Assertions.Expect(page.Locator("#connection")).ToHaveAttributeAsync("data-state", "live", new() { Timeout = 15_000 });
        await Assertions.Expect(page.Locator("#live-panel")).ToHaveAttributeAsync("data-connection", "live", new() { Timeout = 15_000 });

        // the take in progress is shown as such, and the live figures flow again
        await Assertions.Expect(page.Locator("#take-state")).ToHaveAttributeAsync("data-state", "recording");
        await Assertions.Expect(page.Locator("#live-take")).ToHaveAttributeAsync("data-state", "recording");
        await page.WaitForFunctionAsync($"() => window.octomixLive.meterUpdates > {metersAtRestart + 10}");
        await Screenshot(page, "after-reconnect.png");

        await page.ClickAsync("#stop");
        await Assertions.Expect(page.Locator("#live-take")).Not.ToHaveAttributeAsync("data-state", "recording");
        // the refused connections while the console was away are the browser's, not the page's
        Assert.DoesNotContain(problems, p => !p.Contains("ERR_CONNECTION_REFUSED", StringComparison.Ordinal));
    }

    private static async Task<IBrowser> BrowserAsync()
    {
        var playwright = await Playwright.CreateAsync();
        var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Chromium,
            Headless = true,
            // the monitor plays without a click on a machine without a sound card
            Args = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--autoplay-policy=no-user-gesture-required"],
        });
        browser.Disconnected += (_, _) => playwright.Dispose();
        return browser;
    }

    private static async Task<(IPage Page, List<string> Problems)> OpenAsync(IBrowser browser, WebRig rig)
    {
        var page = await browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1280, Height = 900 } });
        page.SetDefaultTimeout(15_000);
        var problems = new List<string>();
        page.PageError += (_, e) => problems.Add("page error: " + e);
        page.Console += (_, m) =>
        {
            if (m.Type == "error" && !m.Text.StartsWith("Failed to load resource", StringComparison.Ordinal))
            {
                problems.Add("console: " + m.Text);
            }
        };
        await page.GotoAsync(rig.Web.Url + "#/session");
        await Assertions.Expect(page.Locator("#connection")).ToHaveAttributeAsync("data-state", "live");
        return (page, problems);
    }

    private async Task Screenshot(IPage page, string name)
    {
        string shot = Path.Combine(AppContext.BaseDirectory, "screenshots", name);
        Directory.CreateDirectory(Path.GetDirectoryName(shot)!);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = shot, FullPage = true });
        output.WriteLine("screenshot: " + shot);
    }
}
