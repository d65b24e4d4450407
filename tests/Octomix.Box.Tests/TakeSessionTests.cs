using Octomix.Board.Simulated;
using Octomix.Drivers.Click;
using Octomix.Drivers.Ui;
using Octomix.Hal;
using Octomix.Protocol;

namespace Octomix.Box.Tests;

/// <summary>
/// The take session on its own: the simulated card, an in-memory sender, no loop and no state
/// machine (the box's use of it: ControllerTransitionTests, CardFullTests, BoxCommandTests).
/// </summary>
public sealed class TakeSessionTests : IDisposable
{
    private const int BlockFrames = 256;
    private static readonly PcmFormat Format = new(48000, 2, 3);
    private readonly string folder = Path.Combine(Path.GetTempPath(), "octomix-takesession-" + Guid.NewGuid().ToString("N"));
    private readonly List<(LogLevel Level, string Text)> lines = new();
    private readonly SimulatedBoard board;
    private readonly RoomLinkTests.MemorySocket sender = new();
    private readonly Recorder recorder;
    private readonly AudioStreamer streamer;
    private readonly TakeSession session;
    private readonly byte[] block = new byte[BlockFrames * 6];

    public TakeSessionTests()
    {
        board = new SimulatedBoard(new SimulatedBoardOptions { CardFolder = folder, LogSink = (l, t) => lines.Add((l, t)) });
        board.Card.Mount();
        var clicks = new[]
        {
            new ClickGenerator(Format, ClickSound.Beep, 100),
            new ClickGenerator(Format, ClickSound.Woodblock, 100),
            new ClickGenerator(Format, ClickSound.HiHat, 100),
        };
        recorder = new Recorder(board.Card, Format);
        streamer = new AudioStreamer(Format, BlockFrames, 2, 1234);
        session = new TakeSession(Format, BlockFrames, clicks, 2, recorder, streamer, sender, new StatusLightDriver(board.Lights), board.Log);
    }

    public void Dispose()
    {
        if (Directory.Exists(folder))
        {
            Directory.Delete(folder, true);
        }
    }

    private static RecordMessage Record(uint take, byte flags2 = 0, int tempo = 12000) => new()
    {
        TakeId = take, TempoCentiBpm = tempo, BeatsPerBar = 4, BeatUnit = 4, CountInBars = 1, StartDelayMilliseconds = 20,
        SampleRate = 48000, Project = "p", Scene = "s", Track = "t", Flags2 = flags2,
    };

    [Fact]
    public void AStartFixesTheTimelineAtABlockBoundaryAfterTheDelay()
    {
        Assert.Equal(TakeSession.Started, session.Start(Record(7), 10 * BlockFrames, 300, 24000, 1, "drums", 42, DateTime.UtcNow));
        Assert.Equal(7u, session.CurrentTake);
        Assert.Equal(7u, session.LastTake);
        // 20 ms = 960 frames = 4 blocks (rounded up) after the next block
        Assert.Equal((11 + 4) * BlockFrames, session.Timeline.FilePosition);
        Assert.Equal(48000L * 4 * 60 / 120, session.Click.CountInFrames); // one 4/4 bar at 120 BPM, click_sound 1 (the Record named none)
        Assert.True(recorder.IsOpen);
        Assert.Equal(NoticeCode.TakeStopped, session.StopNotice);
    }

    [Fact]
    public void AStartedTakeIsDescribedForTheLogWithItsTempoCountInAndFileStart()
    {
        Assert.Equal(TakeSession.Started, session.Start(Record(7, tempo: 12050), 10 * BlockFrames, 300, 24000, 1, "drums", 42, DateTime.UtcNow));

        string line = session.Describe(Record(7, tempo: 12050), 300);

        Assert.StartsWith("take 7, 120.50 BPM 4/4, count-in 1 bar(s) = " + session.Click.CountInFrames + " frames; file starts at take index "
            + session.Timeline.FirstSampleIndex + " (L 300, loop position " + session.Timeline.FilePosition + "), TimeReference ", line, StringComparison.Ordinal);
    }

    [Fact]
    public void ATempoTheClickCannotPlayStartsNothing()
    {
        Assert.Equal(TakeSession.BadClick, session.Start(Record(3, tempo: 100), 0, 300, 24000, 1, "drums", 42, DateTime.UtcNow));
        Assert.Equal(0u, session.CurrentTake);
        Assert.False(recorder.IsOpen);
        Assert.Contains(lines, l => l.Level == LogLevel.Warning && l.Text.StartsWith("record take 3:", StringComparison.Ordinal));
    }

