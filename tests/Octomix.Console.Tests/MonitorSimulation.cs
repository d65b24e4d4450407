using Octomix.Desk.Monitor;
using Octomix.Protocol;

namespace Octomix.Console.Tests;

/// <summary>
/// A box in simulated time: its own sample clock (ppm off the PC's), a round-trip latency L, a
/// stream of packets from its first timecode, a network with delay, jitter and chosen losses.
/// The sample at packet timecode t is <see cref="Signal"/>(t − L), i.e. the musical instant.
/// </summary>
internal sealed class SimulatedBox
{
    public required MonitorTrack Track { get; init; }

    public double Ppm { get; init; }

    public int Latency => Track.LatencySamples;

    /// <summary>Packet timecode of the first frame the box sends.</summary>
    public long FirstTimecode { get; init; }

    public int PacketFrames { get; init; } = 128;

    public int Channels { get; init; } = 2;

    public SampleFormat Format { get; init; } = SampleFormat.S16;

    /// <summary>PC time (s) at which the box's clock reads zero.</summary>
    public double StartSeconds { get; init; }

    public double BaseDelaySeconds { get; init; } = 0.002;

    public double JitterSeconds { get; init; }

    /// <summary>Channel 0 value (integer PCM of <see cref="Format"/>) at musical timecode m; channel 1 is zero.</summary>
    public required Func<long, long> Signal { get; init; }

    /// <summary>Packets (by index) that never arrive.</summary>
    public HashSet<long> Lost { get; } = [];

    /// <summary>Extra delay (s) for some packets.</summary>
    public Dictionary<long, double> ExtraDelay { get; } = [];

    public long NextPacket { get; set; }

    public Random Random { get; init; } = new(1);

    public double ArrivalSeconds(long packet)
    {
        double boxSeconds = (packet + 1) * PacketFrames / 48000.0;
        double pcSeconds = StartSeconds + (boxSeconds / (1 + (Ppm * 1e-6)));
        double delay = BaseDelaySeconds + (Random.NextDouble() * JitterSeconds) + ExtraDelay.GetValueOrDefault(packet);
        return pcSeconds + delay;
    }

    public byte[] Payload(long packet)
    {
        int bytes = SampleFormats.BytesPerSample((int)Format);
        var payload = new byte[PacketFrames * Channels * bytes];
        long t0 = FirstTimecode + (packet * PacketFrames);
        for (int i = 0; i < PacketFrames; i++)
        {
            long value = Signal(t0 + i - Latency);
            int o = i * Channels * bytes;
            for (int b = 0; b < bytes; b++)
            {
                payload[o + b] = (byte)(value >> (8 * b));
            }
        }

        return payload;
    }

    public long TimecodeOf(long packet) => FirstTimecode + (packet * PacketFrames);
}

/// <summary>Drives a mixer and boxes in simulated time: packets arrive in arrival order between render blocks.</summary>
internal sealed class MonitorSimulation
{
    private readonly PriorityQueue<(SimulatedBox Box, long Packet), double> _arrivals = new();

    public MonitorSimulation(MonitorMixer mixer, params SimulatedBox[] boxes)
    {
        Mixer = mixer;
        Boxes = boxes;
    }

    public MonitorMixer Mixer { get; }

    public SimulatedBox[] Boxes { get; }

    public int BlockFrames { get; init; } = 480;

    /// <summary>Packets written after the fact (a retransmission), keyed by arrival time.</summary>
    public List<(double Seconds, SimulatedBox Box, long Packet)> Injections { get; } = [];

    public Action<SimulatedBox, long>? OnDelivered { get; set; }

    /// <summary>Renders <paramref name="seconds"/> of output, calling <paramref name="onBlock"/> after each block.</summary>
    public void Run(double seconds, Action<short[], long>? onBlock = null, long stopAfterPacket = long.MaxValue)
    {
        var block = new short[BlockFrames * 2];
        long blocks = (long)Math.Ceiling(seconds * 48000 / BlockFrames);
        for (long b = 0; b < blocks; b++)
        {
            double now = (Mixer.FramesRendered + BlockFrames) / 48000.0;
            foreach (var box in Boxes)
            {
                while (box.NextPacket <= stopAfterPacket && box.ArrivalSecondsNominal(box.NextPacket) <= now + 1.0)
                {
                    long packet = box.NextPacket++;
                    if (!box.Lost.Contains(packet))
                    {
                        _arrivals.Enqueue((box, packet), box.ArrivalSeconds(packet));
                    }
                }
            }

            foreach (var injection in Injections.Where(i => i.Seconds <= now).ToList())
            {
                _arrivals.Enqueue((injection.Box, injection.Packet), injection.Seconds);
                Injections.Remove(injection);
            }

            while (_arrivals.TryPeek(out var next, out double at) && at <= now)
            {
                _arrivals.Dequeue();
                next.Box.Track.Write(next.Box.TimecodeOf(next.Packet), next.Box.Payload(next.Packet), next.Box.Channels, next.Box.Format);
                OnDelivered?.Invoke(next.Box, next.Packet);
            }

            Mixer.Render(block);
            onBlock?.Invoke(block, b);
        }
    }
}

internal static class SimulatedBoxExtensions
{
    /// <summary>Arrival time without jitter (used only to decide when a packet is generated).</summary>
    public static double ArrivalSecondsNominal(this SimulatedBox box, long packet)
    {
        double boxSeconds = (packet + 1) * box.PacketFrames / 48000.0;
        return box.StartSeconds + (boxSeconds / (1 + (box.Ppm * 1e-6)));
    }
}
