using System.Diagnostics;

namespace Octomix.Console.Tests;

/// <summary>Runs the real tools (ffprobe, ffmpeg, sndfile-info, exiftool) and gives tests a temporary folder.</summary>
internal static class ExportToolRunner
{
    private static readonly Lazy<string> RunDirectory = new(() =>
    {
        string directory = Path.Combine(Path.GetTempPath(), "octomix-console-tests-" + Environment.ProcessId);
        Directory.CreateDirectory(directory);
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            try
            {
                Directory.Delete(directory, recursive: true);
            }
            catch (IOException)
            {
            }
        };
        return directory;
    });

    public static string TempDirectory()
    {
        string directory = Path.Combine(RunDirectory.Value, Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(directory);
        return directory;
    }

    public static string Run(string tool, params string[] args) => System.Text.Encoding.UTF8.GetString(RunBytes(tool, args));

    public static byte[] RunBytes(string tool, params string[] args)
    {
        var start = new ProcessStartInfo(tool) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("cannot start " + tool);
        var stdout = new MemoryStream();
        var copy = process.StandardOutput.BaseStream.CopyToAsync(stdout);
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(60_000))
        {
            process.Kill();
            throw new TimeoutException(tool + " did not finish");
        }

        copy.Wait();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{tool} {string.Join(' ', args)} exited {process.ExitCode}: {stderr.Result}");
        }

        return stdout.ToArray();
    }
}
