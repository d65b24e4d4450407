using Octomix.Board.Simulated;
using Octomix.Drivers.Click;
using Octomix.Drivers.Ui;
using Octomix.Hal;
using Octomix.Protocol;

namespace Octomix.Box.Tests;

/// <summary>
/// The command handling on its own: what each command does in each state (the Ack it sends, the
/// transition it asks for), driven with a stand-in for the state machine, the room link on an
/// in-memory socket and the take session on the simulated card — no loop, no whole box (the box's
/// use of it: ControllerTransitionTests, CommandAuthTests, FileServingTests, SimulatedNetworkTests).
/// </summary>
public sealed class CommandHandlerTests : IDisposable
{
    private const int BlockFrames = 256;
    private const int PreRollFrames = 48000 * BoxController.PreRollMilliseconds / 1000;
    private static readonly PcmFormat Format = new(48000, 2, 3);
    private readonly string folder = Path.Combine(Path.GetTempPath(), "octomix-commands-" + Guid.NewGuid().ToString("N"));
    private readonly List<(LogLevel Level, string Text)> lines = new();
    private readonly SimulatedBoard board;
    private readonly RoomLinkTests.MemorySocket socket = new();
    private readonly RoomLink link;
    private readonly CardHealth cardHealth;
    private readonly TakeSession take;
    private readonly TakeFileServer files;
    private readonly Machine machine = new();
    private readonly CommandHandler commands;
    private uint messageId = 100;

    public CommandHandlerTests()
    {
        board = new SimulatedBoard(new SimulatedBoardOptions { CardFolder = folder, LogSink = (l, t) => lines.Add((l, t)) });
        var log = new RoomLinkTests.ListLog(lines);
        cardHealth = new CardHealth(board.Card);
        Assert.True(cardHealth.Mount(log));
        cardHealth.SelfTest(board.Clock, Format, BlockFrames * Format.FrameBytes, 150, log);
        Assert.True(cardHealth.FastEnough);

        link = new RoomLink(socket, socket, log, _ => { });
        link.Open(new BoxSettings { JoinCode = "ROOM-1234", BoxName = "drums" }, 42, Format, 128, 1000, 3_000_000);
        var clicks = new[]
        {
            new ClickGenerator(Format, ClickSound.Beep, 100),
            new ClickGenerator(Format, ClickSound.Woodblock, 100),
            new ClickGenerator(Format, ClickSound.HiHat, 100),
        };
        var streamer = new AudioStreamer(Format, BlockFrames, 2, 1234);
        take = new TakeSession(Format, BlockFrames, clicks, 2, new Recorder(board.Card, Format), streamer, socket, new StatusLightDriver(board.Lights), log);
        files = new TakeFileServer(board.Card, board.Clock, 2000, 4096, 2, TakeFileServer.DefaultChunkBytes);
        commands = new CommandHandler(machine, link, cardHealth, log);
        commands.Attach(Format, PreRollFrames, take, files, streamer, new PlayoutBuffer(Format.SampleRate, Format.FrameBytes));
        machine.State = BoxState.Ready;
        machine.LatencyFrames = 300;
    }

    public void Dispose()
    {
        if (Directory.Exists(folder))
        {
            Directory.Delete(folder, true);
        }
    }

    [Theory]
    [InlineData(BoxState.Ready)]
    [InlineData(BoxState.Jamming)]
    [InlineData(BoxState.Collecting)]
    [InlineData(BoxState.Playback)]
    public void ARecordWhereTheBoxCanRecordStartsTheTakeThenAcksOk(BoxState state)
    {
        machine.State = state;
        commands.OnRecord(Record(7));

        Assert.Equal(new uint[] { 7 }, machine.Started);
        Assert.Equal((AckResult.Ok, NotReadyReason.None), LastAck());
    }

    [Theory]
    [InlineData(BoxState.Idle)]
    [InlineData(BoxState.Joining)]
    [InlineData(BoxState.Calibrating)]
    public void ARecordOutsideARoomOrWhileCalibratingIsBusy(BoxState state)
    {
        machine.State = state;
        commands.OnRecord(Record(7));

        Assert.Empty(machine.Started);
        Assert.Equal((AckResult.Busy, NotReadyReason.Busy), LastAck());
        Assert.Empty(machine.Transitions);
    }

