using Octomix.Board.Simulated;
using Octomix.Hal;
using Xunit.Abstractions;
using Octomix.Tests.Shared;

namespace Octomix.Box.Tests;

/// <summary>
/// The managed heap the box takes on the device, measured where it is taken: everything the box
/// allocates when its audio starts (the network step: every buffer of the loop, the retransmit
/// ring, the playout ring, the click renders, the calibrator's kept blocks, the control messages),
/// on this thread, less what the simulated board itself allocates for its audio. Printed for
/// docs/device-budget.md; the bound is a third of the ~3.5 MB heap of a WROVER.
/// </summary>
public class DeviceHeapBudgetTests
{
    private const long HeapBound = 1_200_000;

    private readonly ITestOutputHelper output;

    public DeviceHeapBudgetTests(ITestOutputHelper output)
    {
        this.output = output;
    }

    [Theory]
    [InlineData(16)]
    [InlineData(24)]
    public void TheBoxsBuffersFitTheWroverHeap(int bits)
    {
        using var h = new BoxHarness(extraSettings: "bits = " + bits, autoJoin: false);
        Assert.True(h.RunUntil(c => c.State == BoxState.Network, 10), h.Log());
        long before = AllocationWindow.Start();
        Assert.True(h.RunUntil(c => c.State == BoxState.Idle, 10), h.Log());
        long step = AllocationWindow.BytesSince(before);

        // What the simulated board allocates for its own audio world (not the box's).
        var board = new SimulatedBoard(new SimulatedBoardOptions { CardFolder = h.CardFolder });
        long boardBefore = AllocationWindow.Start();
        Assert.True(board.StartAudio(h.Controller.Format, 256));
        long boardBytes = AllocationWindow.BytesSince(boardBefore);

        long box = step - boardBytes;
        output.WriteLine($"48 kHz {bits}-bit stereo, 256-frame blocks, prefill {h.Controller.Loop!.PrefillBlocks}: the box allocates {box:N0} bytes at audio start "
            + $"(retransmit ring {h.Controller.Streamer.SlotCount} packets); the simulated board's own audio {boardBytes:N0} bytes (excluded)");
        Assert.InRange(box, 100_000, HeapBound);
    }
}
