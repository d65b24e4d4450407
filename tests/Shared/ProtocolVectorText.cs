using System.Text;

namespace Octomix.Tests.Shared;

/// <summary>
/// The one reader of docs/protocol-vectors.txt (the format is described in the file's header),
/// compiled into tests/Octomix.Protocol.Tests (which decodes and re-encodes every vector) and
/// tests/Octomix.Portability.Tests (which renders the nanoFramework copy) as a linked source.
/// It returns the text as written — name, field lines, hex byte tokens, expected result and
/// decode type as strings — and each project maps that to its own types.
/// </summary>
internal static class ProtocolVectorText
{
    /// <summary>
    /// One vector. A good one has <see cref="Fields"/> (one line each, '\n'-terminated) and no
    /// <see cref="Expect"/>; a malformed datagram has <see cref="Expect"/> and <see cref="DecodeAs"/>;
    /// a signed command is a good one with <see cref="Sign"/> (the "sign:" line's text: code=…
    /// box=0x… join=… sequence=…) and <see cref="Key"/> (the "key:" line's: 0x&lt;k0&gt; 0x&lt;k1&gt;),
    /// its hex the datagram with the 16-byte trailer. An RTJam interop vector has <see cref="RtJam"/>
    /// (the "rtjam:" line's text: what it is, docs/protocol.md "RTJam interop"); it is not an
    /// Octomix message and only the RTJam tests read it.
    /// </summary>
    public sealed record Vector(string Name, string Fields, IReadOnlyList<string> HexBytes, string? Expect, string? DecodeAs, string? Sign = null, string? Key = null, string? RtJam = null)
    {
        public bool IsBad => Expect != null;

        public bool IsRtJam => RtJam != null;

        public bool IsSigned => Sign != null;

        /// <summary>A value of the "sign:" line ("code", "box", "join", "sequence"), as written.</summary>
        public string SignValue(string name)
        {
            foreach (string part in (Sign ?? string.Empty).Split(' ', StringSplitOptions.RemoveEmptyEntries))
            {
                if (part.StartsWith(name + "=", StringComparison.Ordinal))
                {
                    return part[(name.Length + 1)..];
                }
            }

            throw new FormatException(Name + ": sign: has no " + name);
        }

        /// <summary>The bytes as the file writes them: two hex digits each, one space between.</summary>
        public string Hex => string.Join(" ", HexBytes);
    }

    /// <summary>The vectors in file order; a bad vector without "decode-as:" is a <see cref="FormatException"/>.</summary>
    public static List<Vector> Parse(IEnumerable<string> lines)
    {
        var vectors = new List<Vector>();
        string? name = null;
        string? expect = null;
        string? decodeAs = null;
        string? sign = null;
        string? key = null;
        string? rtJam = null;
        var fields = new StringBuilder();
        var hex = new List<string>();
        bool inHex = false;

        void Flush()
        {
            if (name == null)
            {
                return;
            }

            if (expect != null && decodeAs == null)
            {
                throw new FormatException(name + ": decode-as missing");
            }

            if ((sign == null) != (key == null))
            {
                throw new FormatException(name + ": a signed vector needs both sign: and key:");
            }

            vectors.Add(new Vector(name, fields.ToString(), hex.ToArray(), expect, decodeAs, sign, key, rtJam));
            name = null;
            expect = null;
            decodeAs = null;
            sign = null;
            key = null;
            rtJam = null;
            inHex = false;
            fields.Clear();
            hex.Clear();
        }

        foreach (string raw in lines)
        {
            string line = raw.TrimEnd();
            if (line.StartsWith("== ", StringComparison.Ordinal))
            {
                Flush();
                name = line[3..].Trim();
            }
            else if (name == null || line.StartsWith('#') || line.Length == 0)
            {
                continue;
            }
            else if (line.StartsWith("hex:", StringComparison.Ordinal))
            {
                inHex = true;
                hex.AddRange(line[4..].Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
            }
            else if (inHex && line.StartsWith(' '))
            {
                hex.AddRange(line.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
            }
            else if (line.StartsWith("expect:", StringComparison.Ordinal))
            {
                expect = line[7..].Trim();
            }
            else if (line.StartsWith("decode-as:", StringComparison.Ordinal))
            {
                decodeAs = line[10..].Trim();
            }
            else if (line.StartsWith("sign:", StringComparison.Ordinal))
            {
                sign = line[5..].Trim();
            }
            else if (line.StartsWith("key:", StringComparison.Ordinal))
            {
                key = line[4..].Trim();
            }
            else if (line.StartsWith("rtjam:", StringComparison.Ordinal))
            {
                rtJam = line[6..].Trim();
            }
            else
            {
                fields.Append(line).Append('\n');
            }
        }

        Flush();
        return vectors;
    }
}
