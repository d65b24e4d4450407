using Octomix.Protocol;

namespace Octomix.Box.Tests;

/// <summary>A datagram sender that keeps a copy of every datagram sent, in order (the file server's tests read them back).</summary>
internal sealed class CapturingSender : IDatagramSender
{
    public List<byte[]> Sent { get; } = new();

    public bool Send(byte[] buffer, int offset, int count)
    {
        Sent.Add(buffer.AsSpan(offset, count).ToArray());
        return true;
    }
}
