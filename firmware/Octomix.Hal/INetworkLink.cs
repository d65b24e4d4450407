namespace Octomix.Hal
{
    /// <summary>The box's network link (Wi-Fi on the reference box).</summary>
    public interface INetworkLink
    {
        /// <summary>Joins the network and waits for an address; false (no exception) on failure or timeout.</summary>
        bool Connect(string ssid, string password, int timeoutMilliseconds);

        bool IsConnected { get; }

        /// <summary>The box's own address as text, or an empty string when not connected.</summary>
        string LocalAddress { get; }
    }
}
