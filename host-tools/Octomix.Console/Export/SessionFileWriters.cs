using System.Globalization;
using System.Text;

namespace Octomix.Desk.Export;

/// <summary>One item of a DAW session file: a stem file placed at a time on a track.</summary>
internal sealed record SessionItem(string TrackName, string FileName, double PositionSeconds, double LengthSeconds, int Channels, double Volume, double Pan, bool Muted);

/// <summary>
/// Text session files that open a take aligned in REAPER (.rpp) and Audacity (.lof). Positions
/// are seconds from the take's earliest stem (its TimeReference), so the project starts at 0;
/// the absolute time of day stays in each stem's bext.
/// </summary>
internal static class SessionFileWriters
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    /// <summary>A REAPER project: one track per stem (one item per file part), volume/pan/mute of the mix.</summary>
    public static string Reaper(int sampleRate, IEnumerable<IGrouping<string, SessionItem>> tracks)
    {
        var rpp = new StringBuilder();
        rpp.Append("<REAPER_PROJECT 0.1 \"6.0\" 0\n");
        rpp.Append(Invariant, $"  SAMPLERATE {sampleRate} 0 0\n");
        foreach (var track in tracks)
        {
            var first = track.First();
            rpp.Append("  <TRACK\n");
            rpp.Append(Invariant, $"    NAME {Quote(track.Key)}\n");
            rpp.Append(Invariant, $"    VOLPAN {first.Volume:R} {first.Pan:R} -1 -1 1\n");
            rpp.Append(Invariant, $"    MUTESOLO {(first.Muted ? 1 : 0)} 0 0\n");
            rpp.Append(Invariant, $"    NCHAN {Math.Max(2, first.Channels + (first.Channels % 2))}\n");
            foreach (var item in track)
            {
                rpp.Append("    <ITEM\n");
                rpp.Append(Invariant, $"      POSITION {item.PositionSeconds:0.##########}\n");
                rpp.Append(Invariant, $"      LENGTH {item.LengthSeconds:0.##########}\n");
                rpp.Append(Invariant, $"      NAME {Quote(item.FileName)}\n");
                rpp.Append("      <SOURCE WAVE\n");
                rpp.Append(Invariant, $"        FILE {Quote(item.FileName)}\n");
                rpp.Append("      >\n");
                rpp.Append("    >\n");
            }

            rpp.Append("  >\n");
        }

        rpp.Append(">\n");
        return rpp.ToString();
    }

    /// <summary>An Audacity list of files: a new window, then one line per stem file with its offset in seconds.</summary>
    public static string Audacity(IEnumerable<SessionItem> items)
    {
        var lof = new StringBuilder("window\n");
        foreach (var item in items)
        {
            lof.Append(Invariant, $"file {Quote(item.FileName)} offset {item.PositionSeconds:0.##########}\n");
        }

        return lof.ToString();
    }

    /// <summary>Double-quoted; file names are sanitized, track names may need their quotes replaced.</summary>
    private static string Quote(string text) => "\"" + text.Replace('"', '\'') + "\"";
}
