using System;
using System.Device.Wifi;
using System.Net.NetworkInformation;
using System.Threading;
using nanoFramework.Networking;
using Octomix.Hal;

namespace Octomix.Board.Esp32Reference
{
    /// <summary>
    /// <see cref="INetworkLink"/> over nanoFramework's WifiNetworkHelper: DHCP, automatic
    /// reconnection by the ESP-IDF Wi-Fi driver, no NTP wait (the box's time comes from the server).
    /// </summary>
    /// <remarks>
    /// ConnectDhcp blocks the calling thread (and, being mostly native waits, lets other managed
    /// threads run) until an address arrives or the token is cancelled. It stores the credentials in
    /// the device's Wi-Fi configuration block, as nanoff's network deployment does.
    /// </remarks>
    public sealed class WifiLink : INetworkLink
    {
        private readonly ILog _log;
        private bool _joined;

        public WifiLink(ILog log)
        {
            _log = log;
        }

        public bool Connect(string ssid, string password, int timeoutMilliseconds)
        {
            if (ssid == null || ssid.Length == 0) throw new ArgumentException("an SSID is required", "ssid");
            if (timeoutMilliseconds <= 0) throw new ArgumentOutOfRangeException("timeoutMilliseconds", "must be positive");
            try
            {
                using (CancellationTokenSource timeout = new CancellationTokenSource(timeoutMilliseconds))
                {
                    _joined = WifiNetworkHelper.ConnectDhcp(
                        ssid, password == null ? string.Empty : password, WifiReconnectionKind.Automatic,
                        requiresDateTime: false, wifiAdapterId: 0, token: timeout.Token);
                }
            }
            catch (Exception e)
            {
                _joined = false;
                _log.Write(LogLevel.Error, "wifi: " + e.GetType().Name + ": " + e.Message);
                return false;
            }

            if (!_joined)
            {
                Exception cause = WifiNetworkHelper.HelperException;
                _log.Write(LogLevel.Error, "wifi: not connected to \"" + ssid + "\" (status " + (int)WifiNetworkHelper.Status
                    + (cause != null ? ", " + cause.Message : string.Empty) + ")");
            }

            return _joined;
        }

        /// <summary>
        /// Joined once and the link is up now (one native query, no allocation). During an
        /// automatic reconnection this reads false.
        /// </summary>
        public bool IsConnected { get { return _joined && NetworkInterface.GetIsNetworkAvailable(); } }

        /// <summary>The Wi-Fi interface's IPv4 address; allocates (interface snapshots), so not for the audio loop.</summary>
        public string LocalAddress
        {
            get
            {
                if (!IsConnected) return string.Empty;
                NetworkInterface[] interfaces = NetworkInterface.GetAllNetworkInterfaces();
                for (int i = 0; i < interfaces.Length; i++)
                {
                    if (interfaces[i].NetworkInterfaceType != NetworkInterfaceType.Wireless80211) continue;
                    string address = interfaces[i].IPv4Address;
                    return address == null || address == "0.0.0.0" ? string.Empty : address;
                }

                return string.Empty;
            }
        }
    }
}
