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

    public sealed record Signed(string Name, string Fields, byte[] Bytes, string JoinCode, ulong BoxId, uint JoinId, ulong Sequence, ulong Key0, ulong Key1);

    /// <summary>The signed commands of the file (a trailer after the message; see docs/protocol.md).</summary>
    public static List<Signed> ReadSigned(string path)
    {
        var signed = new List<Signed>();
        foreach (var v in ProtocolVectorText.Parse(File.ReadLines(path)))
        {
            if (v.IsSigned)
            {
                var key = v.Key!.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                signed.Add(new Signed(
                    v.Name, v.Fields, Bytes(v), v.SignValue("code"), Hex64(v.SignValue("box")), uint.Parse(v.SignValue("join"), CultureInfo.InvariantCulture),
                    ulong.Parse(v.SignValue("sequence"), CultureInfo.InvariantCulture), Hex64(key[0]), Hex64(key[1])));
            }
        }

        return signed;
    }

    private static ulong Hex64(string s) => ulong.Parse(s.StartsWith("0x", StringComparison.Ordinal) ? s[2..] : s, NumberStyles.HexNumber, CultureInfo.InvariantCulture);

    private static byte[] Bytes(ProtocolVectorText.Vector v) => v.HexBytes.Select(b => byte.Parse(b, NumberStyles.HexNumber, CultureInfo.InvariantCulture)).ToArray();

    /// <summary>The vectors of the file (parsed by the shared <see cref="ProtocolVectorText"/>), typed.</summary>
    public static (List<Good> Good, List<Bad> Bad) Read(string path)
    {
        var good = new List<Good>();
        var bad = new List<Bad>();
        foreach (var v in ProtocolVectorText.Parse(File.ReadLines(path)))
        {
            var bytes = Bytes(v);
            if (v.IsSigned || v.IsRtJam)
            {
                continue; // ReadSigned, RtJamVectors
            }

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
            # A signed command: "== name", "sign: code=<join code> box=<box id> join=<Join message id>
            # sequence=<n>", "key: <k0> <k1>" (the command key those give), the message's fields, then
            # "hex:" and the datagram: the message followed by the 16-byte trailer (sequence, MAC).

            """);
        foreach (var (name, message) in VectorCatalog.Good())
        {
            sb.Append("\n== ").Append(name).Append('\n');
            sb.Append(message.Describe());
            sb.Append("hex: ").Append(VectorCatalog.Hex(VectorCatalog.Encode(message))).Append('\n');
        }

        sb.Append("\n# ---- signed commands (docs/protocol.md, \"Authenticated commands\") ----\n");
        foreach (var (name, code, boxId, joinId, sequence, message) in VectorCatalog.Signed())
        {
            CommandAuth.DeriveKey(code, boxId, joinId, out ulong k0, out ulong k1);
            sb.Append("\n== ").Append(name).Append('\n');
            sb.Append("sign: code=").Append(code).Append(" box=0x").Append(boxId.ToString("x16", CultureInfo.InvariantCulture))
                .Append(" join=").Append(joinId.ToString(CultureInfo.InvariantCulture)).Append(" sequence=").Append(sequence.ToString(CultureInfo.InvariantCulture)).Append('\n');
            sb.Append("key: 0x").Append(k0.ToString("x16", CultureInfo.InvariantCulture)).Append(" 0x").Append(k1.ToString("x16", CultureInfo.InvariantCulture)).Append('\n');
            sb.Append(message.Describe());
            sb.Append("hex: ").Append(VectorCatalog.Hex(VectorCatalog.EncodeSigned(message, code, boxId, joinId, sequence))).Append('\n');
        }

        sb.Append("\n# ---- malformed datagrams ----\n");
        foreach (var (name, expected, decodeAs, bytes) in VectorCatalog.Bad())
        {
            sb.Append("\n== ").Append(name).Append('\n');
            sb.Append("expect: ").Append(expected).Append('\n');
            sb.Append("decode-as: ").Append(decodeAs).Append('\n');
            sb.Append("hex: ").Append(VectorCatalog.Hex(bytes)).Append('\n');
        }

        RtJamVectors.Render(sb);
        return sb.ToString();
    }
}
