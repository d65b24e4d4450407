using Octomix.Board.Simulated;
using Octomix.Drivers.Click;
using Octomix.Drivers.Ui;
using Octomix.Hal;
using Octomix.Protocol;

namespace Octomix.Box.Tests;

/// <summary>
/// The box's fields of the heartbeat's Status on their own: the parts on the simulated card, no
/// loop and no state machine (the box's use of it: ControllerTransitionTests, CardFullTests, StallTests, BufferTests).
/// </summary>
public sealed class StatusReportTests : IDisposable
{
    private const int BlockFrames = 256;
    private static readonly PcmFormat Format = new(48000, 2, 3);
    private readonly string folder = Path.Combine(Path.GetTempPath(), "octomix-status-" + Guid.NewGuid().ToString("N"));
    private readonly SimulatedBoard board;
    private readonly CardHealth cardHealth;
    private readonly TakeSession take;
    private readonly LevelMeter meter = new(Format.Channels, Format.BytesPerSample);
    private readonly StatusReport report;

    public StatusReportTests()
    {
        board = new SimulatedBoard(new SimulatedBoardOptions { CardFolder = folder });
        var log = new RoomLinkTests.ListLog(new List<(LogLevel Level, string Text)>());
        cardHealth = new CardHealth(board.Card);
        Assert.True(cardHealth.Mount(log));
        cardHealth.SelfTest(board.Clock, Format, BlockFrames * Format.FrameBytes, 150, log);
        var clicks = new[]
        {
            new ClickGenerator(Format, ClickSound.Beep, 100),
            new ClickGenerator(Format, ClickSound.Woodblock, 100),
            new ClickGenerator(Format, ClickSound.HiHat, 100),
        };
        var recorder = new Recorder(board.Card, Format);
        var streamer = new AudioStreamer(Format, BlockFrames, 2, 1234);
        take = new TakeSession(Format, BlockFrames, clicks, 2, recorder, streamer, new RoomLinkTests.MemorySocket(), new StatusLightDriver(board.Lights), log);
        report = new StatusReport(cardHealth, new StallDetector());
        report.Attach(Format, take, streamer, meter, recorder, new PlayoutBuffer(Format.SampleRate, Format.FrameBytes));
    }

    public void Dispose()
    {
        if (Directory.Exists(folder))
        {
            Directory.Delete(folder, true);
        }
    }

    [Fact]
    public void ARestingCalibratedBoxReportsItsCardItsRoundTripAndTheLoopPosition()
    {
        var status = Fill(BoxState.Ready, 300, 12345, BoxErrorCode.SdCardFull);

        Assert.Equal((byte)BoxState.Ready, status.State);
        Assert.Equal(StatusFlags.SdCardOk | StatusFlags.SdFastEnough | StatusFlags.Calibrated, status.StatusFlags);
        Assert.Equal(300, status.LatencySamples);
        Assert.Equal(12345L, status.Timecode); // no take: the loop position
        Assert.Equal(0u, status.TakeId);
        Assert.Equal((byte)BoxErrorCode.SdCardFull, status.ErrorCode);
        Assert.Equal(cardHealth.WriteKBps, status.SdWriteKBps);
        Assert.Equal((uint)(cardHealth.FreeBytes >> 20), status.SdFreeMiB);
        Assert.Equal(StatusMessage.CardSeconds(cardHealth.FreeBytes, Format.ByteRate), status.CardFreeSeconds);
    }

    [Fact]
    public void ABoxNotCalibratedOnAFullCardSaysSo()
    {
        cardHealth.MarkFull();
        var status = Fill(BoxState.Ready, -1, 0, 0);

        Assert.Equal(StatusFlags.SdCardOk | StatusFlags.SdFastEnough | StatusFlags.SdFull, status.StatusFlags);
        Assert.Equal(-1, status.LatencySamples);
    }

    [Fact]
    public void DuringATakeTheStatusNamesItAndCountsInTakeIndices()
    {
        Assert.Equal(TakeSession.Started, take.Start(Record(7), 10 * BlockFrames, 300, 24000, 1, "drums", 42, DateTime.UtcNow));
        long position = take.Timeline.FilePosition + 1000;

        var status = Fill(BoxState.Recording, 300, position, 0);

        Assert.Equal(StatusFlags.Recording, status.StatusFlags & StatusFlags.Recording);
        Assert.Equal(7u, status.TakeId);
        Assert.Equal(take.Timeline.TakeIndexAt(position), status.Timecode);

        // afterwards the last take and the loop position again
        status = Fill(BoxState.Collecting, 300, position, 0);
        Assert.Equal(0, status.StatusFlags & StatusFlags.Recording);
        Assert.Equal(7u, status.TakeId);
        Assert.Equal(position, status.Timecode);
    }

    [Fact]
    public void EachStatusCarriesThePeaksSinceTheOneBefore()
    {
        byte silent = Fill(BoxState.Ready, 300, 0, 0).PeakDb0;
        var loud = new byte[BlockFrames * Format.FrameBytes];
        for (int i = 0; i < loud.Length; i += 3)
        {
            loud[i + 2] = 0x60; // a high 24-bit sample on every channel
        }

        meter.Probe(loud, 0, BlockFrames);
        Assert.True(Fill(BoxState.Ready, 300, 0, 0).PeakDb0 < silent); // -dBFS: 255 is silence
        Assert.Equal(silent, Fill(BoxState.Ready, 300, 0, 0).PeakDb0);
    }

    private StatusMessage Fill(BoxState state, int latency, long position, int errorCode)
    {
        var status = new StatusMessage();
        report.Fill(status, state, latency, position, errorCode);
        return status;
    }

    private static RecordMessage Record(uint takeId) => new()
    {
        TakeId = takeId, TempoCentiBpm = 12000, BeatsPerBar = 4, BeatUnit = 4, CountInBars = 1, StartDelayMilliseconds = 20,
        SampleRate = 48000, Project = "p", Scene = "s", Track = "t",
    };
}
