using System.Globalization;
using System.Text.RegularExpressions;
using Octomix.Drivers.Tests.Support;

namespace Octomix.Drivers.Tests.Wm8960;

/// <summary>One row of a register-sequence table in drivers/Wm8960/README.md: a write or a wait.</summary>
public sealed record ReadmeStep(int Step, int Register, int Value, byte[] Bytes, int DelayMs, string Text)
{
    public bool IsDelay => DelayMs > 0;
}

/// <summary>
/// Reads the register tables of drivers/Wm8960/README.md (between "&lt;!-- table:NAME --&gt;" and
/// "&lt;!-- end --&gt;"), so the tests assert the driver against the documentation itself.
/// </summary>
public static partial class ReadmeTables
{
    public static string ReadmePath => RepoPaths.File_("drivers", "Wm8960", "README.md");

    public static List<string[]> Rows(string table)
    {
        string text = File.ReadAllText(ReadmePath);
        string marker = "<!-- table:" + table + " -->";
        int start = text.IndexOf(marker, StringComparison.Ordinal);
        if (start < 0) throw new InvalidOperationException($"README has no {marker}");
        int end = text.IndexOf("<!-- end -->", start, StringComparison.Ordinal);
        var lines = text[(start + marker.Length)..end].Split('\n').Select(l => l.Trim()).Where(l => l.StartsWith('|')).ToList();
        // Skip the header and the |---| separator.
        return lines.Skip(2).Select(l => l.Trim('|').Split('|').Select(c => c.Trim()).ToArray()).ToList();
    }

    public static List<ReadmeStep> Sequence(string table)
    {
        var steps = new List<ReadmeStep>();
        foreach (var cells in Rows(table))
        {
            int step = int.Parse(cells[0], CultureInfo.InvariantCulture);
            if (cells[1] == "wait")
            {
                var ms = MsRegex().Match(cells[2]);
                if (!ms.Success) throw new FormatException($"step {step}: wait without 'N ms'");
                steps.Add(new ReadmeStep(step, -1, 0, [], int.Parse(ms.Groups[1].Value, CultureInfo.InvariantCulture), string.Join(" | ", cells)));
                continue;
            }
            var reg = RegRegex().Match(cells[1]);
            if (!reg.Success) throw new FormatException($"step {step}: register cell '{cells[1]}' has no R<n>");
            int value = Convert.ToInt32(cells[2].Replace("0x", "", StringComparison.Ordinal), 16);
            byte[] bytes = cells[3].Trim('`').Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(b => Convert.ToByte(b, 16)).ToArray();
            steps.Add(new ReadmeStep(step, int.Parse(reg.Groups[1].Value, CultureInfo.InvariantCulture), value, bytes, 0, string.Join(" | ", cells)));
        }
        return steps;
    }

    [GeneratedRegex(@"^R(\d+)\b")]
    private static partial Regex RegRegex();

    [GeneratedRegex(@"(\d+)\s*ms")]
    private static partial Regex MsRegex();
}
