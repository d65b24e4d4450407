using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Octomix.Desk.Export;
using Octomix.Desk.Monitor;
using Octomix.Desk.Output;
using Octomix.Desk.Sessions;
using Octomix.Protocol;

namespace Octomix.Desk.Engine;

/// <summary>Record, stop, collect, export, play back — one at a time, each step persisted.</summary>
public sealed partial class ConsoleEngine
{
    private const string SpoolFolder = ".spool";

    /// <summary>
    /// Starts a take on every track whose box is ready: Record (take id, tempo, meter, count-in,
    /// click, origin, names) to each, reliably. A track without a box, with a box that is not
    /// ready, or whose box refuses (Ack not ready, with the reason) or never answers is reported
    /// in <see cref="RecordOutcome.NotRecording"/> — never silently skipped.
    /// </summary>
    public async Task<RecordOutcome> RecordAsync(CancellationToken cancel)
    {
        await _operation.WaitAsync(cancel).ConfigureAwait(false);
        try
        {
            if (_take is { } open)
            {
                switch (open.Info.State)
                {
                    case TakeState.Recording:
                        throw new InvalidOperationException($"take {open.Info.Number} is recording: stop it first");
                    case TakeState.Stopping:
                    case TakeState.Collecting:
                        throw new InvalidOperationException($"take {open.Info.Number} is not collected yet: collect it first (the boxes serve files only between takes)");
                }

                open.Dispose();
                _take = null;
            }

            var session = Session;
            var timeline = new TakeTimelineMath(session.SampleRate, session.TempoCentiBpm, session.BeatsPerBar, session.CountInBars);
            var snapshot = Snapshot();
            var problems = new List<TrackProblem>();
            var ready = new List<TrackView>();
            foreach (var view in snapshot.Tracks)
            {
                if (view.Readiness.Ready && view.Slot != null && view.Status != null)
                {
                    ready.Add(view);
                }
                else
                {
                    problems.Add(new TrackProblem(view.Track.Name, view.Track.BoxName, "not ready: " + string.Join(", ", view.Readiness.Reasons)));
                }
            }

            if (ready.Count == 0)
            {
                foreach (var p in problems)
                {
                    Event("not recording " + p, LogLevel.Warning);
                }

                return new RecordOutcome(null, [], problems);
            }

            // preflight: the folder takes files and holds the take twice; else nothing is created
            if (RecordPreflight.Problem(_options.RecordingsFolder, RecordPreflight.TakeBytes(ready.Count, session.SampleRate, _options.ExpectedTakeLength), _options.CheckFreeSpace) is string refused)
            {
                Event("not recording: " + refused, LogLevel.Error);
                throw new RecordRefusedException(refused);
            }

            // preflight on the boxes: every card holds the expected take at its format
            if (_options.CheckCardSpace)
            {
                var small = ready.Where(v => v.CardSpaceProblem != null).Select(v => v.CardSpaceProblem!).ToList();
                if (small.Count > 0)
                {
                    string why = "not recording: " + string.Join("; ", small)
                        + ": free space on the card (its earlier takes are collected: delete them on the box), set a shorter --expected-length, or record anyway with --ignore-card-space";
                    Event(why, LogLevel.Error);
                    throw new RecordRefusedException(why);
                }
            }

            // take sample 0 comes after the start delay, the pre-roll and the count-in; near
            // midnight the origin keeps the clock of the day the files start (never a negative TimeReference)
            var now = _options.Clock.GetLocalNow();
            long origin = timeline.ChooseOrigin(now.TimeOfDay, _options.StartDelayMilliseconds);
            var info = _store.CreateTake(session, origin, now.UtcDateTime);
            var take = new OpenTake(info) { Changed = OnTakeChanged };
            take.Mixer = new MonitorMixer(new MonitorOptions { SampleRate = session.SampleRate });
            if (_options.PlayoutDelay is TimeSpan delay)
            {
                take.Mixer.PlayoutDelayOverride = delay;
            }

            foreach (var view in ready)
            {
                int latency = view.Status!.LatencySamples;
                var row = new TakeTrackInfo
                {
                    TakeId = info.Id,
                    TrackId = view.Track.Id,
                    TrackName = view.Track.Name,
                    BoxName = view.Track.BoxName ?? "slot " + view.Slot,
                    BoxSlot = view.Slot!.Value,
                    State = TakeTrackState.Recording,
                    LatencySamples = latency,
                    FirstSampleIndex = timeline.FirstSampleIndex(latency),
                    SpoolPath = SpoolPath(info, view.Track),
                };
                _store.SaveTakeTrack(row);
                TrackStream stream;
                try
                {
                    stream = new TrackStream(row, [], _spoolWriter);
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    // the folder went away between the preflight and now: the take ends here, nothing wedged
                    take.StopMonitor();
                    take.Dispose();
                    string why = (DiskSpace.IsFull(e) ? DiskSpace.FullMessage(row.SpoolPath) : $"cannot create the spool {row.SpoolPath}: {e.Message}") + "; no box was asked to record";
                    _store.SetTakeState(info.Id, TakeState.Incomplete, DateTime.UtcNow);
                    _store.SetTakeReport(info.Id, why);
                    Event($"take {info.Number}: " + why, LogLevel.Error);
                    throw new RecordRefusedException(why, e);
                }

                stream.Monitor = take.Mixer.AddTrack(view.Track.Name, latency, row.FirstSampleIndex);
                ApplyMix(stream.Monitor, view.Track);
                take.Add(stream);
            }

            foreach (var problem in problems)
            {
                var track = snapshot.Tracks.First(t => t.Track.Name == problem.TrackName).Track;
                _store.SaveTakeTrack(new TakeTrackInfo
                {
                    TakeId = info.Id,
                    TrackId = track.Id,
                    TrackName = track.Name,
                    BoxName = track.BoxName ?? "",
                    BoxSlot = -1,
                    State = TakeTrackState.Refused,
                    Problem = problem.Reason,
                    SpoolPath = "",
                });
            }

            StartMonitorOutput(take);
            _take = take; // published before the Records go out: the first packets find their track

            var answers = new List<(TrackStream Stream, Task<Link.CommandAnswer?> Answer)>();
            foreach (var stream in take.Tracks.ToList())
            {
                var track = stream.Info;
                var record = new RecordMessage
                {
                    TakeId = info.Id,
                    TempoCentiBpm = session.TempoCentiBpm,
                    BeatsPerBar = session.BeatsPerBar,
                    BeatUnit = session.BeatUnit,
                    CountInBars = session.CountInBars,
                    ClickSound = session.ClickSound,
                    ClickLevel = session.ClickLevel,
                    Flags2 = (byte)(RecordFlags.StreamAudio | (session.ClickDuringTake ? RecordFlags.ClickDuringTake : 0)),
                    StartDelayMilliseconds = _options.StartDelayMilliseconds,
                    OriginSamples = origin,
                    SampleRate = session.SampleRate,
                    Project = session.Project,
                    Scene = session.Name,
                    Track = track.TrackName,
                };
                answers.Add((stream, _link.SendCommandAsync(record, (byte)stream.Slot)));
            }

            var recording = new List<string>();
            foreach (var (stream, pending) in answers)
            {
                var answer = await pending.ConfigureAwait(false);
                var track = stream.Info;
                if (answer is { Ok: true })
                {
                    recording.Add(track.TrackName);
                    continue;
                }

                string reason = answer == null ? "the box did not answer the Record" : "the box answered " + answer.Value;
                problems.Add(new TrackProblem(track.TrackName, track.BoxName, reason));
                take.Remove(stream);
                if (stream.Monitor != null)
                {
                    take.Mixer.RemoveTrack(stream.Monitor);
                }

                _store.SaveTakeTrack(track with { State = TakeTrackState.Refused, Problem = reason, BoxSlot = stream.Slot });
                stream.Dispose();
                TryDelete(track.SpoolPath);
            }

            foreach (var p in problems)
            {
                Event($"take {info.Number}: not recording {p}", LogLevel.Warning);
            }

            if (recording.Count == 0)
            {
                take.StopMonitor();
                _store.SetTakeState(info.Id, TakeState.Incomplete, DateTime.UtcNow);
                _store.SetTakeReport(info.Id, "no box recorded: " + string.Join("; ", problems));
                take.Info = info with { State = TakeState.Incomplete };
                return new RecordOutcome(null, [], problems);
            }

            Emit(new TakeStateChanged(info.Id, info.Number, take.Info.State, null, null));
            Event($"take {info.Number} (id {info.Id}) recording: {string.Join(", ", recording)}");
            return new RecordOutcome(info, recording, problems);
        }
        finally
        {
            _operation.Release();
        }
    }

