using Octomix.Hal;

namespace Octomix.Drivers.Tests.Wm8960;

/// <summary>
/// An ordered-expectation I2C bus in the style of embedded-hal-mock: each expected transaction has
/// exact bytes (or is a delay); the first transfer that differs throws at once (naming the step);
/// <see cref="Done"/> asserts every expectation was consumed. Faults: the N-th transfer (1-based)
/// can answer with a chosen status instead of Ok.
/// </summary>
public sealed class ExpectationBus : IRegisterBus
{
    private readonly List<(string kind, byte[] bytes, int delayMs, string label)> _expected = new();
    private int _next;
    private int _transfers;
    private readonly Dictionary<int, BusStatus> _faults = new();

    public ExpectationBus(int address = 0x1A) { Address = address; }

    public int Address { get; }

    public List<string> Log { get; } = new();

    public ExpectationBus ExpectWrite(byte[] bytes, string label = "")
    {
        _expected.Add(("write", bytes, 0, label));
        return this;
    }

    public ExpectationBus ExpectDelay(int milliseconds, string label = "")
    {
        _expected.Add(("delay", Array.Empty<byte>(), milliseconds, label));
        return this;
    }

    /// <summary>The <paramref name="transfer"/>-th bus transfer (1-based) returns <paramref name="status"/>.</summary>
    public ExpectationBus FailTransfer(int transfer, BusStatus status)
    {
        _faults[transfer] = status;
        return this;
    }

    public BusStatus Write(byte[] buffer, int offset, int count)
    {
        var actual = buffer.AsSpan(offset, count).ToArray();
        Log.Add("write " + Convert.ToHexString(actual));
        if (_next >= _expected.Count)
            throw new UnexpectedBusTraffic($"unexpected write {Hex(actual)} after all {_expected.Count} expectations were used");
        var e = _expected[_next];
        if (e.kind != "write")
            throw new UnexpectedBusTraffic($"expectation {_next + 1} ({e.label}): expected a {e.delayMs} ms delay, got write {Hex(actual)}");
        if (!e.bytes.AsSpan().SequenceEqual(actual))
            throw new UnexpectedBusTraffic($"expectation {_next + 1} ({e.label}): expected write {Hex(e.bytes)}, got {Hex(actual)}");
        _next++;
        _transfers++;
        return _faults.TryGetValue(_transfers, out var s) ? s : BusStatus.Ok;
    }

    public void Delay(int milliseconds)
    {
        Log.Add("delay " + milliseconds);
        if (_next >= _expected.Count)
            throw new UnexpectedBusTraffic($"unexpected {milliseconds} ms delay after all expectations were used");
        var e = _expected[_next];
        if (e.kind != "delay" || e.delayMs != milliseconds)
            throw new UnexpectedBusTraffic($"expectation {_next + 1} ({e.label}): expected {(e.kind == "delay" ? e.delayMs + " ms delay" : "write " + Hex(e.bytes))}, got a {milliseconds} ms delay");
        _next++;
    }

    public BusStatus Read(byte[] buffer, int offset, int count) =>
        throw new UnexpectedBusTraffic("the WM8960 is write-only: the driver must never read");

    public BusStatus WriteRead(byte[] write, int writeOffset, int writeCount, byte[] read, int readOffset, int readCount) =>
        throw new UnexpectedBusTraffic("the WM8960 is write-only: the driver must never read");

    /// <summary>All expectations were consumed.</summary>
    public void Done()
    {
        if (_next != _expected.Count)
        {
            var e = _expected[_next];
            throw new UnexpectedBusTraffic($"only {_next} of {_expected.Count} expectations were used; next was {(e.kind == "delay" ? e.delayMs + " ms delay" : "write " + Hex(e.bytes))} ({e.label})");
        }
    }

    private static string Hex(byte[] b) => string.Join(" ", b.Select(x => x.ToString("X2")));
}

public sealed class UnexpectedBusTraffic(string message) : Exception(message);
