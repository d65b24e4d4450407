using System.Diagnostics;
using System.Net;
using System.Text.Json.Nodes;
using Octomix.Cli;
using Octomix.Server;
using Xunit.Abstractions;

namespace Octomix.Console.Tests;

/// <summary>
/// `octomix console` as a script, honest about what it did: a progress line per track while it
/// waits for boxes and while it collects, a take missing a track exits 4 (not 0) and says which
/// and why, --json lists every track (the missing ones too), and the log is written to a file
/// beside the database in script mode as well. One real-time simulated box, a track no box binds.
/// </summary>
[Collection(RealTimeBoxes.Name)]
public class ScriptModeTests(ITestOutputHelper output)
{
    private const string Code = "SCRIPT-1";

    [Fact]
    public async Task ATakeWithATrackNoBoxBindsIsReportedWithProgressAndExitCode4()
    {
        string root = ExportToolRunner.TempDirectory();
        string db = Path.Combine(root, "console.db");
        await using var server = BroadcastServer.Start(
            new ServerOptions { RoomCount = 1, FirstPort = 0, BindAddress = IPAddress.Loopback, JoinCodes = [Code] },
            Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance);
        var anna = SimulatedStudio.DemoMusicians(lossPercent: 0)[0];
        using var studio = new SimulatedStudio(root, "127.0.0.1", server.Ports[0], Code, [anna]);
        studio.Start();

        var (code, stdout, stderr) = await RunAsync(TimeSpan.FromSeconds(120), "console", "--server", "127.0.0.1:" + server.Ports[0], "--join-code", Code, "--db", db,
            "--recordings", Path.Combine(root, "recordings"), "--session", "Honest", "--tracks", anna.Name + ",Ghost", "--monitor", "none", "--no-ui",
            "--wait-boxes", "1", "--wait-timeout", "60s", "--record", "1s", "--collect", "--json");
        output.WriteLine(stderr);
        output.WriteLine(stdout);

        Assert.Equal(4, code);
        Assert.Matches(@"waiting for boxes \(\d+ of 60 s, \d of 1 ready\): Ghost: not ready: no box", stderr);
        Assert.Contains($"{anna.Name}: ready (box {anna.Name})", stderr, StringComparison.Ordinal);
        Assert.Contains("not recording Ghost", stderr, StringComparison.Ordinal);
        Assert.Matches($@"collecting {anna.Name} \(box {anna.Name}\): \w+, \d+", stderr);
        Assert.Contains($"  {anna.Name}: verified", stderr, StringComparison.Ordinal);
        Assert.Contains("take 1 is NOT complete: 1 track(s) missing:", stderr, StringComparison.Ordinal);
        Assert.Contains("  Ghost: not recorded: not ready: no box", stderr, StringComparison.Ordinal);

        var summary = JsonNode.Parse(stdout)!;
        Assert.False((bool)summary["complete"]!);
        var tracks = summary["tracks"]!.AsArray();
        Assert.Equal([anna.Name, "Ghost"], tracks.Select(t => (string)t!["track"]!));
        Assert.Equal("complete", (string?)tracks[0]!["state"]);
        Assert.Equal("not recorded", (string?)tracks[1]!["state"]);
        Assert.Contains("no box", (string?)tracks[1]!["problem"], StringComparison.Ordinal);
        Assert.Equal("Ghost", (string?)summary["missing"]![0]!["track"]);

        // the script's log is in a file beside the database too
        string log = await File.ReadAllTextAsync(Path.Combine(root, "octomix-console.log"));
        Assert.Contains("not recording Ghost", log, StringComparison.Ordinal);
        Assert.Contains("recording: " + anna.Name, log, StringComparison.Ordinal);
    }

    private static async Task<(int Code, string Stdout, string Stderr)> RunAsync(TimeSpan timeout, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true, UseShellExecute = false };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "octomix.dll"));
        foreach (var a in args)
        {
            start.ArgumentList.Add(a);
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cancel.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException("octomix " + string.Join(' ', args) + " did not finish: " + await stderr);
        }

        return (process.ExitCode, await stdout, await stderr);
    }
}
