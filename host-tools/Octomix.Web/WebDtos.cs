using System.Globalization;
using Octomix.Desk.Engine;
using Octomix.Desk.Sessions;
using Octomix.Protocol;

namespace Octomix.Web;

/// <summary>Every refusal of the API: what is wrong, in a sentence for the page.</summary>
public sealed record ApiError(string Error);

/// <summary>POST /api/sessions: tempo in BPM, meter "beats/unit", count-in bars, sample rate in Hz, tracks (optional).</summary>
public sealed record CreateSessionRequest(string? Name, double? Tempo, string? Meter, int? CountIn, int? SampleRate, IReadOnlyList<string?>? Tracks);

/// <summary>POST /api/tracks: a track added to the open session.</summary>
public sealed record AddTrackRequest(string? Name);

/// <summary>What Record did (HTTP 200 only when a take started).</summary>
public sealed record RecordResult(bool Started, int? TakeNumber, IReadOnlyList<string> Recording, IReadOnlyList<string> NotRecording);

/// <summary>What Stop did.</summary>
public sealed record StopResult(int TakeNumber, IReadOnlyList<string> Stopped, IReadOnlyList<string> Problems);

/// <summary>A session in the list.</summary>
public sealed record WebSession(long Id, string Name, string JoinCode, int SampleRate, double Tempo, string Meter, int CountIn, DateTime CreatedUtc, bool Open, int Takes)
{
    public static WebSession From(SessionInfo s, bool open, int takes) => new(
        s.Id, s.Name, s.JoinCode, s.SampleRate, s.TempoCentiBpm / 100.0,
        string.Create(CultureInfo.InvariantCulture, $"{s.BeatsPerBar}/{s.BeatUnit}"), s.CountInBars, s.CreatedUtc, open, takes);
}

/// <summary>One strip of the session view: the track, its box, its ready state (and why not), the link.</summary>
public sealed record WebTrack(
    long Id,
    int Position,
    string Name,
    string? Box,
    int? Slot,
    bool Ready,
    IReadOnlyList<string> Reasons,
    bool Joined,
    bool SdOk,
    bool SdFast,
    bool Calibrated,
    string? BoxState,
    uint? SdFreeMiB,
    double? RoundTripMs,
    int? LatencySamples,
    double StatusLossPercent,
    double? JitterMs,
    int? BufferMs,
    double? PeakDb0,
    double? PeakDb1,
    double FaderDb,
    double Pan,
    bool Mute,
    bool Solo);

/// <summary>One track of the open take.</summary>
public sealed record WebTakeTrack(string Track, string Box, string State, long StreamBytes, long FetchedBytes, long DataBytes, double? LossPercent, string? Problem)
{
    /// <summary>Percent of the box's file the console holds (collection progress); null until the box said its length.</summary>
    public double? ProgressPercent => DataBytes > 0 && LossPercent is double loss ? Math.Round(100 - loss, 1) : DataBytes == 0 ? 100 : null;
}

/// <summary>The open take (or the last one).</summary>
public sealed record WebTake(uint Id, int Number, string State, DateTime StartedUtc, DateTime? StoppedUtc, IReadOnlyList<WebTakeTrack> Tracks, string? Report)
{
    /// <summary>The take folder is written (its files can be downloaded, its mix rendered and played back).</summary>
    public bool Written { get; init; }

    /// <summary>Why the take is incomplete (each track's problem), or null.</summary>
    public string? Why { get; init; }
}

