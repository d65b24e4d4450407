using Octomix.Protocol;
using Octomix.Server.Mixing;

namespace Octomix.Server.Tests;

/// <summary>Constant-power panning per source in the personal mixes and the room mix, set from the console.</summary>
public class PanTests
{
    private static int Q14(int pan, bool left)
    {
        double theta = ((pan / 127.0) + 1) * Math.PI / 4;
        return (int)Math.Round(16384 * Math.Sqrt(2) * (left ? Math.Cos(theta) : Math.Sin(theta)));
    }

    [Fact]
    public void ThePanLawIsConstantPowerWithUnityAtCentre()
    {
        Assert.Equal(16384, PanLaw.Left(0));
        Assert.Equal(16384, PanLaw.Right(0));
        Assert.Equal(23170, PanLaw.Left(-127));
        Assert.Equal(0, PanLaw.Right(-127));
        Assert.Equal(0, PanLaw.Left(127));
        Assert.Equal(23170, PanLaw.Right(127));
        for (int p = -127; p <= 127; p++)
        {
            Assert.Equal(Q14(p, true), PanLaw.Left(p));
            Assert.Equal(Q14(p, false), PanLaw.Right(p));
            double power = ((double)PanLaw.Left(p) * PanLaw.Left(p)) + ((double)PanLaw.Right(p) * PanLaw.Right(p));
            Assert.InRange(power / (2.0 * 16384 * 16384), 0.9999, 1.0001);
        }
    }

    [Fact]
    public void TheConsolePansAJammersPersonalMixExactly()
    {
        using var server = TestServer.Start();
        using var a = new TestPeer(server.Ports[0], "a");
        using var b = new TestPeer(server.Ports[0], "b");
        using var listener = new TestPeer(server.Ports[0], "listener");
        using var console = new TestPeer(server.Ports[0], "console");
        a.Join();
        b.Join();
        listener.Join();
        console.Join(role: JoinRole.Engineer);

        // the console turns the listener's mix on: a hard left, b at +64 and ×2
        var levels = new MixLevelsMessage { MessageId = console.NewMessageId(), Enable = true };
        levels.Pans[a.Slot] = -127;
        levels.Pans[b.Slot] = 64;
        levels.Gains[b.Slot] = 512;
        levels.Token = console.Token;
        levels.SourceSlot = console.Slot;
        levels.DestinationSlot = listener.Slot;
        console.Send(levels, stamp: false);
        var ack = JoinTests.Decode<AckMessage>(console.ReceiveType(MessageType.Ack));
        Assert.Equal(levels.MessageId, ack.AckedId);
        Assert.Equal(AckResult.Ok, ack.Result);

        // an empty destination slot is refused
        var wrong = new MixLevelsMessage { MessageId = console.NewMessageId(), Enable = true, Token = console.Token, SourceSlot = console.Slot, DestinationSlot = 9 };
        console.Send(wrong, stamp: false);
        var refused = JoinTests.Decode<AckMessage>(console.ReceiveType(MessageType.Ack));
        Assert.Equal(wrong.MessageId, refused.AckedId);
        Assert.Equal(AckResult.Refused, refused.Result);

        var sa = TestServer.Samples(64, 2, (f, c) => c == 0 ? 10000 : 9000);
        var sb = TestServer.Samples(64, 2, (f, c) => c == 0 ? -6001 : 5003);
        var own = new short[128];
        for (int r = 0; r < 8; r++)
        {
            a.SendAudio(sa, 2, (uint)r, r * 64);
            b.SendAudio(sb, 2, (uint)r, r * 64);
            listener.SendAudio(own, 2, (uint)r, r * 64);
        }

        var mixes = listener.Sync().Where(d => TestServer.Type(d) == (byte)MessageType.Audio).ToList();
        Assert.Equal(8, mixes.Count);
        var last = PersonalMixTests.Shorts(mixes[^1], AudioPacket.HeaderLength, 128);
        long left = ((256L * Q14(-127, true) * 10000) + (512L * Q14(64, true) * -6001)) / (1L << 22);
        long right = ((256L * Q14(-127, false) * 9000) + (512L * Q14(64, false) * 5003)) / (1L << 22);
        Assert.All(Enumerable.Range(0, 64), f => Assert.Equal((short)left, last[2 * f]));
        Assert.All(Enumerable.Range(0, 64), f => Assert.Equal((short)right, last[(2 * f) + 1]));
        Assert.Equal(7694, left); // 10000 × √2 − 2 × 6001 × 0.538…: the hard-left source is +3 dB on its side
    }

    [Fact]
    public void TheConsolePansTheRoomMix()
    {
        var dir = Directory.CreateTempSubdirectory("octomix-pan-").FullName;
        try
        {
            string file = Path.Combine(dir, "room.pcm");
            using (var server = TestServer.Start(tweak: o => o with { RoomMixTarget = file }))
            {
                using var a = new TestPeer(server.Ports[0], "a");
                using var console = new TestPeer(server.Ports[0], "console");
                a.Join(framesPerPacket: 240);
                console.Join(role: JoinRole.Engineer);
                var levels = new MixLevelsMessage { MessageId = console.NewMessageId(), Token = console.Token, SourceSlot = console.Slot, DestinationSlot = Slot.Server };
                levels.Pans[a.Slot] = 127;
                console.Send(levels, stamp: false);
                Assert.Equal(AckResult.Ok, JoinTests.Decode<AckMessage>(console.ReceiveType(MessageType.Ack)).Result);

                var clock = System.Diagnostics.Stopwatch.StartNew();
                var s = TestServer.Samples(240, 2, (f, c) => 1000);
                for (uint seq = 0; clock.Elapsed < TimeSpan.FromSeconds(0.8); seq++)
                {
                    a.SendAudio(s, 2, seq, seq * 240L);
                    while (clock.Elapsed.TotalMilliseconds < (seq + 1) * 5.0)
                    {
                        Thread.Sleep(1);
                    }
                }
            }

            var bytes = File.ReadAllBytes(file);
            int panned = 0;
            for (int i = 0; i + 4 <= bytes.Length; i += 4)
            {
                var frame = (BitConverter.ToInt16(bytes, i), BitConverter.ToInt16(bytes, i + 2));
                Assert.True(frame is (0, 0) or (0, 1414), $"frame {i / 4}: {frame}"); // hard right: 1000 × 23170 / 16384
                panned += frame == (0, 1414) ? 1 : 0;
            }

            Assert.True(panned > 9600, $"{panned} panned frames");
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
