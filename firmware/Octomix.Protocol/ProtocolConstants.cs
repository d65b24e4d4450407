namespace Octomix.Protocol
{
    /// <summary>Fixed numbers of wire protocol version 1 (docs/protocol.md).</summary>
    public static class ProtocolConstants
    {
        /// <summary>First two bytes of every datagram: 'O' 'X'.</summary>
        public const byte Magic0 = 0x4F;
        public const byte Magic1 = 0x58;

        public const byte Version = 1;

        /// <summary>
        /// Largest datagram either side sends or accepts. 1400 bytes stays under a 1500-byte
        /// Ethernet MTU with IPv4/IPv6 + UDP headers and common tunnel overheads, so nothing is
        /// ever fragmented at the IP layer (a lost fragment loses the whole datagram).
        /// </summary>
        public const int MaxDatagram = 1400;

        /// <summary>Size of the header every message starts with.</summary>
        public const int HeaderSize = 12;

        /// <summary>Default UDP port of room 0; room k listens on DefaultFirstPort + k.</summary>
        public const int DefaultFirstPort = 7891;
    }

    /// <summary>Slot numbers of the header's source and destination fields.</summary>
    public static class Slot
    {
        /// <summary>Jammer slots are 0..MaxJammers-1 (at most 16).</summary>
        public const int MaxJammerSlots = 16;

        /// <summary>Engineer (console) slots start here.</summary>
        public const byte FirstEngineer = 16;

        /// <summary>At most this many engineer slots per room.</summary>
        public const int MaxEngineers = 4;

        /// <summary>Listen-only member slots start here (they never take a jammer slot).</summary>
        public const byte FirstListener = 32;

        /// <summary>At most this many listener slots per room.</summary>
        public const int MaxListeners = 32;

        /// <summary>Destination: the engineers of the room only (a box recording a take).</summary>
        public const byte Engineers = 0xFD;

        /// <summary>Source or destination: the server itself.</summary>
        public const byte Server = 0xFE;

        /// <summary>Destination: everyone in the room but the sender. Source: not joined yet.</summary>
        public const byte None = 0xFF;

        /// <summary>Destination value meaning "everyone else" (same byte as <see cref="None"/>).</summary>
        public const byte Everyone = 0xFF;

        public static bool IsJammer(int slot)
        {
            return slot >= 0 && slot < MaxJammerSlots;
        }

        public static bool IsEngineer(int slot)
        {
            return slot >= FirstEngineer && slot < FirstEngineer + MaxEngineers;
        }

        public static bool IsListener(int slot)
        {
            return slot >= FirstListener && slot < FirstListener + MaxListeners;
        }
    }
}
