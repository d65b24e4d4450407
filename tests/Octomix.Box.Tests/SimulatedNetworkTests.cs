using System.Net;
using System.Net.Sockets;
using Octomix.Board.Simulated;

namespace Octomix.Box.Tests;

/// <summary>The simulated socket's network conditions (for the end-to-end tests of the next issue).</summary>
public class SimulatedNetworkTests
{
    private static (Socket Peer, SimulatedSocket Box, SimulatedTime Time) Pair(NetworkConditions conditions)
    {
        var peer = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        peer.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        var time = new SimulatedTime(false);
        var box = new SimulatedSocket(time, conditions);
        Assert.True(box.Connect("127.0.0.1", ((IPEndPoint)peer.LocalEndPoint!).Port));
        return (peer, box, time);
    }

    [Fact]
    public void DelayAndJitterHoldDatagramsInSimulatedTimeAndReorderThem()
    {
        var (peer, box, time) = Pair(new NetworkConditions { DelayMilliseconds = 10, JitterMilliseconds = 40, Seed = 3 });
        using (peer)
        {
            for (int i = 0; i < 100; i++)
            {
                Assert.True(box.Send([(byte)i], 0, 1));
            }

            Thread.Sleep(50);
            Assert.Equal(0, peer.Available); // nothing leaves before 10 ms of simulated time
            time.Spend(9_999);
            box.Receive(new byte[10], 0, 10);
            Assert.Equal(0, peer.Available);
            time.Spend(41_000);
            box.Receive(new byte[10], 0, 10); // pumps the queue
            Thread.Sleep(50);
            var order = new List<int>();
            var buffer = new byte[10];
            while (peer.Available > 0)
            {
                peer.Receive(buffer);
                order.Add(buffer[0]);
            }

            Assert.Equal(100, order.Count);
            Assert.Equal(Enumerable.Range(0, 100), order.Order());
            Assert.NotEqual(Enumerable.Range(0, 100), order); // jitter reordered them
        }
    }

    [Fact]
    public void LossDropsTheGivenShareBothWays()
    {
        var (peer, box, _) = Pair(new NetworkConditions { LossPercent = 10, Seed = 7 });
        using (peer)
        {
            int arrived = 0;
            var buffer = new byte[10];
            for (int batch = 0; batch < 20; batch++)
            {
                for (int i = 0; i < 100; i++)
                {
                    box.Send([1], 0, 1);
                }

                Thread.Sleep(10);
                while (peer.Available > 0)
                {
                    peer.Receive(buffer);
                    arrived++;
                }
            }

            Assert.InRange(arrived, 1700, 1900);
            Assert.Equal(2000 - arrived, box.Dropped);

            EndPoint to = new IPEndPoint(IPAddress.Loopback, box.LocalPort);
            int received = 0;
            for (int batch = 0; batch < 20; batch++)
            {
                for (int i = 0; i < 100; i++)
                {
                    peer.SendTo([2], to);
                }

                Thread.Sleep(10);
                while (box.Receive(buffer, 0, 10) > 0)
                {
                    received++;
                }
            }

            Assert.InRange(received, 1700, 1900);
        }
    }

    [Fact]
    public void APerfectNetworkPassesEverythingAtOnce()
    {
        var (peer, box, _) = Pair(new NetworkConditions());
        using (peer)
        {
            box.Send([9, 8, 7], 0, 3);
            Thread.Sleep(20);
            var buffer = new byte[10];
            Assert.Equal(3, peer.Receive(buffer));
            Assert.Equal(0, box.Dropped);
        }
    }
}
