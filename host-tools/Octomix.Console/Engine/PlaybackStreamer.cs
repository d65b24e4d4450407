using System.Buffers.Binary;
using System.Diagnostics;
using Octomix.Desk.Link;
using Octomix.Protocol;

namespace Octomix.Desk.Engine;

/// <summary>A box to play the take to, in its own format (a box plays only that: converting is per-sample work it cannot afford).</summary>
public readonly record struct PlaybackTarget(int Slot, int Channels, SampleFormat Format);

/// <summary>
/// Streams the take's stereo mix to the boxes as Audio packets flagged Playback, paced by the
/// PC's clock in real time (a little ahead, well inside the box's one-second playout ring),
/// timecode 0 at the mix's first frame. Each group of boxes with one format gets the mix
/// converted once: to everyone (FF) when all boxes share a format, else to each box of the group.
/// </summary>
public sealed class PlaybackStreamer
{
    /// <summary>How far ahead of real time packets are sent (the box buffers the start delay on top).</summary>
    public static readonly TimeSpan Lead = TimeSpan.FromMilliseconds(60);

    private readonly EngineerLink _link;

    public PlaybackStreamer(EngineerLink link)
    {
        _link = link;
    }

    public long FramesSent { get; private set; }

    public long PacketsSent { get; private set; }

    /// <summary>Plays <paramref name="mixWav"/> (16- or 24-bit PCM WAV) to the targets; returns when the last packet left.</summary>
    public async Task PlayAsync(string mixWav, IReadOnlyList<PlaybackTarget> targets, uint takeId, CancellationToken cancel)
    {
        ArgumentNullException.ThrowIfNull(targets);
        if (targets.Count == 0)
        {
            return;
        }

        var wav = WavData.Open(mixWav);
        if (wav.Channels != 2 || wav.BytesPerSample is not (2 or 3))
        {
            throw new InvalidDataException($"{mixWav}: the mix must be stereo 16- or 24-bit PCM ({wav.Channels} ch, {8 * wav.BytesPerSample} bit)");
        }

        var groups = targets.GroupBy(t => (t.Channels, t.Format)).ToList();
        bool broadcast = groups.Count == 1;
        int rate = wav.SampleRate;
        int frames = groups.Min(g => Math.Min(256, AudioPacket.MaxFrames(g.Key.Channels, (int)g.Key.Format)));
        var mix = new byte[frames * wav.FrameBytes];
        var datagram = new byte[ProtocolConstants.MaxDatagram];
        var packet = new AudioPacket { TakeId = takeId, Flags = AudioFlags.Playback };
        uint sequence = 0;
        using var stream = new FileStream(mixWav, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        stream.Position = wav.DataOffset;
        long total = wav.DataBytes / wav.FrameBytes;
        var clock = Stopwatch.StartNew();
        for (long at = 0; at < total; at += frames)
        {
            int n = (int)Math.Min(frames, total - at);
            stream.ReadExactly(mix, 0, n * wav.FrameBytes);
            foreach (var group in groups)
            {
                packet.Sequence = sequence;
                packet.Timecode = at;
                packet.FrameCount = n;
                packet.Channels = group.Key.Channels;
                packet.Format = (byte)group.Key.Format;
                Convert(mix, n, wav.BytesPerSample, datagram.AsSpan(AudioPacket.HeaderLength), group.Key.Channels, group.Key.Format);
                if (broadcast)
                {
                    packet.DestinationSlot = Slot.Everyone;
                    Send(packet, datagram);
                }
                else
                {
                    foreach (var target in group)
                    {
                        packet.DestinationSlot = (byte)target.Slot;
                        Send(packet, datagram);
                    }
                }
            }

            sequence++;
            FramesSent += n;
            long due = (long)((at + n) * 1000.0 / rate) - (long)Lead.TotalMilliseconds;
            long wait = due - clock.ElapsedMilliseconds;
            if (wait > 1)
            {
                await Task.Delay((int)wait, cancel).ConfigureAwait(false);
            }
        }
    }

    private void Send(AudioPacket packet, byte[] datagram)
    {
        int length = packet.WriteHeader(datagram, 0);
        if (_link.SendAudio(datagram, length))
        {
            PacketsSent++;
        }
    }

    /// <summary>Stereo s16/s24 frames of the mix to the box's channels and format (mono: the average of left and right).</summary>
    internal static void Convert(byte[] mix, int frames, int mixBytes, Span<byte> output, int channels, SampleFormat format)
    {
        int outBytes = SampleFormats.BytesPerSample((int)format);
        int o = 0;
        for (int j = 0; j < frames; j++)
        {
            int left = ReadSample(mix, ((2 * j) + 0) * mixBytes, mixBytes);
            int right = ReadSample(mix, ((2 * j) + 1) * mixBytes, mixBytes);
            for (int c = 0; c < channels; c++)
            {
                // values are 24-bit here (s16 shifted up); written at the box's width
                int v = channels == 1 ? (left + right) >> 1 : c == 0 ? left : c == 1 ? right : 0;
                WriteSample(output, o, outBytes, v);
                o += outBytes;
            }
        }
    }

    private static int ReadSample(byte[] b, int offset, int bytes) => bytes == 2
        ? BinaryPrimitives.ReadInt16LittleEndian(b.AsSpan(offset)) << 8
        : (b[offset] | (b[offset + 1] << 8) | ((sbyte)b[offset + 2] << 16));

    private static void WriteSample(Span<byte> output, int offset, int bytes, int value24)
    {
        switch (bytes)
        {
            case 2:
                BinaryPrimitives.WriteInt16LittleEndian(output[offset..], (short)Math.Clamp((value24 + 128) >> 8, short.MinValue, short.MaxValue));
                break;
            case 3:
                output[offset] = (byte)value24;
                output[offset + 1] = (byte)(value24 >> 8);
                output[offset + 2] = (byte)(value24 >> 16);
                break;
            default:
                BinaryPrimitives.WriteInt32LittleEndian(output[offset..], value24 << 8);
                break;
        }
    }
}
