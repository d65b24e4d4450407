using Octomix.Protocol;

namespace Octomix.Desk.Engine;

/// <summary>
/// The last Status a box sent (forwarded by the server), and how well its heartbeats arrive:
/// received and lost (from their sequence numbers) and the interarrival jitter (RFC 3550, with
/// the box's sent-at clock as the media clock).
/// </summary>
public sealed record BoxStatusSnapshot(
    int Slot,
    long HeardAtMicros,
    byte State,
    byte Flags,
    byte PeakDb0,
    byte PeakDb1,
    int LatencySamples,
    uint SdFreeMiB,
    int SdWriteKBps,
    int Underruns,
    int Overruns,
    int RttTenthsMs,
    uint TakeId,
    long Timecode,
    byte ErrorCode,
    int BufferMilliseconds,
    long StatusReceived,
    long StatusLost,
    double JitterMilliseconds = double.NaN,
    uint CardFreeSeconds = StatusMessage.CardFreeUnknown)
{
    /// <summary>How long the box's card still records at its current format (null: unknown — no card, or a box that does not say).</summary>
    public TimeSpan? CardFreeTime => CardFreeSeconds == StatusMessage.CardFreeUnknown ? null : TimeSpan.FromSeconds(CardFreeSeconds);

    public static BoxStatusSnapshot From(StatusMessage s, long arrivalMicros, long received, long lost, double jitterMilliseconds) => new(
        s.SourceSlot, arrivalMicros, s.State, s.StatusFlags, s.PeakDb0, s.PeakDb1, s.LatencySamples, s.SdFreeMiB, s.SdWriteKBps,
        s.Underruns, s.Overruns, s.RttTenthsMs, s.TakeId, s.Timecode, s.ErrorCode, s.BufferMilliseconds, received, lost, jitterMilliseconds, s.CardFreeSeconds);

    /// <summary>Peak of a channel in dBFS (−∞ for silence).</summary>
    public static double PeakDbfs(byte minusDb) => minusDb == 255 ? double.NegativeInfinity : -minusDb;
}

/// <summary>
/// The ready indicators of one track's box, from its forwarded Status: joined (heard lately),
/// SD card present and not full, card fast enough for the format, round trip calibrated (and
/// shorter than the pre-roll), and a state in which it takes a Record. <see cref="Reasons"/>
/// says in words what is missing.
/// </summary>
public sealed record BoxReadiness(bool Joined, bool SdOk, bool SdFast, bool Calibrated, bool Idle, IReadOnlyList<string> Reasons)
{
    /// <summary>A box not heard for this long is not joined (the server frees a slot after 1 s of silence).</summary>
    public static readonly TimeSpan HeardWithin = TimeSpan.FromSeconds(2);

    public bool Ready => Joined && SdOk && SdFast && Calibrated && Idle;

    /// <summary>Readiness of a box from its last Status (null: never heard) at <paramref name="nowMicros"/>.</summary>
    public static BoxReadiness Evaluate(BoxStatusSnapshot? status, long nowMicros, long preRollFrames)
    {
        var reasons = new List<string>();
        if (status == null)
        {
            reasons.Add("no box");
            return new BoxReadiness(false, false, false, false, false, reasons);
        }

        long silent = nowMicros - status.HeardAtMicros;
        bool joined = silent <= (long)HeardWithin.TotalMicroseconds;
        if (!joined)
        {
            reasons.Add($"not heard for {silent / 1e6:0.0} s");
        }

        bool cardIn = (status.Flags & StatusFlags.SdCardOk) != 0;
        bool full = (status.Flags & StatusFlags.SdFull) != 0;
        bool sdOk = cardIn && !full;
        if (!cardIn)
        {
            reasons.Add("no SD card");
        }
        else if (full)
        {
            reasons.Add("SD card full");
        }

        bool sdFast = (status.Flags & StatusFlags.SdFastEnough) != 0;
        if (cardIn && !sdFast)
        {
            reasons.Add($"SD card too slow ({status.SdWriteKBps} KB/s)");
        }

        bool calibrated = (status.Flags & StatusFlags.Calibrated) != 0 && status.LatencySamples >= 0;
        if (!calibrated)
        {
            reasons.Add(status.State == BoxStateCode.Calibrating ? "calibrating" : "not calibrated");
        }
        else if (status.LatencySamples >= preRollFrames)
        {
            calibrated = false;
            reasons.Add($"round trip {status.LatencySamples} samples is longer than the pre-roll");
        }

        bool idle = status.State is BoxStateCode.Ready or BoxStateCode.Jamming or BoxStateCode.Collecting or BoxStateCode.Playback;
        if (!idle && status.State != BoxStateCode.Calibrating)
        {
            reasons.Add(status.State == BoxStateCode.Error ? $"error {status.ErrorCode}" : BoxStateCode.Name(status.State));
        }

        return new BoxReadiness(joined, sdOk, sdFast, calibrated, idle, reasons);
    }
}
