using System.Globalization;
using System.Text;

namespace Octomix.Schematics.Tests;

internal sealed record BomRow(string[] References, string Value, string Footprint, string Manufacturer, string Mpn, int Quantity, string Note);

/// <summary>schematics/octomix-box/bom.csv: reference, value, footprint, manufacturer, mpn, quantity, note (RFC 4180 quoting).</summary>
internal static class BomFile
{
    public static readonly string[] Header = ["reference", "value", "footprint", "manufacturer", "mpn", "quantity", "note"];

    public static (string[] Header, List<BomRow> Rows) Parse(string text)
    {
        var lines = Records(text);
        var rows = new List<BomRow>();
        foreach (var f in lines.Skip(1))
        {
            if (f.Count != Header.Length)
            {
                throw new FormatException($"bom.csv: a row has {f.Count} fields, not {Header.Length}: {string.Join(",", f)}");
            }

            rows.Add(new BomRow(f[0].Split(' ', StringSplitOptions.RemoveEmptyEntries), f[1], f[2], f[3], f[4],
                int.Parse(f[5], CultureInfo.InvariantCulture), f[6]));
        }

        return ([.. lines[0]], rows);
    }

    private static List<List<string>> Records(string text)
    {
        var records = new List<List<string>>();
        var fields = new List<string>();
        var sb = new StringBuilder();
        var quoted = false;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < text.Length && text[i + 1] == '"')
                {
                    sb.Append('"');
                    i++;
                }
                else if (c == '"')
                {
                    quoted = false;
                }
                else
                {
                    sb.Append(c);
                }
            }
            else if (c == '"')
            {
                quoted = true;
            }
            else if (c == ',')
            {
                fields.Add(sb.ToString());
                sb.Clear();
            }
            else if (c == '\n')
            {
                fields.Add(sb.ToString().TrimEnd('\r'));
                sb.Clear();
                records.Add(fields);
                fields = [];
            }
            else
            {
                sb.Append(c);
            }
        }

        if (sb.Length > 0 || fields.Count > 0)
        {
            fields.Add(sb.ToString());
            records.Add(fields);
        }

        return records;
    }
}
