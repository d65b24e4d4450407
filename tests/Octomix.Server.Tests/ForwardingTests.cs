using Octomix.Protocol;

namespace Octomix.Server.Tests;

/// <summary>Audio forwarding and control routing between boxes and engineers.</summary>
public class ForwardingTests
{
    [Theory]
    [MemberData(nameof(TestServer.IoModes), MemberType = typeof(TestServer))]
    public void AudioToEveryoneGoesToEveryOtherMemberNeverBackToTheSenderWithTheTokenBlanked(string io)
    {
        using var server = TestServer.Start(io);
        using var a = new TestPeer(server.Ports[0], "a");
        using var b = new TestPeer(server.Ports[0], "b");
        using var c = new TestPeer(server.Ports[0], "c");
        using var eng = new TestPeer(server.Ports[0], "eng");
        a.Join();
        b.Join();
        c.Join();
        eng.Join(role: JoinRole.Engineer);

        var sent = new List<byte[]>();
        for (uint seq = 0; seq < 20; seq++)
        {
            sent.Add(a.SendAudio(TestServer.Samples(64, 2, (f, ch) => (int)(seq * 100) + f - ch), 2, seq, seq * 64));
        }

        foreach (var receiver in new[] { b, c, eng })
        {
            // (engineers also get the other boxes' Status, forwarded by their Sync)
            var got = receiver.Sync().Where(d => TestServer.Type(d) == (byte)MessageType.Audio).ToList();
            Assert.Equal(20, got.Count);
            for (int i = 0; i < 20; i++)
            {
                Assert.Equal(0u, TestServer.TokenOf(got[i]));
                Assert.NotEqual(0u, TestServer.TokenOf(sent[i]));

                // everything else is byte for byte what a sent
                Assert.Equal(sent[i].AsSpan(8).ToArray(), got[i].AsSpan(8).ToArray());
                Assert.Equal(sent[i].AsSpan(0, 4).ToArray(), got[i].AsSpan(0, 4).ToArray());
            }
        }

        Assert.Empty(a.Sync());
        var slots = server.GetStatus().Rooms[0].Slots;
        Assert.Equal(20, slots.Single(s => s.Name == "a").AudioPackets);
        Assert.Equal(0, slots.Single(s => s.Name == "a").Lost);
    }

    [Theory]
    [MemberData(nameof(TestServer.IoModes), MemberType = typeof(TestServer))]
    public void AudioToTheEngineersReachesOnlyTheEngineers(string io)
    {
        using var server = TestServer.Start(io);
        using var a = new TestPeer(server.Ports[0], "a");
        using var b = new TestPeer(server.Ports[0], "b");
        using var eng1 = new TestPeer(server.Ports[0], "eng1");
        using var eng2 = new TestPeer(server.Ports[0], "eng2");
        a.Join();
        b.Join();
        eng1.Join(role: JoinRole.Engineer);
        eng2.Join(role: JoinRole.Engineer);

        a.SendAudio(new short[256], 2, 1, -96000, Slot.Engineers);
        a.SendAudio(new short[256], 2, 2, -95872, Slot.Engineers);

        Assert.Empty(b.Sync());
        Assert.Empty(a.Sync());
        Assert.Equal(2, eng1.Sync().Count(d => TestServer.Type(d) == (byte)MessageType.Audio));
        Assert.Equal(2, eng2.Sync().Count(d => TestServer.Type(d) == (byte)MessageType.Audio));
    }

    [Fact]
    public void EngineerCommandsReachTheAddressedBoxOrAllBoxesAndBoxRepliesReachTheEngineers()
    {
        using var server = TestServer.Start();
        using var a = new TestPeer(server.Ports[0], "a");
        using var b = new TestPeer(server.Ports[0], "b");
        using var eng = new TestPeer(server.Ports[0], "eng");
        using var eng2 = new TestPeer(server.Ports[0], "eng2");
        a.Join();
        b.Join();
        eng.Join(role: JoinRole.Engineer);
        eng2.Join(role: JoinRole.Engineer);
        eng.Sync(); // the engineers' first heartbeat: they take in the roster (a's and b's Joins)
        eng2.Sync();

        // to one box
        var record = new RecordMessage
        {
            MessageId = eng.NewMessageId(), TakeId = 5, TempoCentiBpm = 12000, BeatsPerBar = 4, BeatUnit = 4, CountInBars = 1,
            ClickSound = 1, ClickLevel = 80, SampleRate = 48000, Project = "p", Scene = "s", Track = "t",
        };
        record.DestinationSlot = b.Slot;
        var recordBytes = eng.Send(record);
        var atB = b.Sync();
        Assert.Single(atB);
        Assert.Equal(0u, TestServer.TokenOf(atB[0]));
        Assert.Equal(recordBytes.AsSpan(8).ToArray(), atB[0].AsSpan(8).ToArray());
        Assert.Empty(a.Sync());

        // to every box
        var stop = new TakeControlMessage(MessageType.Stop) { MessageId = eng.NewMessageId(), TakeId = 5, DestinationSlot = Slot.Everyone };
        eng.Send(stop);
        Assert.Single(a.Sync());
        Assert.Single(b.Sync());

        // Nack and FileRequest to one box
        var nack = new NackMessage { DestinationSlot = a.Slot };
        nack.AddRange(10, 2);
        eng.Send(nack);
        eng.Send(new FileRequestMessage { DestinationSlot = a.Slot, TakeId = 5, Offset = 0, RequestLength = 1024 });
        var atA = a.Sync();
        Assert.Equal([(byte)MessageType.Nack, (byte)MessageType.FileRequest], atA.Select(TestServer.Type));
        Assert.Empty(b.Sync());

        // the box's answers go to the engineers
        b.Send(new AckMessage { AckedId = record.MessageId, DestinationSlot = eng.Slot });
        b.Send(new NoticeMessage { MessageId = b.NewMessageId(), Code = NoticeCode.TakeStarted, TakeId = 5, Detail = 0, DestinationSlot = Slot.Engineers });
        var fileData = new FileDataMessage { DestinationSlot = Slot.Engineers, TakeId = 5, Offset = 0, DataLength = 4 };
        var fd = new byte[fileData.Length];
        fileData.Token = b.Token;
        fileData.SourceSlot = b.Slot;
        fileData.Write(fd, 0);
        b.Send(fd);
        Assert.Equal([(byte)MessageType.Ack, (byte)MessageType.Notice, (byte)MessageType.FileData], WithoutStatus(eng.Sync()));
        Assert.Equal([(byte)MessageType.Notice, (byte)MessageType.FileData], WithoutStatus(eng2.Sync()));
        Assert.Empty(a.Sync());
    }

