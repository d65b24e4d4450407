using System;
using System.Net;
using System.Net.Sockets;
using Octomix.Hal;

namespace Octomix.Board.Esp32Reference
{
    /// <summary>
    /// <see cref="IDatagramSocket"/> over a connected UDP <see cref="Socket"/>. Connecting fixes the
    /// peer in lwIP, so the stack itself drops datagrams from anyone else and no EndPoint object is
    /// created per packet. <see cref="Receive"/> polls with a zero timeout first, so the audio loop
    /// never waits for the network. Datagrams of <see cref="ReceiveScratchBytes"/> bytes or more
    /// are dropped like any datagram longer than the caller's buffer.
    /// </summary>
    public sealed class UdpDatagramSocket : IDatagramSocket
    {
        /// <summary>
        /// Received datagrams land here first: a BSD receive silently truncates a datagram longer
        /// than the buffer, so receiving into room for one byte more than any datagram we accept is
        /// the only way to see that one was too long (and drop it, as the HAL promises).
        /// </summary>
        public const int ReceiveScratchBytes = 2048;

        /// <summary>Empty or oversized datagrams one <see cref="Receive"/> drops before it says "none waiting".</summary>
        public const int MaxDroppedPerCall = 8;

        private readonly ILog _log;
        private readonly byte[] _scratch = new byte[ReceiveScratchBytes];
        private Socket _socket;

        public UdpDatagramSocket(ILog log)
        {
            _log = log;
        }

        public bool IsConnected { get { return _socket != null; } }

        /// <summary>Datagrams received and dropped: empty, or longer than the caller's buffer.</summary>
        public long DroppedDatagrams { get; private set; }

        public bool Connect(string host, int port)
        {
            if (host == null || host.Length == 0) throw new ArgumentException("a host name or address is required", "host");
            if (port < 1 || port > 65535) throw new ArgumentOutOfRangeException("port", "not a UDP port: " + port);
            Close();
            Socket socket = null;
            try
            {
                IPAddress address = Resolve(host);
                if (address == null)
                {
                    _log.Write(LogLevel.Error, "udp: \"" + host + "\" has no IPv4 address");
                    return false;
                }

                socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
                socket.Connect(new IPEndPoint(address, port));
                _socket = socket;
                return true;
            }
            catch (Exception e)
            {
                if (socket != null) socket.Close();
                _log.Write(LogLevel.Error, "udp: cannot reach " + host + ":" + port + " (" + e.GetType().Name + ": " + e.Message + ")");
                return false;
            }
        }

        public bool Send(byte[] buffer, int offset, int count)
        {
            Socket socket = _socket;
            if (socket == null) return false;
            AudioRange.CheckSpan(buffer, offset, count, "buffer");
            try
            {
                return socket.Send(buffer, offset, count, SocketFlags.None) == count;
            }
            catch (SocketException)
            {
                // No route, no buffers (lwIP ERR_MEM) or the link is down: the caller may try again later.
                return false;
            }
        }

        public int Receive(byte[] buffer, int offset, int count)
        {
            Socket socket = _socket;
            if (socket == null) return 0;
            AudioRange.CheckSpan(buffer, offset, count, "buffer");
            try
            {
                // Datagrams of any length are consumed, 0 included: readiness comes from a
                // zero-timeout poll (never from Available, which is the size of the datagram at
                // the head of the queue and 0 for an empty one), and an empty or oversized one is
                // dropped and the next one looked at, so it cannot hide a good datagram behind it.
                for (int dropped = 0; dropped < MaxDroppedPerCall; dropped++)
                {
                    if (!socket.Poll(0, SelectMode.SelectRead)) return 0;
                    int received = socket.Receive(_scratch, 0, _scratch.Length, SocketFlags.None);
                    // received == scratch length: possibly truncated, so too long either way.
                    if (received <= 0 || received > count || received == _scratch.Length)
                    {
                        DroppedDatagrams++;
                        continue;
                    }

                    Array.Copy(_scratch, 0, buffer, offset, received);
                    return received;
                }

                return 0;
            }
            catch (SocketException)
            {
                // E.g. an ICMP port-unreachable reported on a connected socket: nothing to deliver.
                return 0;
            }
        }

        public void Close()
        {
            Socket socket = _socket;
            _socket = null;
            if (socket != null) socket.Close();
        }

        private static IPAddress Resolve(string host)
        {
            if (IsDottedQuad(host)) return IPAddress.Parse(host);
            IPAddress[] addresses = Dns.GetHostEntry(host).AddressList;
            for (int i = 0; i < addresses.Length; i++)
            {
                if (addresses[i].AddressFamily == AddressFamily.InterNetwork) return addresses[i];
            }

            return null;
        }

        private static bool IsDottedQuad(string host)
        {
            int dots = 0;
            for (int i = 0; i < host.Length; i++)
            {
                char c = host[i];
                if (c == '.') dots++;
                else if (c < '0' || c > '9') return false;
            }

            return dots == 3;
        }
    }
}
