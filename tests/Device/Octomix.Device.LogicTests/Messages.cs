using System;
using Octomix.Protocol;

namespace Octomix.Device.LogicTests
{
    /// <summary>A decoder for each message type (the device twin of the host's VectorCatalog.NewFor).</summary>
    internal static class Messages
    {
        /// <summary>Every MessageType (nanoFramework has no Enum.GetValues).</summary>
        public static readonly byte[] AllTypes =
        {
            0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x10, 0x11, 0x12, 0x13, 0x14,
            0x20, 0x21, 0x22, 0x23, 0x24, 0x25, 0x26, 0x27, 0x28,
        };

        public static Message NewFor(MessageType type)
        {
            switch (type)
            {
                case MessageType.Audio: return new AudioPacket();
                case MessageType.Nack: return new NackMessage();
                case MessageType.FileData: return new FileDataMessage();
                case MessageType.FileRequest: return new FileRequestMessage();
                case MessageType.Status: return new StatusMessage();
                case MessageType.Ack: return new AckMessage();
                case MessageType.Join: return new JoinMessage();
                case MessageType.Accept: return new AcceptMessage();
                case MessageType.Reject: return new RejectMessage();
                case MessageType.Leave:
                case MessageType.Calibrate: return new SimpleControlMessage(type);
                case MessageType.RoomInfo: return new RoomInfoMessage();
                case MessageType.Record: return new RecordMessage();
                case MessageType.Stop:
                case MessageType.PlaybackStart:
                case MessageType.PlaybackStop: return new TakeControlMessage(type);
                case MessageType.MixLevels: return new MixLevelsMessage();
                case MessageType.FileInfoRequest: return new FileInfoRequestMessage();
                case MessageType.FileInfo: return new FileInfoMessage();
                case MessageType.Notice: return new NoticeMessage();
                default: throw new ArgumentOutOfRangeException("type");
            }
        }
    }
}
