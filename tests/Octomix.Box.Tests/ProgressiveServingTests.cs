using Octomix.Box;
using Octomix.Protocol;
using Octomix.Tests.Shared;

namespace Octomix.Box.Tests;

/// <summary>
/// Progressive collection on the box: while a take records, FileRequests for that take are served
/// from what the card holds durably (the stock path's last header flush, the native writer's synced
/// length), one chunk at most every <c>progressive_every_blocks</c> blocks; everything else is
/// dropped and counted; FileInfo still says "recording".
/// </summary>
public class ProgressiveServingTests
{
    private const uint Take = 41;

    private static BoxHarness Recording(double seconds, bool native = false, string? settings = null) => ProgressiveTakeRig.Recording(Take, seconds, native, settings);

    private static byte[] CardData(BoxHarness h, long offset, int length) => ProgressiveTakeRig.CardData(h, Take, offset, length);

    private static List<(FileDataMessage Message, byte[] Data)> FileData(BoxHarness h) => ProgressiveTakeRig.FileData(h);

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void WhatTheCardHoldsDurablyIsServedDuringTheTakeOneChunkEveryNthBlock(bool native)
    {
        using var h = Recording(1.5, native);
        long durable = h.Controller.Recorder.DurableDataBytes;
        Assert.True(durable >= 48000 * 4 / 2, $"durable {durable} bytes after 1.5 s"); // at least the first flush or sync
        Assert.True(durable <= h.Controller.Recorder.FramesSoFar * 4);
        long turns = h.Controller.Files.ServeTurns;

        h.Server.SendAsEngineer(new FileRequestMessage { TakeId = Take, Part = 0, Offset = 1000, RequestLength = 4000 });
        int every = BoxSettings.DefaultProgressiveEveryBlocks;
        h.Run(every * 3);
        int early = FileData(h).Count;
        Assert.InRange(early, 2, 3); // one chunk per `every` blocks, not one per block
        h.Run(every * 10);
        Assert.Equal(BoxState.Recording, h.Controller.State);

        var chunks = FileData(h);
        Assert.Equal(8, chunks.Count); // 4000 bytes = 7 × 512 + 416
        Assert.Equal(4000, chunks.Sum(c => c.Message.DataLength));
        foreach (var (m, data) in chunks)
        {
            Assert.Equal(Take, m.TakeId);
            Assert.Equal(CardData(h, m.Offset, m.DataLength), data);
        }

        Assert.Equal(1000u, chunks[0].Message.Offset);
        Assert.Equal(8, h.Controller.Files.ProgressiveChunks);
        Assert.Equal(4000, h.Controller.Files.ProgressiveBytes);
        Assert.Equal(turns + 8, h.Controller.Files.ServeTurns); // priced like any serving turn
        Assert.Equal(1, h.Controller.Files.ServeMaxChunksPerTurn);

        // FileInfo still says the take is recording: the console cannot verify before Stop
        uint id = h.Server.NextId();
        h.Server.SendAsEngineer(new FileInfoRequestMessage { MessageId = id, TakeId = Take, Part = 0 });
        h.Run(3);
        Assert.Equal(FileStatus.Recording, h.Server.Decoded(MessageType.FileInfo, () => new FileInfoMessage()).Last(f => f.MessageId == id).FileStatus);
    }

    [Fact]
    public void RangesNotYetDurableAreRefusedAndAStraddlingOneIsCutAtTheDurableEnd()
    {
        using var h = Recording(1.5);
        long flushed = h.Controller.Recorder.DurableDataBytes;
        Assert.True(h.RunUntil(c => c.Recorder.DurableDataBytes != flushed, 400), "the next header flush"); // the one after is a second away
        long durable = h.Controller.Recorder.DurableDataBytes;
        h.Run(2);
        Assert.True(durable < h.Controller.Recorder.FramesSoFar * 4, "the stock path flushes once a second: the newest audio is not durable yet");
        h.Server.SendAsEngineer(new FileRequestMessage { TakeId = Take, Part = 0, Offset = (uint)durable, RequestLength = 1000 });       // not durable yet
        h.Server.SendAsEngineer(new FileRequestMessage { TakeId = Take + 1, Part = 0, Offset = 0, RequestLength = 1000 });              // another take
        h.Server.SendAsEngineer(new FileRequestMessage { TakeId = Take, Part = 1, Offset = 0, RequestLength = 1000 });                  // another part
        h.Server.SendAsEngineer(new FileRequestMessage { TakeId = Take, Part = 0, Offset = (uint)durable - 300, RequestLength = 5000 }); // straddles the end
        h.Run(3);
        long stillDurable = h.Controller.Recorder.DurableDataBytes;
        h.Run(BoxSettings.DefaultProgressiveEveryBlocks * 4);

        var chunks = FileData(h);
        Assert.Single(chunks);
        Assert.Equal((uint)durable - 300, chunks[0].Message.Offset);
        Assert.Equal(300, chunks[0].Message.DataLength);
        Assert.Equal(CardData(h, durable - 300, 300), chunks[0].Data);
        Assert.Equal(3, h.Controller.Files.ProgressiveRefused);
        Assert.Equal(durable, stillDurable); // (the refusal was not a race with the next flush)
        Assert.Contains("file request during take 41 dropped (take 41 part 0 offset " + durable, h.Log(), StringComparison.Ordinal);
    }

    [Fact]
    public void WithProgressiveServingOffEveryRequestDuringTheTakeIsDropped()
    {
        using var h = Recording(1.5, settings: "progressive_every_blocks = 0");
        Assert.Equal(0, h.Controller.Files.ProgressiveEveryBlocks);
        h.Server.SendAsEngineer(new FileRequestMessage { TakeId = Take, Part = 0, Offset = 0, RequestLength = 1000 });
        h.Run(40);
        Assert.Empty(FileData(h));
        Assert.Equal(1, h.Controller.Files.ProgressiveRefused);
    }

    [Fact]
    public void ServingProgressivelyAllocatesNothingPerBlock()
    {
        using var h = Recording(2.5);
        const int blocks = 400; // 50 chunks of the 128 the request asks for; the read handle opened before (its one allocation)
        var (allocated, served) = ProgressiveTakeRig.AllocationWhileServing(h, Take, blocks);
        Assert.Equal(BoxState.Recording, h.Controller.State);
        Assert.Equal(blocks / BoxSettings.DefaultProgressiveEveryBlocks, served);
        Assert.Equal(0, allocated);
        Assert.Equal(1, h.Controller.Files.ProgressiveOpens);
    }

    [Theory]
    [InlineData("", BoxSettings.DefaultProgressiveEveryBlocks)]
    [InlineData("progressive_every_blocks = 0", 0)]
    [InlineData("progressive_every_blocks = 1", 1)]
    [InlineData("progressive_every_blocks = 256", 256)]
    public void TheSettingIsParsed(string line, int expected)
    {
        var s = new BoxSettings();
        var report = SettingsParser.Parse("server_host = 10.0.0.1\njoin_code = ABC\n" + line + "\n", s);
        Assert.Equal(0, report.Count);
        Assert.Equal(expected, s.ProgressiveEveryBlocks);
    }
}
