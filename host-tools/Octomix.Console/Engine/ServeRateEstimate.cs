namespace Octomix.Desk.Engine;

/// <summary>
/// The rate a box actually serves FileData at, measured from what arrives while requests are
/// outstanding, so that a request's deadline follows the box: a stock image serves ~96 KB/s, the
/// custom image's native file server ~1.28 MB/s while it rests (docs/device-budget.md, sections 7
/// and 7a). With one fixed assumption, deadlines are 14 times too long for the second (a lost
/// request waits seconds before it is asked again) or too short for the first (requests asked
/// again while still being served). Windows of at least <see cref="WindowMilliseconds"/> with a
/// request outstanding throughout are averaged (each new window counts half); time with nothing
/// asked is not a measurement. The deadline rate never goes below the configured floor.
/// </summary>
public sealed class ServeRateEstimate
{
    /// <summary>The shortest measuring window, ms.</summary>
    public const long WindowMilliseconds = 250;

    /// <summary>The share of the measured rate a deadline assumes (margin for the box's and the link's jitter).</summary>
    public const double DeadlineShare = 0.8;

    private long windowStart = -1;
    private long windowBytes;
    private long lastPresent = -1;

    /// <summary>The measured rate, bytes per second (0 until a window was complete).</summary>
    public double BytesPerSecond { get; private set; }

    /// <summary>Windows measured.</summary>
    public int Windows { get; private set; }

    /// <summary>
    /// Observes the spool at <paramref name="nowMilliseconds"/>: <paramref name="presentBytes"/> in
    /// it, and whether a request was outstanding since the last observation.
    /// </summary>
    public void Observe(long nowMilliseconds, long presentBytes, bool requesting)
    {
        long grew = lastPresent < 0 ? 0 : Math.Max(0, presentBytes - lastPresent);
        lastPresent = presentBytes;
        if (!requesting)
        {
            windowStart = -1; // nothing asked: no measurement
            windowBytes = 0;
            return;
        }

        if (windowStart < 0)
        {
            windowStart = nowMilliseconds;
            windowBytes = 0;
            return;
        }

        windowBytes += grew;
        long elapsed = nowMilliseconds - windowStart;
        if (elapsed >= WindowMilliseconds)
        {
            double rate = windowBytes * 1000.0 / elapsed;
            BytesPerSecond = Windows == 0 ? rate : (BytesPerSecond + rate) / 2;
            Windows++;
            windowStart = nowMilliseconds;
            windowBytes = 0;
        }
    }

    /// <summary>The rate a new request's deadline assumes: <see cref="DeadlineShare"/> of the measured rate, at least <paramref name="floorBytesPerSecond"/>.</summary>
    public long DeadlineBytesPerSecond(long floorBytesPerSecond) =>
        Math.Max(floorBytesPerSecond, (long)(BytesPerSecond * DeadlineShare));
}