    /// <summary>Stop to every box of the take (reliably); the take then waits for collection.</summary>
    public async Task<StopOutcome> StopAsync(CancellationToken cancel)
    {
        await _operation.WaitAsync(cancel).ConfigureAwait(false);
        try
        {
            var take = _take;
            if (take == null || take.Info.State != TakeState.Recording)
            {
                throw new InvalidOperationException("no take is recording");
            }

            take.StoppedTimestamp = Stopwatch.GetTimestamp();
            foreach (var stream in take.Tracks)
            {
                stream.EndProgressive(); // what arrives from now on was fetched after the Stop
            }

            _store.SetTakeState(take.Id, TakeState.Stopping, DateTime.UtcNow);
            take.Info = take.Info with { State = TakeState.Stopping, StoppedUtc = DateTime.UtcNow };
            var pending = take.Tracks.Select(s => (Stream: s, Answer: _link.SendCommandAsync(new TakeControlMessage(MessageType.Stop) { TakeId = take.Id }, (byte)s.Slot))).ToList();
            var stopped = new List<string>();
            var problems = new List<TrackProblem>();
            foreach (var (stream, answerTask) in pending)
            {
                var answer = await answerTask.ConfigureAwait(false);
                if (answer is { Ok: true })
                {
                    stopped.Add(stream.Info.TrackName);
                }
                else
                {
                    var problem = new TrackProblem(stream.Info.TrackName, stream.Info.BoxName, answer == null ? "the box did not answer the Stop (collection asks again)" : "the box answered " + answer.Value);
                    problems.Add(problem);
                    Event($"take {take.Info.Number}: stop {problem}", LogLevel.Warning);
                }
            }

            // the stream's tail is in flight: let it arrive (and the monitor play it) before collecting
            var until = DateTime.UtcNow + TimeSpan.FromSeconds(2);
            while (DateTime.UtcNow < until && take.Tracks.Any(t => t.EndTimecode == long.MaxValue || t.HighestTimecode < t.EndTimecode))
            {
                await Task.Delay(20, cancel).ConfigureAwait(false);
            }

            if (take.Mixer != null)
            {
                await Task.Delay(take.Mixer.TargetDelay + TimeSpan.FromMilliseconds(50), cancel).ConfigureAwait(false);
            }

            take.StopMonitor();
            _spoolWriter.Drain(TimeSpan.FromSeconds(10));
            foreach (var stream in take.Tracks)
            {
                var info = stream.Info;
                if (stream.EndTimecode != long.MaxValue && info.FrameBytes > 0)
                {
                    long total = (stream.EndTimecode - info.FirstSampleIndex) * info.FrameBytes;
                    stream.MissingAtStop = total - stream.Spool.CountIn(0, total);
                }
            }

            // the take's end: where the boxes that took the Stop ended; a box that missed it
            // records on (it is stopped when it comes back) and its stem is cut there at export
            long end = take.Tracks.Where(t => stopped.Contains(t.Info.TrackName) && t.EndTimecode != long.MaxValue).Select(t => t.EndTimecode).DefaultIfEmpty(-1).Max();
            if (end > 0)
            {
                take.EndIndex = end;
                _store.SetTakeEnd(take.Id, end);
            }

            _store.SetTakeState(take.Id, TakeState.Collecting);
            take.Info = take.Info with { State = TakeState.Collecting };
            Event($"take {take.Info.Number} stopped ({stopped.Count} of {take.Tracks.Count} boxes acknowledged)");
            return new StopOutcome(take.Info, stopped, problems);
        }
        finally
        {
            _operation.Release();
        }
    }

