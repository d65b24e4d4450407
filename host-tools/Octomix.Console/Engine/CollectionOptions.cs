namespace Octomix.Desk.Engine;

/// <summary>How hard collection tries before it calls a track incomplete.</summary>
public sealed record CollectionOptions
{
    /// <summary>Wait between FileInfo requests while the box computes its checksum or closes the file.</summary>
    public TimeSpan ComputingPoll { get; init; } = TimeSpan.FromMilliseconds(150);

    /// <summary>
    /// How long a box may keep saying "computing" or "still recording" before the track is given
    /// up, on top of the time its checksum needs at <see cref="MinChecksumBytesPerSecond"/>.
    /// </summary>
    public TimeSpan ComputingTimeout { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>
    /// The slowest checksum rate the console waits for: an ESP32 box sums about 35 KB/s in its
    /// time-boxed turns (docs/device-budget.md, section 6: ~27 min for a 5-minute take); half of
    /// that, so a slow card does not make the console give up on a box that is still working.
    /// A box reports the part's size while it computes, so the wait scales with the take.
    /// </summary>
    public int MinChecksumBytesPerSecond { get; init; } = 16_000;

    /// <summary>FileInfo requests that went unanswered (each after every reliable attempt: 10 × 200 ms) before the box counts as gone.</summary>
    public int FileInfoRounds { get; init; } = 3;

    /// <summary>Bytes asked for per FileRequest (the protocol allows 1..65536).</summary>
    public int RequestBytes { get; init; } = 32 * 1024;

    /// <summary>FileRequests outstanding per box (the box queues 8).</summary>
    public int Window { get; init; } = 6;

    /// <summary>
    /// Rate the box is assumed to serve at least (for a request's deadline, until the collector
    /// has measured the box: <see cref="ServeRateEstimate"/>, which it then follows): a stock
    /// image sends one 512-byte chunk per 5.33 ms block in its time budget, ~96 KB/s
    /// (docs/device-budget.md, section 7); a little under that so a request is not asked for again
    /// while it is still being served. The custom image serves ~1.28 MB/s (section 7a).
    /// </summary>
    public int AssumedBytesPerSecond { get; init; } = 90_000;

    /// <summary>No new byte for this long while requesting: the box is asked for its FileInfo again (is it still there?).</summary>
    public TimeSpan StallTimeout { get; init; } = TimeSpan.FromSeconds(4);

    /// <summary>Stalls in a row before the track is given up.</summary>
    public int StallRounds { get; init; } = 3;

    /// <summary>Whole fetches of a part whose checksum does not match before the track is given up.</summary>
    public int VerifyRounds { get; init; } = 3;

    /// <summary>
    /// Progressive collection (<see cref="ProgressiveFetch"/>): bytes per second per track asked
    /// for while the take records; 0 = off (everything missing is fetched after the Stop). Under
    /// what a box serves by default: one 512-byte chunk every 8th block
    /// (<c>progressive_every_blocks</c>), 12 KB/s at 256 frames and 48 kHz, 11 KB/s at 44.1 kHz.
    /// </summary>
    public int ProgressiveBytesPerSecond { get; init; } = 8_000;

    /// <summary>Bytes asked for per FileRequest during the take (a few of the box's chunks: its queue holds 8 requests).</summary>
    public int ProgressiveRequestBytes { get; init; } = 2048;

    /// <summary>
    /// A range missing from the stream is asked for during the take once it is this far behind
    /// the newest frame received: past the box's retransmit ring (<c>retransmit_seconds</c>, 2 s
    /// by default), where NACKs can no longer bring it, and on the card for sure (the stock path
    /// flushes once a second, the native writer syncs as often).
    /// </summary>
    public TimeSpan ProgressiveAfter { get; init; } = TimeSpan.FromSeconds(3);
}
