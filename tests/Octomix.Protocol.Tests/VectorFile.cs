using System.Globalization;
using System.Text;

namespace Octomix.Protocol.Tests;

/// <summary>Reads and writes docs/protocol-vectors.txt (format described in its header).</summary>
internal static class VectorFile
{
    public const string FileName = "protocol-vectors.txt";

    public sealed record Good(string Name, string Fields, byte[] Bytes);

    public sealed record Bad(string Name, DecodeResult Expected, MessageType DecodeAs, byte[] Bytes);

    public static (List<Good> Good, List<Bad> Bad) Read(string path)
    {
        var good = new List<Good>();
        var bad = new List<Bad>();
        string? name = null;
        var fields = new StringBuilder();
        var hex = new StringBuilder();
        string? expect = null;
        string? decodeAs = null;
        bool inHex = false;

        void Flush()
        {
            if (name == null)
            {
                return;
            }

            var bytes = ParseHex(hex.ToString());
            if (expect != null)
            {
                bad.Add(new Bad(name, Enum.Parse<DecodeResult>(expect), Enum.Parse<MessageType>(decodeAs ?? throw new FormatException(name + ": decode-as missing")), bytes));
            }
            else
            {
                good.Add(new Good(name, fields.ToString(), bytes));
            }

            name = null;
            expect = null;
            decodeAs = null;
            inHex = false;
            fields.Clear();
            hex.Clear();
        }

        foreach (var raw in File.ReadLines(path))
        {
            var line = raw.TrimEnd();
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
                hex.Append(line[4..]).Append(' ');
            }
            else if (inHex && line.StartsWith(' '))
            {
                hex.Append(line).Append(' ');
            }
            else if (line.StartsWith("expect:", StringComparison.Ordinal))
            {
                expect = line[7..].Trim();
            }
            else if (line.StartsWith("decode-as:", StringComparison.Ordinal))
            {
                decodeAs = line[10..].Trim();
            }
            else
            {
                fields.Append(line).Append('\n');
            }
        }

        Flush();
        return (good, bad);
    }

    public static string Render()
    {
        var sb = new StringBuilder();
        sb.Append("""
            # Octomix wire protocol v1 — test vectors (docs/protocol.md specifies the bytes).
            #
            # Both sides test against this file: the host tests (tests/Octomix.Protocol.Tests) decode
            # every vector and compare the fields, re-encode it and compare the bytes; the box's
            # nanoFramework tests (tests/Device) run the same checks from a generated copy.
            #
            # A good vector: "== name", the fields one per line as Message.Describe() prints them
            # (header first; strings quoted), then "hex:" and the datagram (continuation lines start
            # with a space). A bad vector: "== name", "expect: <DecodeResult>", "decode-as: <MessageType>",
            # "hex:". Every decoder must return that result for those bytes, and never throw.

            """);
        foreach (var (name, message) in VectorCatalog.Good())
        {
            sb.Append("\n== ").Append(name).Append('\n');
            sb.Append(message.Describe());
            sb.Append("hex: ").Append(VectorCatalog.Hex(VectorCatalog.Encode(message))).Append('\n');
        }

        sb.Append("\n# ---- malformed datagrams ----\n");
        foreach (var (name, expected, decodeAs, bytes) in VectorCatalog.Bad())
        {
            sb.Append("\n== ").Append(name).Append('\n');
            sb.Append("expect: ").Append(expected).Append('\n');
            sb.Append("decode-as: ").Append(decodeAs).Append('\n');
            sb.Append("hex: ").Append(VectorCatalog.Hex(bytes)).Append('\n');
        }

        return sb.ToString();
    }

    private static byte[] ParseHex(string text)
    {
        var parts = text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        return parts.Select(p => byte.Parse(p, NumberStyles.HexNumber, CultureInfo.InvariantCulture)).ToArray();
    }
}
