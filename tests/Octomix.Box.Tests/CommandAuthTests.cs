using Octomix.Box;
using Octomix.Protocol;

namespace Octomix.Box.Tests;

/// <summary>
/// The box obeys only commands signed with the key of its current join (docs/protocol.md,
/// "Authenticated commands"): datagrams forged with the server's own source address and port
/// (the fake server's socket, real UDP on loopback) change nothing and are counted; a genuine
/// command replayed is not acted on again; a genuine take still runs.
/// </summary>
public class CommandAuthTests
{
    private static byte[] Unsigned(Message m, byte destination)
    {
        m.Token = 0; // the server blanks it when it forwards: an attacker's datagram looks the same
        m.SourceSlot = FakeServer.EngineerSlot;
        m.DestinationSlot = destination;
        var b = new byte[ProtocolConstants.MaxDatagram];
        return b[..m.Write(b, 0)];
    }

    private static byte[] SignedWith(Message m, byte destination, string joinCode, ulong boxId, uint joinId, ulong sequence)
    {
        var bytes = Unsigned(m, destination);
        CommandAuth.DeriveKey(joinCode, boxId, joinId, out ulong k0, out ulong k1);
        var b = new byte[ProtocolConstants.MaxDatagram];
        bytes.CopyTo(b, 0);
        return b[..CommandAuth.Sign(b, 0, bytes.Length, sequence, k0, k1)];
    }

    private static RecordMessage RecordOf(uint id, uint take) => new()
    {
        MessageId = id, TakeId = take, TempoCentiBpm = 12000, BeatsPerBar = 4, BeatUnit = 4, CountInBars = 1, ClickSound = 1, ClickLevel = 80,
        Flags2 = RecordFlags.StreamAudio | RecordFlags.ClickDuringTake, OriginSamples = 3600L * 48000, SampleRate = 48000,
        Project = "Proj", Scene = "Session 1", Track = "Bass",
    };

    [Fact]
    public void ForgedCommandsFromTheServersAddressChangeNothingAtARecordingBoxAndAreCounted()
    {
        using var h = new BoxHarness();
        h.JoinAndCalibrate();
        h.Record(1);
        Assert.True(h.RunUntil(c => c.State == BoxState.Recording, 1000), h.Log());
        int transitions = h.Transitions.Count;
        byte box = h.Server.AssignedSlot;
        var join = h.Server.Decoded(MessageType.Join, () => new JoinMessage()).Last();

        var forgeries = new List<byte[]>
        {
            // well-formed, no trailer: what the attacker sent
            Unsigned(new TakeControlMessage(MessageType.Stop) { MessageId = 1, TakeId = 1 }, box),
            Unsigned(new TakeControlMessage(MessageType.Stop) { MessageId = 2, TakeId = 0 }, box),
            Unsigned(new TakeControlMessage(MessageType.Stop) { MessageId = 3, TakeId = 1 }, Slot.Everyone),
            Unsigned(RecordOf(4, 2), box),
            Unsigned(new TakeControlMessage(MessageType.PlaybackStart) { MessageId = 5, TakeId = 1 }, box),
            Unsigned(new TakeControlMessage(MessageType.PlaybackStop) { MessageId = 6, TakeId = 1 }, box),
            Unsigned(new SimpleControlMessage(MessageType.Calibrate) { MessageId = 7 }, box),
            Unsigned(new FileInfoRequestMessage { MessageId = 8, TakeId = 1 }, box),
            Unsigned(new FileRequestMessage { TakeId = 1, Offset = 0, RequestLength = 4096 }, box),

            // a trailer of the right shape, keyed with a guessed join code / an earlier join / another box
            SignedWith(new TakeControlMessage(MessageType.Stop) { MessageId = 9, TakeId = 1 }, box, "TEST43", join.BoxId, join.MessageId, 1UL << 60),
            SignedWith(new TakeControlMessage(MessageType.Stop) { MessageId = 10, TakeId = 1 }, box, "TEST42", join.BoxId, join.MessageId - 1, 1UL << 60),
            SignedWith(new TakeControlMessage(MessageType.Stop) { MessageId = 11, TakeId = 1 }, box, "TEST42", join.BoxId + 1, join.MessageId, 1UL << 60),
            SignedWith(new SimpleControlMessage(MessageType.Calibrate) { MessageId = 12 }, box, "TEST43", join.BoxId, join.MessageId, 1UL << 60),
        };

        // a genuine Stop for another take, bent after signing into a Stop of this one
        var bent = h.Server.EngineerDatagram(new TakeControlMessage(MessageType.Stop) { MessageId = 13, TakeId = 77 });
        WireFormat.WriteU32(bent, 16, 1);
        forgeries.Add(bent);

        foreach (var f in forgeries)
        {
            h.Server.SendRaw(f, f.Length);
        }

        h.Run(100);
        Assert.Equal(BoxState.Recording, h.Controller.State);
        Assert.Equal(transitions, h.Transitions.Count);
        Assert.Equal(1u, h.Controller.CurrentTakeId);
        Assert.Equal(forgeries.Count, h.Controller.ForgedCommands);
        Assert.DoesNotContain(h.Server.Acks(), a => a.AckedId is >= 1 and <= 13);
        Assert.Empty(h.Server.Decoded(MessageType.FileInfo, () => new FileInfoMessage()));
        Assert.Empty(h.Server.Decoded(MessageType.FileData, () => new FileDataMessage()));
        Assert.Equal(forgeries.Count, h.Server.Statuses().Last().RefusedCommands);
        Assert.Contains("failed authentication", h.Log(), StringComparison.Ordinal);

        // the genuine console still runs the take to its end; the card has this take only
        uint stop = h.Stop(1);
        Assert.True(h.RunUntil(c => c.State == BoxState.Ready, 2000), h.Log());
        Assert.Equal(AckResult.Ok, h.Server.AckFor(stop)!.Result);
        Assert.True(h.Controller.Recorder.FramesWritten > 0);
        var takes = Directory.GetFiles(Path.Combine(h.CardFolder, "takes"), "*.wav").Select(Path.GetFileName).ToList();
        Assert.Equal(["take-000001.wav"], takes);
    }

