using Octomix.Box;
using Octomix.Drivers.Ui;
using Octomix.Protocol;
using Xunit.Abstractions;

namespace Octomix.Box.Tests;

public class CardFullTests
{
    private readonly ITestOutputHelper output;

    public CardFullTests(ITestOutputHelper output)
    {
        this.output = output;
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)] // the native take writer: a piece that does not fit is lost, the sizes say what is on the card
    public void ACardThatFillsUpStopsTheTakeCleanlyAndTellsTheEngineers(bool nativeTakeWriter)
    {
        using var h = new BoxHarness(o => o.NativeTakeWriter = nativeTakeWriter);
        h.JoinAndCalibrate();
        var card = h.Board.SimulatedCard;
        card.CapacityBytes = card.UsedBytes + 400_000; // about two seconds of 48 kHz stereo 16 bit
        uint id = h.Record(41, 12000, countInBars: 1);
        Assert.True(h.RunUntil(c => c.State == BoxState.Collecting, 5000), h.Log());
        Assert.Equal(AckResult.Ok, h.Server.AckFor(id)!.Result);
        Assert.True(h.Saw(BoxState.CountIn, BoxState.Stopping, BoxEvent.CardFull) || h.Saw(BoxState.Recording, BoxState.Stopping, BoxEvent.CardFull), h.Log());
        Assert.Equal(LightPattern.Error, h.Controller.Lights.Pattern); // flashes "card full"
        Assert.Equal(BoxErrorCode.SdCardFull, h.Controller.Lights.ErrorCode);

        h.Run(100);
        var notice = h.Server.Notices().Single(n => n.Code == NoticeCode.TakeStoppedCardFull);
        Assert.Equal(41u, notice.TakeId);
        var wav = WavFile.Read(Path.Combine(h.CardFolder, "takes", "take-000041.wav"));
        output.WriteLine($"card full after {notice.Detail} frames; the file holds {wav.Frames} frames");
        Assert.Equal(notice.Detail, wav.Frames); // the header says exactly what is on the card
        Assert.True(wav.Frames > 48000);
        string ffprobe = ExternalTool.Run("ffprobe", "-v", "error", "-show_entries", "format=duration", "-of", "default=nw=1:nk=1",
            Path.Combine(h.CardFolder, "takes", "take-000041.wav"));
        Assert.Equal(wav.Frames / 48000.0, double.Parse(ffprobe.Trim(), System.Globalization.CultureInfo.InvariantCulture), 3);

        var status = h.Server.Statuses().Last();
        Assert.Equal(StatusFlags.SdFull, status.StatusFlags & StatusFlags.SdFull);

        uint next = h.Record(42);
        h.Run(5);
        Assert.Equal(AckResult.NotReady, h.Server.AckFor(next)!.Result);
        Assert.Equal(NotReadyReason.CardFull, h.Server.AckFor(next)!.Reason);

        // and the take is still served: FileInfo is ready with the checksum of what is on the card
        Assert.True(h.RunUntil(c => c.State == BoxState.Ready, 3000));
        uint ask = h.Server.NextId();
        h.Server.SendAsEngineer(new FileInfoRequestMessage { MessageId = ask, TakeId = 41 });
        h.Run(3);
        var info = h.Server.Decoded(MessageType.FileInfo, () => new FileInfoMessage()).Last(f => f.MessageId == ask);
        Assert.Equal(FileStatus.Ready, info.FileStatus);
        Assert.Equal((uint)wav.Frames, info.FrameCount);
    }
}

public class CardFreeTimeTests
{
    [Fact]
    public void StatusSaysHowLongTheCardStillRecordsAtTheFormatAndATakeUsesItUp()
    {
        long free = 20L << 20; // 20 MiB: 109 s of 48 kHz stereo 16 bit
        using var h = new BoxHarness(o => o.CardCapacityBytes = free);
        h.JoinAndCalibrate();
        var card = h.Board.SimulatedCard;
        h.Run(60);
        var idle = h.Server.Statuses().Last();
        long expected = card.FreeBytes / (48_000 * 2 * 2);
        Assert.InRange(expected, 100, 110);
        Assert.Equal((uint)expected, idle.CardFreeSeconds);
        Assert.Equal(StatusMessage.CardSeconds(card.FreeBytes, 48_000 * 4), idle.CardFreeSeconds);

        // while recording, what the take has written is taken off
        h.Record(7, 12000, countInBars: 0);
        Assert.True(h.RunUntil(c => c.State == BoxState.Recording, 3000), h.Log());
        h.Run(1000); // ~5 s of blocks
        var recording = h.Server.Statuses().Last();
        Assert.InRange((long)recording.CardFreeSeconds, expected - 8, expected - 3);
    }

    [Fact]
    public void WithoutACardOrAFormatTheCardTimeIsUnknownAndItNeverWrapsToUnknown()
    {
        // (a box without a card has no settings and so never joins: the rule is checked here)
        Assert.Equal(StatusMessage.CardFreeUnknown, StatusMessage.CardSeconds(-1, 192_000));
        Assert.Equal(StatusMessage.CardFreeUnknown, StatusMessage.CardSeconds(1 << 20, 0));
        Assert.Equal(0u, StatusMessage.CardSeconds(191_999, 192_000));
        Assert.Equal(StatusMessage.CardFreeUnknown - 1, StatusMessage.CardSeconds(long.MaxValue, 1));
    }
}
