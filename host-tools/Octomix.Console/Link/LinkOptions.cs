using System.Globalization;
using Octomix.Protocol;

namespace Octomix.Desk.Link;

/// <summary>How the console reaches its room: the server's address and port (the room's UDP port) and the join code.</summary>
public sealed record LinkOptions
{
    /// <summary>Server host name or address.</summary>
    public required string Host { get; init; }

    /// <summary>The room's UDP port (7891 for room 0 by default).</summary>
    public required int Port { get; init; }

    public required string JoinCode { get; init; }

    /// <summary>Name shown in the server's slot table (31 UTF-8 bytes reach the room).</summary>
    public string Name { get; init; } = "Octomix console";

    /// <summary>Stable id of this console (the Join's box id); default: a hash of the machine and user name.</summary>
    public ulong ConsoleId { get; init; } = DefaultConsoleId();

    /// <summary>The session's rate: the room must run at it.</summary>
    public int SampleRate { get; init; } = 48000;

    /// <summary>Time between attempts of a reliable message (protocol: 200 ms).</summary>
    public TimeSpan RetryInterval { get; init; } = TimeSpan.FromMilliseconds(200);

    /// <summary>Attempts of a reliable message before it is reported unanswered (protocol: 10).</summary>
    public int MaxAttempts { get; init; } = 10;

    /// <summary>Silence from the server after which the console joins again (at least 3 slot timeouts).</summary>
    public TimeSpan ServerLostAfter { get; init; } = TimeSpan.FromSeconds(3);

    /// <summary>Every problem, as sentences; empty when usable.</summary>
    public IReadOnlyList<string> Problems()
    {
        var problems = new List<string>();
        if (string.IsNullOrWhiteSpace(Host))
        {
            problems.Add("server: no host");
        }

        if (Port is < 1 or > 65535)
        {
            problems.Add($"server port {Port}: 1..65535");
        }

        if (!JoinMessage.IsValidJoinCode(JoinCode))
        {
            problems.Add($"join code \"{JoinCode}\": 1..16 printable ASCII characters without spaces");
        }

        if (RetryInterval <= TimeSpan.Zero || MaxAttempts < 1)
        {
            problems.Add("retry interval and attempts must be positive");
        }

        return problems;
    }

    /// <summary>Parses "host:port" ("[::1]:7891" for IPv6); null and a reason when it is not one.</summary>
    public static (string Host, int Port)? ParseEndpoint(string text, out string? problem)
    {
        problem = null;
        int colon = text?.LastIndexOf(':') ?? -1;
        if (text == null || colon <= 0 || !int.TryParse(text.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out int port) || port is < 1 or > 65535)
        {
            problem = $"\"{text}\" is not host:port";
            return null;
        }

        return (text[..colon].Trim('[', ']'), port);
    }

    private static ulong DefaultConsoleId()
    {
        // FNV-1a over machine and user: stable across restarts, so the server sees the same console
        ulong hash = 14695981039346656037UL;
        foreach (char c in Environment.MachineName + "/" + Environment.UserName)
        {
            hash = (hash ^ c) * 1099511628211UL;
        }

        return hash == 0 ? 1 : hash;
    }
}
