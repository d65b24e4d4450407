using Octomix.Hal;

namespace Octomix.Box
{
    /// <summary>
    /// Getting on the network (the Network state's step): the Wi-Fi joined when it is not up, a
    /// socket opened to the server, and after a failure nothing until the retry time
    /// (<see cref="RetrySeconds"/> later). It reports; the state machine moves (a warning flashed,
    /// or Error when the settings name no Wi-Fi). Allocates only its log lines.
    /// </summary>
    public sealed class NetworkStart
    {
        /// <summary>Seconds between attempts to get on the network.</summary>
        public const int RetrySeconds = 5;

        /// <summary>Results of <see cref="Step"/>.</summary>
        public const int Up = 0;
        public const int Waiting = 1;
        public const int NoWifiName = 2;
        public const int WifiNotJoined = 3;
        public const int NoSocket = 4;

        private readonly INetworkLink network;
        private readonly IDatagramSocket socket;
        private readonly IClock clock;
        private readonly ILog log;
        private long retryAt;
        private long failedAt;

        public NetworkStart(INetworkLink network, IDatagramSocket socket, IClock clock, ILog log)
        {
            this.network = network;
            this.socket = socket;
            this.clock = clock;
            this.log = log;
        }

        /// <summary>The clock when the last attempt failed (a Wi-Fi join may take seconds, so not the step's start).</summary>
        public long FailedAt
        {
            get { return failedAt; }
        }

        /// <summary>When the next attempt may run.</summary>
        public long RetryAt
        {
            get { return retryAt; }
        }

        public string LocalAddress
        {
            get { return network.LocalAddress; }
        }

        /// <summary>
        /// One attempt at <paramref name="now"/>: <see cref="Up"/> (Wi-Fi and socket), <see cref="Waiting"/>
        /// (before the retry time), or what failed (logged, the retry planned; no Wi-Fi name is
        /// not retried: only a new settings file helps).
        /// </summary>
        public int Step(BoxSettings settings, long now)
        {
            if (now < retryAt)
            {
                return Waiting;
            }

            if (!network.IsConnected)
            {
                if (settings.WifiSsid.Length == 0)
                {
                    return NoWifiName;
                }

                if (!network.Connect(settings.WifiSsid, settings.WifiPassword, settings.NetworkTimeoutSeconds * 1000))
                {
                    Failed("Wi-Fi '" + settings.WifiSsid + "' not joined");
                    return WifiNotJoined;
                }
            }

            if (!socket.IsConnected && !socket.Connect(settings.ServerHost, settings.ServerPort))
            {
                Failed("cannot open a socket to " + settings.ServerHost + ":" + settings.ServerPort);
                return NoSocket;
            }

            return Up;
        }

        private void Failed(string what)
        {
            failedAt = clock.Microseconds;
            log.Write(LogLevel.Warning, what + "; trying again in " + RetrySeconds + " s");
            retryAt = failedAt + (RetrySeconds * 1000000L);
        }
    }
}