/// <summary>Everything the session view shows, pushed to the pages as it changes.</summary>
public sealed record WebState(
    WebSession Session,
    string ServerAddress,
    bool Joined,
    IReadOnlyList<WebTrack> Tracks,
    IReadOnlyList<string> UnboundBoxes,
    WebTake? Take,
    IReadOnlyList<string> Events)
{
    /// <summary>What runs in the background now (collecting, writing, playing back), or null.</summary>
    public string? Activity { get; init; }

    /// <summary>How the last background job ended (a sentence), or null.</summary>
    public string? ActivityMessage { get; init; }

    public static WebState From(ConsoleSnapshot s)
    {
        ArgumentNullException.ThrowIfNull(s);
        var tracks = s.Tracks.Select(t => new WebTrack(
            t.Track.Id,
            t.Track.Position,
            t.Track.Name,
            t.Track.BoxName,
            t.Slot,
            t.Readiness.Ready,
            t.Readiness.Reasons,
            t.Readiness.Joined,
            t.Readiness.SdOk,
            t.Readiness.SdFast,
            t.Readiness.Calibrated,
            t.Status != null ? BoxStateCode.Name(t.Status.State) : null,
            t.Status?.SdFreeMiB,
            t.BoxRoundTripMilliseconds,
            t.Status is { LatencySamples: >= 0 } st ? st.LatencySamples : null,
            Math.Round(t.StatusLossPercent, 2),
            t.Status is { JitterMilliseconds: var j } && !double.IsNaN(j) ? Math.Round(j, 2) : null,
            t.Status?.BufferMilliseconds,
            t.Status != null ? Peak(t.Status.PeakDb0) : null,
            t.Status != null ? Peak(t.Status.PeakDb1) : null,
            t.Track.FaderDb,
            t.Track.Pan,
            t.Track.Mute,
            t.Track.Solo)).ToList();
        WebTake? take = null;
        if (s.Take is { } view)
        {
            take = new WebTake(
                view.Take.Id,
                view.Take.Number,
                view.Take.State.ToString().ToLowerInvariant(),
                view.Take.StartedUtc,
                view.Take.StoppedUtc,
                [.. view.Tracks.Select(t => new WebTakeTrack(t.TrackName, t.BoxName, t.State.ToString().ToLowerInvariant(), t.StreamBytes, t.FetchedBytes, t.DataBytes,
                    t.StreamLossPercent is double l ? Math.Round(l, 2) : null, t.Problem))],
                view.Take.Report)
            {
                Written = view.Take.Folder != null,
                Why = view.Take.State == TakeState.Incomplete
                    ? string.Join("; ", view.Tracks.Where(t => t.State != TakeTrackState.Complete).Select(t => $"{t.TrackName}: {t.Problem ?? t.State.ToString().ToLowerInvariant()}"))
                    : null,
            };
        }

        return new WebState(
            WebSession.From(s.Session, true, 0),
            s.ServerAddress,
            s.Joined,
            tracks,
            [.. s.UnboundBoxes.Select(b => b.Name)],
            take,
            [.. s.Events.TakeLast(20)])
        {
            ServerName = s.ServerName,
        };
    }

    /// <summary>The server's name (RoomInfo), empty when it has none.</summary>
    public string ServerName { get; init; } = string.Empty;

    /// <summary>Peak in dBFS; null for silence (JSON has no −∞).</summary>
    private static double? Peak(byte minusDb) => minusDb == 255 ? null : -minusDb;
}

/// <summary>A file of a take folder, and where the page downloads it.</summary>
public sealed record WebTakeFile(string Name, string Kind, long Bytes, string Url);

/// <summary>A take in a session's list: its state, length (the mix's, once written), size on disk, files and problems.</summary>
public sealed record WebTakeEntry(
    uint Id,
    int Number,
    string State,
    DateTime StartedUtc,
    DateTime? StoppedUtc,
    double? DurationSeconds,
    long SizeBytes,
    bool Written,
    IReadOnlyList<WebTakeFile> Files,
    IReadOnlyList<string> Tracks,
    IReadOnlyList<string> Problems);

/// <summary>PUT /api/tracks/{id}/mix: what changes (null keeps it). Fader in dB (−120 = off .. +12), pan −1..+1.</summary>
public sealed record TrackMixRequest(double? FaderDb, double? Pan, bool? Mute, bool? Solo);

/// <summary>A track's mix settings as stored.</summary>
public sealed record TrackMix(long Id, string Name, double FaderDb, double Pan, bool Mute, bool Solo);

/// <summary>PATCH /api/tracks/{id}: the new name.</summary>
public sealed record RenameTrackRequest(string? Name);

/// <summary>What render mix wrote.</summary>
public sealed record RenderResult(string Mix, long Frames, double GainDb);

/// <summary>A job started in the background (HTTP 202): what it does; the state shows its progress.</summary>
public sealed record JobResult(string Activity);

/// <summary>PUT /api/mix/room/{slot}, /api/mix/personal/{of}/{slot}: a member's gain (dB, −60 .. +12) and pan (−1 left .. +1 right); either may be left out.</summary>
public sealed record ServerMixRequest(double? GainDb, double? Pan);

/// <summary>A room member in a server-made mix.</summary>
public sealed record WebMixMember(int Slot, string Name, double GainDb, double Pan);

/// <summary>The room mix ("room") or the personal mix of the jammer in <paramref name="Of"/> ("personal"), as the server acknowledged it.</summary>
public sealed record WebServerMix(string Target, int? Of, bool Enabled, IReadOnlyList<WebMixMember> Members);