    /// <summary>
    /// Collects the open take (stopped, or left incomplete by an earlier try): every track in
    /// parallel (<see cref="TrackCollector"/>). The take is complete when every track's copy
    /// equals its box's file; otherwise the report says which track is incomplete and why.
    /// </summary>
    public async Task<CollectionReport> CollectAsync(CancellationToken cancel)
    {
        await _operation.WaitAsync(cancel).ConfigureAwait(false);
        try
        {
            var take = _take;
            if (take == null || take.Info.State is TakeState.Recording)
            {
                throw new InvalidOperationException(take == null ? "no take to collect" : $"take {take.Info.Number} is recording: stop it first");
            }

            if (take.Info.State == TakeState.Complete && take.Collection != null)
            {
                return take.Collection;
            }

            _store.SetTakeState(take.Id, TakeState.Collecting);
            take.Info = take.Info with { State = TakeState.Collecting };
            var clock = Stopwatch.StartNew();
            _spoolWriter.Drain(TimeSpan.FromSeconds(10)); // the stream's last chunks are in the spools before they are counted
            // a track verified by an earlier collection is kept as it is (its box may be gone by now)
            var collectors = take.Tracks
                .Select(stream => stream.Info.State == TakeTrackState.Complete && stream.Info.DataBytes >= 0
                    ? Task.FromResult(Verified(stream))
                    : new TrackCollector(_link, stream, take.Id, _options.Collection, _logger, take.StoppedTimestamp).RunAsync(cancel))
                .ToList();
            var results = await Task.WhenAll(collectors).ConfigureAwait(false);
            _spoolWriter.Drain(TimeSpan.FromSeconds(10));
            for (int i = 0; i < results.Length; i++)
            {
                var stream = take.Tracks[i];
                var result = results[i];
                stream.Update(t => t with { State = result.Complete ? TakeTrackState.Complete : TakeTrackState.Incomplete, Problem = result.Problem ?? ShortOfTheEnd(take, t) });
                if (result.Complete && stream.Info.Problem is string gap)
                {
                    Event($"take {take.Info.Number}: {gap}", LogLevel.Warning);
                }
            }

            PersistProgress();
            foreach (var stream in take.Tracks)
            {
                stream.Spool.FlushToDisk();
                _store.SaveTakeTrack(stream.Info with { StreamBytes = stream.StreamBytes, FetchedBytes = stream.FetchedBytes });
            }

            var report = new CollectionReport(take.Info, results, clock.Elapsed);
            var state = report.Complete ? TakeState.Complete : TakeState.Incomplete;
            _store.SetTakeState(take.Id, state);
            _store.SetTakeReport(take.Id, JsonSerializer.Serialize(results));
            take.Info = take.Info with { State = state };
            report = report with { Take = take.Info };
            take.Collection = report;
            if (report.Complete)
            {
                Event($"take {take.Info.Number} collected: {results.Length} track(s) verified ({results.Sum(r => r.BytesFetched)} bytes fetched, {clock.Elapsed.TotalSeconds:0.0} s)");
            }
            else
            {
                foreach (var r in report.Incomplete)
                {
                    Event($"take {take.Info.Number} INCOMPLETE: {r.Problem}", LogLevel.Error);
                }
            }

            return report;
        }
        finally
        {
            _operation.Release();
        }
    }

