using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;

namespace Octomix.Desk.Output;

/// <summary>An audio player and the arguments that make it play raw s16le stereo from its stdin.</summary>
public sealed record AudioPlayerCommand(string Name, string ExecutablePath, IReadOnlyList<string> Arguments)
{
    public override string ToString() => $"{ExecutablePath} {string.Join(' ', Arguments)}";
}

/// <summary>No player was found; the message says what was looked for and what to do instead.</summary>
public sealed class AudioPlayerNotFoundException(string message) : Exception(message);

/// <summary>
/// Finds a command-line audio player on the machine: <c>pw-play</c> (PipeWire), <c>paplay</c>
/// (PulseAudio), <c>aplay</c> (ALSA), <c>ffplay</c> (FFmpeg), in that order, each given the
/// arguments for raw s16le stereo at the session rate on stdin.
/// </summary>
public static partial class AudioPlayerLocator
{
    public static IReadOnlyList<string> Preference { get; } = ["pw-play", "paplay", "aplay", "ffplay"];

    /// <summary>The first player found on <paramref name="searchPath"/> (default: PATH), or null.</summary>
    public static AudioPlayerCommand? Find(int sampleRate = 48000, string? searchPath = null)
    {
        foreach (string name in Preference)
        {
            string? path = FindExecutable(name, searchPath ?? Environment.GetEnvironmentVariable("PATH") ?? "");
            if (path is not null)
            {
                int ffplayMajor = name == "ffplay" ? FfplayMajorVersion(path) : 0;
                return new AudioPlayerCommand(name, path, ArgumentsFor(name, sampleRate, ffplayMajor));
            }
        }

        return null;
    }

    /// <summary>Like <see cref="Find"/>, with a clear error when there is none.</summary>
    public static AudioPlayerCommand FindOrThrow(int sampleRate = 48000, string? searchPath = null)
    {
        string path = searchPath ?? Environment.GetEnvironmentVariable("PATH") ?? "";
        return Find(sampleRate, path) ?? throw new AudioPlayerNotFoundException(
            $"no audio player found: looked for {string.Join(", ", Preference)} in {(path.Length == 0 ? "an empty PATH" : path)}. "
            + "Install one (pipewire-bin, pulseaudio-utils, alsa-utils or ffmpeg), or send the monitor to a FIFO or file instead.");
    }

    /// <summary>Arguments that make <paramref name="name"/> play raw interleaved s16le stereo from stdin.</summary>
    public static IReadOnlyList<string> ArgumentsFor(string name, int sampleRate, int ffplayMajorVersion = 6)
    {
        string rate = sampleRate.ToString(CultureInfo.InvariantCulture);
        return name switch
        {
            // pw-cat: -a (raw) because stdin has no header; "-" is stdin.
            "pw-play" => ["-a", "--rate", rate, "--channels", "2", "--format", "s16", "-"],
            // pacat in playback mode reads raw audio from stdin when no file is named.
            "paplay" => ["--raw", "--format=s16le", $"--rate={rate}", "--channels=2"],
            "aplay" => ["-q", "-t", "raw", "-f", "S16_LE", "-r", rate, "-c", "2", "-"],
            // FFmpeg 5.1 introduced ch_layout for the raw demuxer (channels was removed in 7).
            "ffplay" => ["-nodisp", "-autoexit", "-loglevel", "error", "-f", "s16le", "-sample_rate", rate,
                .. ffplayMajorVersion >= 5 ? new[] { "-ch_layout", "stereo" } : ["-channels", "2"], "-i", "-"],
            _ => throw new ArgumentException($"unknown player {name}; known: {string.Join(", ", Preference)}", nameof(name)),
        };
    }

    private static string? FindExecutable(string name, string searchPath)
    {
        foreach (string directory in searchPath.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            string candidate = Path.Combine(directory, OperatingSystem.IsWindows() ? name + ".exe" : name);
            if (File.Exists(candidate) && IsExecutable(candidate))
            {
                return candidate;
            }
        }

        return null;
    }

    private static bool IsExecutable(string path)
    {
        if (OperatingSystem.IsWindows())
        {
            return true;
        }

        var mode = File.GetUnixFileMode(path);
        return (mode & (UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute)) != 0;
    }

    /// <summary>"ffplay version 5.1.9-0+deb12u1 …" → 5; 6 (the newer argument style) when it cannot tell.</summary>
    private static int FfplayMajorVersion(string path)
    {
        try
        {
            using var process = Process.Start(new ProcessStartInfo(path, "-version") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false });
            if (process is null)
            {
                return 6;
            }

            var output = process.StandardOutput.ReadToEndAsync();
            if (!process.WaitForExit(3000))
            {
                process.Kill();
                return 6;
            }

            var match = VersionPattern().Match(output.Result);
            return match.Success ? int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture) : 6;
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or InvalidOperationException or IOException)
        {
            return 6;
        }
    }

    [GeneratedRegex(@"version\s+n?(\d+)\.")]
    private static partial Regex VersionPattern();
}
