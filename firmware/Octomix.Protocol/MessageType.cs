namespace Octomix.Protocol
{
    /// <summary>Byte 3 of every datagram. docs/protocol.md has the byte table of each.</summary>
    public enum MessageType : byte
    {
        // Streams (unreliable: a lost one is asked for again or concealed)
        Audio = 0x01,
        Nack = 0x02,
        FileData = 0x03,
        FileRequest = 0x04,
        Status = 0x05,
        Ack = 0x06,

        // Control (reliable: message id, acknowledged, retried, handled idempotently)
        Join = 0x10,
        Accept = 0x11,
        Reject = 0x12,
        Leave = 0x13,
        RoomInfo = 0x14,
        Record = 0x20,
        Stop = 0x21,
        PlaybackStart = 0x22,
        PlaybackStop = 0x23,
        MixLevels = 0x24,
        FileInfoRequest = 0x25,
        FileInfo = 0x26,
        Calibrate = 0x27,
        Notice = 0x28,
    }
}