    [Fact]
    public void BlocksAreWrittenFromTheFilePositionAndTheCountInEndsOnce()
    {
        session.Start(Record(5), 0, 300, 24000, 1, "drums", 42, DateTime.UtcNow);
        long filePosition = session.Timeline.FilePosition;
        var seen = new List<int>();
        long position = BlockFrames;
        for (; position < filePosition; position += BlockFrames)
        {
            Assert.Equal(TakeSession.Going, session.Capture(block, position));
        }

        Assert.Equal(0, recorder.FramesSoFar);
        int countInDone = 0;
        long doneAt = -1;
        for (int i = 0; i < 1000; i++, position += BlockFrames)
        {
            int what = session.Capture(block, position);
            if (what == TakeSession.CountInDone)
            {
                countInDone++;
                doneAt = position;
            }
        }

        Assert.Equal(1, countInDone);
        long t = session.Timeline.TakeIndexAt(doneAt);
        Assert.True(t <= 0 && t + BlockFrames > 0, "take index 0 is in the block that ended the count-in");
        Assert.Equal(1000L * BlockFrames, recorder.FramesSoFar);
        Assert.Empty(sender.Sent); // the Record did not ask for the stream
    }

    [Fact]
    public void ATakeAskedToStreamSendsItsBlocksWithTheirTakeIndex()
    {
        streamer.Begin(9, Slot.Engineers, 1, 3);
        session.Start(Record(9, RecordFlags.StreamAudio), 0, 300, 24000, 1, "drums", 42, DateTime.UtcNow);
        Assert.True(session.Streaming);
        long position = session.Timeline.FilePosition;
        session.Capture(block, position);
        Assert.NotEmpty(sender.Sent);
        byte[] packet = sender.Sent[0];
        Assert.Equal((byte)MessageType.Audio, packet[3]);
        Assert.Equal(session.Timeline.TakeIndexAt(position), AudioPacket.ReadTimecode(packet, 0));
    }

    [Fact]
    public void AFullCardStopsTheTakeAndTheStopRulesAnswerForIt()
    {
        session.Start(Record(11), 0, 300, 24000, 1, "drums", 42, DateTime.UtcNow);
        board.SimulatedCard.CapacityBytes = board.SimulatedCard.UsedBytes + (20 * block.Length);
        long position = session.Timeline.FilePosition;
        int what = TakeSession.Going;
        for (int i = 0; i < 200 && (what == TakeSession.Going || what == TakeSession.CountInDone); i++, position += BlockFrames)
        {
            what = session.Capture(block, position);
        }

        Assert.Equal(TakeSession.CardFull, what);
        session.Stopping(NoticeCode.TakeStoppedCardFull);

        // while it stops: a Record of it is "ok", another is busy; a Stop of it or of none stops it
        Assert.True(session.IsRunning(11));
        Assert.False(session.IsRunning(12));
        Assert.True(session.Stops(11));
        Assert.True(session.Stops(0));
        Assert.False(session.Stops(12));

        session.Close();
        Assert.Equal(NoticeCode.TakeStoppedCardFull, session.StopNotice);
        var files = new TakeFileServer(board.Card, board.Clock, 2000, 4096, 2, TakeFileServer.DefaultChunkBytes);
        Assert.Equal(11u, session.HandOver(files));
        Assert.Equal(0u, session.CurrentTake);
        Assert.True(files.ChecksumPending || recorder.HasDigest);

        // a Stop that comes late (a box that missed it, a second console) still knows the take
        Assert.True(session.StoppedAlready(11));
        Assert.False(session.StoppedAlready(0));
        Assert.False(session.StoppedAlready(10));
    }

    [Fact]
    public void AnOverrunIsToldOnceATakeAndCountedUntilTheNext()
    {
        session.Start(Record(1), 0, 300, 24000, 1, "drums", 42, DateTime.UtcNow);
        Assert.True(session.Overrun(2));
        Assert.False(session.Overrun(3));
        Assert.True(session.OverrunThisTake);
        Assert.Equal(5, session.OverrunBlocksThisTake);
        session.Close();
        session.Start(Record(2), 0, 300, 24000, 1, "drums", 42, DateTime.UtcNow);
        Assert.False(session.OverrunThisTake);
        Assert.Equal(0, session.OverrunBlocksThisTake);
    }
}
