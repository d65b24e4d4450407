using Octomix.Box;
using Octomix.Protocol;
using Octomix.Tests.Shared;

namespace Octomix.Box.Tests;

/// <summary>
/// Progressive collection over the native writer's durable read (IAppendFile.ReadDurable: the
/// custom image's own read handle on the preallocated run, a cluster link map, no chain walk):
/// the chunks carry the card's bytes, nothing at or past the synced length is read, no managed
/// read handle is opened, the writer's task in the middle of a piece makes the block serve nothing
/// (the next one tries again), and a block allocates nothing.
/// </summary>
public class ProgressiveDurableReadTests
{
    private const uint Take = 44;

    private static BoxHarness Recording(double seconds) => ProgressiveTakeRig.Recording(Take, seconds, native: true);

    private static byte[] CardData(BoxHarness h, long offset, int length) => ProgressiveTakeRig.CardData(h, Take, offset, length);

    private static List<(FileDataMessage Message, byte[] Data)> FileData(BoxHarness h) => ProgressiveTakeRig.FileData(h);

    [Fact]
    public void TheChunksCarryTheCardsBytesReadNativelyWithoutAManagedHandle()
    {
        using var h = Recording(3);
        var files = h.Controller.Files;
        var task = h.Box.Board.SimulatedCard.LastAppendFile!;
        Assert.True(task.DurableReadAvailable);
        long durable = h.Controller.Recorder.DurableDataBytes;

        // an old gap from the take's start and a recent one, unaligned
        h.Server.SendAsEngineer(new FileRequestMessage { TakeId = Take, Part = 0, Offset = 700, RequestLength = 3000 });
        h.Server.SendAsEngineer(new FileRequestMessage { TakeId = Take, Part = 0, Offset = (uint)(durable - 2500), RequestLength = 2000 });
        h.Run(BoxSettings.DefaultProgressiveEveryBlocks * 20);

        var got = FileData(h);
        Assert.Equal(3000 + 2000, got.Sum(g => g.Message.DataLength));
        foreach (var (m, data) in got)
        {
            Assert.Equal(Take, m.TakeId);
            Assert.Equal(CardData(h, m.Offset, m.DataLength), data);
        }

        Assert.Equal(got.Count, files.ProgressiveDurableReads);
        Assert.Equal(got.Count, task.DurableReads);
        Assert.Equal(0, files.ProgressiveOpens); // no managed read handle: no open, no seek from the first cluster
        Assert.False(task.CardHeld);
        Assert.Equal(BoxState.Recording, h.Controller.State);
    }

    [Fact]
    public void NothingAtOrPastTheSyncedLengthIsRead()
    {
        using var h = Recording(2);
        var task = h.Box.Board.SimulatedCard.LastAppendFile!;
        long synced = task.SyncedLength;
        Assert.True(synced > 8192, "synced " + synced);
        var buffer = new byte[4096];

        Assert.Equal(0, task.ReadDurable(synced, buffer, 0, 512));
        Assert.Equal(0, task.ReadDurable(synced + 10000, buffer, 0, 512));
        Assert.Equal(100, task.ReadDurable(synced - 100, buffer, 0, 512)); // cut at the synced length
        Assert.True(task.Position > synced, "the writer holds more than is synced (what must not be read)");

        // the box: a request wholly past the durable end is refused, a straddling one cut there
        var files = h.Controller.Files;
        long durable = h.Controller.Recorder.DurableDataBytes;
        long refused = files.ProgressiveRefused;
        h.Server.SendAsEngineer(new FileRequestMessage { TakeId = Take, Part = 0, Offset = (uint)(durable + 4096), RequestLength = 1024 });
        h.Server.SendAsEngineer(new FileRequestMessage { TakeId = Take, Part = 0, Offset = (uint)(durable - 300), RequestLength = 4096 });
        h.Run(BoxSettings.DefaultProgressiveEveryBlocks * 4);
        Assert.Equal(refused + 1, files.ProgressiveRefused);
        var got = FileData(h);
        Assert.True(got.Sum(g => g.Message.DataLength) <= 300 + (h.Controller.Recorder.DurableDataBytes - durable));
        Assert.All(got, g => Assert.True(g.Message.Offset + g.Message.DataLength <= durable, "past the durable end when asked: " + g.Message.Offset));
        Assert.Equal(300, got.Sum(g => g.Message.DataLength));
    }

    [Fact]
    public void WhileTheTaskWritesAPieceTheBlockServesNothingAndTheNextTriesAgain()
    {
        using var h = Recording(1.5);
        var task = h.Box.Board.SimulatedCard.LastAppendFile!;
        var files = h.Controller.Files;
        int every = BoxSettings.DefaultProgressiveEveryBlocks;

        task.TaskWriting = true;
        h.Server.SendAsEngineer(new FileRequestMessage { TakeId = Take, Part = 0, Offset = 0, RequestLength = 1024 });
        h.Run(every * 3);
        Assert.Equal(0, files.ProgressiveChunks);
        Assert.Equal(0, task.DurableReads);
        Assert.True(files.ProgressiveCardBusy >= 2 * every - 1, "every block after the first due one tried again: " + files.ProgressiveCardBusy);

        task.TaskWriting = false;
        h.Run(1);
        Assert.Equal(1, files.ProgressiveChunks);
        h.Run(every * 2);
        Assert.Equal(2, files.ProgressiveChunks);
        Assert.Equal(2, task.CardHolds); // each read held the card itself, and let it go
        Assert.False(task.CardHeld);
    }

    [Fact]
    public void ServingThroughTheDurableReadAllocatesNothingPerBlock()
    {
        using var h = Recording(2.5);
        const int blocks = 400; // the native writer reads: no managed handle
        var (allocated, served) = ProgressiveTakeRig.AllocationWhileServing(h, Take, blocks);
        Assert.Equal(BoxState.Recording, h.Controller.State);
        Assert.Equal(blocks / BoxSettings.DefaultProgressiveEveryBlocks, served);
        Assert.Equal(0, allocated);
        Assert.Equal(0, h.Controller.Files.ProgressiveOpens);
    }
}