    [Fact]
    public void AStatusFromABoxIsAckedWithItsEchoAndForwardedToTheEngineers()
    {
        using var server = TestServer.Start();
        using var a = new TestPeer(server.Ports[0], "a");
        using var eng = new TestPeer(server.Ports[0], "eng");
        a.Join();
        eng.Join(role: JoinRole.Engineer);
        eng.Sync(); // its first heartbeat: it takes in the roster (a's Join)

        a.Send(new StatusMessage { Sequence = 9, SentAtMicroseconds = 123456, State = BoxStateCode.Ready, DestinationSlot = Slot.Server });
        var ack = JoinTests.Decode<AckMessage>(a.ReceiveType(MessageType.Ack));
        Assert.Equal(9u, ack.AckedId);
        Assert.Equal(123456u, ack.Echo);
        Assert.Equal(a.Slot, ack.DestinationSlot);

        var forwarded = eng.Sync();
        var status = JoinTests.Decode<StatusMessage>(Assert.Single(forwarded));
        Assert.Equal(9u, status.Sequence);
        Assert.Equal(0u, status.Token);
        Assert.Equal(a.Slot, status.SourceSlot);
        Assert.Equal(BoxStateCode.Ready, server.GetStatus().Rooms[0].Slots.Single(s => s.Name == "a").BoxState);
    }

    [Fact]
    public void MessagesToAnEmptySlotAndBoxToBoxCommandsAreDroppedAndCounted()
    {
        using var server = TestServer.Start();
        using var a = new TestPeer(server.Ports[0], "a");
        using var b = new TestPeer(server.Ports[0], "b");
        using var eng = new TestPeer(server.Ports[0], "eng");
        a.Join();
        b.Join();
        eng.Join(role: JoinRole.Engineer);

        eng.Send(new SimpleControlMessage(MessageType.Calibrate) { MessageId = 1, DestinationSlot = 5 }); // nobody in slot 5
        a.Send(new SimpleControlMessage(MessageType.Calibrate) { MessageId = 2, DestinationSlot = b.Slot }); // a box may not command a box
        a.Send(new AckMessage { AckedId = 3, DestinationSlot = 18 }); // engineer slot 18 is empty

        Assert.Empty(b.Sync());
        eng.Sync();
        var room = server.GetStatus().Rooms[0];
        Assert.Equal(2, room.Drops[DropReason.EmptyDestination]);
        Assert.Equal(1, room.Drops[DropReason.NotAllowed]);
    }

    [Fact]
    public void AnEngineersPlaybackReachesEveryBox()
    {
        using var server = TestServer.Start();
        using var a = new TestPeer(server.Ports[0], "a");
        using var b = new TestPeer(server.Ports[0], "b");
        using var eng = new TestPeer(server.Ports[0], "eng");
        a.Join();
        b.Join(capabilities: JoinCapabilities.WantsPersonalMix);
        eng.Join(role: JoinRole.Engineer);

        eng.SendAudio(new short[128], 2, 1, 0, Slot.Everyone, AudioFlags.Playback);

        Assert.Single(a.Sync(), d => TestServer.Type(d) == (byte)MessageType.Audio);
        Assert.Contains(b.Sync(), d => TestServer.Type(d) == (byte)MessageType.Audio && (d[10] & AudioFlags.Playback) != 0);
    }

    private static byte[] WithoutStatus(List<byte[]> datagrams) =>
        datagrams.Select(TestServer.Type).Where(t => t != (byte)MessageType.Status).ToArray();
}
