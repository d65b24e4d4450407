using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Xunit.Abstractions;

namespace Octomix.Console.Tests;

/// <summary>Logging into memory (written to the test's output at the end), temporary folders, waiting without sleeps as assertions.</summary>
internal sealed class TestLog : ILoggerProvider
{
    private readonly ConcurrentQueue<string> _lines = new();
    private readonly Stopwatch _clock = Stopwatch.StartNew();

    public ILoggerFactory Factory() => LoggerFactory.Create(b => b.SetMinimumLevel(LogLevel.Debug).AddProvider(this));

    public void Add(string category, string text) => _lines.Enqueue($"{_clock.Elapsed.TotalSeconds,8:0.000} {category}: {text}");

    public IReadOnlyCollection<string> Lines => _lines;

    public bool Contains(string text) => _lines.Any(l => l.Contains(text, StringComparison.Ordinal));

    public void WriteTo(ITestOutputHelper output)
    {
        foreach (var line in _lines)
        {
            output.WriteLine(line);
        }
    }

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose()
    {
    }

    private sealed class Logger(TestLog log, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Debug;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            log.Add(category, $"[{logLevel}] {formatter(state, exception)}{(exception != null ? " " + exception : string.Empty)}");
        }
    }
}

/// <summary>
/// Tests that run four simulated boxes in real time take turns: two sets of real-time boxes at
/// once on a 2-core machine would fight for the CPU a box's audio thread needs on time.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = false)]
public sealed class RealTimeBoxes
{
    public const string Name = "real-time boxes";
}

/// <summary>A WAV file's audio data (the end-to-end tests compare stems with card files).</summary>
internal static class WavTestData
{
    public static byte[] Data(string wav)
    {
        var layout = Octomix.Desk.Engine.WavData.Open(wav);
        using var file = File.OpenRead(wav);
        file.Position = layout.DataOffset;
        var data = new byte[layout.DataBytes];
        file.ReadExactly(data);
        return data;
    }
}
