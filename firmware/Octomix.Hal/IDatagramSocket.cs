namespace Octomix.Hal
{
    /// <summary>
    /// A UDP socket connected to one peer (the server). The box talks to nobody else, so the
    /// binding drops datagrams from other sources and no endpoint objects are passed per packet.
    /// </summary>
    public interface IDatagramSocket
    {
        /// <summary>Resolves <paramref name="host"/> and connects; false (no exception) on failure.</summary>
        bool Connect(string host, int port);

        bool IsConnected { get; }

        /// <summary>Sends one datagram; false when it could not be sent now (buffers full, no link).</summary>
        bool Send(byte[] buffer, int offset, int count);

        /// <summary>
        /// Never blocks: copies one waiting datagram from the peer and returns its length, or 0
        /// when none is waiting. Datagrams longer than <paramref name="count"/> are dropped.
        /// </summary>
        int Receive(byte[] buffer, int offset, int count);

        void Close();
    }
}
