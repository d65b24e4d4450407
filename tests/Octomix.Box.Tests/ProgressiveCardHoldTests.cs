using Octomix.Box;
using Octomix.Protocol;

namespace Octomix.Box.Tests;

/// <summary>
/// Progressive collection beside a native take writer without the durable read (its file not
/// preallocated, or an image without fast seek: <c>SimulatedCard.DurableRead</c> false; with it,
/// ProgressiveDurableReadTests): the loop's read of the part being recorded, through a managed
/// handle, holds the card (IAppendFile.TryHoldCard) so that it never waits out the writer task's
/// piece on FatFs's volume lock; while the task is writing, the block serves nothing and the next
/// one tries again; the card is always released after the read.
/// </summary>
public class ProgressiveCardHoldTests
{
    private const uint Take = 43;

    [Fact]
    public void AReadWaitsForTheWriterTaskBetweenPiecesAndReleasesTheCard()
    {
        using var h = new BoxHarness(o => o.NativeTakeWriter = true);
        h.Box.Board.SimulatedCard.DurableRead = false;
        h.JoinAndCalibrate();
        h.Record(Take, 12000, countInBars: 0);
        Assert.True(h.RunUntil(c => c.State == BoxState.Recording, 1000), h.Log());
        Assert.True(h.RunUntil(c => c.Recorder.FramesSoFar > 1.5 * 48000, 100000), h.Log());
        var task = h.Box.Board.SimulatedCard.LastAppendFile!;
        var files = h.Controller.Files;
        int every = BoxSettings.DefaultProgressiveEveryBlocks;

        // the task is in the middle of a piece: nothing is read, the wait is counted
        task.TaskWriting = true;
        h.Server.SendAsEngineer(new FileRequestMessage { TakeId = Take, Part = 0, Offset = 0, RequestLength = 2048 });
        h.Run(every * 4);
        Assert.Equal(0, files.ProgressiveChunks);
        Assert.True(files.ProgressiveCardBusy >= 3 * every - 1, "every block after the first due one tried again: " + files.ProgressiveCardBusy);
        Assert.False(task.CardHeld);
        Assert.Equal(0, task.CardHolds);

        // between pieces: the next block reads, holding the card only for the read
        task.TaskWriting = false;
        h.Run(1);
        Assert.Equal(1, files.ProgressiveChunks);
        Assert.Equal(1, task.CardHolds);
        Assert.False(task.CardHeld);
        h.Run(every * 4);
        Assert.Equal(4, files.ProgressiveChunks); // 2048 bytes = 4 × 512
        Assert.Equal(4, task.CardHolds);
        Assert.False(task.CardHeld);
        Assert.Equal(BoxState.Recording, h.Controller.State);
    }

    /// <summary>
    /// The native writer's file has its preallocated size on the card from the start, so one read
    /// handle serves every later request of the take: no reopen (each would cost nanoFramework's
    /// open — a directory sector read and write — and a seek from the first cluster).
    /// </summary>
    [Fact]
    public void OneReadHandleServesTheWholeTakeOnTheNativeWriter()
    {
        using var h = new BoxHarness(o => o.NativeTakeWriter = true);
        h.Box.Board.SimulatedCard.DurableRead = false;
        h.JoinAndCalibrate();
        h.Record(Take, 12000, countInBars: 0);
        Assert.True(h.RunUntil(c => c.State == BoxState.Recording, 1000), h.Log());
        var files = h.Controller.Files;
        for (int i = 0; i < 4; i++)
        {
            long target = (i + 2) * 48000L * 4;
            Assert.True(h.RunUntil(c => c.Recorder.DurableDataBytes > target, 100000), h.Log());
            long durable = h.Controller.Recorder.DurableDataBytes;
            h.Server.SendAsEngineer(new FileRequestMessage { TakeId = Take, Part = 0, Offset = (uint)(durable - 1024), RequestLength = 1024 });
            h.Run(BoxSettings.DefaultProgressiveEveryBlocks * 4);
        }

        Assert.Equal(8, files.ProgressiveChunks);
        Assert.Equal(1, files.ProgressiveOpens);
    }
}
