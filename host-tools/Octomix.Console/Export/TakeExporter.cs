using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Octomix.Desk.Monitor;
using Octomix.Dsp;
using Octomix.Drivers.Bwf;
using Octomix.Hal;
using Octomix.Protocol;

namespace Octomix.Desk.Export;

/// <summary>
/// Writes a take folder (docs/take-folder.md): one BWF stem per track whose audio data is
/// byte-for-byte the box's (or, for a box recording at another rate, converted to the session rate
/// with the box's file kept under originals/), with bext TimeReference = origin + F − L and iXML names; a stereo mix
/// aligned on the same timeline; a REAPER project and an Audacity list that open it aligned.
/// </summary>
/// <remarks>
/// Everything is checked before the first byte is written (formats, lengths, names, the
/// TimeReference, existing files), so bad input costs nothing. Stems go through the box's own
/// <see cref="BwfWriter"/> over a <see cref="FolderStorage"/>, then are read back and compared
/// in length before the export reports success.
/// </remarks>
public static class TakeExporter
{
    private const int ChunkFrames = 1 << 16;

    /// <summary>
    /// Writes the whole take folder into <c>FOLDER.writing-PID</c> beside it, then renames it
    /// over the old one: a reader sees the old take folder or the new one, never a mix (all
    /// stems, mix, .rpp, .lof). Files of the old folder the export does not write (the user's
    /// own) are moved into the new one.
    /// </summary>
    public static TakeExportResult Export(TakeExportRequest request)
    {
        var plan = Plan.Create(request);
        string final = Path.GetFullPath(request.Folder).TrimEnd(Path.DirectorySeparatorChar);
        string writing = final + ".writing-" + Environment.ProcessId.ToString(CultureInfo.InvariantCulture);
        if (Directory.Exists(writing))
        {
            Directory.Delete(writing, recursive: true); // left by an export of this process that failed
        }

        TakeExportResult result;
        try
        {
            result = Write(request, plan, writing);
        }
        catch
        {
            TryDeleteFolder(writing);
            throw;
        }

        Replace(final, writing);
        return result with { Folder = final };
    }

    /// <summary>Renames <paramref name="writing"/> to <paramref name="final"/>, over the old folder if there is one.</summary>
    private static void Replace(string final, string writing)
    {
        if (!Directory.Exists(final))
        {
            Directory.Move(writing, final);
            return;
        }

        string old = final + ".old-" + Environment.ProcessId.ToString(CultureInfo.InvariantCulture);
        TryDeleteFolder(old);
        Directory.Move(final, old);
        Directory.Move(writing, final);
        foreach (var entry in Directory.EnumerateFileSystemEntries(old))
        {
            string target = Path.Combine(final, Path.GetFileName(entry));
            if (!File.Exists(target) && !Directory.Exists(target))
            {
                if (Directory.Exists(entry))
                {
                    Directory.Move(entry, target);
                }
                else
                {
                    File.Move(entry, target);
                }
            }
        }

        TryDeleteFolder(old);
    }