    /// <summary>
    /// A verified track whose box's file ends well before the take's end (the box restarted mid
    /// take: a power cut; its repaired file is all there is): the gap, in words, else null.
    /// </summary>
    private static string? ShortOfTheEnd(OpenTake take, TakeTrackInfo t)
    {
        if (take.EndIndex <= 0 || t.FrameBytes <= 0 || t.DataBytes < 0)
        {
            return null;
        }

        long end = t.FirstSampleIndex + (t.DataBytes / t.FrameBytes);
        if (t.SampleRate > 0 && t.SampleRate != take.Info.SampleRate)
        {
            end = StemRateConverter.Rescale(end, t.SampleRate, take.Info.SampleRate); // the box counts its own samples
        }

        long missing = take.EndIndex - end;
        return missing > take.Info.SampleRate / 4
            ? FormattableString.Invariant($"track {t.TrackName} (box {t.BoxName}) ends {missing / (double)take.Info.SampleRate:0.00} s before the take's end: its box stopped recording early (a power cut or a restart); the stem is what its card holds, silence after it in the mix")
            : null;
    }

    /// <summary>The result of a track verified by an earlier collection (this run or an earlier console's).</summary>
    private static TrackCollectionResult Verified(TrackStream stream)
    {
        var info = stream.Info;
        return new TrackCollectionResult(info.TrackName, info.BoxName, true, null, info.DataBytes, info.StreamBytes, info.FetchedBytes, 1, 0, 0, 0, 0);
    }

