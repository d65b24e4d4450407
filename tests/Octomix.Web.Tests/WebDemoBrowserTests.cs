using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace Octomix.Web.Tests;

/// <summary>
/// The README's `demo --web`, as a newcomer runs it: the real `octomix demo` process, its printed
/// address (the demo session's view) opened in Chromium, the monitor switched on, and the
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
            Assert.True(first != null && first.StartsWith("web console: http://127.0.0.1:", StringComparison.Ordinal) && first.EndsWith("/#/session", StringComparison.Ordinal), $"printed {first}; stderr: {string.Join(" | ", stderr)}");
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

            // The demo runs by itself once a page is open, whether the test looks or not: the page
            // keeps a log of what it showed, every 50 ms, and the test reads that log afterwards.
            await page.AddInitScriptAsync(WatchScript);

            // the printed address: the demo session's view
            await page.GotoAsync(url);
            await Assertions.Expect(page.Locator("#session-name")).ToHaveTextAsync("Demo", new() { Timeout = 30_000 });
            await page.ClickAsync("#monitor-toggle");

            // four strips turn ready, then the take records, with meters and monitor audio
            await page.WaitForFunctionAsync("() => window.demoWatch.sawReady", null, new() { Timeout = 90_000 });
            await Screenshot(page, "demo-1-ready.png");
            await page.WaitForFunctionAsync("() => window.demoWatch.recording.length > 0", null, new() { Timeout = 60_000 });
            await Screenshot(page, "demo-2-recording.png");
            await page.WaitForFunctionAsync("() => window.demoWatch.states[window.demoWatch.states.length - 1] === 'complete'", null, new() { Timeout = 90_000 });
            var watch = await page.EvaluateAsync<JsonElement>("() => window.demoWatch");
            var states = watch.GetProperty("states").EnumerateArray().Select(e => e.GetString()).ToList();
            output.WriteLine("take states seen: " + string.Join(" → ", states));
            Assert.True(watch.GetProperty("readyBeforeRecording").GetBoolean(), "all four strips ready before the take recorded");
            Assert.Equal("recording", states.SkipWhile(x => x != "recording").FirstOrDefault());
            Assert.Equal("complete", states[^1]);

            // while it recorded: the worklet fed at about the sample rate, ≥ 20 meter updates a
            // second, the musicians' level in the Live panel, each strip saying "recording"
            var samples = watch.GetProperty("recording").EnumerateArray().Select(e => (T: e[0].GetDouble(), Samples: e[1].GetDouble(), Meters: e[2].GetDouble())).ToList();
            var listening = samples.Where(x => x.Samples > 0).ToList();
            Assert.True(listening.Count >= 2, $"{listening.Count} readings with the monitor playing while the take recorded");
            double seconds = (listening[^1].T - listening[0].T) / 1000;
            double sampleRate = (listening[^1].Samples - listening[0].Samples) / seconds;
            double meterRate = (listening[^1].Meters - listening[0].Meters) / seconds;
            output.WriteLine($"while recording, over {seconds:0.0} s: worklet {sampleRate:0} frames/s, {meterRate:0.0} meter updates/s");
            Assert.True(seconds >= 1, $"the monitor played {seconds:0.00} s of the take in the page");
            Assert.InRange(sampleRate, 24000, 96000);
            Assert.True(meterRate >= 20, $"{meterRate:0.0} meter updates a second");
            Assert.True(watch.GetProperty("liveLevels").GetBoolean(), "the Live panel showed the musicians' level while recording");
            Assert.True(watch.GetProperty("stripsRecording").GetBoolean(), "every strip said recording");

            // stopped (by the demo), collected and written: the take row offers its files
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

    /// <summary>
    /// The page's own log of what it showed: the take states in order, whether all four strips
    /// were ready before it recorded, and every 50 ms while recording (time, worklet frames, meter
    /// updates), whether the Live panel showed a level and every strip said "recording".
    /// </summary>
    private const string WatchScript = """
        (() => {
          const w = window.demoWatch = { states: [], sawReady: false, readyBeforeRecording: false, recording: [], liveLevels: false, stripsRecording: false };
          setInterval(() => {
            const label = document.getElementById("take-state");
            if (!label) return; // the page is still loading
            const state = label.dataset.state;
            if (w.states[w.states.length - 1] !== state) w.states.push(state);
            const strips = [...document.querySelectorAll(".strip")];
            if (strips.length === 4 && strips.every(s => s.dataset.ready === "true")) {
              w.sawReady = true;
              if (!w.states.includes("recording")) w.readyBeforeRecording = true;
            }
            if (state !== "recording") return;
            const m = window.octomixMonitor, l = window.octomixLive;
            w.recording.push([performance.now(), m ? m.samplesReceived : 0, l ? l.meterUpdates : 0]);
            const levels = [...document.querySelectorAll(".live-track .live-db")].filter(e => e.textContent !== "−∞ dB").length;
            if (levels >= 2) w.liveLevels = true;
            const ready = [...document.querySelectorAll(".strip .ready")];
            if (ready.length === 4 && ready.every(e => e.textContent === "recording")) w.stripsRecording = true;
          }, 50);
        })();
        """;

    private async Task Screenshot(IPage page, string name)
    {
        string shot = Path.Combine(AppContext.BaseDirectory, "screenshots", name);
        Directory.CreateDirectory(Path.GetDirectoryName(shot)!);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = shot, FullPage = true });
        output.WriteLine("screenshot: " + shot);
    }
}
