using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using Microsoft.Extensions.Logging;

namespace Octomix.Cli;

/// <summary>Parsing of the console's and the demo's flag values, with messages that name the flag.</summary>
internal static class CliText
{
    /// <summary>"64M", "2G", "500K" (binary units) or a plain number of bytes.</summary>
    public static bool TryParseSize(string? text, out long bytes)
    {
        bytes = 0;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        text = text.Trim().ToUpperInvariant();
        if (text.EndsWith('B'))
        {
            text = text[..^1];
        }

        int shift = text.Length == 0 ? 0 : text[^1] switch { 'K' => 10, 'M' => 20, 'G' => 30, 'T' => 40, _ => 0 };
        string number = shift == 0 ? text : text[..^1];
        if (!double.TryParse(number, NumberStyles.Float, CultureInfo.InvariantCulture, out double value) || value <= 0 || value * Math.Pow(2, shift) > 1L << 50)
        {
            return false;
        }

        bytes = (long)(value * Math.Pow(2, shift));
        return true;
    }

    /// <summary>"8s", "500ms", "2m", "1m30s" or a plain number of seconds.</summary>
    public static bool TryParseDuration(string? text, out TimeSpan duration)
    {
        duration = TimeSpan.Zero;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        text = text.Trim().ToLowerInvariant();
        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double plain))
        {
            duration = TimeSpan.FromSeconds(plain);
            return plain >= 0 && plain < 1e6;
        }

        double total = 0;
        int i = 0;
        while (i < text.Length)
        {
            int start = i;
            while (i < text.Length && (char.IsDigit(text[i]) || text[i] == '.'))
            {
                i++;
            }

            if (start == i || !double.TryParse(text.AsSpan(start, i - start), NumberStyles.Float, CultureInfo.InvariantCulture, out double value))
            {
                return false;
            }

            int unitStart = i;
            while (i < text.Length && char.IsLetter(text[i]))
            {
                i++;
            }

            switch (text[unitStart..i])
            {
                case "ms": total += value / 1000; break;
                case "s": total += value; break;
                case "m" or "min": total += value * 60; break;
                case "h": total += value * 3600; break;
                default: return false;
            }
        }

        duration = TimeSpan.FromSeconds(total);
        return total >= 0 && total < 1e6;
    }

    /// <summary>"4/4", "6/8": beats per bar and beat unit.</summary>
    public static bool TryParseMeter(string? text, out int beats, out int unit)
    {
        beats = unit = 0;
        var parts = text?.Split('/');
        return parts is { Length: 2 }
            && int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out beats)
            && int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out unit);
    }

    /// <summary>beep, woodblock, hihat (or 1, 2, 3); 0 when none of them.</summary>
    public static int ParseClick(string? text) => text?.Trim().ToLowerInvariant() switch
    {
        "beep" or "1" => 1,
        "woodblock" or "wood" or "2" => 2,
        "hihat" or "hi-hat" or "3" => 3,
        _ => 0,
    };

    public static bool TryParseLogLevel(string? text, out LogLevel level) => Enum.TryParse(text, ignoreCase: true, out level);

    /// <summary>
    /// The parser's errors as sentences that name the command, the flag and the value:
    /// <c>octomix console: --tempo: "abc" is not a number</c>. One line per distinct problem.
    /// </summary>
    public static IReadOnlyList<string> DescribeParseErrors(ParseResult parse)
    {
        string prefix = "octomix" + (parse.CommandResult.Command is RootCommand ? "" : " " + parse.CommandResult.Command.Name) + ": ";
        var lines = new List<string>();
        foreach (var error in parse.Errors)
        {
            string line = prefix + Describe(error);
            if (!lines.Contains(line))
            {
                lines.Add(line);
            }
        }

        return lines;
    }

    private static string Describe(ParseError error)
    {
        var option = error.SymbolResult switch
        {
            OptionResult o => o,
            ArgumentResult { Parent: OptionResult o } => o,
            _ => null,
        };
        if (option != null && option.Tokens.Count > 0 && NumberKind(option.Option.ValueType) is string kind)
        {
            string value = option.Tokens[^1].Value;
            return $"{option.Option.Name}: \"{value}\" is not {kind}";
        }

        return error.Message;
    }

    /// <summary>"a number", "a whole number" for the numeric option types; null for the others.</summary>
    private static string? NumberKind(Type type)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        if (type == typeof(double) || type == typeof(float) || type == typeof(decimal))
        {
            return "a number";
        }

        if (type == typeof(int) || type == typeof(long) || type == typeof(short) || type == typeof(byte) || type == typeof(uint) || type == typeof(ulong) || type == typeof(ushort))
        {
            return "a whole number";
        }

        return null;
    }

    /// <summary>A join code nobody guesses by accident: "OX-" and 5 letters/digits without look-alikes.</summary>
    public static string NewJoinCode()
    {
        const string alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
        var chars = new char[5];
        for (int i = 0; i < chars.Length; i++)
        {
            chars[i] = alphabet[System.Security.Cryptography.RandomNumberGenerator.GetInt32(alphabet.Length)];
        }

        return "OX-" + new string(chars);
    }
}

/// <summary>Log lines into a file (the interactive console owns the terminal).</summary>
internal sealed class FileLoggerProvider(string path, LogLevel minimum) : ILoggerProvider
{
    private readonly StreamWriter _writer = new(new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.ReadWrite)) { AutoFlush = true };
    private readonly Lock _lock = new();

    public ILogger CreateLogger(string categoryName) => new FileLogger(this, categoryName);

    public void Dispose() => _writer.Dispose();

    private void Write(string category, LogLevel level, string text)
    {
        lock (_lock)
        {
            _writer.WriteLine($"{DateTime.Now:yyyy-MM-dd HH:mm:ss.fff} {level,-11} {category}: {text}");
        }
    }

    private sealed class FileLogger(FileLoggerProvider provider, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= provider.Minimum;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel))
            {
                provider.Write(category, logLevel, formatter(state, exception) + (exception != null ? " " + exception : string.Empty));
            }
        }
    }

    internal LogLevel Minimum => minimum;
}
