using System.Diagnostics;
using System.Text.Json;
using Octomix.Protocol;

namespace Octomix.Server.Tests;

/// <summary>`octomix server` and `octomix bench server` as real processes.</summary>
public class CliTests
{
    private static string Octomix => Path.Combine(AppContext.BaseDirectory, OperatingSystem.IsWindows() ? "octomix.exe" : "octomix");

    [Fact]
    public async Task TheServerCommandTakesFlagsAndEnvironmentServesAndStopsCleanlyOnSigterm()
    {
        var psi = Start("server", "--bind", "127.0.0.1", "--first-port", "0", "--rooms", "2", "--join-code", "CLI-CODE", "--announce-ports", "--status-interval", "0.2", "--room-threads", "1", "--name", "Studio A");
        psi.Environment["OCTOMIX_MAX_JAMMERS"] = "1";
        psi.Environment["OCTOMIX_ROOMS"] = "5"; // the flag wins
        using var server = Process.Start(psi)!;
        var stderr = new List<string>();
        var ports = new TaskCompletionSource<int[]>();
        server.ErrorDataReceived += (_, e) =>
        {
            if (e.Data == null)
            {
                return;
            }

            lock (stderr)
            {
                stderr.Add(e.Data);
            }

            if (e.Data.StartsWith("OCTOMIX-SERVER-PORTS ", StringComparison.Ordinal))
            {
                ports.TrySetResult(e.Data["OCTOMIX-SERVER-PORTS ".Length..].Split(',').Select(int.Parse).ToArray());
            }
        };
        server.BeginErrorReadLine();
        server.BeginOutputReadLine();
        try
        {
            int[] bound = await ports.Task.WaitAsync(TimeSpan.FromSeconds(60));
            Assert.Equal(2, bound.Length);

            using var a = new TestPeer(bound[1], "a");
            using var b = new TestPeer(bound[1], "b");
            Assert.Equal(1, a.Join("CLI-CODE").Room);
            var answer = b.JoinRaw(b.NewJoin("CLI-CODE"));
            Assert.Equal((byte)MessageType.Reject, answer[3]); // one jammer per room, from the environment

            // the status table shows the jammer
            var deadline = DateTime.UtcNow.AddSeconds(30);
            while (!Snapshot(stderr).Any(l => l.Contains(" J a ", StringComparison.Ordinal)))
            {
                Assert.True(DateTime.UtcNow < deadline, "no status line for the jammer:\n" + string.Join("\n", Snapshot(stderr)));
                a.Sync();
                Thread.Sleep(50);
            }
        }
        finally
        {
            Terminate(server);
        }

        Assert.True(server.WaitForExit(TimeSpan.FromSeconds(30)), "the server did not stop on SIGTERM");
        server.WaitForExit();
        Assert.Equal(0, server.ExitCode);
        var log = string.Join("\n", Snapshot(stderr));
        Assert.Contains("rooms: 2 on 127.0.0.1 UDP ephemeral", log);
        Assert.Contains("slots per room: 1 jammers", log);
        Assert.Contains("server name: \"Studio A\"", log);
        Assert.Contains("io batched server \"Studio A\"", log.Replace("io portable", "io batched", StringComparison.Ordinal));
        Assert.Contains("1 room thread(s) where batched", log);
        Assert.Contains("stopping;", log);
    }

    [Theory]
    [InlineData("--rooms", "0", "room count must be 1..64")]
    [InlineData("--max-jammers", "17", "max jammers must be 1..16")]
    [InlineData("--join-code", "has space", "join code 1 must be")]
    [InlineData("--join-code", "a,b,c", "one per room (4)")]
    [InlineData("--bind", "nowhere", "is not an IP address")]
    [InlineData("--io", "fast", "is not auto, batched or portable")]
    [InlineData("--room-threads", "65", "room threads must be 0 (automatic)..64")]
    [InlineData("--slot-timeout-ms", "soon", "\"soon\" is not a valid value")]
    [InlineData("--heartbeat-ms", "5000", "shorter than the slot timeout")]
    [InlineData("--max-listeners", "33", "max listeners must be 0..32")]
    [InlineData("--name", "", "--name: the server name is empty")]
    [InlineData("--name", "A name far longer than thirty-one bytes", "at most 31 bytes of UTF-8")]
    [InlineData("--name", "Studio\tA", "no control characters")]
    [InlineData("--name", " Studio A", "must not start or end with spaces")]
    public void BadServerSettingsAreRefusedWithAClearMessage(string flag, string value, string message)
    {
        using var p = Process.Start(Start("server", flag, value))!;
        string err = p.StandardError.ReadToEnd();
        p.WaitForExit();
        Assert.Equal(2, p.ExitCode);
        Assert.Contains(message, err);
    }

