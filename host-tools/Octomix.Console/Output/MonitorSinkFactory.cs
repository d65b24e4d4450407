using Octomix.Desk.Monitor;

namespace Octomix.Desk.Output;

/// <summary>What a monitor sink is made for: the take, its rate, its mixer (for the delay and position), and where a sink's warnings go.</summary>
public sealed record MonitorSinkContext(int TakeNumber, int SampleRate, MonitorMixer Mixer, Action<string> Warn);

/// <summary>
/// Makes the sink of each take's monitor mix: a player on this machine, a FIFO or file, the web
/// console's browsers, none — or several at once (<see cref="MonitorSinks.Tee"/>). The composition
/// root (the CLI) chooses; the engine only calls <see cref="Create"/> when a take's monitor starts.
/// </summary>
public interface IMonitorSinkFactory
{
    /// <summary>What it makes, for the help and the log ("player", "fifo /tmp/m", "web", "none").</summary>
    string Name { get; }

    /// <summary>A new sink for one take (disposed when the take's monitor stops). May throw IOException/InvalidOperationException.</summary>
    IMonitorSink Create(MonitorSinkContext context);
}

/// <summary>The monitor sinks there are.</summary>
public static class MonitorSinks
{
    /// <summary>No monitor output (the mixer still runs: NACKs, concealment and meters work).</summary>
    public static IMonitorSinkFactory None { get; } = new Factory("none", _ => new DiscardSink());

    /// <summary>An audio player found on this machine (pw-play, paplay, aplay, ffplay), supervised; none found: discarded, with a warning.</summary>
    public static IMonitorSinkFactory Player { get; } = new Factory("player", c =>
    {
        var player = AudioPlayerLocator.Find(c.SampleRate);
        if (player == null)
        {
            var sink = new DiscardSink("monitor stopped: no audio player found (pw-play, paplay, aplay, ffplay); --monitor PATH writes it to a FIFO or file");
            c.Warn(sink.Description);
            return sink;
        }

        return new SupervisedPlayerSink(() => new PlayerProcessSink(player), m => c.Warn($"take {c.TakeNumber}: {m}"));
    });

    /// <summary>A FIFO or file (s16le stereo at the session rate).</summary>
    public static IMonitorSinkFactory Path(string path) => new Factory("path " + path, _ => new PathSink(path));

    /// <summary>Every sink of <paramref name="factories"/> at once (e.g. the player and the web console).</summary>
    public static IMonitorSinkFactory Tee(params IMonitorSinkFactory[] factories)
    {
        ArgumentNullException.ThrowIfNull(factories);
        if (factories.Length == 1)
        {
            return factories[0];
        }

        return new Factory(string.Join(" + ", factories.Select(f => f.Name)), c =>
        {
            var sinks = new List<IMonitorSink>();
            try
            {
                foreach (var f in factories)
                {
                    sinks.Add(f.Create(c));
                }
            }
            catch
            {
                foreach (var s in sinks)
                {
                    s.Dispose();
                }

                throw;
            }

            return new TeeSink(sinks);
        });
    }

    /// <summary>The CLI's --monitor: "auto" (a player), "none", or a FIFO/file path.</summary>
    public static IMonitorSinkFactory FromChoice(string choice)
    {
        ArgumentNullException.ThrowIfNull(choice);
        return choice.Equals("none", StringComparison.OrdinalIgnoreCase) ? None
            : choice.Equals("auto", StringComparison.OrdinalIgnoreCase) ? Player
            : Path(choice);
    }

    private sealed class Factory(string name, Func<MonitorSinkContext, IMonitorSink> create) : IMonitorSinkFactory
    {
        public string Name => name;

        public IMonitorSink Create(MonitorSinkContext context) => create(context);
    }
}

/// <summary>Several sinks fed the same frames; none blocks (each drops on its own when full).</summary>
public sealed class TeeSink(IReadOnlyList<IMonitorSink> sinks) : IMonitorSink
{
    public string Description => string.Join(" + ", sinks.Select(s => s.Description));

    public bool TryWrite(ReadOnlySpan<short> interleavedStereo)
    {
        bool all = true;
        for (int i = 0; i < sinks.Count; i++)
        {
            all &= sinks[i].TryWrite(interleavedStereo);
        }

        return all;
    }

    /// <summary>The first sink's counters (the one the engineer hears), with every sink's description and the first error.</summary>
    public MonitorSinkStatus GetStatus()
    {
        var first = sinks[0].GetStatus();
        string? error = sinks.Select(s => s.GetStatus().Error).FirstOrDefault(e => e != null);
        return first with { Description = Description, Error = error };
    }

    public void Dispose()
    {
        foreach (var s in sinks)
        {
            s.Dispose();
        }
    }
}