    /// <summary>
    /// Writes the take folder (stems byte-identical to the boxes' files, mix, .rpp, .lof) under
    /// the recordings folder: <c>SESSION/take-N</c>. Only a complete take, unless
    /// <paramref name="allowIncomplete"/> (then the verified tracks only, the others listed).
    /// </summary>
    public async Task<ExportOutcome> ExportAsync(string? folder, bool allowIncomplete, CancellationToken cancel)
    {
        await _operation.WaitAsync(cancel).ConfigureAwait(false);
        try
        {
            var take = _take;
            if (take == null || take.Info.State is not (TakeState.Complete or TakeState.Incomplete))
            {
                throw new InvalidOperationException("no collected take to export");
            }

            if (take.Info.State == TakeState.Incomplete && !allowIncomplete)
            {
                throw new InvalidOperationException($"take {take.Info.Number} is incomplete: " + string.Join("; ", take.Tracks.Where(t => t.Info.State != TakeTrackState.Complete).Select(t => t.Info.Problem)));
            }

            var session = Session;
            var tracks = Tracks.ToDictionary(t => t.Id);
            var complete = take.Tracks.Where(t => t.Info.State == TakeTrackState.Complete).ToList();
            var left = take.Tracks.Where(t => t.Info.State != TakeTrackState.Complete).Select(t => t.Info.TrackName).ToList();
            if (complete.Count == 0)
            {
                throw new InvalidOperationException($"take {take.Info.Number} has no verified track to export");
            }

            string target = folder ?? Path.Combine(_options.RecordingsFolder, TakeNaming.Sanitize(session.Name), "take-" + take.Info.Number.ToString(CultureInfo.InvariantCulture));
            var request = new TakeExportRequest
            {
                Folder = target,
                // the take's own folder, written before (an incomplete take exported, collected again): replaced
                Overwrite = folder == null && take.Info.Folder != null && Path.GetFullPath(take.Info.Folder) == Path.GetFullPath(target),
                Project = session.Project,
                Session = session.Name,
                Take = take.Info.Number.ToString(CultureInfo.InvariantCulture),
                SampleRate = take.Info.SampleRate,
                OriginSamplesSinceMidnight = take.Info.OriginSamples,
                RecordedAt = take.Info.StartedUtc.ToLocalTime(),
                MixFormat = SampleFormat.S24,
                Tracks = complete.Select(s =>
                {
                    var info = s.Info;
                    var track = tracks.GetValueOrDefault(info.TrackId);
                    // A box at its own rate (docs/take-folder.md, "Stems at another rate"): F, L and its data count its samples; so does the take's end.
                    bool own = info.SampleRate > 0 && info.SampleRate != take.Info.SampleRate;
                    long end = own ? StemRateConverter.Rescale(take.EndIndex, take.Info.SampleRate, info.SampleRate) : take.EndIndex;
                    return new TakeTrackSource
                    {
                        Name = info.TrackName,
                        AudioDataPath = info.SpoolPath,
                        Channels = info.Channels,
                        Format = (SampleFormat)info.Format,
                        SampleRate = own ? info.SampleRate : null,
                        FirstSampleIndex = info.FirstSampleIndex,
                        LatencySamples = info.LatencySamples,
                        MaxDataBytes = end > info.FirstSampleIndex && info.FrameBytes > 0 ? (end - info.FirstSampleIndex) * info.FrameBytes : null,
                        FaderDb = track?.FaderDb ?? 0,
                        Pan = track?.Pan ?? 0,
                        Mute = track?.Mute ?? false,
                        Solo = track?.Solo ?? false,
                    };
                }).ToList(),
            };
            var files = await Task.Run(() => TakeExporter.Export(request), cancel).ConfigureAwait(false);
            _store.SetTakeFolder(take.Id, files.Folder);
            take.Export = files;
            take.Info = take.Info with { Folder = files.Folder };
            Event($"take {take.Info.Number} written to {files.Folder}");
            if (!_options.KeepSpools && left.Count == 0)
            {
                // the stems hold the same bytes now; the spools were only the way there
                foreach (var s in complete)
                {
                    s.Spool.Dispose();
                    TryDelete(s.Info.SpoolPath);
                }

                TryDeleteFolder(Path.GetDirectoryName(complete[0].Info.SpoolPath));
            }

            return new ExportOutcome(take.Info, files, left);
        }
        finally
        {
            _operation.Release();
        }
    }