    [Fact]
    public void ARecordTheBoxCannotMakeIsNotReadyWithTheReason()
    {
        machine.LatencyFrames = -1;
        commands.OnRecord(Record(1));
        Assert.Equal((AckResult.NotReady, NotReadyReason.NotCalibrated), LastAck());

        machine.LatencyFrames = PreRollFrames; // the click would have to start before the pre-roll
        commands.OnRecord(Record(2));
        Assert.Equal((AckResult.NotReady, NotReadyReason.LatencyTooLarge), LastAck());

        machine.LatencyFrames = 300;
        commands.OnRecord(Record(3, 44100));
        Assert.Equal((AckResult.NotReady, NotReadyReason.FormatMismatch), LastAck());

        cardHealth.MarkFull();
        commands.OnRecord(Record(4));
        Assert.Equal((AckResult.NotReady, NotReadyReason.CardFull), LastAck());

        Assert.Empty(machine.Started);
        Assert.Equal(4, lines.Count(l => l.Level == LogLevel.Warning && l.Text.Contains("refused", StringComparison.Ordinal)));
    }

    [Fact]
    public void ARecordTheCardRefusesIsNotReadyWithACardError()
    {
        machine.StartTakeSucceeds = false;
        commands.OnRecord(Record(7));

        Assert.Equal(new uint[] { 7 }, machine.Started);
        Assert.Equal((AckResult.NotReady, NotReadyReason.CardError), LastAck());
    }

    [Theory]
    [InlineData(BoxState.CountIn)]
    [InlineData(BoxState.Recording)]
    [InlineData(BoxState.Stopping)]
    public void ARecordDuringATakeIsOkForThatTakeAndBusyForAnother(BoxState state)
    {
        StartTake(7, state);

        commands.OnRecord(Record(7));
        Assert.Equal((AckResult.Ok, NotReadyReason.None), LastAck());
        commands.OnRecord(Record(8));
        Assert.Equal((AckResult.Busy, NotReadyReason.Busy), LastAck());
        Assert.Empty(machine.Started); // no second take
    }

    [Fact]
    public void AStopEndsTheRunningTakeAfterItsAck()
    {
        StartTake(7, BoxState.Recording);

        commands.OnStop(TakeCommand(MessageType.Stop, 7));

        Assert.Equal((AckResult.Ok, NotReadyReason.None), LastAck());
        Assert.Equal((BoxState.Stopping, BoxEvent.StopCommand), machine.Transitions.Single());
        Assert.Equal(NoticeCode.TakeStopped, take.StopNotice);
    }

    [Fact]
    public void AStopForTheTakeJustEndedIsOkAndForAnyOtherUnknown()
    {
        StartTake(7, BoxState.Recording);
        machine.State = BoxState.Collecting; // the take ended (a card-full stop, or a first console's Stop)

        commands.OnStop(TakeCommand(MessageType.Stop, 7));
        Assert.Equal((AckResult.Ok, NotReadyReason.None), LastAck());
        commands.OnStop(TakeCommand(MessageType.Stop, 99));
        Assert.Equal((AckResult.UnknownTake, NotReadyReason.None), LastAck());
        Assert.Empty(machine.Transitions);
    }

    [Fact]
    public void APlaybackStartMovesToPlaybackWithItsDelayOrRestartsAPlaybackRunning()
    {
        commands.OnPlaybackStart(TakeCommand(MessageType.PlaybackStart, 7, 250));
        Assert.Equal((AckResult.Ok, NotReadyReason.None), LastAck());
        Assert.Equal((BoxState.Playback, BoxEvent.PlaybackStartCommand), machine.Transitions.Single());
        Assert.Equal(12000, commands.PlaybackDelayFrames);

        commands.OnPlaybackStart(TakeCommand(MessageType.PlaybackStart, 7, 100));
        Assert.Equal((AckResult.Ok, NotReadyReason.None), LastAck());
        Assert.Single(machine.Transitions); // already playing: the playout starts again, no transition
        Assert.Equal(4800, commands.PlaybackDelayFrames);
    }

    [Fact]
    public void APlaybackStartDuringATakeIsBusy()
    {
        StartTake(7, BoxState.Recording);

        commands.OnPlaybackStart(TakeCommand(MessageType.PlaybackStart, 7, 250));

        Assert.Equal((AckResult.Busy, NotReadyReason.Busy), LastAck());
        Assert.Empty(machine.Transitions);
        Assert.Equal(0, commands.PlaybackDelayFrames);
    }

    [Fact]
    public void APlaybackStopReturnsToTheRestingStateAndIsOkAnywhere()
    {
        commands.OnPlaybackStop(TakeCommand(MessageType.PlaybackStop, 7));
        Assert.Equal((AckResult.Ok, NotReadyReason.None), LastAck());
        Assert.Empty(machine.Transitions);

        machine.State = BoxState.Playback;
        machine.RestingState = BoxState.Jamming;
        commands.OnPlaybackStop(TakeCommand(MessageType.PlaybackStop, 7));
        Assert.Equal((AckResult.Ok, NotReadyReason.None), LastAck());
        Assert.Equal((BoxState.Jamming, BoxEvent.PlaybackStopCommand), machine.Transitions.Single());
    }

