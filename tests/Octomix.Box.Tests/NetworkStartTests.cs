using Octomix.Hal;

namespace Octomix.Box.Tests;

/// <summary>
/// Getting on the network on its own: a Wi-Fi and a socket the test makes answer or refuse, a
/// clock it sets (the box's use of it: ControllerTransitionTests).
/// </summary>
public sealed class NetworkStartTests
{
    private readonly List<(LogLevel Level, string Text)> lines = new();
    private readonly Wifi wifi = new();
    private readonly Socket socket = new();
    private readonly Clock clock = new();
    private readonly BoxSettings settings = new() { WifiSsid = "Studio", WifiPassword = "pw", ServerHost = "10.0.0.2", ServerPort = 7891 };
    private readonly NetworkStart start;

    public NetworkStartTests()
    {
        start = new NetworkStart(wifi, socket, clock, new RoomLinkTests.ListLog(lines));
    }

    [Fact]
    public void TheWifiIsJoinedThenTheSocketOpened()
    {
        Assert.Equal(NetworkStart.Up, start.Step(settings, 0));
        Assert.Equal(1, wifi.Attempts);
        Assert.Equal(("10.0.0.2", 7891), socket.ConnectedTo);

        // up already: nothing joined again
        Assert.Equal(NetworkStart.Up, start.Step(settings, 0));
        Assert.Equal(1, wifi.Attempts);
    }

    [Fact]
    public void ARefusedWifiIsTriedAgainFiveSecondsAfterTheFailedJoin()
    {
        wifi.Refuse = true;
        clock.Microseconds = 3_000_000; // the join took three seconds

        Assert.Equal(NetworkStart.WifiNotJoined, start.Step(settings, 0));
        Assert.Equal(3_000_000, start.FailedAt);
        Assert.Equal(8_000_000, start.RetryAt);
        Assert.Contains((LogLevel.Warning, "Wi-Fi 'Studio' not joined; trying again in 5 s"), lines);

        wifi.Refuse = false;
        Assert.Equal(NetworkStart.Waiting, start.Step(settings, 7_999_999));
        Assert.Equal(1, wifi.Attempts);
        Assert.Equal(NetworkStart.Up, start.Step(settings, 8_000_000));
        Assert.Equal(2, wifi.Attempts);
    }

    [Fact]
    public void ASocketThatDoesNotOpenIsTriedAgainLater()
    {
        socket.Refuse = true;

        Assert.Equal(NetworkStart.NoSocket, start.Step(settings, 0));
        Assert.Contains((LogLevel.Warning, "cannot open a socket to 10.0.0.2:7891; trying again in 5 s"), lines);
        Assert.Equal(NetworkStart.Waiting, start.Step(settings, 1_000_000));
    }

    [Fact]
    public void NoWifiNameIsReportedWithoutAnAttempt()
    {
        settings.WifiSsid = string.Empty;

        Assert.Equal(NetworkStart.NoWifiName, start.Step(settings, 0));
        Assert.Equal(0, wifi.Attempts);
        Assert.Null(socket.ConnectedTo);
    }

    private sealed class Wifi : INetworkLink
    {
        public bool Refuse { get; set; }

        public int Attempts { get; private set; }

        public bool IsConnected { get; private set; }

        public string LocalAddress => "10.0.0.9";

        public bool Connect(string ssid, string password, int timeoutMilliseconds)
        {
            Attempts++;
            IsConnected = !Refuse;
            return IsConnected;
        }
    }

    private sealed class Socket : IDatagramSocket
    {
        public bool Refuse { get; set; }

        public (string Host, int Port)? ConnectedTo { get; private set; }

        public bool IsConnected => ConnectedTo != null;

        public bool Connect(string host, int port)
        {
            if (!Refuse)
            {
                ConnectedTo = (host, port);
            }

            return !Refuse;
        }

        public bool Send(byte[] buffer, int offset, int count) => true;

        public int Receive(byte[] buffer, int offset, int count) => 0;

        public void Close()
        {
        }
    }

    private sealed class Clock : IClock
    {
        public long Microseconds { get; set; }

        public DateTime UtcNow => new(2026, 12, 7, 9, 0, 0, DateTimeKind.Utc);
    }
}
