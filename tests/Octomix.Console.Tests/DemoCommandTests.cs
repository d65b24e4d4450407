using System.Diagnostics;
using System.Text.Json.Nodes;

namespace Octomix.Console.Tests;

/// <summary>`octomix demo`, the README's main command, as a real process (a short take, no playback).</summary>
[Collection(RealTimeBoxes.Name)]
public class DemoCommandTests
{
    [Fact]
    public async Task TheDemoWritesATakeFolderAndASummaryOfFourAlignedVerifiedTracks()
    {
        string folder = Path.Combine(ExportToolRunner.TempDirectory(), "demo");
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { Path.Combine(AppContext.BaseDirectory, "octomix.dll"), "demo", "--out", folder, "--seconds", "1.5", "--no-playback" })
        {
            start.ArgumentList.Add(a);
        }

        using var process = Process.Start(start)!;
        var stdoutTask = process.StandardOutput.ReadToEndAsync();
        var stderrTask = process.StandardError.ReadToEndAsync();
        using (var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(120)))
        {
            await process.WaitForExitAsync(timeout.Token);
        }

        string stdout = await stdoutTask, stderr = await stderrTask;
        Assert.True(process.ExitCode == 0, stderr);
        Assert.Contains("the take is in " + Path.Combine(folder, "recordings", "Demo", "take-1"), stderr, StringComparison.Ordinal);

        var summary = JsonNode.Parse(stdout)!;
        Assert.Equal("complete", (string?)summary["state"]);
        var tracks = summary["tracks"]!.AsArray();
        double stopToCollected = (double)summary["phases"]!["collectedSeconds"]! - (double)summary["phases"]!["recordedSeconds"]!;
        Assert.Equal(["Anna", "Ben", "Chloé", "Dev"], tracks.Select(t => (string)t!["track"]!));
        foreach (var track in tracks)
        {
            Assert.True((bool)track!["checksumMatch"]!, track.ToJsonString());
            Assert.Equal(0, (long)track["onsetErrorSamples"]!);
            Assert.True((int)track["onsets"]! >= 4 + 2, track.ToJsonString());
            Assert.True(File.Exists((string)track["stem"]!));
            Assert.Equal((long)track["dataBytes"]!, (long)track["bytesFromStream"]! + (long)track["bytesCollected"]!);
            Assert.NotNull(track["streamLossBeforeCollectionPercent"]);

            // Stop → verified, per track: measured, and within the Stop-to-collected phase (both rounded to 10 ms there)
            double afterStop = (double)track["verifiedAfterStopSeconds"]!;
            Assert.True(afterStop > 0 && afterStop <= stopToCollected + 0.01, $"{track.ToJsonString()}: Stop to collected {stopToCollected} s");
            Assert.Matches($"{track["track"]}: {track["dataBytes"]} bytes verified [0-9]+\\.[0-9][0-9] s after Stop", stderr);
        }

        Assert.Single(tracks.Select(t => (long)t!["timeReference"]!).Distinct());
        Assert.True(File.Exists((string)summary["mix"]!));
        var runtime = summary["process"]!;
        Assert.InRange((double)runtime["gcPauseMs"]!, 0, 60_000);
        Assert.True((double)runtime["cpuSeconds"]! > 0, runtime.ToJsonString());

        // The monitor does not clip by default: four musicians on the same click are over full
        // scale together, the master limiter holds them and says by how much.
        var monitor = summary["monitor"]!;
        Assert.Equal(0, (long)monitor["clippedSamples"]!);
        Assert.True((long)monitor["limitedFrames"]! > 0, monitor.ToJsonString());
        Assert.InRange((double)monitor["maxGainReductionDb"]!, 1, 20);
        Assert.True(File.Exists((string)summary["reaperProject"]!));
        Assert.True(File.Exists((string)summary["audacityProject"]!));
        Assert.True((double)summary["demoSeconds"]! < 60, "well under a minute");
    }
}
