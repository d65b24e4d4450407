using System.CommandLine;
using System.Net;
using System.Net.Sockets;

namespace Octomix.Cli;

/// <summary>
/// `octomix udp-echo --port N` (hidden): sends every UDP datagram it receives back to its sender
/// unchanged. The far end of the box's UDP device test (tests/Device/Octomix.Device.HardwareTests,
/// UdpEchoTests, port 7899 on the card's server_host): run it on the engineer's PC, then run the
/// device tests. Stops on Ctrl+C, after <c>--count</c> datagrams or <c>--duration</c> seconds.
/// </summary>
public static class UdpEchoCommand
{
    /// <summary>Largest datagram echoed; anything longer is cut by the receive and not echoed.</summary>
    public const int MaxDatagram = 2048;

    public static Command Create()
    {
        var port = new Option<int>("--port") { Description = "UDP port to listen on (all IPv4 interfaces)", Required = true };
        var count = new Option<int>("--count") { Description = "Stop after echoing this many datagrams (0 = no limit)", DefaultValueFactory = _ => 0 };
        var duration = new Option<double>("--duration") { Description = "Stop after this many seconds (0 = until Ctrl+C)", DefaultValueFactory = _ => 0 };
        var command = new Command("udp-echo", "Echo every UDP datagram back to its sender (the box's UDP device test).") { Hidden = true };
        command.Options.Add(port);
        command.Options.Add(count);
        command.Options.Add(duration);
        command.SetAction(async (parse, cancel) =>
        {
            int p = parse.GetValue(port);
            int n = parse.GetValue(count);
            double seconds = parse.GetValue(duration);
            var errors = new List<string>();
            if (p < 1 || p > 65535)
            {
                errors.Add("--port: 1..65535, not " + p);
            }

            if (n < 0)
            {
                errors.Add("--count: 0 (no limit) or more");
            }

            if (seconds < 0 || double.IsNaN(seconds))
            {
                errors.Add("--duration: 0 (until Ctrl+C) or more seconds");
            }

            if (errors.Count > 0)
            {
                foreach (string e in errors)
                {
                    await Console.Error.WriteLineAsync("octomix udp-echo: " + e).ConfigureAwait(false);
                }

                return 2;
            }

            using var timeout = seconds > 0 ? new CancellationTokenSource(TimeSpan.FromSeconds(seconds)) : new CancellationTokenSource();
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancel, timeout.Token);
            try
            {
                long echoed = await RunAsync(p, n, Console.Error, linked.Token).ConfigureAwait(false);
                await Console.Error.WriteLineAsync("octomix udp-echo: " + echoed + " datagram(s) echoed").ConfigureAwait(false);
                return 0;
            }
            catch (SocketException e)
            {
                await Console.Error.WriteLineAsync("octomix udp-echo: cannot listen on UDP port " + p + ": " + e.Message).ConfigureAwait(false);
                return 1;
            }
        });
        return command;
    }

    /// <summary>
    /// Echoes datagrams on <paramref name="port"/> until <paramref name="count"/> have been echoed
    /// (0 = no limit) or <paramref name="cancel"/> fires; returns how many were echoed. One
    /// receive buffer and one reused sender address: nothing allocated per datagram.
    /// </summary>
    public static async Task<long> RunAsync(int port, int count, TextWriter log, CancellationToken cancel)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        socket.Bind(new IPEndPoint(IPAddress.Any, port));
        await log.WriteLineAsync("octomix udp-echo: listening on UDP " + socket.LocalEndPoint).ConfigureAwait(false);
        var buffer = new byte[MaxDatagram];
        var sender = new SocketAddress(AddressFamily.InterNetwork);
        long echoed = 0;
        while (count == 0 || echoed < count)
        {
            int n;
            try
            {
                n = await socket.ReceiveFromAsync(buffer, SocketFlags.None, sender, cancel).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                break;
            }
            catch (SocketException e) when (e.SocketErrorCode == SocketError.ConnectionReset)
            {
                continue; // an ICMP port-unreachable from an earlier echo: not a datagram
            }

            await socket.SendToAsync(buffer.AsMemory(0, n), SocketFlags.None, sender, cancel).ConfigureAwait(false);
            echoed++;
        }

        return echoed;
    }
}
