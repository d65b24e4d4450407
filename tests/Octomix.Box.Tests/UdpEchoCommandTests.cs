using System.CommandLine;
using System.Net;
using System.Net.Sockets;
using Octomix.Cli;

namespace Octomix.Box.Tests;

/// <summary>
/// `octomix udp-echo`, the host end of the box's UDP device test, run in-process on loopback:
/// datagrams of every size the box sends come back byte for byte, to their own sender.
/// </summary>
public class UdpEchoCommandTests
{
    [Fact]
    public async Task EveryDatagramComesBackUnchangedToItsSender()
    {
        int port = FreeUdpPort();
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var log = new StringWriter();
        var echo = UdpEchoCommand.RunAsync(port, 6, log, stop.Token); // bound before it returns
        using var a = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        using var b = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        var target = new IPEndPoint(IPAddress.Loopback, port);
        var rng = new Random(5);
        foreach (var (client, size) in new[] { (a, 1), (b, 64), (a, 1372), (b, 1400), (a, 2000), (b, 28) })
        {
            var sent = new byte[size];
            rng.NextBytes(sent);
            await client.SendAsync(sent, target);
            var received = await client.ReceiveAsync(stop.Token);
            Assert.Equal(sent, received.Buffer);
            Assert.Equal(target, received.RemoteEndPoint);
        }

        Assert.Equal(6, await echo.WaitAsync(TimeSpan.FromSeconds(20)));
        Assert.Contains("listening on UDP 0.0.0.0:" + port, log.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ItStopsAfterItsDurationWithNothingToEcho()
    {
        int port = FreeUdpPort();
        var run = new RootCommand { UdpEchoCommand.Create() }.Parse(["udp-echo", "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--duration", "0.3"]).InvokeAsync();
        Assert.Equal(0, await run.WaitAsync(TimeSpan.FromSeconds(20)));
    }

    [Theory]
    [InlineData("--port", "70000")]
    [InlineData("--port", "0")]
    public async Task ABadPortIsRefused(string option, string value)
    {
        var error = new StringWriter();
        var old = Console.Error;
        int code;
        Console.SetError(error);
        try
        {
            code = await new RootCommand { UdpEchoCommand.Create() }.Parse(["udp-echo", option, value]).InvokeAsync();
        }
        finally
        {
            Console.SetError(old);
        }

        Assert.Equal(2, code);
        Assert.Contains("--port: 1..65535", error.ToString(), StringComparison.Ordinal);
    }

    private static int FreeUdpPort()
    {
        using var probe = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        probe.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)probe.LocalEndPoint!).Port;
    }
}