    /// <summary>
    /// Plays the exported take's mix to every box in the room (PlaybackStart, the mix as Audio
    /// with flag Playback in real time, PlaybackStop), so every musician hears it.
    /// </summary>
    public async Task<PlaybackOutcome> PlaybackAsync(CancellationToken cancel)
    {
        await _operation.WaitAsync(cancel).ConfigureAwait(false);
        try
        {
            var take = _take;
            string? mix = take?.Export is { } files ? Path.Combine(files.Folder, files.Mix.FileName)
                : take?.Info.Folder is string folder && Directory.Exists(folder) ? Directory.EnumerateFiles(folder, "*_mix.wav").FirstOrDefault() : null;
            if (take == null || mix == null)
            {
                throw new InvalidOperationException("no exported take to play back (record, stop, collect and export first)");
            }

            // every box in the room, in its format (known from the take's tracks; the take's own for the others)
            var formats = take.Tracks.Where(t => t.Info.Channels > 0).ToDictionary(t => t.Info.BoxName, t => (t.Info.Channels, (SampleFormat)t.Info.Format), StringComparer.OrdinalIgnoreCase);
            var common = formats.Values.GroupBy(f => f).OrderByDescending(g => g.Count()).Select(g => g.Key).FirstOrDefault((2, SampleFormat.S16));
            var targets = new List<(string Name, PlaybackTarget Target)>();
            foreach (var member in _members.Values.OrderBy(m => m.Slot))
            {
                var (channels, format) = formats.TryGetValue(member.Name, out var f) ? f
                    : member.Format != 0 ? (member.Channels, (SampleFormat)member.Format) : common;
                targets.Add((member.Name, new PlaybackTarget(member.Slot, channels, format)));
            }

            var problems = new List<TrackProblem>();
            var playing = new List<(string Name, PlaybackTarget Target)>();
            var starts = targets.Select(t => (t, _link.SendCommandAsync(new TakeControlMessage(MessageType.PlaybackStart) { TakeId = take.Id, StartDelayMilliseconds = _options.PlaybackDelayMilliseconds }, (byte)t.Target.Slot))).ToList();
            foreach (var (target, pending) in starts)
            {
                var answer = await pending.ConfigureAwait(false);
                if (answer is { Ok: true })
                {
                    playing.Add(target);
                }
                else
                {
                    problems.Add(new TrackProblem(target.Name, target.Name, answer == null ? "did not answer PlaybackStart" : "answered " + answer.Value));
                }
            }

            var clock = Stopwatch.StartNew();
            var streamer = new PlaybackStreamer(_link);
            Event($"take {take.Info.Number}: playing the mix back to {playing.Count} box(es)");
            try
            {
                await streamer.PlayAsync(mix, playing.Select(p => p.Target).ToList(), take.Id, cancel).ConfigureAwait(false);
                // the boxes play the start delay behind the stream: let them finish
                await Task.Delay(_options.PlaybackDelayMilliseconds + (int)PlaybackStreamer.Lead.TotalMilliseconds + 100, cancel).ConfigureAwait(false);
            }
            finally
            {
                var stops = playing.Select(p => _link.SendCommandAsync(new TakeControlMessage(MessageType.PlaybackStop) { TakeId = take.Id }, (byte)p.Target.Slot)).ToList();
                await Task.WhenAll(stops).ConfigureAwait(false);
            }

            Event($"take {take.Info.Number}: playback done ({streamer.FramesSent} frames, {clock.Elapsed.TotalSeconds:0.0} s)");
            return new PlaybackOutcome(take.Id, playing.Select(p => p.Name).ToList(), problems, streamer.FramesSent, streamer.PacketsSent, clock.Elapsed);
        }
        finally
        {
            _operation.Release();
        }
    }