    [Fact]
    public void ABadEnvironmentVariableIsNamedInTheError()
    {
        var psi = Start("server");
        psi.Environment["OCTOMIX_FIRST_PORT"] = "seven";
        using var p = Process.Start(psi)!;
        string err = p.StandardError.ReadToEnd();
        p.WaitForExit();
        Assert.Equal(2, p.ExitCode);
        Assert.Contains("OCTOMIX_FIRST_PORT: \"seven\"", err);
    }

    [Fact]
    public void AnUnknownBenchmarkModeIsRefusedBeforeAnythingRuns()
    {
        using var p = Process.Start(Start("bench", "server", "--modes", "batched,turbo"))!;
        string err = p.StandardError.ReadToEnd();
        p.WaitForExit();
        Assert.Equal(2, p.ExitCode);
        Assert.Contains("--modes takes portable, batched-plain, batched-room-threads, batched-unpaced, batched, room-mix, mixed (got batched, turbo)", err);
    }

    [Fact]
    public async Task TheBenchmarkPrintsOneJsonLineWithEveryFigureAndNoCrash()
    {
        if (!OperatingSystem.IsLinux())
        {
            return; // the load generator is Linux-only; nothing to check elsewhere
        }

        string dir = Directory.CreateTempSubdirectory("octomix-bench-").FullName;
        try
        {
            using var p = Process.Start(Start("bench", "server", "--seconds", "1", "--warmup", "0.3", "--rooms", "1", "--jammers", "3", "--rate", "200", "--output", dir))!;
            var stdout = p.StandardOutput.ReadToEndAsync();
            var stderr = p.StandardError.ReadToEndAsync();
            await p.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(3));
            string err = await stderr;
            Assert.True(p.ExitCode == 0, "bench failed: " + err);

            var lines = (await stdout).Split('\n', StringSplitOptions.RemoveEmptyEntries);
            var line = Assert.Single(lines);
            using var json = JsonDocument.Parse(line);
            var root = json.RootElement;
            Assert.Equal(0, root.GetProperty("crashes").GetInt32());
            Assert.Equal(3, root.GetProperty("jammers").GetInt32());
            Assert.True(root.GetProperty("machine").GetProperty("cores").GetInt32() >= 1);
            Assert.False(string.IsNullOrEmpty(root.GetProperty("machine").GetProperty("kernel").GetString()));
            Assert.True(root.GetProperty("baseline").GetProperty("packetsSentPerSecond").GetDouble() > 0);
            foreach (var mode in new[] { "portable", "batched-plain", "batched-room-threads", "batched" })
            {
                var phase = root.GetProperty(mode);
                foreach (var key in new[] { "packetsInPerSecond", "packetsOutPerSecond", "loss", "latencyP50Us", "latencyP99Us", "addedLatencyP50Us", "addedLatencyP99Us", "serverCpuPercentOfCore", "serverCpuPercentPerJammer" })
                {
                    Assert.True(phase.TryGetProperty(key, out _), $"{mode}.{key} missing");
                }

                Assert.True(phase.GetProperty("packetsOutPerSecond").GetDouble() > 0, mode + " forwarded nothing");
                Assert.Equal(0, phase.GetProperty("serverExitCode").GetInt32());
            }

            Assert.True(root.TryGetProperty("cpuRatioPortableOverBatched", out _));
            Assert.True(root.TryGetProperty("cpuRatioRoomThreadsOverBatched", out _));
            var file = Assert.Single(Directory.GetFiles(dir, "server-*.json"));
            Assert.Equal(line, File.ReadAllText(file).Trim());
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

    private static List<string> Snapshot(List<string> lines)
    {
        lock (lines)
        {
            return [.. lines];
        }
    }

    private static void Terminate(Process p)
    {
        if (p.HasExited)
        {
            return;
        }

        using var kill = Process.Start("kill", ["-TERM", p.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        kill.WaitForExit();
    }
}
