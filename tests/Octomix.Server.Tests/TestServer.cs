using Octomix.Protocol;

namespace Octomix.Server.Tests;

/// <summary>Starts real servers on 127.0.0.1 with ephemeral ports (tests never collide on fixed ports).</summary>
internal static class TestServer
{
    public const string Code = "TEST-CODE";

    public static ServerOptions Options(ServerIoMode mode = ServerIoMode.Auto) => new()
    {
        RoomCount = 1,
        FirstPort = 0,
        BindAddress = System.Net.IPAddress.Loopback,
        JoinCodes = [Code],
        IoMode = mode,
        SlotTimeout = TimeSpan.FromSeconds(30), // tests that want expiry set their own
        RosterInterval = TimeSpan.FromHours(1), // no repeats in the middle of a test's datagrams; RosterTests set their own
        HeartbeatInterval = TimeSpan.FromMilliseconds(250),
        JoinBurst = 1000,
        JoinRatePerSecond = 1000,
    };

    public static BroadcastServer Start(ServerIoMode mode = ServerIoMode.Auto, Func<ServerOptions, ServerOptions>? tweak = null)
    {
        var options = Options(mode);
        if (tweak != null)
        {
            options = tweak(options);
        }

        return BroadcastServer.Start(options);
    }

    /// <summary>
    /// The io paths: "portable" everywhere; on Linux also "batched" (recvmmsg/sendmmsg with UDP
    /// segmentation) and "batched-plain" (without segmentation).
    /// </summary>
    public static TheoryData<string> IoModes()
    {
        var data = new TheoryData<string> { "portable" };
        if (OperatingSystem.IsLinux())
        {
            data.Add("batched");
            data.Add("batched-plain");
        }

        return data;
    }

    public static BroadcastServer Start(string io, Func<ServerOptions, ServerOptions>? tweak = null)
    {
        var mode = io == "portable" ? ServerIoMode.Portable : ServerIoMode.Batched;
        return Start(mode, o =>
        {
            o = o with { UdpSegmentation = io == "batched" };
            return tweak == null ? o : tweak(o);
        });
    }

    /// <summary>Polls <paramref name="condition"/> on the server's status until it holds (or fails after a generous deadline).</summary>
    public static ServerStatus WaitFor(BroadcastServer server, Func<ServerStatus, bool> condition, string what, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(15));
        while (true)
        {
            var s = server.GetStatus();
            if (condition(s))
            {
                return s;
            }

            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail("timed out waiting for: " + what);
            }

            Thread.Sleep(10);
        }
    }

    public static short[] Samples(int frames, int channels, Func<int, int, int> value)
    {
        var s = new short[frames * channels];
        for (int f = 0; f < frames; f++)
        {
            for (int c = 0; c < channels; c++)
            {
                s[(f * channels) + c] = (short)value(f, c);
            }
        }

        return s;
    }

    public static byte Type(byte[] d) => d[3];

    public static uint TokenOf(byte[] d) => Message.ReadToken(d, 0);
}
