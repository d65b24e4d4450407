using Octomix.Protocol;

namespace Octomix.Desk.Sessions;

/// <summary>
/// A recording session: its name, the join code the boxes use, the audio rate and the click the
/// boxes play (tempo, meter, count-in, sound, level).
/// </summary>
public sealed record SessionInfo
{
    public long Id { get; init; }

    public required string Name { get; init; }

    /// <summary>Project name written into the stems' iXML (PROJECT) and descriptions.</summary>
    public string Project { get; init; } = "Octomix";

    public required string JoinCode { get; init; }

    public int SampleRate { get; init; } = 48000;

    /// <summary>Tempo in hundredths of BPM (12000 = 120.00 BPM), as on the wire.</summary>
    public int TempoCentiBpm { get; init; } = 12000;

    public int BeatsPerBar { get; init; } = 4;

    public int BeatUnit { get; init; } = 4;

    public int CountInBars { get; init; } = 1;

    /// <summary>1 beep, 2 woodblock, 3 hi-hat (the box's ClickSound numbers).</summary>
    public int ClickSound { get; init; } = 1;

    /// <summary>Click level, percent.</summary>
    public int ClickLevel { get; init; } = 80;

    /// <summary>True: the click plays through the take; false: count-in only.</summary>
    public bool ClickDuringTake { get; init; } = true;

    public DateTime CreatedUtc { get; init; } = DateTime.UtcNow;

    /// <summary>Every problem with these settings, as sentences naming the field; empty when usable.</summary>
    public IReadOnlyList<string> Problems()
    {
        var problems = new List<string>();
        if (string.IsNullOrWhiteSpace(Name))
        {
            problems.Add("session name: empty");
        }

        if (string.IsNullOrWhiteSpace(Project))
        {
            problems.Add("project name: empty");
        }

        if (!JoinMessage.IsValidJoinCode(JoinCode))
        {
            problems.Add($"join code \"{JoinCode}\": 1..16 printable ASCII characters without spaces");
        }

        if (SampleRate is not (32000 or 44100 or 48000 or 88200 or 96000))
        {
            problems.Add($"sample rate {SampleRate}: 32000, 44100, 48000, 88200 or 96000");
        }

        if (TempoCentiBpm is < 3000 or > 30000)
        {
            problems.Add($"tempo {TempoCentiBpm / 100.0:0.##} BPM: 30..300 BPM");
        }

        if (BeatsPerBar is < 1 or > 16)
        {
            problems.Add($"meter {BeatsPerBar}/{BeatUnit}: 1..16 beats per bar");
        }

        if (BeatUnit is not (2 or 4 or 8 or 16))
        {
            problems.Add($"meter {BeatsPerBar}/{BeatUnit}: the beat unit is 2, 4, 8 or 16");
        }

        if (CountInBars is < 0 or > 8)
        {
            problems.Add($"count-in {CountInBars} bars: 0..8");
        }

        if (ClickSound is < 1 or > 3)
        {
            problems.Add($"click sound {ClickSound}: 1 beep, 2 woodblock, 3 hi-hat");
        }

        if (ClickLevel is < 0 or > 100)
        {
            problems.Add($"click level {ClickLevel} %: 0..100");
        }

        return problems;
    }
}

/// <summary>One musician's track in a session, and the box bound to it (by the box's name).</summary>
public sealed record TrackInfo
{
    public long Id { get; init; }

    public long SessionId { get; init; }

    /// <summary>Order in the session (1, 2, …).</summary>
    public int Position { get; init; }

    public required string Name { get; init; }

    /// <summary>Name of the box bound to this track; null while none is.</summary>
    public string? BoxName { get; init; }

    public double FaderDb { get; init; }

    public double Pan { get; init; }

    public bool Mute { get; init; }

    public bool Solo { get; init; }
}

/// <summary>Where a take is. Persisted, so a restarted console knows what is left to do.</summary>
public enum TakeState
{
    /// <summary>Record sent; the boxes record (or may still, if the console crashed).</summary>
    Recording,

