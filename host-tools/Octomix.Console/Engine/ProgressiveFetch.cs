using Octomix.Desk.Sessions;
using Octomix.Protocol;

namespace Octomix.Desk.Engine;

/// <summary>
/// Progressive collection of one track while its take records: the ranges the stream missed that
/// are older than <see cref="CollectionOptions.ProgressiveAfter"/> behind the newest frame received
/// — past the box's retransmit ring, so NACKs can no longer recover them — are asked for with
/// FileRequest at no more than <see cref="CollectionOptions.ProgressiveBytesPerSecond"/> (under what
/// the box's <c>progressive_every_blocks</c> budget serves), each once until its deadline. The box
/// serves what its card holds durably and drops the rest; what arrives goes into the spool like any
/// FileData (counted as fetched during the take), so after Stop only the tail and what failed remain.
/// Verification after Stop is unchanged: every stem is proven equal to the card whatever was
/// fetched when. Runs on the network thread (<see cref="ConsoleEngine"/>'s tick).
/// </summary>
public sealed class ProgressiveFetch
{
    private readonly CollectionOptions _options;
    private readonly FileRequestMessage _request = new();
    private readonly List<Outstanding> _outstanding = [];
    private double _credit;
    private long _lastMicros = long.MinValue;

    public ProgressiveFetch(CollectionOptions options)
    {
        _options = options ?? throw new ArgumentNullException(nameof(options));
    }

    /// <summary>FileRequests sent during the take.</summary>
    public long Requests { get; private set; }

    /// <summary>Bytes asked for during the take (asked again after a deadline counts again).</summary>
    public long BytesRequested { get; private set; }

    /// <summary>
    /// One look at the track: sends the FileRequests the rate allows now through
    /// <paramref name="send"/> (the message and the box's slot; false when it could not be sent).
    /// <paramref name="sampleRate"/>: the take's frames per second; <paramref name="roundTrip"/>:
    /// console to box and back, for the deadlines.
    /// </summary>
    public int Tick(TrackStream track, uint takeId, int sampleRate, long nowMicros, TimeSpan roundTrip, Func<FileRequestMessage, byte, bool> send)
    {
        ArgumentNullException.ThrowIfNull(track);
        ArgumentNullException.ThrowIfNull(send);
        int rate = _options.ProgressiveBytesPerSecond;
        if (rate <= 0 || sampleRate <= 0)
        {
            return 0;
        }

        // the rate's credit, at most a second's worth (a console that was busy does not burst)
        double burst = Math.Max(rate, _options.ProgressiveRequestBytes);
        if (_lastMicros != long.MinValue)
        {
            _credit = Math.Min(burst, _credit + (rate * (nowMicros - _lastMicros) / 1e6));
        }

        _lastMicros = nowMicros;
        var info = track.Info;
        long highest = track.HighestTimecode;
        if (info.FrameBytes <= 0 || highest == long.MinValue)
        {
            return 0;
        }

        long horizonFrames = highest - info.FirstSampleIndex - (long)(_options.ProgressiveAfter.TotalSeconds * sampleRate);
        if (horizonFrames <= 0)
        {
            return 0;
        }

        track.BeginProgressive();
        long horizon = horizonFrames * info.FrameBytes;
        _outstanding.RemoveAll(o => nowMicros >= o.Deadline || track.Spool.Contains(Math.Max(o.Start, o.End - 1), o.End));
        int sent = 0;
        foreach (var missing in track.Spool.Missing(horizon))
        {
            long at = missing.Start;
            while (at < missing.End)
            {
                long end = Math.Min(missing.End, at + _options.ProgressiveRequestBytes);
                if (_outstanding.Any(o => o.Start < end && at < o.End))
                {
                    at = end;
                    continue; // asked for already and not due yet
                }

                long length = end - at;
                if (end > uint.MaxValue)
                {
                    return sent; // past part 0 (4 GB): collection after Stop fetches it
                }

                if (_credit < length)
                {
                    return sent;
                }

                _request.TakeId = takeId;
                _request.Part = 0; // a take splits into parts only after 4 GB: the part being recorded
                _request.Offset = (uint)at;
                _request.RequestLength = (int)length;
                if (!send(_request, (byte)track.Slot))
                {
                    return sent;
                }

                _credit -= length;
                Requests++;
                BytesRequested += length;
                sent++;
                long queued = _outstanding.Sum(o => o.End - o.Start) + length;
                long deadline = nowMicros + (long)(2 * roundTrip.TotalMicroseconds) + 500_000 + (queued * 1_000_000 / rate);
                _outstanding.Add(new Outstanding(at, end, deadline));
                at = end;
            }
        }

        return sent;
    }

    private sealed record Outstanding(long Start, long End, long Deadline);
}