    /// <summary>
    /// After a restart: the session's take that was recording, stopping or collecting becomes the
    /// open take again, its tracks' spools re-opened with the ranges recorded as present. A take
    /// that was recording keeps streaming into its spools (the boxes record on without a
    /// console); Stop and Collect finish it.
    /// </summary>
    private void ReopenUnfinishedTake()
    {
        var info = _store.UnfinishedTake(Session.Id);
        if (info == null)
        {
            return;
        }

        var take = new OpenTake(info) { EndIndex = _store.TakeEnd(info.Id), Changed = OnTakeChanged };
        // every track that recorded: complete ones are kept as they are (the export writes the
        // whole take again), the others are collected
        foreach (var row in _store.TakeTracks(info.Id).Where(t => t.State is not TakeTrackState.Refused))
        {
            try
            {
                take.Add(new TrackStream(row, _store.SpoolRanges(info.Id, row.TrackId), _spoolWriter));
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                take.Dispose();
                throw new InvalidOperationException($"take {info.Number} (id {info.Id}) cannot be re-opened: its spool {row.SpoolPath}: {e.Message}; make the recordings folder writable and start the console again", e);
            }
        }

        if (info.State == TakeState.Recording)
        {
            // monitor the rest of the take as before
            take.Mixer = new MonitorMixer(new MonitorOptions { SampleRate = info.SampleRate });
            foreach (var stream in take.Tracks)
            {
                // from the first packet heard now: what streamed while no console listened is not for the ears
                stream.Monitor = take.Mixer.AddTrack(stream.Info.TrackName, stream.Info.LatencySamples);
            }

            StartMonitorOutput(take);
        }

        _take = take;
        Emit(new TakeStateChanged(info.Id, info.Number, info.State, null, info.Report));
        Event($"take {info.Number} (id {info.Id}) was left {info.State.ToString().ToLowerInvariant()} by an earlier console: re-opened with " +
            $"{take.Tracks.Count} track(s), {take.Tracks.Sum(t => t.Spool.PresentBytes)} bytes already here", LogLevel.Warning);
    }

    private TakeView? TakeSnapshot()
    {
        if (_take is not { } take)
        {
            return null;
        }

        var tracks = take.Tracks.ToList().Select(s =>
        {
            var info = s.Info;
            long expected = info.DataBytes > 0 ? info.DataBytes
                : s.HighestTimecode != long.MinValue && info.FrameBytes > 0 ? (s.HighestTimecode - info.FirstSampleIndex) * info.FrameBytes : 0;
            double? loss = expected > 0 ? 100.0 * Math.Max(0, expected - s.Spool.CountIn(0, expected)) / expected : null;
            return new TakeTrackView(
                info.TrackName, info.BoxName, s.Slot, info.State, info.FirstSampleIndex, info.LatencySamples, s.PacketsReceived, s.Retransmissions,
                s.NackedPackets, s.StreamBytes, s.FetchedBytes, info.DataBytes, loss, double.IsNaN(s.JitterSeconds) ? null : s.JitterSeconds * 1000,
                s.Monitor?.GetStatus(), info.Problem);
        }).ToList();
        return new TakeView(take.Info, tracks, take.Mixer?.GetStatus(), take.MonitorOutput);
    }

    private void StartMonitorOutput(OpenTake take)
    {
        IMonitorSink sink;
        var factory = _options.MonitorSinks ?? MonitorSinks.FromChoice(_options.Monitor);
        try
        {
            sink = factory.Create(new MonitorSinkContext(take.Info.Number, take.Info.SampleRate, take.Mixer!, m => Event(m, LogLevel.Warning)));
        }
        catch (Exception e) when (e is IOException or InvalidOperationException or System.ComponentModel.Win32Exception or UnauthorizedAccessException)
        {
            sink = new DiscardSink($"monitor stopped: {factory.Name}: {e.Message}");
            Event(sink.Description, LogLevel.Warning);
        }

        take.Sink = sink;
        take.MonitorOutput = sink.Description;
        take.Output = new MonitorOutputLoop(take.Mixer!, sink);
        take.Output.Start();
    }

    private static void ApplyMix(MonitorTrack monitor, TrackInfo track)
    {
        monitor.FaderDb = track.FaderDb;
        monitor.Pan = track.Pan;
        monitor.Mute = track.Mute;
        monitor.Solo = track.Solo;
    }

    private string SpoolPath(TakeInfo take, TrackInfo track) =>
        Path.Combine(_options.RecordingsFolder, SpoolFolder, "take-" + take.Id.ToString(CultureInfo.InvariantCulture), "track-" + track.Id.ToString(CultureInfo.InvariantCulture) + ".pcm");

    private static void TryDelete(string path)
    {
        try
        {
            if (!string.IsNullOrEmpty(path))
            {
                File.Delete(path);
            }
        }
        catch (IOException)
        {
        }
    }

    private static void TryDeleteFolder(string? path)
    {
        try
        {
            if (path != null && Directory.Exists(path) && !Directory.EnumerateFileSystemEntries(path).Any())
            {
                Directory.Delete(path);
            }
        }
        catch (IOException)
        {
        }
    }
}