    [Fact]
    public void ACalibrateCalibratesFromARestingStateIsOkWhileCalibratingAndBusyElsewhere()
    {
        machine.State = BoxState.Jamming;
        commands.OnCalibrate(Calibrate());
        Assert.Equal((AckResult.Ok, NotReadyReason.None), LastAck());
        Assert.Equal((BoxState.Calibrating, BoxEvent.CalibrateCommand), machine.Transitions.Single());

        commands.OnCalibrate(Calibrate()); // now calibrating
        Assert.Equal((AckResult.Ok, NotReadyReason.None), LastAck());

        machine.State = BoxState.Joining;
        commands.OnCalibrate(Calibrate());
        Assert.Equal((AckResult.Busy, NotReadyReason.Busy), LastAck());
        Assert.Single(machine.Transitions);
    }

    [Fact]
    public void AFileRequestDuringATakeIsIgnoredAndOneForNoDataIsDroppedWithAWarning()
    {
        StartTake(7, BoxState.Recording);
        commands.OnFileRequest(new FileRequestMessage { TakeId = 7, Part = 0, Offset = 0, RequestLength = 4096 });
        Assert.Equal(1, link.IgnoredDatagrams);
        Assert.Equal(0, files.BadRequests);

        machine.State = BoxState.Ready;
        commands.OnFileRequest(new FileRequestMessage { TakeId = 99, Part = 0, Offset = 0, RequestLength = 4096 });
        Assert.Equal(1, files.BadRequests);
        Assert.False(files.HasRequests);
        Assert.Contains(lines, l => l.Level == LogLevel.Warning && l.Text.StartsWith("file request dropped (take 99", StringComparison.Ordinal));
    }

    [Fact]
    public void HandleGivesEachCommandTheLinkDecodedToItsHandler()
    {
        machine.State = BoxState.Calibrating;
        commands.Handle(MessageType.Calibrate, 0); // the link's Calibrate, as decoded last (none yet: its blank one)
        messageId = link.Calibrate.MessageId;
        Assert.Equal((AckResult.Ok, NotReadyReason.None), LastAck());
        Assert.Empty(machine.Transitions);
    }

    private void StartTake(uint takeId, BoxState state)
    {
        Assert.Equal(TakeSession.Started, take.Start(Record(takeId), 10 * BlockFrames, 300, PreRollFrames, 1, "drums", 42, DateTime.UtcNow));
        machine.State = state;
    }

    private (byte Result, byte Reason) LastAck()
    {
        byte[] d = socket.Sent.Last(x => x[3] == (byte)MessageType.Ack);
        var ack = new AckMessage();
        Assert.Equal(DecodeResult.Ok, ack.Read(d, 0, d.Length));
        Assert.Equal(messageId, ack.AckedId);
        return (ack.Result, ack.Reason);
    }

    private RecordMessage Record(uint takeId, int sampleRate = 48000) => new()
    {
        MessageId = ++messageId, TakeId = takeId, TempoCentiBpm = 12000, BeatsPerBar = 4, BeatUnit = 4, CountInBars = 1,
        StartDelayMilliseconds = 20, SampleRate = sampleRate, Project = "p", Scene = "s", Track = "t",
        SourceSlot = Slot.FirstEngineer, DestinationSlot = 3,
    };

    private TakeControlMessage TakeCommand(MessageType type, uint takeId, int delayMilliseconds = 0) => new(type)
    {
        MessageId = ++messageId, TakeId = takeId, StartDelayMilliseconds = delayMilliseconds, SourceSlot = Slot.FirstEngineer, DestinationSlot = 3,
    };

    private SimpleControlMessage Calibrate() => new(MessageType.Calibrate)
    {
        MessageId = ++messageId, SourceSlot = Slot.FirstEngineer, DestinationSlot = 3,
    };

    /// <summary>The state machine's stand-in: a state the test sets, the transitions and take starts asked for.</summary>
    private sealed class Machine : IBoxMachine
    {
        public BoxState State { get; set; }

        public BoxState RestingState { get; set; } = BoxState.Ready;

        public int LatencyFrames { get; set; }

        public bool StartTakeSucceeds { get; set; } = true;

        public List<(BoxState To, BoxEvent Cause)> Transitions { get; } = new();

        public List<uint> Started { get; } = new();

        public void Transition(BoxState to, BoxEvent cause, string detail)
        {
            Transitions.Add((to, cause));
            State = to;
        }

        public bool StartTake(RecordMessage record)
        {
            Started.Add(record.TakeId);
            return StartTakeSucceeds;
        }
    }
}
