using Octomix.Box;
using Octomix.Protocol;

namespace Octomix.Box.Tests;

/// <summary>
/// The take is ready right after Stop — no pass over the file — and its FileInfo checksum is still
/// the one of the file's data on the card: on a board with the native take writer (a custom image;
/// <c>card_write_bytes</c> above 0, the default) the writer sums it as it writes; with the loop
/// writing every block (<c>card_write_bytes = 0</c> or a stock image),
/// <c>digest_while_recording = on</c> sums it in managed code.
/// </summary>
public class DigestWhileRecordingTests
{
    [Theory]
    [InlineData(16, 2, 0, true)]
    [InlineData(24, 1, 0, true)]
    [InlineData(16, 2, 32768, false)] // the native writer, the default
    [InlineData(24, 2, 32768, false)]
    [InlineData(24, 1, 4096, true)]   // the setting is moot with the writer: its digest is used, no managed sum
    public void TheTakeIsReadyAtStopWithTheChecksumOfTheCard(int bits, int channels, int cardWriteBytes, bool digestWhileRecording)
    {
        using var h = new BoxHarness(o => { o.CardReadBytesPerSecond = 300_000; o.NativeTakeWriter = true; },
            extraSettings: $"digest_while_recording = {(digestWhileRecording ? "on" : "off")}\nbits = {bits}\nchannels = {channels}\ncard_write_bytes = {cardWriteBytes}");
        h.JoinAndCalibrate();
        h.Record(51, 12000, countInBars: 0);
        Assert.True(h.RunUntil(c => c.State == BoxState.Recording, 1000), h.Log());
        h.RunUntil(c => c.Recorder.FramesSoFar > 2 * 48000, 100000);
        h.Stop(51);
        Assert.True(h.RunUntil(c => c.State is BoxState.Collecting or BoxState.Ready, 100), h.Log());
        int blocks = 0;
        while (h.Controller.State == BoxState.Collecting && blocks < 1000)
        {
            h.Step();
            blocks++;
        }

        Assert.Equal(BoxState.Ready, h.Controller.State);
        Assert.InRange(blocks, 0, 2); // ready with the file's close; without the digest: ~3,000 blocks at this card speed
        Assert.Equal(0, h.Controller.Files.ChecksumTurns);
        Assert.True(h.Controller.Recorder.HasDigest);

        var info = new FileInfoMessage();
        h.Controller.Files.Describe(info, 51, 0, recording: false);
        Assert.Equal(FileStatus.Ready, info.FileStatus);
        var wav = WavFile.Read(Path.Combine(h.CardFolder, Recorder.TakePath(51)));
        var sum = new TakeChecksum();
        sum.Update(wav.Data, 0, wav.Data.Length);
        Assert.Equal((uint)wav.Data.Length, info.DataBytes);
        Assert.Equal(sum.A, info.ChecksumA);
        Assert.Equal(sum.B, info.ChecksumB);
    }

    [Fact]
    public void WithoutTheNativeWriterAndTheSettingTheChecksumPassRunsAfterStop() // card_write_bytes = 0 turns the writer off
    {
        using var h = new BoxHarness(o => o.NativeTakeWriter = true, extraSettings: "card_write_bytes = 0");
        h.JoinAndCalibrate();
        h.Record(52, 12000, countInBars: 0);
        Assert.True(h.RunUntil(c => c.State == BoxState.Recording, 1000), h.Log());
        h.RunUntil(c => c.Recorder.FramesSoFar > 48000, 100000);
        h.Stop(52);
        Assert.True(h.RunUntil(c => c.State == BoxState.Ready, 20000), h.Log());
        Assert.False(h.Controller.Recorder.HasDigest);
        Assert.True(h.Controller.Files.ChecksumTurns > 0);
    }

    [Fact]
    public void ADigestOfAnotherLengthIsRefused()
    {
        string folder = Path.Combine(Path.GetTempPath(), "octomix-digest-" + Guid.NewGuid().ToString("N"));
        try
        {
            var time = new Octomix.Board.Simulated.SimulatedTime(false);
            var card = new Octomix.Board.Simulated.SimulatedCard(folder, time);
            Assert.True(card.Mount());
            string path = ChecksumBudgetTests.WriteTake(card, 53, blocks: 10);
            var files = new TakeFileServer(card, new Octomix.Board.Simulated.SimulatedClock(time, DateTime.UnixEpoch), 1333, 4096, 2, 512);
            files.TakeClosed(53, path, 1, 0, 805);
            Assert.True(files.ChecksumPending);
            Assert.False(files.DigestKnown(53, 0, 1, 2, 10 * 1024 - 1));
            Assert.False(files.DigestKnown(54, 0, 1, 2, 10 * 1024));
            Assert.True(files.ChecksumPending);
            Assert.True(files.DigestKnown(53, 0, 1, 2, 10 * 1024));
            Assert.False(files.ChecksumPending);
        }
        finally
        {
            Directory.Delete(folder, true);
        }
    }
}
