using System.Text;

namespace Octomix.Desk.Export;

/// <summary>File names of a take folder: readable, safe on every file system, unique.</summary>
internal static class TakeNaming
{
    private const int MaxPartLength = 40;

    /// <summary>Letters and digits kept (any script), '-' kept, everything else one '_'.</summary>
    public static string Sanitize(string text)
    {
        var builder = new StringBuilder(text.Length);
        foreach (char c in text.Trim())
        {
            if (char.IsLetterOrDigit(c) || c == '-')
            {
                builder.Append(c);
            }
            else if (builder.Length > 0 && builder[^1] != '_')
            {
                builder.Append('_');
            }
        }

        string result = builder.ToString().Trim('_');
        if (result.Length > MaxPartLength)
        {
            result = result[..MaxPartLength].TrimEnd('_');
        }

        return result.Length == 0 ? "untitled" : result;
    }

    /// <summary>"name", or "name_2", "name_3"… when taken (case-insensitive: Windows and macOS file systems are).</summary>
    public static string Unique(string name, ISet<string> taken)
    {
        string candidate = name;
        for (int i = 2; !taken.Add(candidate.ToUpperInvariant()); i++)
        {
            candidate = $"{name}_{i}";
        }

        return candidate;
    }
}