    [Fact]
    public void AGenuineCommandReplayedIsNotActedOnAgain()
    {
        using var h = new BoxHarness();
        h.JoinAndCalibrate();
        var record = h.Server.EngineerDatagram(RecordOf(h.Server.NextId(), 1));
        var stopAny = h.Server.EngineerDatagram(new TakeControlMessage(MessageType.Stop) { MessageId = h.Server.NextId(), TakeId = 0 });
        var calibrate = h.Server.EngineerDatagram(new SimpleControlMessage(MessageType.Calibrate) { MessageId = h.Server.NextId() });
        h.Server.SendRaw(record, record.Length);
        Assert.True(h.RunUntil(c => c.State == BoxState.Recording, 1000), h.Log());
        h.Run(50);
        h.Server.SendRaw(stopAny, stopAny.Length);
        Assert.True(h.RunUntil(c => c.State == BoxState.Ready, 2000), h.Log());
        h.Server.SendRaw(calibrate, calibrate.Length);
        Assert.True(h.RunUntil(c => c.State == BoxState.Ready && h.Transitions.Count(t => t.Cause == BoxEvent.CalibrateCommand) == 1, 2000), h.Log());

        // replayed later: no second take, no second calibration
        long replayed = h.Controller.ReplayedCommands;
        h.Server.SendRaw(record, record.Length);
        h.Server.SendRaw(calibrate, calibrate.Length);
        h.Run(100);
        Assert.Equal(BoxState.Ready, h.Controller.State);
        Assert.Single(h.Transitions, t => t.Cause == BoxEvent.RecordCommand);
        Assert.Single(h.Transitions, t => t.Cause == BoxEvent.CalibrateCommand);

        // a second take; the first take's "stop whatever runs", replayed, does not end it
        h.Record(2);
        Assert.True(h.RunUntil(c => c.State == BoxState.Recording, 1000), h.Log());
        h.Server.SendRaw(stopAny, stopAny.Length);
        h.Run(100);
        Assert.Equal(BoxState.Recording, h.Controller.State);
        Assert.Equal(2u, h.Controller.CurrentTakeId);
        Assert.Equal(replayed + 3, h.Controller.ReplayedCommands);
        Assert.Equal(0, h.Controller.ForgedCommands);
        Assert.Equal(0, h.Server.Statuses().Last().RefusedCommands);
    }

    [Fact]
    public void AStopOvertakenOnTheWayByLaterCommandsIsStillObeyed()
    {
        using var h = new BoxHarness();
        h.JoinAndCalibrate();
        h.Record(1);
        Assert.True(h.RunUntil(c => c.State == BoxState.Recording, 1000), h.Log());
        uint id = h.Server.NextId();
        var stop = h.Server.EngineerDatagram(new TakeControlMessage(MessageType.Stop) { MessageId = id, TakeId = 1 });
        var later = new List<byte[]>();
        for (int i = 0; i < 20; i++)
        {
            var nack = new NackMessage();
            nack.AddRange(1_000_000, 1); // nothing the box has: harmless
            later.Add(h.Server.EngineerDatagram(nack));
        }

        foreach (var d in later)
        {
            h.Server.SendRaw(d, d.Length); // network jitter: the Nacks sent after the Stop arrive first
        }

        h.Server.SendRaw(stop, stop.Length);
        Assert.True(h.RunUntil(c => c.State == BoxState.Ready, 2000), h.Log());
        Assert.Equal(AckResult.Ok, h.Server.AckFor(id)!.Result);
        Assert.Equal(0, h.Controller.ForgedCommands);
        Assert.Equal(0, h.Controller.ReplayedCommands);
    }

    [Fact]
    public void ARetryByteForByteGetsTheSameAnswerAndStartsNoSecondTake()
    {
        using var h = new BoxHarness();
        h.JoinAndCalibrate();
        uint id = h.Server.NextId();
        var record = h.Server.EngineerDatagram(RecordOf(id, 4));
        h.Server.SendRaw(record, record.Length);
        h.Run(5);
        h.Server.SendRaw(record, record.Length); // the console's reliable sender re-sends the same bytes after a lost Ack
        h.Run(10);
        var acks = h.Server.Acks().Where(a => a.AckedId == id).ToList();
        Assert.Equal(2, acks.Count);
        Assert.All(acks, a => Assert.Equal(AckResult.Ok, a.Result));
        Assert.Single(h.Transitions, t => t.Cause == BoxEvent.RecordCommand);
        Assert.Equal(1, h.Controller.ReplayedCommands);
    }

    [Fact]
    public void AZeroLengthDatagramDoesNotDeafenTheBox()
    {
        using var h = new BoxHarness();
        h.JoinAndCalibrate();
        for (int i = 0; i < 3; i++)
        {
            h.Server.SendRaw([], 0);
        }

        h.Run(20);
        uint id = h.Record(1);
        Assert.True(h.RunUntil(c => c.State == BoxState.CountIn || c.State == BoxState.Recording, 200), h.Log());
        h.Server.SendRaw([], 0);
        uint stop = h.Stop(1);
        Assert.True(h.RunUntil(c => c.State == BoxState.Ready, 2000), h.Log());
        Assert.Equal(AckResult.Ok, h.Server.AckFor(id)!.Result);
        Assert.Equal(AckResult.Ok, h.Server.AckFor(stop)!.Result);
    }
}
