using System;
using System.Threading;
using nanoFramework.Hardware.Esp32;
using nanoFramework.TestFramework;
using Octomix.Box;
using Octomix.Hal;

namespace Octomix.Device.HardwareTests
{
    /// <summary>
    /// UDP to a host and back: joins the Wi-Fi of the card's settings.txt and sends datagrams to
    /// <see cref="EchoPort"/> on its server_host, where `octomix udp-echo --port 7899` answers each
    /// with the same bytes. Every echo must be identical; on a LAN at most one in twenty-five may be
    /// lost. Prints the round trips.
    /// </summary>
    [TestClass]
    public class UdpEchoTests
    {
        /// <summary>The port `octomix udp-echo` listens on for this test (README.md, "Build a box").</summary>
        public const int EchoPort = 7899;

        private const int Datagrams = 50;
        private const int WaitMilliseconds = 300;

        [TestMethod]
        public void DatagramsComeBackUnchanged()
        {
            BoxSettings settings = TestBoard.CardSettings();
            INetworkLink network = TestBoard.Board.Network;
            if (!network.IsConnected)
            {
                Assert.IsTrue(network.Connect(settings.WifiSsid, settings.WifiPassword, settings.NetworkTimeoutSeconds * 1000), "Wi-Fi '" + settings.WifiSsid + "' from settings.txt");
            }

            IDatagramSocket socket = TestBoard.Board.Socket;
            Assert.IsTrue(socket.Connect(settings.ServerHost, EchoPort), "UDP socket to " + settings.ServerHost + ":" + EchoPort);
            byte[] sent = new byte[1372];
            byte[] received = new byte[2048];
            int echoed = 0;
            long best = long.MaxValue, worst = 0, total = 0;
            try
            {
                for (int seq = 0; seq < Datagrams; seq++)
                {
                    int length = seq % 2 == 0 ? 64 : sent.Length;
                    for (int i = 0; i < length; i++)
                    {
                        sent[i] = (byte)((seq * 7) + i);
                    }

                    sent[0] = (byte)seq;
                    long start = (long)HighResTimer.GetCurrent();
                    Assert.IsTrue(socket.Send(sent, 0, length), "send " + seq);
                    int n = 0;
                    while (n == 0 && (long)HighResTimer.GetCurrent() - start < WaitMilliseconds * 1000L)
                    {
                        n = socket.Receive(received, 0, received.Length);
                        if (n > 0 && received[0] != (byte)seq)
                        {
                            n = 0; // a late echo of an earlier datagram
                        }

                        if (n == 0)
                        {
                            Thread.Sleep(1);
                        }
                    }

                    if (n == 0)
                    {
                        continue;
                    }

                    long rtt = (long)HighResTimer.GetCurrent() - start;
                    Assert.AreEqual(length, n, "echo " + seq + " length");
                    for (int i = 0; i < length; i++)
                    {
                        Assert.AreEqual(sent[i], received[i], "echo " + seq + ", byte " + i);
                    }

                    echoed++;
                    total += rtt;
                    if (rtt < best)
                    {
                        best = rtt;
                    }

                    if (rtt > worst)
                    {
                        worst = rtt;
                    }
                }
            }
            finally
            {
                socket.Close();
            }

            OutputHelper.WriteLine(echoed + " of " + Datagrams + " echoed; round trip min " + (best / 1000.0) + " ms, mean "
                + (echoed > 0 ? (total / echoed / 1000.0).ToString() : "-") + " ms, max " + (worst / 1000.0) + " ms");
            Assert.IsTrue(echoed >= Datagrams - 2, "only " + echoed + " of " + Datagrams + " came back: is `octomix udp-echo --port " + EchoPort + "` running on " + settings.ServerHost + "?");
        }
    }
}
