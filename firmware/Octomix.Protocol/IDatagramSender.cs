namespace Octomix.Protocol
{
    /// <summary>Where <see cref="ReliableSender"/> sends retries: the box's socket, the console's client.</summary>
    public interface IDatagramSender
    {
        /// <summary>Sends one datagram; false when it could not be sent now.</summary>
        bool Send(byte[] buffer, int offset, int count);
    }
}
