namespace Octomix.Hal
{
    /// <summary>
    /// A control bus bound to one device address (I2C on the reference box). Each call is one
    /// complete transaction that leaves the bus idle when it returns. Calls never throw for bus
    /// faults: they return a <see cref="BusStatus"/>.
    /// </summary>
    public interface IRegisterBus
    {
        /// <summary>7-bit device address this bus talks to.</summary>
        int Address { get; }

        /// <summary>START, address+W, <paramref name="count"/> bytes, STOP.</summary>
        BusStatus Write(byte[] buffer, int offset, int count);

        /// <summary>START, address+R, <paramref name="count"/> bytes (master ACKs all but the last), STOP.</summary>
        BusStatus Read(byte[] buffer, int offset, int count);

        /// <summary>START, address+W, write bytes, repeated START, address+R, read bytes, STOP.</summary>
        BusStatus WriteRead(byte[] write, int writeOffset, int writeCount, byte[] read, int readOffset, int readCount);
    }
}
