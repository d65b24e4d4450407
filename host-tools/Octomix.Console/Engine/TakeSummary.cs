using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Octomix.Desk.Analysis;
using Octomix.Desk.Monitor;

namespace Octomix.Desk.Engine;

/// <summary>
/// The JSON summary of a take that `octomix console --json` and `octomix demo` print: per track
/// the box, L and F, what the stream delivered and what collection fetched, whether the checksum
/// matched, the monitor's counters, and (when asked) the onsets against the click grid.
/// </summary>
public static class TakeSummary
{
    /// <summary>Indented, and names in any script as they are (the output is UTF-8, not embedded in HTML).</summary>
    public static readonly JsonSerializerOptions Indented = new() { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <param name="engine">The engine whose current take is summarised.</param>
    /// <param name="collection">Its collection report (null when not collected).</param>
    /// <param name="export">Its export (null when not exported).</param>
    /// <param name="playback">Its playback (null when not played).</param>
    /// <param name="measureOnsets">Measure note onsets in the stems against the click grid (musicians who play on the click: the demo).</param>
    /// <param name="monitor">The monitor's counters during the take (null: the mixer's at the end).</param>
    public static JsonObject Build(ConsoleEngine engine, CollectionReport? collection, ExportOutcome? export, PlaybackOutcome? playback, bool measureOnsets, MonitorStatus? monitor = null)
    {
        ArgumentNullException.ThrowIfNull(engine);
        var take = engine.CurrentTake ?? throw new InvalidOperationException("no take");
        var info = take.Info;
        var view = engine.Snapshot().Take;
        var tracks = new JsonArray();
        foreach (var stream in take.Tracks)
        {
            var t = stream.Info;
            var result = collection?.Tracks.FirstOrDefault(r => r.TrackName == t.TrackName);
            var live = view?.Tracks.FirstOrDefault(v => v.TrackName == t.TrackName);
            var stem = export?.Files.Stems.FirstOrDefault(s => s.TrackName == t.TrackName);
            var node = new JsonObject
            {
                ["track"] = t.TrackName,
                ["box"] = t.BoxName,
                ["slot"] = stream.Slot,
                ["state"] = t.State.ToString().ToLowerInvariant(),
                ["latencySamples"] = t.LatencySamples,
                ["firstSample"] = t.FirstSampleIndex,
                ["channels"] = t.Channels,
                ["bitsPerSample"] = 8 * Octomix.Protocol.SampleFormats.BytesPerSample(t.Format),
                ["dataBytes"] = result?.DataBytes ?? t.DataBytes,
                ["packetsReceived"] = stream.PacketsReceived,
                ["retransmissionsReceived"] = stream.Retransmissions,
                ["packetsNacked"] = stream.NackedPackets,
                ["streamJitterMs"] = double.IsNaN(stream.JitterSeconds) ? null : Math.Round(stream.JitterSeconds * 1000, 2),
                ["streamLossBeforeCollectionPercent"] = result is { DataBytes: > 0 } ? Math.Round(100.0 * (result.DataBytes - result.BytesFromStream) / result.DataBytes, 3) : null,
                ["bytesFromStream"] = result?.BytesFromStream,
                ["bytesCollected"] = result?.BytesFetched,
                ["bytesFetchedDuringTake"] = result?.BytesFetchedDuringTake,
                ["bytesFetchedAfterStop"] = result?.BytesFetchedAfterStop,
                ["progressiveRequests"] = stream.Progressive?.Requests ?? 0,
                ["fileRequests"] = result?.FileRequests,
                ["verifiedAfterStopSeconds"] = result?.VerifiedAfterStop is { } afterStop ? Math.Round(afterStop.TotalSeconds, 3) : null,
                ["checksumMatch"] = result?.Complete,
                ["checksumA"] = result == null ? null : "0x" + result.ChecksumA.ToString("x16", CultureInfo.InvariantCulture),
                ["checksumB"] = result == null ? null : "0x" + result.ChecksumB.ToString("x16", CultureInfo.InvariantCulture),
                ["problem"] = result?.Problem ?? t.Problem,
            };
            if (live?.Monitor is { } m)
            {
                node["monitor"] = new JsonObject
                {
                    ["framesReceived"] = m.FramesReceived,
                    ["underruns"] = m.Underruns,
                    ["framesConcealed"] = m.FramesConcealed,
                    ["framesSilenced"] = m.FramesSilenced,
                    ["longestConcealedRun"] = m.LongestConcealedRun,
                    ["lateFrames"] = m.LateFrames,
                };
            }

            if (stem != null && export != null)
            {
                string path = Path.Combine(export.Files.Folder, stem.FileName);
                node["stem"] = path;
                node["timeReference"] = stem.TimeReference;
                if (measureOnsets)
                {
                    var onsets = OnsetAnalysis.Measure(t.TrackName, path, info.Timeline, t.FirstSampleIndex, t.LatencySamples);
                    node["onsets"] = onsets.Onsets.Count;
                    node["onsetErrorSamples"] = onsets.MaxAbsError;
                }
            }

            tracks.Add(node);
        }

        // the take's tracks no box recorded (no box, not ready, refused): listed too, with why
        foreach (var row in engine.Store.TakeTracks(info.Id).Where(r => r.State == Octomix.Desk.Sessions.TakeTrackState.Refused && take.Tracks.All(s => s.Info.TrackId != r.TrackId)))
        {
            tracks.Add(new JsonObject
            {
                ["track"] = row.TrackName,
                ["box"] = string.IsNullOrEmpty(row.BoxName) ? null : row.BoxName,
                ["slot"] = row.BoxSlot >= 0 ? row.BoxSlot : null,
                ["state"] = "not recorded",
                ["problem"] = row.Problem,
            });
        }

        var missing = MissingTracks(engine);
        var status = monitor ?? take.Mixer?.GetStatus();
        var root = new JsonObject
        {
            ["session"] = engine.Session.Name,
            ["take"] = info.Number,
            ["takeId"] = info.Id,
            ["state"] = info.State.ToString().ToLowerInvariant(),
            ["sampleRate"] = info.SampleRate,
            ["tempoBpm"] = info.TempoCentiBpm / 100.0,
            ["meter"] = $"{info.BeatsPerBar}/{info.BeatUnit}",
            ["countInBars"] = info.CountInBars,
            ["originSamples"] = info.OriginSamples,
            ["folder"] = export?.Files.Folder ?? info.Folder,
            ["mix"] = export == null ? null : Path.Combine(export.Files.Folder, export.Files.Mix.FileName),
            ["reaperProject"] = export == null ? null : Path.Combine(export.Files.Folder, export.Files.ReaperProjectFile),
            ["audacityProject"] = export == null ? null : Path.Combine(export.Files.Folder, export.Files.AudacityProjectFile),
            ["collectionSeconds"] = collection == null ? null : Math.Round(collection.Duration.TotalSeconds, 2),
            ["complete"] = collection == null ? (missing.Count > 0 ? false : null) : collection.Complete && missing.Count == 0,
            ["missing"] = new JsonArray(missing.Select(m => (JsonNode)new JsonObject { ["track"] = m.Track, ["why"] = m.Why }).ToArray()),
            ["tracks"] = tracks,
        };
        if (status is { } s)
        {
            root["monitor"] = new JsonObject
            {
                ["output"] = view?.MonitorOutput,
                ["targetDelayMs"] = Math.Round(s.TargetDelayFrames * 1000.0 / info.SampleRate, 1),
                ["playoutRatio"] = Math.Round(s.PlayoutRatio, 6),
                ["underruns"] = s.Underruns,
                ["framesConcealed"] = s.FramesConcealed,
                ["framesSilenced"] = s.FramesSilenced,
                ["longestConcealedRun"] = s.LongestConcealedRun,
                ["lateFrames"] = s.LateFrames,
                ["clippedSamples"] = s.ClippedSamples,
                ["limitedFrames"] = s.LimitedFrames,
                ["maxGainReductionDb"] = Math.Round(s.MaxGainReductionDb, 2),
            };
        }

        if (playback != null)
        {
            root["playback"] = new JsonObject
            {
                ["boxes"] = new JsonArray(playback.Playing.Select(p => (JsonNode)p!).ToArray()),
                ["problems"] = new JsonArray(playback.Problems.Select(p => (JsonNode)p.ToString()!).ToArray()),
                ["framesSent"] = playback.FramesSent,
                ["seconds"] = Math.Round(playback.Duration.TotalSeconds, 2),
            };
        }

        return root;
    }

    /// <summary>
    /// The current take's tracks that are not (yet) verified stems, with why: a track no box
    /// recorded, a collection that gave up, a track not collected yet. Empty for a complete take.
    /// </summary>
    public static IReadOnlyList<(string Track, string Why)> MissingTracks(ConsoleEngine engine)
    {
        ArgumentNullException.ThrowIfNull(engine);
        var take = engine.CurrentTake ?? throw new InvalidOperationException("no take");
        var missing = new List<(string, string)>();
        foreach (var row in engine.Store.TakeTracks(take.Info.Id).Where(r => r.State != Octomix.Desk.Sessions.TakeTrackState.Complete))
        {
            string why = row.State switch
            {
                Octomix.Desk.Sessions.TakeTrackState.Refused => "not recorded: " + (row.Problem ?? "no box"),
                Octomix.Desk.Sessions.TakeTrackState.Incomplete => "incomplete: " + (row.Problem ?? "collection gave up"),
                _ => "recorded, not collected yet",
            };
            missing.Add((row.TrackName, why));
        }

        return missing;
    }
}
