using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Octomix.Desk.Link;
using Octomix.Desk.Sessions;
using Octomix.Protocol;

namespace Octomix.Desk.Engine;

/// <summary>What collection did for one track.</summary>
/// <param name="TrackName">The track.</param>
/// <param name="BoxName">The box that recorded it.</param>
/// <param name="Complete">True when the console's copy equals the box's file (length and checksum of every part).</param>
/// <param name="Problem">Why not, in words naming the track, the box and what is missing.</param>
/// <param name="DataBytes">Audio data bytes of the box's file (all parts); −1 when the box never said.</param>
/// <param name="BytesFromStream">Bytes present from the stream when collection began.</param>
/// <param name="BytesFetched">Bytes fetched with FileRequest, during the take (<see cref="TrackCollectionResult.BytesFetchedDuringTake"/>) and after the Stop.</param>
/// <param name="Parts">Parts of the box's file.</param>
/// <param name="FileRequests">FileRequests sent.</param>
/// <param name="ChecksumMismatches">Parts whose checksum did not match and were fetched again.</param>
/// <param name="ChecksumA">The box's checksum A of part 0.</param>
/// <param name="ChecksumB">The box's checksum B of part 0.</param>
/// <remarks>
/// <see cref="VerifiedAfterStop"/>: from the engineer's Stop to the moment this track's copy was
/// proven equal to the card (null when not verified, or when this console did not see the Stop:
/// a take re-opened after a restart).
/// </remarks>
public sealed record TrackCollectionResult(
    string TrackName,
    string BoxName,
    bool Complete,
    string? Problem,
    long DataBytes,
    long BytesFromStream,
    long BytesFetched,
    int Parts,
    long FileRequests,
    int ChecksumMismatches,
    ulong ChecksumA,
    ulong ChecksumB)
{
    /// <summary>From the engineer's Stop to this track's verification; null when not verified or the Stop was not seen.</summary>
    public TimeSpan? VerifiedAfterStop { get; init; }

    /// <summary>Of <see cref="BytesFetched"/>, the bytes progressive collection fetched while the take recorded.</summary>
    public long BytesFetchedDuringTake { get; init; }

    /// <summary>Of <see cref="BytesFetched"/>, the bytes fetched after the Stop (the tail, and what failed during the take).</summary>
    public long BytesFetchedAfterStop => BytesFetched - BytesFetchedDuringTake;
}

/// <summary>
/// Collects one track after the take: asks the box for each part's FileInfo (again while it says
/// "computing"), checks the stream copy against it (F, format — a copy that does not fit is
/// started over), fetches every missing byte range with FileRequest → FileData in a window of
/// outstanding requests with deadlines and retries, then verifies length and checksum (A and B)
/// of every part; a part that does not match is fetched again whole. Gives up, with a sentence
/// saying why, when the box stops answering or keeps disagreeing.
/// </summary>
public sealed class TrackCollector
{
    private readonly EngineerLink _link;
    private readonly TrackStream _track;
    private readonly uint _takeId;
    private readonly CollectionOptions _options;
    private readonly ILogger _logger;
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly FileRequestMessage _request = new();
    private readonly long _stoppedTimestamp;
    private long _requests;
    private int _mismatches;

    /// <param name="stoppedTimestamp">
    /// <see cref="Stopwatch.GetTimestamp"/> at the engineer's Stop (0: not seen by this console), for
    /// <see cref="TrackCollectionResult.VerifiedAfterStop"/>.
    /// </param>
    public TrackCollector(EngineerLink link, TrackStream track, uint takeId, CollectionOptions options, ILogger logger, long stoppedTimestamp = 0)
    {
        _stoppedTimestamp = stoppedTimestamp;
        _link = link;
        _track = track;
        _takeId = takeId;
        _options = options;
        _logger = logger;
    }

