namespace Octomix.Drivers.Tests.Support;

/// <summary>Reads a table of a README between "&lt;!-- table:NAME --&gt;" and "&lt;!-- end --&gt;" (rows after the header).</summary>
public static class MarkdownTable
{
    public static List<string[]> Rows(string path, string table)
    {
        string text = File.ReadAllText(path);
        string marker = "<!-- table:" + table + " -->";
        int start = text.IndexOf(marker, StringComparison.Ordinal);
        if (start < 0) throw new InvalidOperationException($"{path} has no {marker}");
        int end = text.IndexOf("<!-- end -->", start, StringComparison.Ordinal);
        return text[(start + marker.Length)..end].Split('\n').Select(l => l.Trim()).Where(l => l.StartsWith('|'))
            .Skip(2).Select(l => l.Trim('|').Split('|').Select(c => c.Trim()).ToArray()).ToList();
    }
}
