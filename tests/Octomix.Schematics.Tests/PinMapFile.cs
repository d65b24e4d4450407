using System.Globalization;
using System.Text.RegularExpressions;

namespace Octomix.Schematics.Tests;

/// <summary>
/// One constant of board/Esp32Reference/PinMap.cs: <c>public const int Name = GPIO; // SIGNAL → PART PIN. ...</c>
/// The part is a schematic part's value or Function field, the pin one of its pin names.
/// </summary>
internal sealed record PinMapEntry(string Name, int Gpio, string Comment, string Part, string PartPin)
{
    public override string ToString() => $"PinMap.cs {Name} = {Gpio} (\"{Part} {PartPin}\")";
}

internal static partial class PinMapFile
{
    public static List<PinMapEntry> Parse(string source)
    {
        var list = new List<PinMapEntry>();
        foreach (var line in source.Split('\n'))
        {
            var m = ConstLine().Match(line);
            if (!m.Success)
            {
                continue;
            }

            var comment = m.Groups[3].Value.Trim();
            var arrow = comment.IndexOfAny(['→', '←', '↔']);
            if (arrow < 0)
            {
                throw new FormatException($"PinMap.cs {m.Groups[1].Value}: the comment names no part pin (expected \"SIGNAL → PART PIN.\"): {comment}");
            }

            var target = comment[(arrow + 1)..];
            var end = target.IndexOfAny(['.', '(', ';']);
            target = (end < 0 ? target : target[..end]).Trim();
            var space = target.LastIndexOf(' ');
            if (space <= 0)
            {
                throw new FormatException($"PinMap.cs {m.Groups[1].Value}: \"{target}\" is not \"PART PIN\"");
            }

            list.Add(new PinMapEntry(m.Groups[1].Value, int.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture), comment,
                target[..space].Trim(), target[(space + 1)..]));
        }

        return list;
    }

    [GeneratedRegex(@"^\s*public const int (\w+) = (\d+); // (.*)$")]
    private static partial Regex ConstLine();
}
