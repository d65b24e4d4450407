using System.Diagnostics;

namespace Octomix.Box.Tests;

/// <summary>Runs a real command-line tool (ffprobe, sndfile-info) and returns its output.</summary>
public static class ExternalTool
{
    public static string Run(string tool, params string[] args)
    {
        var psi = new ProcessStartInfo(tool) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }

        using var p = Process.Start(psi) ?? throw new InvalidOperationException("cannot start " + tool);
        string stdout = p.StandardOutput.ReadToEnd();
        string stderr = p.StandardError.ReadToEnd();
        p.WaitForExit();
        Assert.True(p.ExitCode == 0, tool + " failed (" + p.ExitCode + "): " + stderr);
        return stdout + stderr;
    }
}
