using Microsoft.Extensions.Logging.Abstractions;
using Octomix.Desk.Engine;
using Octomix.Desk.Link;
using Octomix.Desk.Sessions;
using Octomix.Desk.Terminal;
using Octomix.Protocol;
using Octomix.Server;

namespace Octomix.Console.Tests;

/// <summary>The server's name (`octomix server --name`, its RoomInfo) reaches the console's link and its screen.</summary>
public class ServerNameTests
{
    [Fact]
    public async Task TheLinkLearnsTheNameOfARealServer()
    {
        await using var server = BroadcastServer.Start(new ServerOptions
        {
            RoomCount = 1, FirstPort = 0, BindAddress = System.Net.IPAddress.Loopback, JoinCodes = ["NAME-TEST"], ServerName = "Studio A",
        }, NullLogger.Instance);
        using var link = new EngineerLink(new LinkOptions { Host = "127.0.0.1", Port = server.Ports[0], JoinCode = "NAME-TEST" }, NullLogger.Instance);
        link.Start(new Quiet());
        await link.WaitJoinedAsync(TimeSpan.FromSeconds(10), CancellationToken.None);
        Assert.True(await Wait.UntilAsync(() => link.ServerName == "Studio A", TimeSpan.FromSeconds(10)), $"the link knows the name (got \"{link.ServerName}\")");
    }

    [Fact]
    public void TheScreenShowsTheServersNameAfterItsAddress()
    {
        var snapshot = new ConsoleSnapshot(new SessionInfo { Name = "Verse", JoinCode = "BLUE42", Project = "Album" }, "vps.example.org:7891", true, 16, 0.4, [], [], null, []);
        Assert.Contains("room: vps.example.org:7891, console joined", ConsoleScreen.Render(snapshot), StringComparison.Ordinal);
        Assert.Contains("room: vps.example.org:7891 \"Studio A\", console joined", ConsoleScreen.Render(snapshot with { ServerName = "Studio A" }), StringComparison.Ordinal);
    }

    private sealed class Quiet : ILinkReceiver
    {
        public void OnStatus(StatusMessage status, long arrivalMicros)
        {
        }

        public void OnAudio(AudioPacket packet, byte[] datagram, long arrivalMicros)
        {
        }

        public void OnFileData(FileDataMessage data, byte[] datagram)
        {
        }

        public void OnNotice(NoticeMessage notice)
        {
        }

        public void OnMemberJoined(JoinMessage join)
        {
        }

        public void OnMemberLeft(int slot, bool freedByServer)
        {
        }

        public void OnTick(long nowMicros)
        {
        }
    }
}
