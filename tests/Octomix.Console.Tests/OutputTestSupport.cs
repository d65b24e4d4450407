using System.Diagnostics;
using Octomix.Desk.Monitor;

namespace Octomix.Console.Tests;

/// <summary>Processes and files the output tests need: fake players, FIFOs, signals, rendered audio.</summary>
internal static class OutputTestSupport
{
    public static string Script(string directory, string name, string body)
    {
        string path = Path.Combine(directory, name);
        File.WriteAllText(path, "#!/bin/sh\n" + body + "\n");
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
        return path;
    }

    public static void MakeFifo(string path) => Run("mkfifo", path);

    public static void Signal(int pid, string signal) => Run("kill", "-" + signal, pid.ToString(System.Globalization.CultureInfo.InvariantCulture));

    /// <summary>Starts `cat fifo > file` (exec'd, so the pid is cat's).</summary>
    public static Process StartReader(string fifo, string output)
    {
        var start = new ProcessStartInfo("sh") { UseShellExecute = false };
        foreach (var arg in new[] { "-c", "exec cat \"$1\" > \"$2\"", "sh", fifo, output })
        {
            start.ArgumentList.Add(arg);
        }

        return Process.Start(start)!;
    }

    public static bool WaitUntil(Func<bool> condition, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < timeout)
        {
            if (condition())
            {
                return true;
            }

            Thread.Sleep(10);
        }

        return condition();
    }

    /// <summary>Blocks of a monitor mix of a 440 Hz tone (what the output loop would hand to a sink).</summary>
    public static List<short[]> RenderedBlocks(int count)
    {
        var mixer = new MonitorMixer(new MonitorOptions { RateSteering = false });
        var track = mixer.AddTrack("tone", 0);
        var box = new SimulatedBox { Track = track, Signal = m => (long)(12000 * Math.Sin(2 * Math.PI * 440 * m / 48000.0)) };
        var simulation = new MonitorSimulation(mixer, box);
        var blocks = new List<short[]>();
        simulation.Run(0.2); // fill the playout delay
        simulation.Run(count * 0.01, (block, _) => blocks.Add((short[])block.Clone()));
        Assert.Contains(blocks[^1], s => s != 0);
        return blocks;
    }

    public static byte[] Bytes(IEnumerable<short[]> blocks) =>
        blocks.SelectMany(b => b.SelectMany(s => new[] { (byte)s, (byte)(s >> 8) })).ToArray();

    private static void Run(string tool, params string[] args)
    {
        var start = new ProcessStartInfo(tool) { UseShellExecute = false };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        process.WaitForExit();
        Assert.Equal(0, process.ExitCode);
    }
}
