using System.Diagnostics;
using Octomix.Protocol;

namespace Octomix.Box.Tests;

/// <summary>`octomix box` as a real process, in real time, against the fake server on loopback UDP.</summary>
public class BoxCommandTests
{
    [Fact]
    public async Task TheBoxCommandJoinsCalibratesAndSendsStatusThenStops()
    {
        using var server = new FakeServer();
        string card = Path.Combine(Path.GetTempPath(), "octomix-cli-" + Guid.NewGuid().ToString("N"));
        string cli = Path.Combine(AppContext.BaseDirectory, "octomix.dll");
        Assert.True(File.Exists(cli), cli);
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { cli, "box", "--server", "127.0.0.1:" + server.Port, "--join-code", "CLI1", "--name", "Cli box", "--latency", "37", "--ppm", "80", "--card", card, "--duration", "4" })
        {
            psi.ArgumentList.Add(a);
        }

        using var process = Process.Start(psi)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        var until = DateTime.UtcNow.AddSeconds(30);
        while (!process.HasExited && DateTime.UtcNow < until)
        {
            server.Poll();
            Thread.Sleep(2);
        }

        Assert.True(process.WaitForExit(30000));
        string log = await stdout + await stderr;
        Assert.True(process.ExitCode == 0, log);
        Assert.Contains("joining -> calibrating on join accepted", log, StringComparison.Ordinal);
        Assert.Contains("calibrating -> ready on calibration done", log, StringComparison.Ordinal);
        var join = server.Decoded(MessageType.Join, () => new JoinMessage()).First();
        Assert.Equal("CLI1", join.JoinCode);
        Assert.Equal("Cli box", join.Name);
        var statuses = server.Statuses();
        Assert.True(statuses.Count >= 8, "about 4 per second: " + statuses.Count);
        // ready with its round trip measured (a loaded machine may stall the box's loop later, and
        // a box that stalled longer than its pipeline calibrates again: its last status may say so)
        var ready = statuses.LastOrDefault(s => s.State == BoxStateCode.Ready);
        Assert.NotNull(ready);
        Assert.True(ready.LatencySamples > 37);
        Assert.Contains("join_code = CLI1", File.ReadAllText(Path.Combine(card, "settings.txt")), StringComparison.Ordinal);
        Directory.Delete(card, true);
    }

    [Fact]
    public void BadArgumentsAreRefusedWithAReason()
    {
        string cli = Path.Combine(AppContext.BaseDirectory, "octomix.dll");
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { cli, "box", "--server", "nohost", "--join-code", "X", "--name", "A", "--click", "cowbell" })
        {
            psi.ArgumentList.Add(a);
        }

        using var process = Process.Start(psi)!;
        string err = process.StandardError.ReadToEnd();
        process.WaitForExit();
        Assert.Equal(2, process.ExitCode);
        Assert.Contains("--server: \"nohost\" is not host:port", err, StringComparison.Ordinal);
        Assert.Contains("--click: \"cowbell\" is not beep, woodblock or hihat", err, StringComparison.Ordinal);
    }
    [Theory]
    [InlineData("40", "prefill_blocks = 40", "playback pipeline: 40 blocks asked for, the board queues 16 and captures 16: 16 blocks")]
    [InlineData("AUTO", "prefill_blocks = auto", "playback pipeline: 30 blocks asked for, the board queues 16 and captures 16: 15 blocks")]
    [InlineData("64", "prefill_blocks = 64", ": 16 blocks")]
    public void ThePrefillFlagTakesWhatTheSettingTakes(string value, string settingsLine, string logged)
    {
        using var server = new FakeServer();
        string card = Path.Combine(Path.GetTempPath(), "octomix-cli-" + Guid.NewGuid().ToString("N"));
        var (exit, log) = RunBox("--server", "127.0.0.1:" + server.Port, "--join-code", "P1", "--name", "Prefill", "--card", card, "--prefill", value, "--duration", "1");
        Assert.True(exit == 0, log);
        string settings = File.ReadAllText(Path.Combine(card, "settings.txt"));
        Assert.Contains(settingsLine, settings, StringComparison.Ordinal);

        // The written file is a settings file the box reads back without a problem.
        var report = SettingsParser.Parse(settings, new BoxSettings());
        Assert.True(report.Count == 0, report.Count > 0 ? report[0].ToString() : null);
        Assert.Contains(logged, log, StringComparison.Ordinal);
        Directory.Delete(card, true);
    }

    [Theory]
    [InlineData("65")]
    [InlineData("1")]
    [InlineData("deep")]
    [InlineData("-8")]
    public void APrefillTheSettingRefusesIsRefusedWithAReason(string value)
    {
        var (exit, log) = RunBox("--server", "127.0.0.1:9", "--join-code", "X", "--name", "A", "--prefill", value);
        Assert.Equal(2, exit);
        Assert.Contains($"--prefill: \"{value}\" is not auto, or 2..64 blocks", log, StringComparison.Ordinal);
        var report = SettingsParser.Parse("prefill_blocks = " + value + "\n", new BoxSettings());
        Assert.Equal(1, report.Count);
        Assert.Contains("expected auto, or 2..64 blocks", report[0].ToString(), StringComparison.Ordinal);
    }

    private static (int ExitCode, string Output) RunBox(params string[] arguments)
    {
        string cli = Path.Combine(AppContext.BaseDirectory, "octomix.dll");
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        psi.ArgumentList.Add(cli);
        psi.ArgumentList.Add("box");
        foreach (var a in arguments)
        {
            psi.ArgumentList.Add(a);
        }

        using var process = Process.Start(psi)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        Assert.True(process.WaitForExit(30000), "octomix box did not stop");
        return (process.ExitCode, stdout.Result + stderr.Result);
    }
}
