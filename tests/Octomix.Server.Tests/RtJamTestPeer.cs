using System.Net;
using System.Net.Sockets;
using Octomix.Protocol;

namespace Octomix.Server.Tests;

/// <summary>
/// An RTJam client as far as the server can tell: JamMessage datagrams built from the byte table
/// (docs/protocol.md "RTJam interop": big-endian header, planar u16 BE offset-binary audio),
/// sent from a real UDP socket on loopback.
/// </summary>
internal sealed class RtJamTestPeer : IDisposable
{
    private readonly byte[] rx = new byte[2048];

    public RtJamTestPeer(int port, uint clientId)
    {
        ClientId = clientId;
        Socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        Socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        Server = new IPEndPoint(IPAddress.Loopback, port);
    }

    public uint ClientId { get; }

    public Socket Socket { get; }

    public IPEndPoint Server { get; }

    /// <summary>A JamMessage: channel 0 = <paramref name="left"/>, channel 1 = <paramref name="right"/>, TimeStamp the µs of <paramref name="timecode"/>.</summary>
    public byte[] Packet(short[] left, short[] right, uint sequence, long timecode, ulong echoedServerTime = 0)
    {
        int frames = left.Length;
        var b = new byte[RtJamPacket.LengthOf(frames)];
        new RtJamPacket
        {
            Channel = 0, SampleRate = 0, NumAudioChunks = (byte)((frames + 63) / 64), ServerTime = echoedServerTime,
            TimeStamp = (ulong)RtJamPacket.MicrosecondsOf(timecode), ClientId = ClientId, SequenceNumber = sequence,
        }.WriteHeader(b, 0);
        for (int f = 0; f < frames; f++)
        {
            WriteSample(b, RtJamPacket.HeaderLength + (2 * f), left[f]);
            WriteSample(b, RtJamPacket.HeaderLength + (2 * frames) + (2 * f), right[f]);
        }

        return b;
    }

    public byte[] SendPacket(short[] left, short[] right, uint sequence, long timecode)
    {
        var b = Packet(left, right, sequence, timecode);
        Send(b);
        return b;
    }

    public void Send(byte[] datagram) => Socket.SendTo(datagram, SocketFlags.None, Server);

    public byte[]? Receive(TimeSpan timeout)
    {
        if (!Socket.Poll((int)timeout.TotalMicroseconds, SelectMode.SelectRead))
        {
            return null;
        }

        EndPoint from = new IPEndPoint(IPAddress.Any, 0);
        int n = Socket.ReceiveFrom(rx, ref from);
        return rx.AsSpan(0, n).ToArray();
    }

    /// <summary>Datagrams until one matches (returned); fails after <see cref="TestPeer.Patience"/>.</summary>
    public byte[] ReceiveWhere(Func<byte[], bool> match, string what)
    {
        var deadline = DateTime.UtcNow + TestPeer.Patience;
        while (DateTime.UtcNow < deadline)
        {
            var d = Receive(deadline - DateTime.UtcNow);
            if (d != null && match(d))
            {
                return d;
            }
        }

        throw new TimeoutException("RTJam client " + ClientId.ToString("x8", System.Globalization.CultureInfo.InvariantCulture) + ": no " + what);
    }

    /// <summary>The echo (a 28-byte header) of the packet with <paramref name="sequence"/>.</summary>
    public byte[] ReceiveEcho(uint sequence) =>
        ReceiveWhere(d => d.Length == RtJamPacket.HeaderLength && RtJamPacket.ReadU32(d, 20) == ClientId && RtJamPacket.ReadU32(d, 24) == sequence, "echo of " + sequence);

    /// <summary>Channel <paramref name="channel"/> of an RTJam datagram, as signed samples.</summary>
    public static short[] Channel(byte[] d, int channel)
    {
        int frames = (d.Length - RtJamPacket.HeaderLength) / 4;
        var s = new short[frames];
        for (int f = 0; f < frames; f++)
        {
            int o = RtJamPacket.HeaderLength + (channel * frames * 2) + (2 * f);
            s[f] = (short)(((d[o] << 8) | d[o + 1]) ^ 0x8000);
        }

        return s;
    }

    public static void WriteSample(byte[] b, int o, short s)
    {
        ushort u = (ushort)(s ^ unchecked((short)0x8000));
        b[o] = (byte)(u >> 8);
        b[o + 1] = (byte)u;
    }

    public void Dispose() => Socket.Dispose();
}
