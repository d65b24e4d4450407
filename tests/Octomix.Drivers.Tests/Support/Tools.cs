using System.Diagnostics;

namespace Octomix.Drivers.Tests.Support;

/// <summary>Runs the real command-line tools (ffprobe, ffmpeg, sndfile-info, exiftool) on files.</summary>
public static class Tools
{
    public static string Run(string tool, params string[] args) => System.Text.Encoding.UTF8.GetString(RunBytes(tool, args));

    public static byte[] RunBytes(string tool, params string[] args)
    {
        var psi = new ProcessStartInfo(tool) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi) ?? throw new InvalidOperationException("cannot start " + tool);
        var stdout = new MemoryStream();
        var copy = p.StandardOutput.BaseStream.CopyToAsync(stdout);
        string stderr = p.StandardError.ReadToEnd();
        if (!p.WaitForExit(60_000)) { p.Kill(); throw new TimeoutException(tool + " did not finish"); }
        copy.Wait();
        if (p.ExitCode != 0) throw new InvalidOperationException($"{tool} {string.Join(' ', args)} exited {p.ExitCode}: {stderr}");
        return stdout.ToArray();
    }

    /// <summary>One folder per test run, deleted when the test process exits.</summary>
    private static readonly Lazy<string> RunDir = new(() =>
    {
        string d = Path.Combine(Path.GetTempPath(), "octomix-drivers-tests-" + Environment.ProcessId);
        Directory.CreateDirectory(d);
        AppDomain.CurrentDomain.ProcessExit += (_, _) => { try { Directory.Delete(d, recursive: true); } catch (IOException) { } };
        return d;
    });

    public static string TempDir()
    {
        string d = Path.Combine(RunDir.Value, Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(d);
        return d;
    }
}
