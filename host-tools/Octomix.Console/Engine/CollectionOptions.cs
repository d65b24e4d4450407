namespace Octomix.Desk.Engine;

/// <summary>How hard collection tries before it calls a track incomplete.</summary>
public sealed record CollectionOptions
{
    /// <summary>Wait between FileInfo requests while the box computes its checksum or closes the file.</summary>
    public TimeSpan ComputingPoll { get; init; } = TimeSpan.FromMilliseconds(150);

    /// <summary>How long a box may keep saying "computing" or "still recording" before the track is given up.</summary>
    public TimeSpan ComputingTimeout { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>FileInfo requests that went unanswered (each after every reliable attempt: 10 × 200 ms) before the box counts as gone.</summary>
    public int FileInfoRounds { get; init; } = 3;

    /// <summary>Bytes asked for per FileRequest (the protocol allows 1..65536).</summary>
    public int RequestBytes { get; init; } = 32 * 1024;

    /// <summary>FileRequests outstanding per box (the box queues 8).</summary>
    public int Window { get; init; } = 6;

    /// <summary>Rate the box is assumed to serve at least (for a request's deadline): 2 chunks per 5.3 ms block is ~500 KB/s.</summary>
    public int AssumedBytesPerSecond { get; init; } = 150_000;

    /// <summary>No new byte for this long while requesting: the box is asked for its FileInfo again (is it still there?).</summary>
    public TimeSpan StallTimeout { get; init; } = TimeSpan.FromSeconds(4);

    /// <summary>Stalls in a row before the track is given up.</summary>
    public int StallRounds { get; init; } = 3;

    /// <summary>Whole fetches of a part whose checksum does not match before the track is given up.</summary>
    public int VerifyRounds { get; init; } = 3;
}
