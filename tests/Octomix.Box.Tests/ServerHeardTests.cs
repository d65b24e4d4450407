using Octomix.Box;
using Octomix.Protocol;

namespace Octomix.Box.Tests;

/// <summary>
/// What counts as "the server heard" on a box (issue 10): a forger who sends datagrams with the
/// server's source address and port (the fake server's own socket, real UDP on loopback) but
/// no valid answer or signature — Audio, Status-shaped, Acks that echo nothing the box sent,
/// Notices, unsigned commands — must not keep the box from noticing that its server is gone:
/// it rejoins after the silence limit as it would without them, and its take goes on.
/// </summary>
public class ServerHeardTests
{
    private static byte[] Datagram(Message m)
    {
        var b = new byte[ProtocolConstants.MaxDatagram];
        return b[..m.Write(b, 0)];
    }

    /// <summary>One of each kind of unauthenticated traffic, as a forger off the path can make it (token 0, as forwarded).</summary>
    private static IEnumerable<byte[]> Forgeries(int round, byte slot, uint take)
    {
        var audio = new AudioPacket { Sequence = (uint)round, TakeId = 0, Timecode = round * 256, Channels = 2, Format = (byte)SampleFormat.S16, SourceSlot = Slot.Server, DestinationSlot = slot, Flags = AudioFlags.Mix, FrameCount = 16 };
        var b = new byte[ProtocolConstants.MaxDatagram];
        int n = audio.WriteHeader(b, 0);
        yield return b[..n];
        yield return Datagram(new StatusMessage { Sequence = (uint)round, SentAtMicroseconds = (uint)round * 250_000 + 1, State = BoxStateCode.Engineer, SourceSlot = Slot.FirstEngineer, DestinationSlot = slot });
        // Acks of a Status that echo the wrong sent-at (an off-path forger cannot know the box's µs clock)
        for (uint seq = 1; seq < 400; seq += 57)
        {
            yield return Datagram(new AckMessage { AckedId = (uint)round + seq, Echo = (uint)(round * 7919) | 1, SourceSlot = Slot.Server, DestinationSlot = slot });
        }

        yield return Datagram(new AckMessage { AckedId = 0x12345678u + (uint)round, SourceSlot = Slot.Server, DestinationSlot = slot }); // acks nothing pending
        yield return Datagram(new NoticeMessage { MessageId = (uint)round, Code = NoticeCode.TakeStarted, TakeId = take, SourceSlot = 1, DestinationSlot = slot });
        yield return Datagram(new TakeControlMessage(MessageType.Stop) { MessageId = (uint)round, TakeId = take, SourceSlot = Slot.FirstEngineer, DestinationSlot = slot }); // unsigned
    }

    [Fact]
    public void ForgedNonCommandTrafficWithTheServersAddressDoesNotHoldOffARejoin()
    {
        using var h = new BoxHarness();
        h.JoinAndCalibrate();
        h.Record(4);
        Assert.True(h.RunUntil(c => c.State == BoxState.Recording, 1000));
        h.Server.Answering = false; // the server is gone ...
        long ignoredBefore = h.Controller.IgnoredDatagrams;
        for (int turn = 0; turn < 1200; turn++) // 6.4 s
        {
            if (turn % 4 == 0)
            {
                foreach (var d in Forgeries(turn, 3, 4))
                {
                    h.Server.SendRaw(d, d.Length); // ... but a forger keeps sending from its address
                }
            }

            h.Step();
        }

        Assert.Equal(MembershipState.Rejoining, h.Controller.Membership);
        Assert.Equal(BoxState.Recording, h.Controller.State); // the forged Stop did nothing either
        Assert.Contains("the server is silent", h.Log(), StringComparison.Ordinal);
        Assert.True(h.Controller.IgnoredDatagrams > ignoredBefore, "the forged Status Acks are counted as ignored");

        h.Server.Answering = true;
        Assert.True(h.RunUntil(c => c.Membership == MembershipState.Member, 1000), h.Log());
        Assert.Equal(BoxState.Recording, h.Controller.State);
    }

    [Fact]
    public void AnAckEchoingAStatusTheBoxSentKeepsItAMemberAndOneThatDoesNotIsIgnored()
    {
        using var h = new BoxHarness();
        h.JoinAndCalibrate();
        h.Server.AckStatus = false; // the test answers the Statuses itself
        int answered = 0;
        for (int turn = 0; turn < 1200; turn++) // 6.4 s, twice the silence limit
        {
            h.Step();
            var statuses = h.Server.Statuses();
            for (; answered < statuses.Count; answered++)
            {
                var s = statuses[answered];
                var ack = Datagram(new AckMessage { AckedId = s.Sequence, Echo = s.SentAtMicroseconds, SourceSlot = Slot.Server, DestinationSlot = 3 });
                h.Server.SendRaw(ack, ack.Length);
            }
        }

        Assert.Equal(MembershipState.Member, h.Controller.Membership);
        Assert.Equal(0, h.Controller.Rejoins);
        Assert.True(answered > 20);

        // the same Acks with one bit of the echo wrong: the box finds the server silent and rejoins
        // (the fake server accepts the rejoin at once: the count says it happened)
        for (int turn = 0; turn < 1200; turn++)
        {
            h.Step();
            var statuses = h.Server.Statuses();
            for (; answered < statuses.Count; answered++)
            {
                var s = statuses[answered];
                var ack = Datagram(new AckMessage { AckedId = s.Sequence, Echo = s.SentAtMicroseconds ^ 0x100, SourceSlot = Slot.Server, DestinationSlot = 3 });
                h.Server.SendRaw(ack, ack.Length);
            }
        }

        Assert.True(h.Controller.Rejoins >= 1, h.Log());
        Assert.Contains("the server is silent", h.Log(), StringComparison.Ordinal);
    }
}