    public async Task<TrackCollectionResult> RunAsync(CancellationToken cancel)
    {
        var info = _track.Info;
        // what FileRequests brought before this collection (during the take, in flight at the Stop,
        // an earlier collection) is in the spool but not the stream's
        long fetchedBefore = _track.FetchedBytes;
        long fromStream = Math.Max(0, _track.Spool.PresentBytes - fetchedBefore);
        _track.Spool.WriteFailure = null; // only this collection's writes count
        FileInfoMessage[] parts;
        try
        {
            parts = await GetPartsAsync(cancel).ConfigureAwait(false);
        }
        catch (CollectionException e)
        {
            return Result(false, e.Message, -1, fromStream, 0, 0, null);
        }

        long total = parts.Sum(p => (long)p.DataBytes);
        long[] bases = PrepareSpool(parts, total);
        fromStream = Math.Max(0, _track.Spool.CountIn(0, total) - fetchedBefore);
        _track.MissingAtStop = _track.MissingAtStop < 0 ? total - fromStream : _track.MissingAtStop;
        _logger.LogInformation(
            "take {Take} {Track}: box file {Bytes} bytes in {Parts} part(s), {Stream} from the stream ({Percent:0.00} % missing)",
            _takeId, info.TrackName, total, parts.Length, fromStream, total == 0 ? 0 : 100.0 * (total - fromStream) / total);

        for (int round = 1; ; round++)
        {
            try
            {
                await FetchMissingAsync(parts, bases, total, cancel).ConfigureAwait(false);
            }
            catch (CollectionException e)
            {
                return Result(false, e.Message, total, fromStream, _track.FetchedBytes, parts.Length, parts[0]);
            }

            var wrong = new List<int>();
            for (int p = 0; p < parts.Length; p++)
            {
                var (a, b) = _track.Spool.Checksum(bases[p], parts[p].DataBytes);
                if (a != parts[p].ChecksumA || b != parts[p].ChecksumB)
                {
                    wrong.Add(p);
                }
            }

            if (wrong.Count == 0)
            {
                return Result(true, null, total, fromStream, _track.FetchedBytes, parts.Length, parts[0]);
            }

            _mismatches += wrong.Count;
            if (round >= _options.VerifyRounds)
            {
                return Result(false, $"track {info.TrackName} (box {info.BoxName}): the copy of part(s) {string.Join(", ", wrong)} does not match the box's checksum after {round} fetch(es)",
                    total, fromStream, _track.FetchedBytes, parts.Length, parts[0]);
            }

            foreach (int p in wrong)
            {
                _logger.LogWarning("take {Take} {Track}: part {Part} does not match the box's checksum: fetching it again whole", _takeId, info.TrackName, p);
                _track.Spool.Forget(bases[p], bases[p] + parts[p].DataBytes);
            }
        }
    }

    /// <summary>FileInfo of every part, once the box has its checksums.</summary>
    private async Task<FileInfoMessage[]> GetPartsAsync(CancellationToken cancel)
    {
        var first = await ReadyInfoAsync(0, cancel).ConfigureAwait(false);
        var parts = new FileInfoMessage[Math.Max(1, first.PartCount)];
        parts[0] = first;
        for (int p = 1; p < parts.Length; p++)
        {
            parts[p] = await ReadyInfoAsync(p, cancel).ConfigureAwait(false);
        }

        return parts;
    }

    private async Task<FileInfoMessage> ReadyInfoAsync(int part, CancellationToken cancel)
    {
        var info = _track.Info;
        long started = _clock.ElapsedMilliseconds;
        long deadline = started + (long)_options.ComputingTimeout.TotalMilliseconds;
        long nextStop = 0;
        int unanswered = 0;
        while (true)
        {
            cancel.ThrowIfCancellationRequested();
            var answer = await _link.RequestFileInfoAsync(_takeId, part, (byte)_track.Slot).ConfigureAwait(false);
            if (answer == null)
            {
                if (++unanswered >= _options.FileInfoRounds)
                {
                    throw new CollectionException($"track {info.TrackName} (box {info.BoxName}, slot {_track.Slot}): the box did not answer {unanswered} FileInfo requests " +
                        "(each re-sent until it gave up); is it still in the room?");
                }

                continue;
            }

            unanswered = 0;
            if (answer.FileStatus == FileStatus.Computing && answer.DataBytes > 0)
            {
                // a box that is still summing a long take is working, not stuck: wait as long as
                // its checksum may take at the slowest expected rate
                long needed = (long)_options.ComputingTimeout.TotalMilliseconds + (answer.DataBytes * 1000L / _options.MinChecksumBytesPerSecond);
                deadline = Math.Max(deadline, started + needed);
            }

            switch (answer.FileStatus)
            {
                case FileStatus.Ready:
                    if (answer.TakeId != _takeId || answer.Part != part)
                    {
                        throw new CollectionException($"track {info.TrackName}: the box answered for take {answer.TakeId} part {answer.Part}");
                    }

                    return answer;
                case FileStatus.NoSuchTake:
                    throw new CollectionException($"track {info.TrackName} (box {info.BoxName}): the box has no take {_takeId} part {part} on its card");
                case FileStatus.Damaged:
                    throw new CollectionException($"track {info.TrackName} (box {info.BoxName}): the box reports its file of take {_takeId} part {part} damaged (unreadable on the card)");
                case FileStatus.Recording when _clock.ElapsedMilliseconds >= nextStop:
                    // the Stop may have been lost (or sent by a console that crashed): ask again, it is idempotent
                    nextStop = _clock.ElapsedMilliseconds + 2000;
                    _ = _link.SendCommandAsync(new TakeControlMessage(MessageType.Stop) { TakeId = _takeId }, (byte)_track.Slot);
                    break;
            }

            if (_clock.ElapsedMilliseconds > deadline)
            {
                throw new CollectionException($"track {info.TrackName} (box {info.BoxName}): the box still says \"{FileStatus.Describe(answer.FileStatus)}\" after {(_clock.ElapsedMilliseconds - started) / 1000} s");
            }

            await Task.Delay(_options.ComputingPoll, cancel).ConfigureAwait(false);
        }
    }

