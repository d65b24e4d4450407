using System.Text;

namespace Octomix.Protocol.Tests;

/// <summary>
/// The RTJam interop vectors of docs/protocol-vectors.txt (docs/protocol.md, "RTJam interop"):
/// an RTJam client's 64-frame datagram built from the byte table, what the server makes of it
/// for Octomix members, for RTJam members and as the sender's echo, the reverse conversion, and
/// malformed RTJam datagrams. Each has an "rtjam:" line saying which it is:
/// <c>datagram</c>, <c>octomix-of NAME slot=S</c>, <c>forwarded-of NAME slot=S server-time=T</c>,
/// <c>echo-of NAME slot=S server-time=T</c>, <c>rtjam-of NAME server-time=T</c>, <c>bad RESULT</c>.
/// </summary>
internal static class RtJamVectors
{
    public const string Datagram = "rtjam-64-frames";
    public const byte SenderSlot = 3;
    public const ulong ServerTime = 7_250_000;

    /// <summary>A client's datagram: TimeStamp is sample 1 000 000 in µs; both channels cover the extremes, zero, ±1 and a ramp.</summary>
    public static byte[] ClientDatagram()
    {
        const int frames = 64;
        var b = new byte[RtJamPacket.LengthOf(frames)];
        var p = new RtJamPacket
        {
            Channel = 0, SampleRate = 0, NumAudioChunks = 1, Beat = 0, ServerTime = 5_000_000,
            TimeStamp = (ulong)RtJamPacket.MicrosecondsOf(1_000_000), ClientId = 0x1A2B3C4D, SequenceNumber = 41,
        };
        p.WriteHeader(b, 0);
        for (int f = 0; f < frames; f++)
        {
            WriteSample(b, RtJamPacket.HeaderLength + (2 * f), Left(f));
            WriteSample(b, RtJamPacket.HeaderLength + (2 * frames) + (2 * f), Right(f));
        }

        return b;
    }

    /// <summary>Channel 0's signed sample at frame f.</summary>
    public static short Left(int f) => f switch
    {
        0 => short.MinValue,
        1 => short.MaxValue,
        2 => 0,
        3 => -1,
        4 => 1,
        _ => (short)((f * 1021) - 32000),
    };

    /// <summary>Channel 1's signed sample at frame f.</summary>
    public static short Right(int f) => Left(f) == short.MinValue ? short.MaxValue : (short)-Left(f);

    /// <summary>A signed sample as RTJam writes it: offset-binary, big-endian.</summary>
    public static void WriteSample(byte[] b, int o, short s)
    {
        ushort u = (ushort)(s ^ unchecked((short)0x8000));
        b[o] = (byte)(u >> 8);
        b[o + 1] = (byte)u;
    }

    public static IEnumerable<(string Name, string Kind, string Fields, byte[] Bytes)> Good()
    {
        var client = ClientDatagram();
        var rt = new RtJamPacket();
        rt.Read(client, 0, client.Length);
        yield return (Datagram, "datagram", rt.Describe(), client);

        var octomix = new byte[ProtocolConstants.MaxDatagram];
        var audio = new AudioPacket();
        int n = RtJamPacket.ToOctomix(client, 0, client.Length, SenderSlot, RtJamPacket.TimecodeOf((long)rt.TimeStamp), audio, octomix, 0);
        octomix = octomix[..n];
        audio.Read(octomix, 0, n);
        yield return (Datagram + "-as-octomix", $"octomix-of {Datagram} slot={SenderSlot}", audio.Describe(), octomix);

        var forwarded = (byte[])client.Clone();
        RtJamPacket.StampServer(forwarded, 0, SenderSlot, ServerTime);
        rt.Read(forwarded, 0, forwarded.Length);
        yield return (Datagram + "-forwarded", $"forwarded-of {Datagram} slot={SenderSlot} server-time={ServerTime}", rt.Describe(), forwarded);

        var echo = forwarded[..RtJamPacket.HeaderLength];
        rt.ReadHeader(echo, 0);
        rt.FrameCount = 0;
        yield return (Datagram + "-echo", $"echo-of {Datagram} slot={SenderSlot} server-time={ServerTime}", rt.Describe(), echo);

        var back = new byte[ProtocolConstants.MaxDatagram];
        int m = RtJamPacket.FromOctomix(audio, octomix, audio.PayloadOffset, ServerTime, back, 0);
        back = back[..m];
        rt.Read(back, 0, m);
        yield return (Datagram + "-as-octomix-to-rtjam", $"rtjam-of {Datagram}-as-octomix server-time={ServerTime}", rt.Describe(), back);
    }

    public static IEnumerable<(string Name, DecodeResult Expected, byte[] Bytes)> Bad()
    {
        var client = ClientDatagram();
        yield return ("rtjam-short", DecodeResult.TooShort, client[..31]);
        yield return ("rtjam-header-only", DecodeResult.TooShort, client[..RtJamPacket.HeaderLength]);
        yield return ("rtjam-odd-length", DecodeResult.BadLength, client[..^2]);
        var rate = (byte[])client.Clone();
        rate[1] = 1;
        yield return ("rtjam-sample-rate-not-48k", DecodeResult.BadField, rate);
        var big = new byte[RtJamPacket.LengthOf(RtJamPacket.MaxFrames + 1)];
        client.AsSpan(0, RtJamPacket.HeaderLength).CopyTo(big);
        yield return ("rtjam-over-1400-bytes", DecodeResult.TooLong, big);
    }

    public static void Render(StringBuilder sb)
    {
        sb.Append("\n# ---- RTJam interop (docs/protocol.md, \"RTJam interop\"): big-endian, no magic; not Octomix messages ----\n");
        sb.Append("# \"rtjam:\" says what each is: datagram (a client's), octomix-of (what Octomix members get), forwarded-of\n");
        sb.Append("# (what RTJam members get), echo-of (the header the sender gets back), rtjam-of (an Octomix packet for\n");
        sb.Append("# RTJam members), bad <RtJamPacket.Check result>.\n");
        foreach (var (name, kind, fields, bytes) in Good())
        {
            sb.Append("\n== ").Append(name).Append('\n');
            sb.Append("rtjam: ").Append(kind).Append('\n');
            sb.Append(fields);
            sb.Append("hex: ").Append(VectorCatalog.Hex(bytes)).Append('\n');
        }

        foreach (var (name, expected, bytes) in Bad())
        {
            sb.Append("\n== ").Append(name).Append('\n');
            sb.Append("rtjam: bad ").Append(expected).Append('\n');
            sb.Append("hex: ").Append(VectorCatalog.Hex(bytes)).Append('\n');
        }
    }
}
