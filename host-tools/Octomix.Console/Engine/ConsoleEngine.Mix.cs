using System.Globalization;
using Octomix.Desk.Export;
using Octomix.Desk.Sessions;
using Octomix.Protocol;

namespace Octomix.Desk.Engine;

/// <summary>Renaming and removing tracks, and rendering a finished take's mix again with the present mix settings.</summary>
public sealed partial class ConsoleEngine
{
    /// <summary>Renames a track of the open session (takes keep the name they were recorded with).</summary>
    public TrackInfo RenameTrack(long trackId, string name)
    {
        var track = Tracks.FirstOrDefault(t => t.Id == trackId) ?? throw new KeyNotFoundException($"the open session has no track with id {trackId}");
        var renamed = _store.RenameTrack(track.Id, name);
        Event($"track {track.Position} \"{track.Name}\" renamed \"{renamed.Name}\"");
        Rebind();
        return renamed;
    }

    /// <summary>Removes a track of the open session that no take recorded; its box becomes unbound.</summary>
    public TrackInfo RemoveTrack(long trackId)
    {
        var track = Tracks.FirstOrDefault(t => t.Id == trackId) ?? throw new KeyNotFoundException($"the open session has no track with id {trackId}");
        _store.RemoveTrack(track.Id);
        Event($"track {track.Position} \"{track.Name}\" removed");
        Rebind();
        return track;
    }

    /// <summary>
    /// Writes the mix (and the .rpp and .lof) of an exported take of the open session again from
    /// the stems in its take folder, with the tracks' present fader, pan, mute and solo. Nothing
    /// is collected again and the stems are not touched.
    /// </summary>
    public async Task<TakeExportResult> RenderMixAsync(uint takeId, CancellationToken cancel)
    {
        await _operation.WaitAsync(cancel).ConfigureAwait(false);
        try
        {
            var session = Session;
            var take = _store.Take(takeId);
            if (take == null || take.SessionId != session.Id)
            {
                throw new KeyNotFoundException($"the open session has no take with id {takeId}");
            }

            if (take.State is not (TakeState.Complete or TakeState.Incomplete) || take.Folder == null || !Directory.Exists(take.Folder))
            {
                throw new InvalidOperationException($"take {take.Number} has no take folder yet ({take.State.ToString().ToLowerInvariant()}): it is rendered once collected and written");
            }

            var rows = _store.TakeTracks(take.Id).Where(t => t.State == TakeTrackState.Complete).ToList();
            if (rows.Count == 0)
            {
                throw new InvalidOperationException($"take {take.Number} has no verified track");
            }

            string number = take.Number.ToString(CultureInfo.InvariantCulture);
            var names = TakeExporter.FileNames(session.Name, number, [.. rows.Select(r => r.TrackName)]);
            var tracks = Tracks.ToDictionary(t => t.Id);
            var sources = new List<TakeTrackSource>();
            for (int k = 0; k < rows.Count; k++)
            {
                var row = rows[k];
                string stem = Path.Combine(take.Folder, names.Stems[k]);
                if (!File.Exists(stem))
                {
                    throw new InvalidOperationException($"take {take.Number}: the stem {names.Stems[k]} of track {row.TrackName} is not in {take.Folder}");
                }

                if (File.Exists(Octomix.Drivers.Bwf.BwfWriter.PartPath(stem, 1)))
                {
                    throw new InvalidOperationException($"take {take.Number}: the stem of track {row.TrackName} is longer than one file (4 GiB): export the take again instead");
                }

                var wav = WavData.Open(stem);
                var track = tracks.GetValueOrDefault(row.TrackId);
                // A stem converted from a box's own rate is at the session rate: place it by F - L rescaled, as the export did.
                bool converted = row.SampleRate > 0 && row.SampleRate != take.SampleRate;
                sources.Add(new TakeTrackSource
                {
                    Name = row.TrackName,
                    AudioDataPath = stem,
                    AudioDataOffset = wav.DataOffset,
                    MaxDataBytes = wav.DataBytes,
                    Channels = wav.Channels,
                    Format = (SampleFormat)row.Format,
                    FirstSampleIndex = converted ? StemRateConverter.Rescale(row.FirstSampleIndex - row.LatencySamples, row.SampleRate, take.SampleRate) : row.FirstSampleIndex,
                    LatencySamples = converted ? 0 : row.LatencySamples,
                    FaderDb = track?.FaderDb ?? 0,
                    Pan = track?.Pan ?? 0,
                    Mute = track?.Mute ?? false,
                    Solo = track?.Solo ?? false,
                });
            }

            var request = new TakeExportRequest
            {
                Folder = take.Folder,
                Project = session.Project,
                Session = session.Name,
                Take = number,
                SampleRate = take.SampleRate,
                OriginSamplesSinceMidnight = take.OriginSamples,
                RecordedAt = take.StartedUtc.ToLocalTime(),
                MixFormat = SampleFormat.S24,
                Tracks = sources,
            };
            var files = await Task.Run(() => TakeExporter.RenderMix(request), cancel).ConfigureAwait(false);
            if (_take is { } open && open.Id == take.Id)
            {
                open.Export = files;
            }

            Event($"take {take.Number}: mix rendered again ({files.Mix.FileName})");
            return files;
        }
        finally
        {
            _operation.Release();
        }
    }
}