    /// <summary>Checks the spool against the box's file; returns where each part starts in it.</summary>
    private long[] PrepareSpool(FileInfoMessage[] parts, long total)
    {
        var info = _track.Info;
        var first = parts[0];
        bool fits = info.FirstSampleIndex == first.FirstSampleIndex && info.Channels == first.Channels && info.Format == first.Format;
        if (!fits && _track.Spool.PresentBytes > 0)
        {
            _logger.LogWarning(
                "take {Take} {Track}: the stream copy does not fit the box's file (F {F} vs {BoxF}, {Ch} ch format {Fmt} vs {BoxCh} ch {BoxFmt}): fetching the whole file",
                _takeId, info.TrackName, info.FirstSampleIndex, first.FirstSampleIndex, info.Channels, info.Format, first.Channels, first.Format);
            _track.Spool.Reset();
        }

        int frameBytes = first.Channels * SampleFormats.BytesPerSample(first.Format);
        var bases = new long[parts.Length];
        long at = 0;
        for (int p = 0; p < parts.Length; p++)
        {
            bases[p] = at;
            long expected = (parts[p].FirstSampleIndex - first.FirstSampleIndex) * frameBytes;
            if (expected != at)
            {
                _logger.LogWarning("take {Take} {Track}: part {Part} starts at frame {First}, not where part {Prev} ends: parts are placed end to end", _takeId, info.TrackName, p, parts[p].FirstSampleIndex, p - 1);
            }

            at += parts[p].DataBytes;
        }

        _track.Update(t => t with
        {
            FirstSampleIndex = first.FirstSampleIndex,
            LatencySamples = first.LatencySamples,
            Channels = first.Channels,
            Format = first.Format,
            SampleRate = first.SampleRate,
            DataBytes = total,
        });
        _track.Spool.SetLength(total);
        _track.SetPartBases(bases);
        return bases;
    }

