using Octomix.Protocol;

namespace Octomix.Server.Benchmark;

/// <summary>
/// The load generator's RTJam members (`octomix bench server --rtjam-per-room N`, issue 14): the
/// last N jammers of each room are RTJam clients — no Join, JamMessage datagrams (28 + 4·frames
/// bytes, big-endian, planar offset-binary) to the room's port, keyed by a ClientId of their own.
/// The send stamp travels as audio so that it survives the server's conversions: the 64-bit
/// stamp is four s16 samples, frame 0 left, frame 0 right, frame 1 left, frame 1 right, which an
/// Octomix payload holds as the little-endian long at its start and a JamMessage in its planar
/// encoding; <see cref="TryRtJamStamp"/> reads it back from an RTJam datagram.
/// Kept apart from LoadGenerator.cs (the mixed-frame-size load lives there) to ease merging.
/// </summary>
public sealed unsafe partial class LoadGenerator
{
    private const uint RtJamClientIdBase = 0x52540000;

    /// <summary>True when jammer <paramref name="j"/> is an RTJam client (only against a server).</summary>
    private bool IsRtJam(int j) => options.Rooms != null && options.RtJamPerRoom > 0 && (j % options.JammersPerRoom) >= options.JammersPerRoom - options.RtJamPerRoom;

    private int RtJamLength => RtJamPacket.LengthOf(options.Frames);

    private void PrepareRtJam(int j, int room)
    {
        new RtJamPacket { NumAudioChunks = (byte)((options.Frames + 63) / 64), ClientId = RtJamClientIdBase + (uint)j }.WriteHeader(packets[j], 0);
        WriteSockaddr(destinations + (j * 256), options.Rooms![room]);
        destinationCount[j] = 1;
    }

    /// <summary>Sequence, TimeStamp (µs of the timecode) and the send stamp, as an RTJam client writes them.</summary>
    private void StampRtJam(byte* p, uint seq, long stamp)
    {
        int frames = options.Frames;
        WriteBigEndian(p + 24, seq, 4);
        WriteBigEndian(p + 12, (ulong)RtJamPacket.MicrosecondsOf((long)seq * frames), 8);
        for (int k = 0; k < 4; k++)
        {
            // sample k of the stamp: frame k / 2, channel k % 2; offset-binary big-endian
            ushort s = (ushort)((ushort)(stamp >> (16 * k)) ^ 0x8000);
            byte* at = p + RtJamPacket.HeaderLength + ((k % 2) * frames * 2) + ((k / 2) * 2);
            at[0] = (byte)(s >> 8);
            at[1] = (byte)s;
        }
    }

    /// <summary>The send stamp of an RTJam datagram (a forwarded RTJam packet or a converted Octomix one); false for an echo or anything else.</summary>
    private static bool TryRtJamStamp(byte* d, int length, out long stamp)
    {
        stamp = 0;
        if (length < RtJamPacket.HeaderLength + 8 || ((length - RtJamPacket.HeaderLength) % 4) != 0 || d[1] != 0)
        {
            return false;
        }

        int frames = (length - RtJamPacket.HeaderLength) / 4;
        for (int k = 0; k < 4; k++)
        {
            byte* at = d + RtJamPacket.HeaderLength + ((k % 2) * frames * 2) + ((k / 2) * 2);
            ulong s = (ushort)(((at[0] << 8) | at[1]) ^ 0x8000);
            stamp |= (long)(s << (16 * k));
        }

        return true;
    }

    private static void WriteBigEndian(byte* p, ulong v, int bytes)
    {
        for (int i = 0; i < bytes; i++)
        {
            p[i] = (byte)(v >> (8 * (bytes - 1 - i)));
        }
    }
}
