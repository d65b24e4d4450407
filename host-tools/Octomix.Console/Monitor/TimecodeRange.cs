namespace Octomix.Desk.Monitor;

/// <summary>A half-open range of timecodes [<see cref="Start"/>, <see cref="End"/>) in samples.</summary>
public readonly record struct TimecodeRange(long Start, long End)
{
    public long Count => End - Start;

    public override string ToString() => $"[{Start}, {End})";
}
