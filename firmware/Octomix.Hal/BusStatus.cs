namespace Octomix.Hal
{
    /// <summary>
    /// The one error model of <see cref="IRegisterBus"/> (after embedded-hal's ErrorKind). Board
    /// bindings map their platform's results onto it (nanoFramework's I2cTransferStatus, a PC's
    /// exceptions); bus calls return it instead of throwing.
    /// </summary>
    public enum BusStatus
    {
        /// <summary>Every byte was transferred and acknowledged.</summary>
        Ok = 0,
        /// <summary>Nobody acknowledged the address: the part is missing, unpowered or at another address.</summary>
        AddressNack = 1,
        /// <summary>The part acknowledged its address but refused a data byte.</summary>
        DataNack = 2,
        /// <summary>Bus error (stuck line, arbitration loss, short transfer).</summary>
        BusError = 3,
        /// <summary>Clock stretching or the transfer timed out.</summary>
        Timeout = 4,
        /// <summary>Anything else.</summary>
        Other = 5,
    }
}
