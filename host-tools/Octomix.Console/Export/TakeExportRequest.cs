using Octomix.Protocol;

namespace Octomix.Desk.Export;

/// <summary>One track of a take as the console collected it.</summary>
public sealed record TakeTrackSource
{
    /// <summary>Track (musician) name: iXML track names, file name, DAW track name.</summary>
    public required string Name { get; init; }

    /// <summary>A file holding exactly the box's audio data bytes (interleaved little-endian PCM, no header).</summary>
    public required string AudioDataPath { get; init; }

    /// <summary>Where the audio data starts in <see cref="AudioDataPath"/> (0: a raw spool; a stem's data chunk offset when the mix is rendered again from the take folder).</summary>
    public long AudioDataOffset { get; init; }

    public required int Channels { get; init; }

    public required SampleFormat Format { get; init; }

    /// <summary>
    /// The box's own recording rate (the fmt chunk of its file); null or the session's rate: the
    /// stem is written byte for byte. Another rate: the stem is converted to the session rate and
    /// the box's file is kept under <c>originals/</c> (docs/take-folder.md); <see cref="FirstSampleIndex"/>,
    /// <see cref="LatencySamples"/> and <see cref="MaxDataBytes"/> then count the box's own samples.
    /// </summary>
    public int? SampleRate { get; init; }

    /// <summary>Take sample index F of the first frame of the box's file.</summary>
    public required long FirstSampleIndex { get; init; }

    /// <summary>The box's round-trip latency L for this take, in samples.</summary>
    public required int LatencySamples { get; init; }

    /// <summary>
    /// Audio data bytes of the stem at most (the take's end: a box that missed the Stop recorded
    /// on); null = the whole file. Rounded down to whole frames.
    /// </summary>
    public long? MaxDataBytes { get; init; }

    /// <summary>iXML name of each channel; default: the track name (mono) or "name 1", "name 2"…</summary>
    public IReadOnlyList<string>? ChannelNames { get; init; }

    /// <summary>Mix settings (the engineer's monitor settings): fader dB, pan −1..+1, mute, solo.</summary>
    public double FaderDb { get; init; }

    public double Pan { get; init; }

    public bool Mute { get; init; }

    public bool Solo { get; init; }
}

/// <summary>Everything <see cref="TakeExporter"/> needs to write a take folder.</summary>
public sealed record TakeExportRequest
{
    /// <summary>Host directory of the take (created; existing files are never overwritten unless <see cref="Overwrite"/>).</summary>
    public required string Folder { get; init; }

    public required string Project { get; init; }

    /// <summary>The session's name; BWF/iXML call it the scene.</summary>
    public required string Session { get; init; }

    public required string Take { get; init; }

    public required int SampleRate { get; init; }

    /// <summary>The session's timecode origin: samples since midnight of take sample 0 (the midnight before the files start: more than a day when the count-in crosses midnight).</summary>
    public required long OriginSamplesSinceMidnight { get; init; }

    public required IReadOnlyList<TakeTrackSource> Tracks { get; init; }

    /// <summary>Sample format of the stereo mix: <see cref="SampleFormat.S16"/> or <see cref="SampleFormat.S24"/>.</summary>
    public SampleFormat MixFormat { get; init; } = SampleFormat.S24;

    /// <summary>Wall-clock start of the take for bext OriginationDate/Time; null leaves them empty.</summary>
    public DateTime? RecordedAt { get; init; }

    /// <summary>iXML TAPE (a roll or day name); empty by default.</summary>
    public string Tape { get; init; } = "";

    /// <summary>Replace files of the same names in <see cref="Folder"/>.</summary>
    public bool Overwrite { get; init; }
}

/// <summary>
/// A written stem: its files (more than one only past 4 GiB), where it sits, how long it is (at the
/// session rate). A stem converted from a box's own rate names the box's file kept beside it
/// (<see cref="OriginalFile"/>, under <c>originals/</c>) and that rate (<see cref="OriginalSampleRate"/>);
/// otherwise both are null.
/// </summary>
public sealed record ExportedStem(string TrackName, string FileName, IReadOnlyList<string> PartFiles, long TimeReference, long Frames, int Channels,
    string? OriginalFile = null, int? OriginalSampleRate = null);

/// <summary>
/// The written mix. <see cref="GainDb"/> is 0 unless the sum of the tracks went over full scale:
/// then the whole mix was lowered by that much (one constant gain, no limiter) so nothing clips.
/// </summary>
public sealed record ExportedMix(string FileName, long TimeReference, long Frames, SampleFormat Format, double PeakBeforeGain, double GainDb);

public sealed record TakeExportResult(
    string Folder,
    IReadOnlyList<ExportedStem> Stems,
    ExportedMix Mix,
    string ReaperProjectFile,
    string AudacityProjectFile);

/// <summary>The names of a take folder's files: stems (in track order), mix, REAPER project, Audacity list.</summary>
public sealed record TakeFileNames(string BaseName, IReadOnlyList<string> Stems, string Mix, string Reaper, string Audacity);
