using Octomix.Hal;

namespace Octomix.Board.Simulated;

/// <summary>The join button, pressed from code (a test, the console's demo).</summary>
public sealed class SimulatedButton : IButton
{
    private readonly SimulatedTime time;
    private long pressedUntil = long.MinValue;
    private volatile bool held;

    public SimulatedButton(SimulatedTime time)
    {
        this.time = time;
    }

    public bool IsPressed => held || time.NowMicroseconds < Interlocked.Read(ref pressedUntil);

    public void Hold() => held = true;

    public void Release() => held = false;

    /// <summary>Holds the button for <paramref name="milliseconds"/> of simulated time from now.</summary>
    public void PressFor(int milliseconds) => Interlocked.Exchange(ref pressedUntil, time.NowMicroseconds + (milliseconds * 1000L));
}

/// <summary>The three status lights; remembers the last 1024 changes (allocation-free ring).</summary>
public sealed class SimulatedLights : IStatusLights
{
    private readonly SimulatedTime time;
    private readonly int[] masks = new int[1024];
    private readonly long[] times = new long[1024];
    private long changes;

    public SimulatedLights(SimulatedTime time)
    {
        this.time = time;
    }

    /// <summary>The lights as last set: bits <see cref="StatusLight.Link"/>, <see cref="StatusLight.Record"/>, <see cref="StatusLight.Beat"/>.</summary>
    public int Mask { get; private set; }

    public long Changes => Interlocked.Read(ref changes);

    public bool Link => (Mask & StatusLight.Link) != 0;

    public bool Record => (Mask & StatusLight.Record) != 0;

    public bool Beat => (Mask & StatusLight.Beat) != 0;

    public void Show(int mask)
    {
        Mask = mask;
        int i = (int)(changes % masks.Length);
        masks[i] = mask;
        times[i] = time.NowMicroseconds;
        Interlocked.Increment(ref changes);
    }

    /// <summary>The recent changes, oldest first (allocates: for tests).</summary>
    public (long Micros, int Mask)[] History()
    {
        long n = Changes;
        int count = (int)Math.Min(n, masks.Length);
        var result = new (long, int)[count];
        for (int k = 0; k < count; k++)
        {
            int i = (int)((n - count + k) % masks.Length);
            result[k] = (times[i], masks[i]);
        }

        return result;
    }
}

/// <summary>The click-level knob (12-bit like the ESP32's ADC).</summary>
public sealed class SimulatedKnob : IAnalogKnob
{
    public SimulatedKnob(int value)
    {
        Value = value;
    }

    public int MaxValue => 4095;

    public int Value { get; set; }

    public int Read() => Value;
}

/// <summary>Always-on network link (the PC's); can be taken down from code.</summary>
public sealed class SimulatedNetworkLink : INetworkLink
{
    public bool Down { get; set; }

    /// <summary>When true, Connect fails (a wrong Wi-Fi password).</summary>
    public bool RefuseConnect { get; set; }

    public int ConnectAttempts { get; private set; }

    public bool IsConnected => !Down;

    public string LocalAddress => Down ? string.Empty : "127.0.0.1";

    public bool Connect(string ssid, string password, int timeoutMilliseconds)
    {
        ConnectAttempts++;
        if (RefuseConnect)
        {
            return false;
        }

        Down = false;
        return true;
    }
}

/// <summary>The box's log: kept in memory (tests read it) and passed to an optional sink (the CLI's logger).</summary>
public sealed class SimulatedLog : ILog
{
    private readonly List<string> lines = new();
    private readonly Action<LogLevel, string>? sink;

    public SimulatedLog(Action<LogLevel, string>? sink)
    {
        this.sink = sink;
    }

    public void Write(LogLevel level, string message)
    {
        lock (lines)
        {
            lines.Add(level + ": " + message);
        }

        sink?.Invoke(level, message);
    }

    public string[] Lines()
    {
        lock (lines)
        {
            return lines.ToArray();
        }
    }

    public bool Contains(string text) => Lines().Any(l => l.Contains(text, StringComparison.Ordinal));

    public override string ToString() => string.Join(Environment.NewLine, Lines());
}
