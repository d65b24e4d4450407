namespace Octomix.Protocol
{
    /// <summary>
    /// What a decoder found. Decoders never throw on bad input: they return one of these, so a
    /// malformed or hostile datagram costs a comparison, not an exception.
    /// </summary>
    public enum DecodeResult
    {
        Ok = 0,
        /// <summary>Shorter than the fixed part of its message type.</summary>
        TooShort = 1,
        /// <summary>Longer than <see cref="ProtocolConstants.MaxDatagram"/>.</summary>
        TooLong = 2,
        /// <summary>Does not start with "OX".</summary>
        BadMagic = 3,
        /// <summary>A protocol version this code does not speak.</summary>
        UnsupportedVersion = 4,
        /// <summary>Type byte is not a known <see cref="MessageType"/>.</summary>
        UnknownType = 5,
        /// <summary>Asked to decode as one type but the datagram is another.</summary>
        WrongType = 6,
        /// <summary>The length does not match what the fields declare (payload size, string lengths, range counts).</summary>
        BadLength = 7,
        /// <summary>A field holds a value outside its range (format, channel count, slot...).</summary>
        BadField = 8,
    }
}
