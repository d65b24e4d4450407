using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Octomix.Protocol;
using Octomix.Server.Rooms;
using Octomix.Tests.Shared;

namespace Octomix.Server.Tests;

/// <summary>
/// A million random and mutated valid datagrams at a running server over loopback: no
/// exception in the room loop, no crash, no slot taken by a stranger, and afterwards
/// legitimate jammers still join and get each other's audio.
/// </summary>
public class ServerFuzzTests
{
    /// <summary>Both receive paths (batched-plain differs from batched only in how it sends).</summary>
    public static TheoryData<string> FuzzModes() => OperatingSystem.IsLinux() ? new TheoryData<string> { "portable", "batched" } : new TheoryData<string> { "portable" };

    [Theory]
    [MemberData(nameof(FuzzModes))]
    public void AMillionHostileDatagramsLeaveTheServerServingAndTakeNoSlot(string io)
    {
        const int total = 1_000_000;
        using var server = TestServer.Start(io, o => o with { RoomMixTarget = null, JoinBurst = 10, JoinRatePerSecond = 5 });
        int port = server.Ports[0];

        // members on their own addresses: a listener with a personal mix, and one that will fuzz with its real token
        using var listener = new TestPeer(port, "listener", IPAddress.Parse("127.0.0.2"));
        using var inside = new TestPeer(port, "inside", IPAddress.Parse("127.0.0.3"));
        listener.Join(capabilities: JoinCapabilities.WantsPersonalMix);
        inside.Join();

        var seeds = Seeds();
        var seedTypes = seeds.Select(d => d[3]).ToArray(); // noise behind a real type gets past the first gate
        var rng = new Random(20261121 + io.Length);
        var buffer = new byte[ProtocolConstants.MaxDatagram + 200];
        var target = new IPEndPoint(IPAddress.Loopback, port);
        var strangers = Enumerable.Range(0, 4).Select(_ => Bound(IPAddress.Loopback)).ToArray();
        var clock = Stopwatch.StartNew();
        try
        {
            for (int i = 0; i < total; i++)
            {
                bool fromInside = i % 10 == 9;
                int length = FuzzDatagrams.Generate(rng, seeds, seedTypes, 0, buffer, i);
                if (fromInside && length >= 12)
                {
                    // a member gone bad: its real slot and token on mutated datagrams (deep paths)
                    Message.WriteToken(buffer, 0, inside.Token);
                    buffer[8] = inside.Slot;
                }

                var socket = fromInside ? inside.Socket : strangers[i & 3];
                socket.SendTo(buffer.AsSpan(0, length), SocketFlags.None, target);

                if ((i & 4095) == 4095)
                {
                    // the listener's round trip: the room has caught up with everything sent so far
                    // (so the kernel does not drop the fuzz for a full queue), and still serves it
                    listener.Sync();
                }
            }
        }
        finally
        {
            foreach (var s in strangers)
            {
                s.Dispose();
            }
        }

        var fuzzTime = clock.Elapsed;
        listener.Sync();
        var status = server.GetStatus().Rooms[0];
        Assert.Equal(0, status.LoopFaults);
        Assert.DoesNotContain(status.Slots, s => s.Name != "listener" && s.Name != "inside");
        Assert.True(status.PacketsIn > total * 9 / 10, $"the room saw {status.PacketsIn} of {total} datagrams in {fuzzTime}");
        Assert.True(status.TotalDrops > total / 5);

        // legitimate jammers from fresh addresses join and hear each other
        using var a = new TestPeer(port, "a", IPAddress.Parse("127.0.0.4"));
        using var b = new TestPeer(port, "b", IPAddress.Parse("127.0.0.5"));
        a.Join();
        b.Join();
        var sent = a.SendAudio(TestServer.Samples(64, 2, (f, c) => f), 2, 1, 0);
        var got = b.Sync().Where(d => TestServer.Type(d) == (byte)MessageType.Audio && d[8] == a.Slot).ToList();
        Assert.Single(got);
        Assert.Equal(sent.AsSpan(8).ToArray(), got[0].AsSpan(8).ToArray());
        Assert.Equal(0, server.GetStatus().Rooms[0].LoopFaults);
    }

    private static Socket Bound(IPAddress address)
    {
        var s = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        s.Bind(new IPEndPoint(address, 0));
        return s;
    }

    /// <summary>One valid datagram of every type (the Join with a code nobody uses).</summary>
    private static byte[][] Seeds()
    {
        var pcm = new byte[64 * 4];
        Random.Shared.NextBytes(pcm);
        var audio = new AudioPacket { Token = 0x11111111, SourceSlot = 0, FrameCount = 64, Channels = 2 };
        var audioBytes = new byte[audio.Length];
        audio.Write(audioBytes, 0, pcm, 0);
        var audio24 = new AudioPacket { Token = 0x11111111, SourceSlot = 0, FrameCount = 32, Channels = 1, Format = (byte)SampleFormat.S24, Timecode = -5000 };
        var audio24Bytes = new byte[audio24.Length];
        audio24.Write(audio24Bytes, 0, pcm, 0);
        var nack = new NackMessage { DestinationSlot = 0 };
        nack.AddRange(5, 3);
        var mix = new MixLevelsMessage { MessageId = 3, Enable = true };
        var fileData = new FileDataMessage { TakeId = 1, DataLength = 16, DestinationSlot = Slot.Engineers };
        var messages = new Message[]
        {
            nack,
            mix,
            fileData,
            new FileRequestMessage { TakeId = 1, RequestLength = 100, DestinationSlot = 0 },
            new StatusMessage { Sequence = 1 },
            new AckMessage { AckedId = 4, DestinationSlot = 16 },
            new JoinMessage { MessageId = 9, JoinCode = "FUZZ-GUESS", Name = "fuzzer" },
            new JoinMessage { MessageId = 9, JoinCode = "FUZZ-GUESS", Role = JoinRole.Engineer },
            new AcceptMessage { AssignedSlot = 1, SessionToken = 5 },
            new RejectMessage { Reason = 1 },
            new SimpleControlMessage(MessageType.Leave) { MessageId = 1 },
            new SimpleControlMessage(MessageType.Calibrate) { MessageId = 1, DestinationSlot = 0 },
            new RecordMessage { MessageId = 2, TakeId = 1, TempoCentiBpm = 12000, BeatsPerBar = 4, BeatUnit = 4, ClickSound = 1, SampleRate = 48000, Project = "p", Scene = "s", Track = "t", DestinationSlot = Slot.Everyone },
            new TakeControlMessage(MessageType.Stop) { MessageId = 2, TakeId = 1, DestinationSlot = 0 },
            new TakeControlMessage(MessageType.PlaybackStart) { MessageId = 2, TakeId = 1, DestinationSlot = Slot.Everyone },
            new TakeControlMessage(MessageType.PlaybackStop) { MessageId = 2, TakeId = 1 },
            new FileInfoRequestMessage { MessageId = 2, TakeId = 1, DestinationSlot = 0 },
            new FileInfoMessage { MessageId = 2, TakeId = 1, PartCount = 1, Format = 1, SampleRate = 48000, Channels = 2 },
            new NoticeMessage { MessageId = 2, Code = NoticeCode.TakeStarted },
        };
        var seeds = messages.Select(m =>
        {
            var b = new byte[m.Length];
            m.Write(b, 0);
            return b;
        }).ToList();
        seeds.Add(audioBytes);
        seeds.Add(audio24Bytes);
        seeds.Add(audioBytes);
        return seeds.ToArray();
    }
}
