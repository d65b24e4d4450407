using System.Diagnostics;

namespace Octomix.Server.Tests;

/// <summary>`octomix server --rtjam-rooms/--rtjam-allow` as a real process: bad values, the warning for "any".</summary>
public class RtJamCliTests
{
    private static string Octomix => Path.Combine(AppContext.BaseDirectory, OperatingSystem.IsWindows() ? "octomix.exe" : "octomix");

    [Theory]
    [InlineData("need the source networks", "--rtjam-rooms", "0")]
    [InlineData("opens nothing without --rtjam-rooms", "--rtjam-allow", "any")]
    [InlineData("is not none or a comma-separated list of room indices", "--rtjam-rooms", "0,two", "--rtjam-allow", "any")]
    [InlineData("RTJam room 4 does not exist: rooms are 0..3", "--rtjam-rooms", "4", "--rtjam-allow", "any")]
    [InlineData("\"300.1.1.1/8\" is not a network", "--rtjam-rooms", "0", "--rtjam-allow", "127.0.0.0/8,300.1.1.1/8")]
    [InlineData("has a prefix length that is not 0..32", "--rtjam-rooms", "0", "--rtjam-allow", "10.0.0.0/40")]
    public void BadRtJamSettingsStopTheServerWithASentence(string message, params string[] args)
    {
        using var p = Process.Start(Start(["server", "--first-port", "0", .. args]))!;
        string err = p.StandardError.ReadToEnd();
        p.WaitForExit();
        Assert.Equal(2, p.ExitCode);
        Assert.Contains(message, err);
    }

    [Fact]
    public void RtJamOpenToAnyAddressIsWarnedAboutAtStart()
    {
        using var p = Process.Start(Start("server", "--bind", "127.0.0.1", "--first-port", "0", "--rooms", "3", "--rtjam-rooms", "0,2", "--rtjam-allow", "any", "--join-code", "CLI-RTJ"))!;
        var lines = new List<string>();
        try
        {
            var deadline = DateTime.UtcNow.AddSeconds(60);
            while (DateTime.UtcNow < deadline)
            {
                string? line = p.StandardError.ReadLine();
                if (line == null)
                {
                    break;
                }

                lines.Add(line);
                if (line.Contains("broadcast server up", StringComparison.Ordinal))
                {
                    break;
                }
            }
        }
        finally
        {
            if (!p.HasExited)
            {
                p.Kill();
            }
        }

        string log = string.Join("\n", lines);
        Assert.Contains("RTJam clients: rooms 0,2 from any, freed after 500 ms of silence", log);
        Assert.Contains("RTJam rooms 0,2 take RTJam packets from any address", log);
    }

    [Fact]
    public async Task TheBenchmarkWithRtJamMembersReportsTheMixedPhaseAgainstThePureOne()
    {
        if (!OperatingSystem.IsLinux())
        {
            return; // the load generator is Linux-only
        }

        string dir = Directory.CreateTempSubdirectory("octomix-bench-rtjam-").FullName;
        try
        {
            using var p = Process.Start(Start("bench", "server", "--seconds", "2", "--warmup", "0.5", "--rooms", "1", "--jammers", "3", "--rate", "1000", "--modes", "batched", "--rtjam-per-room", "1", "--output", dir))!;
            var stdout = p.StandardOutput.ReadToEndAsync();
            var stderr = p.StandardError.ReadToEndAsync();
            await p.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(3));
            string err = await stderr;
            Assert.True(p.ExitCode == 0, "bench failed: " + err);
            using var json = System.Text.Json.JsonDocument.Parse((await stdout).Trim());
            var root = json.RootElement;
            Assert.Equal(0, root.GetProperty("crashes").GetInt32());
            var mixed = root.GetProperty("batched-rtjam");

            // the RTJam member's packets reach the boxes and theirs reach it (either failing would lose a third or more)
            Assert.True(mixed.GetProperty("loss").GetDouble() < 0.3, "loss with an RTJam member: " + mixed.GetProperty("loss").GetDouble() + " " + mixed.GetProperty("serverSummary"));
            Assert.DoesNotContain("RtJam", mixed.GetProperty("serverSummary").GetString(), StringComparison.Ordinal); // no RTJam drops
            var rtjam = root.GetProperty("rtjam");
            Assert.Equal(1, rtjam.GetProperty("rtjamPerRoom").GetInt32());
            Assert.True(rtjam.GetProperty("cpuPercentPerJammerPureOctomix").GetDouble() > 0);
            Assert.True(rtjam.GetProperty("cpuPercentPerJammerWithRtJam").GetDouble() > 0);
            Assert.True(rtjam.TryGetProperty("cpuRatioWithRtJamOverPure", out _));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private static ProcessStartInfo Start(params string[] args)
    {
        var psi = new ProcessStartInfo(Octomix) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }

        return psi;
    }
}