    private static void TryDeleteFolder(string folder)
    {
        try
        {
            if (Directory.Exists(folder))
            {
                Directory.Delete(folder, recursive: true);
            }
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    private static TakeExportResult Write(TakeExportRequest request, Plan plan, string folder)
    {
        var storage = new FolderStorage(folder, flushToDisk: false);
        var options = new BwfWriterOptions { HeaderUpdateIntervalFrames = request.SampleRate * 60 };
        var converted = new List<string>();
        try
        {
            return WriteAll(request, plan, storage, options, converted);
        }
        finally
        {
            foreach (var file in converted)
            {
                File.Delete(file);
            }
        }
    }

    private static TakeExportResult WriteAll(TakeExportRequest request, Plan plan, FolderStorage storage, BwfWriterOptions options, List<string> converted)
    {
        // A box at another rate: its file is kept as it is under originals/, and the stem, the
        // mix and the DAW files use its data converted to the session rate.
        var tracks = request.Tracks.ToArray();
        var originals = new ExportedStem?[tracks.Length];
        for (int k = 0; k < tracks.Length; k++)
        {
            if (plan.OriginalFiles[k] is not string original)
            {
                continue;
            }

            storage.CreateDirectory(OriginalsFolder);
            int ownRate = tracks[k].SampleRate!.Value;
            originals[k] = WriteStem(storage, new BwfWriterOptions { HeaderUpdateIntervalFrames = ownRate * 60 }, tracks[k], original, plan.OriginalMetadata[k]!, plan.SourceDataBytes[k]);
            string raw = Path.Combine(storage.Root, $".converting-{k}.raw");
            converted.Add(raw);
            StemRateConverter.Convert(tracks[k], plan.SourceDataBytes[k], ownRate, request.SampleRate, plan.Frames[k], raw);
            tracks[k] = tracks[k] with { AudioDataPath = raw, AudioDataOffset = 0, MaxDataBytes = null, SampleRate = request.SampleRate };
        }

        request = request with { Tracks = tracks };
        var stems = new List<ExportedStem>();
        for (int k = 0; k < tracks.Length; k++)
        {
            var stem = WriteStem(storage, options, tracks[k], plan.StemFiles[k], plan.StemMetadata[k], plan.DataBytes[k]);
            stems.Add(originals[k] is ExportedStem o ? stem with { OriginalFile = o.FileName, OriginalSampleRate = plan.OriginalMetadata[k]!.Format.SampleRate } : stem);
        }

        var mix = WriteMix(storage, options, request, plan);

        long origin = plan.TimeReferences.Min();
        var items = new List<SessionItem>();
        for (int k = 0; k < stems.Count; k++)
        {
            var track = request.Tracks[k];
            var stem = stems[k];
            bool audible = MixLaw.IsAudible(track.Mute, track.Solo, request.Tracks.Any(t => t.Solo));
            long partStart = stem.TimeReference;
            foreach (var part in stem.PartFiles)
            {
                long partFrames = BwfReader.Read(storage, part).FramesByLength;
                items.Add(new SessionItem(
                    track.Name,
                    part,
                    (partStart - origin) / (double)request.SampleRate,
                    partFrames / (double)request.SampleRate,
                    track.Channels,
                    MixLaw.FaderGain(track.FaderDb),
                    track.Pan,
                    !audible));
                partStart += partFrames;
            }
        }

        WriteText(storage, plan.ReaperFile, SessionFileWriters.Reaper(request.SampleRate, items.GroupBy(i => i.TrackName)));
        WriteText(storage, plan.AudacityFile, SessionFileWriters.Audacity(items));
        return new TakeExportResult(storage.Root, stems, mix, plan.ReaperFile, plan.AudacityFile);
    }

    private static ExportedStem WriteStem(FolderStorage storage, BwfWriterOptions options, TakeTrackSource track, string file, BwfMetadata metadata, long dataBytes)
    {
        int frameBytes = track.Channels * PcmDownmix.BytesPerSample(track.Format);
        var buffer = new byte[ChunkFrames * frameBytes];
        long total = 0;
        BwfWriter writer = new(storage, file, metadata, options);
        try
        {
            using var input = new FileStream(track.AudioDataPath, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
            input.Position = track.AudioDataOffset;
            int read;
            while (total < dataBytes && (read = ReadWhole(input, buffer, (int)Math.Min(buffer.Length, dataBytes - total))) > 0)
            {
                writer.Write(buffer, 0, read);
                total += read;
            }
        }
        finally
        {
            writer.Close();
        }

        var parts = Enumerable.Range(0, writer.PartCount).Select(p => p == 0 ? file : BwfWriter.PartPath(file, p)).ToList();
        long written = parts.Sum(p => BwfReader.Read(storage, p).DataBytesByLength);
        if (written != total || total != dataBytes)
        {
            throw new IOException($"stem {file}: {written} audio bytes in the file(s), {total} read from {track.AudioDataPath} (expected {dataBytes})");
        }

        return new ExportedStem(track.Name, file, parts, metadata.TimeReference, total / frameBytes, track.Channels);
    }

    private static ExportedMix WriteMix(FolderStorage storage, BwfWriterOptions options, TakeExportRequest request, Plan plan)
    {
        using var renderer = new TakeMixRenderer(request.Tracks, plan.TimeReferences, plan.Frames);
        var left = new double[ChunkFrames];
        var right = new double[ChunkFrames];

        // Pass 1: the peak of the unclipped mix decides one gain for the whole take.
        double peak = 0;
        for (long p = renderer.Start; p < renderer.End; p += ChunkFrames)
        {
            int n = (int)Math.Min(ChunkFrames, renderer.End - p);
            renderer.Fill(p, left.AsSpan(0, n), right.AsSpan(0, n));
            for (int i = 0; i < n; i++)
            {
                peak = Math.Max(peak, Math.Max(Math.Abs(left[i]), Math.Abs(right[i])));
            }
        }

        double gain = peak > 1 ? 1 / peak : 1;
        double gainDb = 20 * Math.Log10(gain);
        int bytes = PcmDownmix.BytesPerSample(request.MixFormat);
        var metadata = plan.MixMetadata;
        metadata.TimeReference = renderer.Start;
        if (gain < 1)
        {
            metadata.Description = Fit($"{metadata.Description} (lowered {-gainDb:0.0} dB: the tracks summed over full scale)", BwfMetadata.DescriptionMax);
        }

        // Pass 2: scale, quantize, write.
        var buffer = new byte[ChunkFrames * 2 * bytes];
        var writer = new BwfWriter(storage, plan.MixFile, metadata, options);
        try
        {
            for (long p = renderer.Start; p < renderer.End; p += ChunkFrames)
            {
                int n = (int)Math.Min(ChunkFrames, renderer.End - p);
                renderer.Fill(p, left.AsSpan(0, n), right.AsSpan(0, n));
                int o = 0;
                for (int i = 0; i < n; i++)
                {
                    o = Put(buffer, o, TakeMixRenderer.Quantize(left[i] * gain, request.MixFormat), bytes);
                    o = Put(buffer, o, TakeMixRenderer.Quantize(right[i] * gain, request.MixFormat), bytes);
                }

                writer.Write(buffer, 0, o);
            }
        }
        finally
        {
            writer.Close();
        }

        return new ExportedMix(plan.MixFile, renderer.Start, renderer.End - renderer.Start, request.MixFormat, peak, gainDb);
    }

    private static int Put(byte[] buffer, int offset, int value, int bytes)
    {
        for (int b = 0; b < bytes; b++)
        {
            buffer[offset + b] = (byte)(value >> (8 * b));
        }

        return offset + bytes;
    }

    /// <summary>Reads until the buffer is full or the file ends; returns the bytes read.</summary>
    private static int ReadWhole(Stream input, byte[] buffer, int count)
    {
        int total = 0;
        int read;
        while (total < count && (read = input.Read(buffer, total, count - total)) > 0)
        {
            total += read;
        }

        return total;
    }

    /// <summary>The file names a take folder of these tracks gets (stems in track order, mix, .rpp, .lof): the export's own naming.</summary>
    public static TakeFileNames FileNames(string session, string take, IReadOnlyList<string> trackNames)
    {
        ArgumentNullException.ThrowIfNull(trackNames);
        var taken = new HashSet<string>();
        string baseName = TakeNaming.Sanitize($"{session}_{take}");
        var stems = trackNames.Select(n => TakeNaming.Unique($"{baseName}_{TakeNaming.Sanitize(n)}", taken) + ".wav").ToList();
        string mix = TakeNaming.Unique($"{baseName}_mix", taken) + ".wav";
        return new TakeFileNames(baseName, stems, mix, baseName + ".rpp", baseName + ".lof");
    }

    /// <summary>
    /// Renders the mix of an exported take folder again from its stems (the request's tracks
    /// point at the stems, <see cref="TakeTrackSource.AudioDataOffset"/> at their data) with the
    /// request's fader/pan/mute/solo: the mix, the .rpp and the .lof are replaced (each written
    /// beside itself, then renamed over the old one); the stems are not touched. Everything is
    /// checked first, as for <see cref="Export"/>.
    /// </summary>
    public static TakeExportResult RenderMix(TakeExportRequest request)
    {
        var plan = Plan.Create(request with { Overwrite = true });
        string folder = Path.GetFullPath(request.Folder);
        if (!Directory.Exists(folder))
        {
            throw new DirectoryNotFoundException($"the take folder {folder} is not there");
        }

        string suffix = ".rendering-" + Environment.ProcessId.ToString(CultureInfo.InvariantCulture);
        var storage = new FolderStorage(folder, flushToDisk: false);
        var options = new BwfWriterOptions { HeaderUpdateIntervalFrames = request.SampleRate * 60 };
        var temporary = new List<string>();
        try
        {
            var renderPlan = new Plan
            {
                StemFiles = plan.StemFiles,
                MixFile = plan.MixFile + suffix,
                ReaperFile = plan.ReaperFile + suffix,
                AudacityFile = plan.AudacityFile + suffix,
                TimeReferences = plan.TimeReferences,
                Frames = plan.Frames,
                DataBytes = plan.DataBytes,
                StemMetadata = plan.StemMetadata,
                MixMetadata = plan.MixMetadata,
            };
            temporary.AddRange([renderPlan.MixFile, renderPlan.ReaperFile, renderPlan.AudacityFile]);
            var mix = WriteMix(storage, options, request, renderPlan);
            long origin = plan.TimeReferences.Min();
            bool anySolo = request.Tracks.Any(t => t.Solo);
            var stems = new List<ExportedStem>();
            var items = new List<SessionItem>();
            for (int k = 0; k < request.Tracks.Count; k++)
            {
                var track = request.Tracks[k];
                string file = Path.GetFileName(track.AudioDataPath);
                stems.Add(new ExportedStem(track.Name, file, [file], plan.TimeReferences[k], plan.Frames[k], track.Channels));
                items.Add(new SessionItem(
                    track.Name,
                    file,
                    (plan.TimeReferences[k] - origin) / (double)request.SampleRate,
                    plan.Frames[k] / (double)request.SampleRate,
                    track.Channels,
                    MixLaw.FaderGain(track.FaderDb),
                    track.Pan,
                    !MixLaw.IsAudible(track.Mute, track.Solo, anySolo)));
            }

            WriteText(storage, renderPlan.ReaperFile, SessionFileWriters.Reaper(request.SampleRate, items.GroupBy(i => i.TrackName)));
            WriteText(storage, renderPlan.AudacityFile, SessionFileWriters.Audacity(items));
            File.Move(Path.Combine(folder, renderPlan.MixFile), Path.Combine(folder, plan.MixFile), overwrite: true);
            File.Move(Path.Combine(folder, renderPlan.ReaperFile), Path.Combine(folder, plan.ReaperFile), overwrite: true);
            File.Move(Path.Combine(folder, renderPlan.AudacityFile), Path.Combine(folder, plan.AudacityFile), overwrite: true);
            return new TakeExportResult(folder, stems, mix with { FileName = plan.MixFile }, plan.ReaperFile, plan.AudacityFile);
        }
        finally
        {
            foreach (var file in temporary)
            {
                try
                {
                    File.Delete(Path.Combine(folder, file));
                }
                catch (IOException)
                {
                }
                catch (UnauthorizedAccessException)
                {
                }
            }
        }
    }

    private static void WriteText(FolderStorage storage, string file, string text)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        using var handle = storage.Open(file, FileOpenMode.Create);
        handle.Write(bytes, 0, bytes.Length);
        handle.Flush();
    }

    /// <summary>Where the boxes' own files of converted stems are kept, inside the take folder.</summary>
    public const string OriginalsFolder = "originals";

    private static string Fit(string text, int max) => text.Length <= max ? text : text[..max];

    /// <summary>All checks and names, made before anything is written.</summary>
    private sealed class Plan
    {
        public required string[] StemFiles { get; init; }

        public required string MixFile { get; init; }

        public required string ReaperFile { get; init; }

        public required string AudacityFile { get; init; }

        public required long[] TimeReferences { get; init; }

        public required long[] Frames { get; init; }

        public required long[] DataBytes { get; init; }

        public required BwfMetadata[] StemMetadata { get; init; }

        public required BwfMetadata MixMetadata { get; init; }

        /// <summary>Per track: the box's data bytes read (differs from <see cref="DataBytes"/> for a converted stem).</summary>
        public long[] SourceDataBytes { get; init; } = [];

        /// <summary>Per track: "originals/NAME.wav" for a stem converted from the box's own rate, else null.</summary>
        public string?[] OriginalFiles { get; init; } = [];

        public BwfMetadata?[] OriginalMetadata { get; init; } = [];

        public static Plan Create(TakeExportRequest request)
        {
            ArgumentNullException.ThrowIfNull(request);
            ArgumentException.ThrowIfNullOrWhiteSpace(request.Folder);
            if (string.IsNullOrWhiteSpace(request.Project) || string.IsNullOrWhiteSpace(request.Session) || string.IsNullOrWhiteSpace(request.Take))
            {
                throw new ArgumentException("project, session and take names must not be empty");
            }

            if (request.SampleRate < 8000 || request.SampleRate > 192000)
            {
                throw new ArgumentOutOfRangeException(nameof(request), request.SampleRate, "sample rate must be 8000..192000");
            }

            // Up to two days: a take whose count-in crosses midnight keeps the clock of the day its
            // files start (24:00:01), so that its TimeReference stays the true, positive time of day.
            long day = 86400L * request.SampleRate;
            if (request.OriginSamplesSinceMidnight < 0 || request.OriginSamplesSinceMidnight >= 2 * day)
            {
                throw new ArgumentOutOfRangeException(nameof(request), request.OriginSamplesSinceMidnight,
                    $"the origin must be samples since midnight, 0..{(2 * day) - 1} at {request.SampleRate} Hz (past one day when the take's downbeat falls after the next midnight)");
            }

            if (request.MixFormat is not (SampleFormat.S16 or SampleFormat.S24))
            {
                throw new ArgumentException($"the mix is written as s16 or s24, not {request.MixFormat}");
            }

            if (request.Tracks is null || request.Tracks.Count == 0)
            {
                throw new ArgumentException("a take needs at least one track");
            }

            int count = request.Tracks.Count;
            var timeReferences = new long[count];
            var frames = new long[count];
            var dataBytes = new long[count];
            var names = FileNames(request.Session, request.Take, [.. request.Tracks.Select(t => t?.Name ?? "")]);
            string baseName = names.BaseName;
            var stemFiles = new string[count];
            var stemMetadata = new BwfMetadata[count];
            var sourceDataBytes = new long[count];
            var originalFiles = new string?[count];
            var originalMetadata = new BwfMetadata?[count];
            for (int k = 0; k < count; k++)
            {
                var track = request.Tracks[k] ?? throw new ArgumentException($"track {k} is null");
                string label = $"track {k + 1} \"{track.Name}\"";
                if (string.IsNullOrWhiteSpace(track.Name))
                {
                    throw new ArgumentException($"track {k + 1} has no name");
                }

                int bytes = SampleFormats.BytesPerSample((int)track.Format);
                if (bytes == 0)
                {
                    throw new ArgumentException($"{label}: unknown sample format {track.Format}");
                }

                if (track.Channels < 1 || track.Channels > 8)
                {
                    throw new ArgumentException($"{label}: {track.Channels} channels (1..8)");
                }

                if (!File.Exists(track.AudioDataPath))
                {
                    throw new FileNotFoundException($"{label}: audio data file not found", track.AudioDataPath);
                }

                if (track.AudioDataOffset < 0)
                {
                    throw new ArgumentException($"{label}: negative audio data offset {track.AudioDataOffset}");
                }

                long length = new FileInfo(track.AudioDataPath).Length - track.AudioDataOffset;
                int frameBytes = track.Channels * bytes;
                if (track.MaxDataBytes is long max && max >= frameBytes && max < length)
                {
                    length = max - (max % frameBytes); // the take's end: the rest of the file is after it
                }

                if (length == 0 || length % frameBytes != 0)
                {
                    throw new ArgumentException($"{label}: {length} bytes of audio data is not a whole number of {frameBytes}-byte frames");
                }

                if (track.LatencySamples < 0)
                {
                    throw new ArgumentException($"{label}: negative latency {track.LatencySamples}");
                }

                MixLaw.ValidateFader(track.FaderDb);
                MixLaw.ValidatePan(track.Pan);
                int ownRate = track.SampleRate ?? request.SampleRate;
                bool convert = ownRate != request.SampleRate;
                if (convert && (ownRate < 8000 || ownRate > 192000 || !PolyphaseResampler.Supports(ownRate, request.SampleRate)))
                {
                    throw new ArgumentException($"{label}: recorded at {ownRate} Hz, which cannot be converted to the session's {request.SampleRate} Hz (8000..192000 Hz with a ratio of at most {PolyphaseResampler.MaxPhases} phases)");
                }

                // F - L counts the box's own samples: on the session timeline it is (F - L) · session / own, rounded.
                timeReferences[k] = request.OriginSamplesSinceMidnight + (convert
                    ? StemRateConverter.Rescale(track.FirstSampleIndex - track.LatencySamples, ownRate, request.SampleRate)
                    : track.FirstSampleIndex - track.LatencySamples);
                if (timeReferences[k] < 0)
                {
                    throw new ArgumentException(
                        $"{label}: TimeReference origin + F - L = {request.OriginSamplesSinceMidnight} + {track.FirstSampleIndex} - {track.LatencySamples} is before midnight");
                }

                frames[k] = convert ? StemRateConverter.ConvertedFrames(length / frameBytes, ownRate, request.SampleRate) : length / frameBytes;
                dataBytes[k] = frames[k] * frameBytes;
                sourceDataBytes[k] = length;
                stemFiles[k] = names.Stems[k];
                var channelNames = track.ChannelNames?.ToArray()
                    ?? (track.Channels == 1 ? [track.Name] : [.. Enumerable.Range(1, track.Channels).Select(c => $"{track.Name} {c}")]);
                stemMetadata[k] = Metadata(request, new PcmFormat(request.SampleRate, track.Channels, bytes), $"{track.Name}", k + 1, channelNames);
                stemMetadata[k].TimeReference = timeReferences[k];
                if (convert)
                {
                    // The box's file as it is, at its own rate: its TimeReference counts its own samples since midnight.
                    originalFiles[k] = OriginalsFolder + "/" + names.Stems[k];
                    var original = Metadata(request, new PcmFormat(ownRate, track.Channels, bytes), $"{track.Name} (original, {ownRate} Hz)", 1000 + k + 1, channelNames);
                    original.TimeReference = StemRateConverter.Rescale(request.OriginSamplesSinceMidnight, request.SampleRate, ownRate) + track.FirstSampleIndex - track.LatencySamples;
                    original.Validate();
                    originalMetadata[k] = original;
                    stemMetadata[k].CodingHistory = original.CodingHistory + "\n" + stemMetadata[k].CodingHistory + $" (converted from {ownRate} Hz)";
                }

                stemMetadata[k].Validate(); // ArgumentException naming the field (too long, wrong channel-name count...)
            }

            string mixFile = names.Mix;
            var mixMetadata = Metadata(request, new PcmFormat(request.SampleRate, 2, PcmDownmix.BytesPerSample(request.MixFormat)), "mix", 0, ["Mix L", "Mix R"]);
            mixMetadata.TimeReference = timeReferences.Min();
            mixMetadata.Validate();

            var plan = new Plan
            {
                StemFiles = stemFiles,
                MixFile = mixFile,
                ReaperFile = names.Reaper,
                AudacityFile = names.Audacity,
                TimeReferences = timeReferences,
                Frames = frames,
                DataBytes = dataBytes,
                StemMetadata = stemMetadata,
                MixMetadata = mixMetadata,
                SourceDataBytes = sourceDataBytes,
                OriginalFiles = originalFiles,
                OriginalMetadata = originalMetadata,
            };

            if (!request.Overwrite && Directory.Exists(request.Folder))
            {
                var existing = new[] { mixFile, plan.ReaperFile, plan.AudacityFile }.Concat(stemFiles).Concat(originalFiles.OfType<string>())
                    .Where(f => File.Exists(Path.Combine(request.Folder, f)) || File.Exists(Path.Combine(request.Folder, BwfWriter.PartPath(f, 1))))
                    .ToList();
                if (existing.Count > 0)
                {
                    throw new IOException($"the take folder {request.Folder} already holds {string.Join(", ", existing)}; nothing was written (set Overwrite to replace them)");
                }
            }

            return plan;
        }

        private static BwfMetadata Metadata(TakeExportRequest request, PcmFormat format, string what, int index, string[] channelNames)
        {
            var recorded = request.RecordedAt;
            return new BwfMetadata(format)
            {
                Description = Fit($"{request.Project} / {request.Session} / take {request.Take} / {what}", BwfMetadata.DescriptionMax),
                Originator = "Octomix console",
                OriginatorReference = Fit($"OX{Uid(request, index)[..12]}", BwfMetadata.OriginatorReferenceMax),
                OriginationDate = recorded?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) ?? "",
                OriginationTime = recorded?.ToString("HH:mm:ss", CultureInfo.InvariantCulture) ?? "",
                Project = request.Project,
                Scene = request.Session,
                Take = request.Take,
                Tape = request.Tape,
                TrackNames = channelNames,
                FileUid = "OX" + Uid(request, index),
            };
        }

        /// <summary>A stable unique id for a file of the take (same export, same id).</summary>
        private static string Uid(TakeExportRequest request, int index)
        {
            string key = $"{request.Project}\n{request.Session}\n{request.Take}\n{request.OriginSamplesSinceMidnight}\n{index}";
            return Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(key)))[..24];
        }
    }
}