    private async Task FetchMissingAsync(FileInfoMessage[] parts, long[] bases, long total, CancellationToken cancel)
    {
        var info = _track.Info;
        var outstanding = new List<Outstanding>();
        long lastCount = _track.Spool.PresentBytes;
        var rate = new ServeRateEstimate(); // the deadlines follow the rate this box really serves at
        long lastProgress = _clock.ElapsedMilliseconds;
        int stalls = 0;
        while (true)
        {
            cancel.ThrowIfCancellationRequested();
            var missing = _track.Spool.Missing(total);
            if (missing.Count == 0)
            {
                return;
            }

            long now = _clock.ElapsedMilliseconds;
            // a request is finished when all of it arrived, when its last byte arrived (the box
            // sends in order: what is still missing before it was lost), or at its deadline
            outstanding.RemoveAll(o => now >= o.Deadline || _track.Spool.Contains(Math.Max(o.Start, o.End - 1), o.End));

            foreach (var piece in Pieces(missing, bases, parts))
            {
                if (outstanding.Count >= _options.Window)
                {
                    break;
                }

                if (outstanding.Any(o => o.Start < piece.End && piece.Start < o.End))
                {
                    continue; // asked for already and not due yet
                }

                int part = PartOf(bases, piece.Start);
                _request.TakeId = _takeId;
                _request.Part = part;
                _request.Offset = (uint)(piece.Start - bases[part]);
                _request.RequestLength = (int)piece.Length;
                if (_link.Send(_request, (byte)_track.Slot))
                {
                    _requests++;
                }

                long rtt = (long)(_link.RoundTrip?.TotalMilliseconds ?? 50);
                long queued = outstanding.Sum(o => o.End - o.Start) + piece.Length;
                outstanding.Add(new Outstanding(piece.Start, piece.End, now + (2 * rtt) + 250 + (queued * 1000 / rate.DeadlineBytesPerSecond(_options.AssumedBytesPerSecond))));
            }

            await _track.DataArrived.WaitAsync(TimeSpan.FromMilliseconds(20), cancel).ConfigureAwait(false);
            if (_track.Spool.WriteFailure is { } failed)
            {
                // the console's disk, not the box: say so at once instead of waiting for "no file data"
                throw new CollectionException($"track {info.TrackName} (box {info.BoxName}): " + (DiskSpace.IsFull(failed)
                    ? DiskSpace.FullMessage(_track.Spool.Path) + "; free space and collect again"
                    : $"the console cannot write {_track.Spool.Path}: {failed.Message}; collect again once it can"));
            }


            long count = _track.Spool.PresentBytes;
            rate.Observe(_clock.ElapsedMilliseconds, count, outstanding.Count > 0);
            if (count > lastCount)
            {
                lastCount = count;
                lastProgress = _clock.ElapsedMilliseconds;
                stalls = 0;
            }
            else if (_clock.ElapsedMilliseconds - lastProgress > _options.StallTimeout.TotalMilliseconds)
            {
                stalls++;
                long stillMissing = _track.Spool.Missing(total).Sum(m => m.Length);
                if (stalls >= _options.StallRounds)
                {
                    throw new CollectionException($"track {info.TrackName} (box {info.BoxName}): no file data for {stalls * _options.StallTimeout.TotalSeconds:0} s; " +
                        $"{stillMissing} of {total} bytes still missing ({Describe(_track.Spool.Missing(total))})");
                }

                _logger.LogWarning("take {Take} {Track}: no file data for {Seconds:0} s ({Missing} bytes missing); asking the box for its FileInfo again", _takeId, info.TrackName, _options.StallTimeout.TotalSeconds, stillMissing);
                var again = await ReadyInfoAsync(0, cancel).ConfigureAwait(false);
                if (again.DataBytes != parts[0].DataBytes || again.ChecksumA != parts[0].ChecksumA)
                {
                    throw new CollectionException($"track {info.TrackName} (box {info.BoxName}): the box's file changed during collection");
                }

                outstanding.Clear();
                lastProgress = _clock.ElapsedMilliseconds;
            }
        }
    }

    /// <summary>The missing ranges cut at part boundaries and at the request size.</summary>
    private IEnumerable<ByteRange> Pieces(List<ByteRange> missing, long[] bases, FileInfoMessage[] parts)
    {
        foreach (var m in missing)
        {
            long at = m.Start;
            while (at < m.End)
            {
                int part = PartOf(bases, at);
                long partEnd = bases[part] + parts[part].DataBytes;
                long end = Math.Min(Math.Min(m.End, partEnd), at + _options.RequestBytes);
                yield return new ByteRange(at, end);
                at = end;
            }
        }
    }

    private static int PartOf(long[] bases, long offset)
    {
        int p = 0;
        while (p + 1 < bases.Length && bases[p + 1] <= offset)
        {
            p++;
        }

        return p;
    }

    private static string Describe(List<ByteRange> missing)
    {
        var shown = string.Join(", ", missing.Take(4).Select(m => m.ToString()));
        return missing.Count > 4 ? $"{shown} and {missing.Count - 4} more ranges" : shown;
    }

    private TrackCollectionResult Result(bool complete, string? problem, long total, long fromStream, long fetched, int parts, FileInfoMessage? first)
    {
        var info = _track.Info;
        if (problem != null)
        {
            _logger.LogError("take {Take}: {Problem}", _takeId, problem);
        }

        return new TrackCollectionResult(info.TrackName, info.BoxName, complete, problem, total, fromStream, fetched, parts, _requests, _mismatches,
            first?.ChecksumA ?? 0, first?.ChecksumB ?? 0)
        {
            VerifiedAfterStop = complete && _stoppedTimestamp != 0 ? Stopwatch.GetElapsedTime(_stoppedTimestamp) : null,
            BytesFetchedDuringTake = Math.Min(fetched, _track.FetchedDuringTakeBytes),
        };
    }

    private sealed record Outstanding(long Start, long End, long Deadline);

    private sealed class CollectionException(string message) : Exception(message);
}