    /// <summary>Stop sent; the boxes close their files.</summary>
    Stopping,

    /// <summary>Fetching what the stream missed and verifying checksums.</summary>
    Collecting,

    /// <summary>Every track verified (and the take folder written once exported).</summary>
    Complete,

    /// <summary>Collection gave up on at least one track; the report says which and why. Collect again to retry.</summary>
    Incomplete,
}

/// <summary>Where one track of a take is.</summary>
public enum TakeTrackState
{
    /// <summary>The box did not take the Record (not ready, refused, no answer): nothing was recorded.</summary>
    Refused,

    /// <summary>The box records (or recorded); its file is not verified yet.</summary>
    Recording,

    /// <summary>The console's copy equals the box's file (length and checksum).</summary>
    Complete,

    /// <summary>Collection gave up; <see cref="TakeTrackInfo.Problem"/> says why.</summary>
    Incomplete,
}

/// <summary>A take: one Record/Stop of a session, with the click settings it was recorded with.</summary>
public sealed record TakeInfo
{
    /// <summary>The take id on the wire and on the boxes' cards (takes/take-NNNNNN.wav).</summary>
    public uint Id { get; init; }

    public long SessionId { get; init; }

    /// <summary>Take number within the session (1, 2, …): the "take" of the file names and iXML.</summary>
    public int Number { get; init; }

    public TakeState State { get; init; }

    /// <summary>Samples since midnight of take sample 0 (the Record's origin).</summary>
    public long OriginSamples { get; init; }

    public int SampleRate { get; init; }

    public int TempoCentiBpm { get; init; }

    public int BeatsPerBar { get; init; }

    public int BeatUnit { get; init; }

    public int CountInBars { get; init; }

    public DateTime StartedUtc { get; init; }

    public DateTime? StoppedUtc { get; init; }

    /// <summary>The take folder once exported.</summary>
    public string? Folder { get; init; }

    /// <summary>The last collection's report (JSON), if any.</summary>
    public string? Report { get; init; }

    public TakeTimelineMath Timeline => new(SampleRate, TempoCentiBpm, BeatsPerBar, CountInBars);
}

/// <summary>One track of one take: which box recorded it, where its copy is, how far collection got.</summary>
public sealed record TakeTrackInfo
{
    public uint TakeId { get; init; }

    public long TrackId { get; init; }

    public required string TrackName { get; init; }

    public required string BoxName { get; init; }

    /// <summary>The box's slot in the room when the take was recorded.</summary>
    public int BoxSlot { get; init; }

    public TakeTrackState State { get; init; }

    /// <summary>Why the box refused, or why collection gave up.</summary>
    public string? Problem { get; init; }

    /// <summary>The box's round trip L for this take, samples.</summary>
    public int LatencySamples { get; init; }

    /// <summary>Take index F of the first frame of the box's file and stream.</summary>
    public long FirstSampleIndex { get; init; }

    /// <summary>Channels and <see cref="SampleFormat"/> of the box's audio; 0 until known.</summary>
    public int Channels { get; init; }

    public int Format { get; init; }

    /// <summary>
    /// The box's own recording rate (its FileInfo; the fmt chunk of its file); 0 until known or
    /// when it said none. Another rate than the session's: F, L and the data count the box's own
    /// samples, and the export converts the stem (docs/take-folder.md, "Stems at another rate").
    /// </summary>
    public int SampleRate { get; init; }

    /// <summary>Audio data bytes of the box's file (all parts); −1 until FileInfo said.</summary>
    public long DataBytes { get; init; } = -1;

    /// <summary>The console's copy: exactly the box's audio data bytes, placed by timecode.</summary>
    public required string SpoolPath { get; init; }

    /// <summary>Bytes that arrived by the stream (including retransmissions) and by FileRequest.</summary>
    public long StreamBytes { get; init; }

    public long FetchedBytes { get; init; }

    public int FrameBytes => Channels * SampleFormats.BytesPerSample(Format);
}
