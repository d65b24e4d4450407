using System.Diagnostics;
using System.Text.Json.Nodes;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace Octomix.Web.Tests;

/// <summary>
/// The README's `demo --web`, as a newcomer runs it: the real `octomix demo` process, its printed
/// address opened in Chromium, the session opened from the list, the monitor switched on, and the
/// four tracks watched turning ready, recording, collecting and playing back.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class WebDemoBrowserTests(ITestOutputHelper output)
{
    private static string Chromium => Environment.GetEnvironmentVariable("OCTOMIX_CHROMIUM") ?? "/usr/bin/chromium";

    [Fact]
    public async Task The_demo_with_web_shows_four_tracks_ready_recording_collected_and_played_back_with_meters_and_monitor()
    {
        Assert.True(File.Exists(Chromium), $"{Chromium} is missing: apt-get install chromium (.ci/run does)");
        string folder = Path.Combine(Directory.CreateTempSubdirectory("octomix-demo-web-").FullName, "demo");
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { Path.Combine(AppContext.BaseDirectory, "octomix.dll"), "demo", "--web", "--web-port", "0", "--web-wait", "60", "--web-hold", "60", "--out", folder, "--seconds", "3" })
        {
            start.ArgumentList.Add(a);
        }

        using var demo = Process.Start(start)!;
        var stderr = new System.Collections.Concurrent.ConcurrentQueue<string>();
        demo.ErrorDataReceived += (_, e) =>
        {
            if (e.Data != null)
            {
                stderr.Enqueue(e.Data);
            }
        };
        demo.BeginErrorReadLine();
        try
        {
            // the first stdout line is the address (the JSON summary comes at the end)
            var first = await demo.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(60));
            Assert.True(first != null && first.StartsWith("web console: http://127.0.0.1:", StringComparison.Ordinal), $"printed {first}; stderr: {string.Join(" | ", stderr)}");
            string url = first!["web console: ".Length..];
            var stdoutRest = demo.StandardOutput.ReadToEndAsync();

            using var playwright = await Playwright.CreateAsync();
            await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
            {
                ExecutablePath = Chromium,
                Headless = true,
                Args = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--autoplay-policy=no-user-gesture-required"],
            });
            var page = await browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1280, Height = 900 } });
            page.SetDefaultTimeout(60_000);
            var problems = new List<string>();
            page.PageError += (_, e) => problems.Add("page error: " + e);

            // the printed address: the session list, the demo's session open in it
            await page.GotoAsync(url);
            var row = page.Locator("#sessions tbody tr[data-session='Demo']");
            await row.Locator("button.open-session").ClickAsync();
            await Assertions.Expect(page.Locator("#session-name")).ToHaveTextAsync("Demo", new() { Timeout = 30_000 });
            await page.ClickAsync("#monitor-toggle");

            // the boxes start once a page is open: four strips turn ready
            string[] names = ["Anna", "Ben", "Chloé", "Dev"];
            foreach (var name in names)
            {
                await Assertions.Expect(page.Locator($".strip[data-track='{name}']")).ToHaveAttributeAsync("data-ready", "true", new() { Timeout = 60_000 });
            }

            await Screenshot(page, "demo-1-ready.png");

            // the demo records by itself: the meters move and the monitor plays in the page
            await Assertions.Expect(page.Locator("#take-state")).ToHaveAttributeAsync("data-state", "recording", new() { Timeout = 30_000 });
            await page.WaitForFunctionAsync("() => window.octomixMonitor.samplesReceived > 24000", null, new() { Timeout = 30_000 });
            long samplesBefore = await page.EvaluateAsync<long>("() => window.octomixMonitor.samplesReceived");
            int metersBefore = await page.EvaluateAsync<int>("() => window.octomixLive.meterUpdates");
            await page.WaitForTimeoutAsync(1500);
            long samplesAfter = await page.EvaluateAsync<long>("() => window.octomixMonitor.samplesReceived");
            int metersAfter = await page.EvaluateAsync<int>("() => window.octomixLive.meterUpdates");
            output.WriteLine($"during the take, 1.5 s: worklet {samplesBefore} → {samplesAfter} frames, meters {metersBefore} → {metersAfter}");
            Assert.True(samplesAfter - samplesBefore > 24000, $"the worklet got {samplesAfter - samplesBefore} frames in 1.5 s");
            Assert.True(metersAfter - metersBefore >= 20, $"{metersAfter - metersBefore} meter updates in 1.5 s");

            // after the count-in the musicians play: the monitor's meters show their level
            await page.WaitForFunctionAsync(
                "() => { const d = [...document.querySelectorAll('.live-track .live-db')]; return d.length === 4 && d.filter(e => e.textContent !== '−∞ dB').length >= 2; }",
                null, new() { Timeout = 20_000 });
            // and each strip says its box is recording (busy with the take, not "not ready")
            await page.WaitForFunctionAsync(
                "() => { const r = [...document.querySelectorAll('.strip .ready')]; return r.length === 4 && r.every(e => e.textContent === 'recording'); }",
                null, new() { Timeout = 20_000 });
            await Screenshot(page, "demo-2-recording.png");

            // stop (by the demo), collected and written: the take row offers its files
            await Assertions.Expect(page.Locator("#take-state")).ToHaveAttributeAsync("data-state", "complete", new() { Timeout = 90_000 });
            var take = page.Locator("#takes tbody tr[data-take='1']");
            await Assertions.Expect(take).ToHaveAttributeAsync("data-written", "true", new() { Timeout = 30_000 });
            await Assertions.Expect(take.Locator("a.download")).ToHaveCountAsync(7, new() { Timeout = 30_000 }); // four stems, mix, .rpp, .lof

            // the mix is played back to every box: each strip shows its box playing it
            await page.WaitForFunctionAsync(
                "() => { const s = [...document.querySelectorAll('.strip dl')]; return s.length === 4 && s.every(d => d.textContent.includes('playback')); }",
                null, new() { Timeout = 30_000 });

            await Screenshot(page, "demo-3-playback.png");
            Assert.Empty(problems);

            // the demo's summary is printed once the playback ends; the page may stay open (--web-hold)
            Assert.True(await Wait.UntilAsync(() => stderr.Any(l => l.Contains("the web console stays open", StringComparison.Ordinal)), TimeSpan.FromSeconds(60)), string.Join("\n", stderr.TakeLast(20)));
            demo.Kill(entireProcessTree: true);
            await demo.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(20));
            var summary = JsonNode.Parse((await stdoutRest).Trim())!;
            Assert.Equal("complete", (string?)summary["state"]);
            Assert.All(summary["tracks"]!.AsArray(), t => Assert.True((bool)t!["checksumMatch"]!, t.ToJsonString()));
        }
        finally
        {
            if (!demo.HasExited)
            {
                demo.Kill(entireProcessTree: true);
            }

            foreach (var line in stderr.TakeLast(40))
            {
                output.WriteLine(line);
            }
        }
    }

    private async Task Screenshot(IPage page, string name)
    {
        string shot = Path.Combine(AppContext.BaseDirectory, "screenshots", name);
        Directory.CreateDirectory(Path.GetDirectoryName(shot)!);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = shot, FullPage = true });
        output.WriteLine("screenshot: " + shot);
    }
}
