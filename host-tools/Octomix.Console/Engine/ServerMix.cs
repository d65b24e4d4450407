using System.Globalization;

namespace Octomix.Desk.Engine;

/// <summary>
/// A level in a mix the server makes (the room mix for listeners, or a jammer's personal mix):
/// a gain in dB and a pan, −1 hard left … 0 centre … +1 hard right. On the wire (MixLevels,
/// docs/protocol.md) a Q8.8 gain (256 = unity) and a pan −127 … +127.
/// </summary>
public readonly record struct ServerMixLevel(double GainDb, double Pan)
{
    /// <summary>The lowest gain that can be set, dB.</summary>
    public const double MinGainDb = -60;

    /// <summary>The highest gain that can be set, dB (Q8.8 goes to +48 dB; a mix beyond +12 clips).</summary>
    public const double MaxGainDb = 12;

    public static ServerMixLevel Unity => new(0, 0);

    /// <summary>The Q8.8 gain of MixLevels.</summary>
    public int WireGain => (int)Math.Round(256 * Math.Pow(10, GainDb / 20));

    /// <summary>The pan of MixLevels, −127 … +127.</summary>
    public int WirePan => (int)Math.Round(Pan * 127);

    /// <summary>What is out of range, in a sentence; null when both are in range.</summary>
    public static string? Problem(double gainDb, double pan)
    {
        var problems = new List<string>();
        if (double.IsNaN(gainDb) || gainDb is < MinGainDb or > MaxGainDb)
        {
            problems.Add(string.Create(CultureInfo.InvariantCulture, $"gain {gainDb} dB: {MinGainDb} .. +{MaxGainDb} dB"));
        }

        if (double.IsNaN(pan) || pan is < -1 or > 1)
        {
            problems.Add(string.Create(CultureInfo.InvariantCulture, $"pan {pan}: -1 (left) .. +1 (right)"));
        }

        return problems.Count == 0 ? null : string.Join("; ", problems);
    }
}

/// <summary>
/// One edit of a server-made mix, as the terminal console types it:
/// <c>SLOT GAIN_DB PAN</c> for the room mix, <c>JAMMER:SLOT GAIN_DB PAN</c> for the personal mix
/// of the jammer in slot JAMMER (e.g. <c>2 -3 -0.5</c>, <c>1:2 0 1</c>).
/// </summary>
public sealed record ServerMixEdit(int? PersonalMixOf, int Member, ServerMixLevel Level)
{
    public const string Syntax = "[JAMMER:]SLOT GAIN_DB PAN (e.g. \"2 -3 -0.5\": slot 2 at -3 dB, half left in the room mix; \"1:2 0 1\": in jammer 1's mix)";

    /// <summary>Parses an edit; the problem in a sentence when it is not one.</summary>
    public static ServerMixEdit? Parse(string text, out string? problem)
    {
        var parts = (text ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (parts.Length != 3)
        {
            problem = "mix: " + Syntax;
            return null;
        }

        int? of = null;
        string memberText = parts[0];
        int colon = memberText.IndexOf(':', StringComparison.Ordinal);
        if (colon >= 0)
        {
            if (!int.TryParse(memberText[..colon], NumberStyles.None, CultureInfo.InvariantCulture, out int jammer) || !Protocol.Slot.IsJammer(jammer))
            {
                problem = $"mix: \"{memberText[..colon]}\" is not a jammer slot (0-15)";
                return null;
            }

            of = jammer;
            memberText = memberText[(colon + 1)..];
        }

        if (!int.TryParse(memberText, NumberStyles.None, CultureInfo.InvariantCulture, out int member) || !Protocol.Slot.IsJammer(member))
        {
            problem = $"mix: \"{memberText}\" is not a jammer slot (0-15)";
            return null;
        }

        if (!double.TryParse(parts[1], NumberStyles.Float, CultureInfo.InvariantCulture, out double gain)
            || !double.TryParse(parts[2], NumberStyles.Float, CultureInfo.InvariantCulture, out double pan))
        {
            problem = "mix: gain and pan are numbers, " + Syntax;
            return null;
        }

        problem = ServerMixLevel.Problem(gain, pan);
        return problem == null ? new ServerMixEdit(of, member, new ServerMixLevel(gain, pan)) : null;
    }
}

/// <summary>A server-made mix as the console last set it (and the server acknowledged): a level per jammer slot set; the rest unity, centre.</summary>
public sealed record ServerMixView(int? PersonalMixOf, bool Enabled, IReadOnlyDictionary<int, ServerMixLevel> Levels)
{
    public ServerMixLevel LevelOf(int slot) => Levels.TryGetValue(slot, out var level) ? level : ServerMixLevel.Unity;
}
