using System.Globalization;
using System.Text;
using Octomix.Tests.Shared;

namespace Octomix.Protocol.Tests;

/// <summary>Reads and writes docs/protocol-vectors.txt (format described in its header).</summary>
internal static class VectorFile
{
    public const string FileName = "protocol-vectors.txt";

    public sealed record Good(string Name, string Fields, byte[] Bytes);

    public sealed record Bad(string Name, DecodeResult Expected, MessageType DecodeAs, byte[] Bytes);

    /// <summary>The vectors of the file (parsed by the shared <see cref="ProtocolVectorText"/>), typed.</summary>
    public static (List<Good> Good, List<Bad> Bad) Read(string path)
    {
        var good = new List<Good>();
        var bad = new List<Bad>();
        foreach (var v in ProtocolVectorText.Parse(File.ReadLines(path)))
        {
            var bytes = v.HexBytes.Select(b => byte.Parse(b, NumberStyles.HexNumber, CultureInfo.InvariantCulture)).ToArray();
            if (v.IsBad)
            {
                bad.Add(new Bad(v.Name, Enum.Parse<DecodeResult>(v.Expect!), Enum.Parse<MessageType>(v.DecodeAs!), bytes));
            }
            else
            {
                good.Add(new Good(v.Name, v.Fields, bytes));
            }
        }

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
}
