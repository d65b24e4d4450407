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
