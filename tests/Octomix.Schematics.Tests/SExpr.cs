using System.Text;

namespace Octomix.Schematics.Tests;

/// <summary>An s-expression: an atom (bare or quoted) or a list. Enough for KiCad's netlist format.</summary>
internal sealed class SExpr
{
    private SExpr(string? atom, List<SExpr>? items)
    {
        Atom = atom;
        Items = items ?? [];
    }

    public string? Atom { get; }

    public List<SExpr> Items { get; }

    public bool IsList => Atom is null;

    /// <summary>The head atom of a list ("comp" for (comp ...)).</summary>
    public string? Head => IsList && Items.Count > 0 ? Items[0].Atom : null;

    /// <summary>The child lists whose head is <paramref name="key"/>.</summary>
    public IEnumerable<SExpr> All(string key) => Items.Where(i => i.Head == key);

    public SExpr? First(string key) => All(key).FirstOrDefault();

    /// <summary>The first atom after the head of child list <paramref name="key"/> ((ref "U1") → U1).</summary>
    public string? Value(string key) => First(key) is { Items.Count: > 1 } c ? c.Items[1].Atom : null;

    public static SExpr Parse(string text)
    {
        var pos = 0;
        SkipSpace(text, ref pos);
        var e = Read(text, ref pos);
        SkipSpace(text, ref pos);
        return pos == text.Length ? e : throw new FormatException("text after the expression at offset " + pos);
    }

    private static SExpr Read(string t, ref int pos)
    {
        if (pos >= t.Length)
        {
            throw new FormatException("unexpected end of text");
        }

        if (t[pos] == '(')
        {
            pos++;
            var items = new List<SExpr>();
            while (true)
            {
                SkipSpace(t, ref pos);
                if (pos >= t.Length)
                {
                    throw new FormatException("missing ')'");
                }

                if (t[pos] == ')')
                {
                    pos++;
                    return new SExpr(null, items);
                }

                items.Add(Read(t, ref pos));
            }
        }

        if (t[pos] == ')')
        {
            throw new FormatException("unexpected ')' at offset " + pos);
        }

        if (t[pos] == '"')
        {
            pos++;
            var sb = new StringBuilder();
            while (pos < t.Length && t[pos] != '"')
            {
                if (t[pos] == '\\' && pos + 1 < t.Length)
                {
                    pos++;
                    sb.Append(t[pos] == 'n' ? '\n' : t[pos]);
                }
                else
                {
                    sb.Append(t[pos]);
                }

                pos++;
            }

            if (pos >= t.Length)
            {
                throw new FormatException("unterminated string");
            }

            pos++;
            return new SExpr(sb.ToString(), null);
        }

        var start = pos;
        while (pos < t.Length && !char.IsWhiteSpace(t[pos]) && t[pos] != '(' && t[pos] != ')' && t[pos] != '"')
        {
            pos++;
        }

        return new SExpr(t[start..pos], null);
    }

    private static void SkipSpace(string t, ref int pos)
    {
        while (pos < t.Length && char.IsWhiteSpace(t[pos]))
        {
            pos++;
        }
    }
}
