using System.Globalization;
using System.Text;
using Octomix.Desk.Engine;
using Octomix.Desk.Sessions;
using Octomix.Protocol;

namespace Octomix.Desk.Terminal;

/// <summary>
/// The console's screen as text: the session, the track table (box, ready state and its
/// indicators, level, latency, link health, buffer), the take in progress and the last events,
/// then the keys. A pure function of a <see cref="ConsoleSnapshot"/>, so the interactive
/// terminal, the status lines of a script and the tests print the same thing.
/// </summary>
public static class ConsoleScreen
{
    public const string Keys = "keys: r record · s stop (then collect and export) · c collect again · e export · p play back · t add track · n new session · q quit";

    public const string MixKeys = "track keys: 1-9 select · m mute · o solo · +/- fader 1 dB · </> pan · k calibrate (all when none selected) · 0 none · x room mix / personal mix level (gain, pan of a slot)";

    /// <param name="s">What to show.</param>
    /// <param name="events">How many of the last events to list.</param>
    /// <param name="selected">Position of the track the mix keys act on (0: none).</param>
    public static string Render(ConsoleSnapshot s, int events = 8, int selected = 0)
    {
        ArgumentNullException.ThrowIfNull(s);
        var text = new StringBuilder();
        var session = s.Session;
        text.Append(CultureInfo.InvariantCulture, $"Octomix console — session \"{session.Name}\" ({session.Project}), join code {session.JoinCode}, ")
            .Append(CultureInfo.InvariantCulture, $"{session.SampleRate} Hz, {session.TempoCentiBpm / 100.0:0.##} BPM {session.BeatsPerBar}/{session.BeatUnit}, count-in {session.CountInBars}\n");
        text.Append(CultureInfo.InvariantCulture, $"room: {s.ServerAddress}{(s.ServerName.Length > 0 ? " \"" + s.ServerName + "\"" : string.Empty)}, console {(s.Joined ? "joined, slot " + s.ConsoleSlot : "NOT JOINED")}")
            .Append(s.ConsoleRoundTripMilliseconds is double rtt ? string.Create(CultureInfo.InvariantCulture, $", round trip {rtt:0.0} ms") : "").Append('\n');
        text.Append('\n');
        text.Append(CultureInfo.InvariantCulture, $"{"#",2} {"track",-14} {"box",-14} {"slot",4} {"state",-11} {"ready",-5} {"SD",-9} {"card",-9} {"L",11} {"level dB",9} {"rtt",7} {"jit",6} {"loss",6} {"buf",5} {"mix",-14} why not ready\n");
        foreach (var t in s.Tracks)
        {
            var st = t.Status;
            string state = st == null ? "-" : BoxStateCode.Name(st.State);
            string sd = st == null ? "-" : !t.Readiness.SdOk ? "NO" : t.Readiness.SdFast ? $"ok {st.SdWriteKBps}" : "SLOW";
            string card = st?.CardFreeTime is TimeSpan free ? RecordPreflight.Duration(free).Replace(" ", "", StringComparison.Ordinal) : "-";
            string latency = st == null || st.LatencySamples < 0 ? "-" : string.Create(CultureInfo.InvariantCulture, $"{st.LatencySamples} {st.LatencySamples * 1000.0 / session.SampleRate:0}ms");
            string level = st == null ? "-" : Level(st.PeakDb0) + "/" + Level(st.PeakDb1);
            string boxRtt = t.BoxRoundTripMilliseconds is double r ? string.Create(CultureInfo.InvariantCulture, $"{r:0.0}ms") : "-";
            string loss = st == null ? "-" : string.Create(CultureInfo.InvariantCulture, $"{t.StatusLossPercent:0.0}%");
            string jitter = st == null || double.IsNaN(st.JitterMilliseconds) ? "-" : string.Create(CultureInfo.InvariantCulture, $"{st.JitterMilliseconds:0.0}ms");
            string buffer = st == null ? "-" : string.Create(CultureInfo.InvariantCulture, $"{st.BufferMilliseconds}ms");
            text.Append(t.Track.Position == selected ? '>' : ' ');
            text.Append(CultureInfo.InvariantCulture, $"{t.Track.Position,1} {Cut(t.Track.Name, 14),-14} {Cut(t.Track.BoxName ?? "-", 14),-14} {(t.Slot?.ToString(CultureInfo.InvariantCulture) ?? "-"),4} ")
                .Append(CultureInfo.InvariantCulture, $"{state,-11} {(t.Readiness.Ready ? "READY" : "no"),-5} {sd,-9} {card,-9} {latency,11} {level,9} {boxRtt,7} {jitter,6} {loss,6} {buffer,5} {Mix(t.Track),-14} ")
                .Append(t.Readiness.Ready ? "" : string.Join(", ", t.Readiness.Reasons))
                .Append(t.CardSpaceProblem is string small ? (t.Readiness.Ready ? "" : "; ") + "card " + small[(small.IndexOf("its card holds", StringComparison.Ordinal) + 9)..] : "").Append('\n');
        }

        foreach (var b in s.UnboundBoxes)
        {
            text.Append(CultureInfo.InvariantCulture, $"   {"(no track)",-14} {Cut(b.Name, 14),-14} {b.Slot,4} {(b.Status == null ? "-" : BoxStateCode.Name(b.Status.State)),-11}  add a track for it (t)\n");
        }

        if (s.Tracks.Count == 0)
        {
            text.Append("   no tracks yet: add one per musician (t)\n");
        }

        if (s.Take is { } take)
        {
            text.Append('\n').Append(CultureInfo.InvariantCulture, $"take {take.Take.Number} (id {take.Take.Id}): {take.Take.State.ToString().ToLowerInvariant()}");
            if (take.Monitor is { } m)
            {
                text.Append(CultureInfo.InvariantCulture, $", monitor {m.State.ToString().ToLowerInvariant()} {m.TargetDelayFrames * 1000.0 / take.Take.SampleRate:0} ms behind")
                    .Append(CultureInfo.InvariantCulture, $" ({take.MonitorOutput}), concealed {m.FramesConcealed} frames in {m.Underruns} gaps, limiter max -{m.MaxGainReductionDb:0.0} dB, clipped {m.ClippedSamples}");
            }

            text.Append('\n');
            foreach (var t in take.Tracks)
            {
                string loss = t.StreamLossPercent is double l ? string.Create(CultureInfo.InvariantCulture, $"{l:0.00}%") : "-";
                string jitter = t.JitterMilliseconds is double j ? string.Create(CultureInfo.InvariantCulture, $"{j:0.0}ms") : "-";
                text.Append(CultureInfo.InvariantCulture, $"   {Cut(t.TrackName, 14),-14} {t.State.ToString().ToLowerInvariant(),-10} packets {t.PacketsReceived,7} (+{t.Retransmissions} resent, {t.NackedPackets} nacked) ")
                    .Append(CultureInfo.InvariantCulture, $"missing {loss,7} jitter {jitter,7} copy {Bytes(t.StreamBytes + t.FetchedBytes)}")
                    .Append(t.DataBytes > 0 ? " of " + Bytes(t.DataBytes) : "")
                    .Append(t.Problem != null ? "  " + t.Problem : "").Append('\n');
            }
        }

        if (events > 0 && s.Events.Count > 0)
        {
            text.Append('\n');
            foreach (var e in s.Events.Skip(Math.Max(0, s.Events.Count - events)))
            {
                text.Append(e).Append('\n');
            }
        }

        return text.ToString();
    }

    private static string Mix(TrackInfo t)
    {
        string fader = double.IsNegativeInfinity(t.FaderDb) || t.FaderDb <= -120 ? "off" : string.Create(CultureInfo.InvariantCulture, $"{t.FaderDb:+0.#;-0.#;0}dB");
        string pan = t.Pan == 0 ? "C" : string.Create(CultureInfo.InvariantCulture, $"{(t.Pan < 0 ? "L" : "R")}{Math.Abs(t.Pan) * 100:0}");
        return fader + " " + pan + (t.Mute ? " M" : "") + (t.Solo ? " S" : "");
    }

    private static string Level(byte minusDb) => minusDb == 255 ? "-inf" : (-minusDb).ToString(CultureInfo.InvariantCulture);

    private static string Cut(string s, int width) => s.Length <= width ? s : s[..(width - 1)] + "…";

    private static string Bytes(long bytes) => bytes >= 1 << 20
        ? string.Create(CultureInfo.InvariantCulture, $"{bytes / 1048576.0:0.0} MiB")
        : string.Create(CultureInfo.InvariantCulture, $"{bytes / 1024.0:0} KiB");
}
