using Octomix.Protocol;

namespace Octomix.Box.Tests;

/// <summary>RoomInfo from the server: the box writes the server's name in its log, once per change.</summary>
public class RoomInfoTests
{
    [Fact]
    public void TheBoxLogsTheServersNameOnceAndAgainOnlyWhenItChanges()
    {
        using var h = new BoxHarness();
        h.JoinAndCalibrate();
        Assert.Equal(string.Empty, h.Controller.ServerName);

        var info = new RoomInfoMessage { DestinationSlot = h.Server.AssignedSlot, MessageId = 1, Room = 2, MaxJammers = 7, MaxListeners = 16, ServerName = "Studio A" };
        for (int i = 0; i < 3; i++)
        {
            h.Server.Send(info); // the server repeats it every few seconds
            h.Run(20);
        }

        Assert.Equal("Studio A", h.Controller.ServerName);
        string log = h.Log();
        Assert.Equal(1, Count(log, "server \"Studio A\", room 2 (7 jammers, 16 listeners)"));

        info.ServerName = "Studio B";
        h.Server.Send(info);
        h.Run(20);
        Assert.Equal("Studio B", h.Controller.ServerName);
        Assert.Equal(1, Count(h.Log(), "server \"Studio B\""));

        // a RoomInfo that does not decode changes nothing (counted as bad)
        long bad = h.Controller.BadDatagrams;
        var bytes = new byte[info.Length];
        info.Write(bytes, 0);
        bytes[20] = 30; // the name's length lies
        h.Server.SendRaw(bytes, bytes.Length);
        h.Run(20);
        Assert.Equal("Studio B", h.Controller.ServerName);
        Assert.Equal(bad + 1, h.Controller.BadDatagrams);
    }

    private static int Count(string text, string what)
    {
        int n = 0;
        for (int i = text.IndexOf(what, StringComparison.Ordinal); i >= 0; i = text.IndexOf(what, i + what.Length, StringComparison.Ordinal))
        {
            n++;
        }

        return n;
    }
}
