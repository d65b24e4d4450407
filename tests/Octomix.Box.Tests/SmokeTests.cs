using Octomix.Protocol;

namespace Octomix.Box.Tests;

public class SmokeTests
{
    [Fact]
    public void BootsJoinsCalibratesAndReportsTheRoundTrip()
    {
        using var h = new BoxHarness();
        h.JoinAndCalibrate();
        int expected = h.Board.AnalogRoundTripFrames + (h.Controller.Loop!.PrefillBlocks * h.Controller.Loop.BlockFrames);
        Assert.Equal(expected, h.Controller.LatencyFrames);
        Assert.Equal(3, h.Controller.RoomSlot);
        Console.WriteLine(h.Log());
    }
}
