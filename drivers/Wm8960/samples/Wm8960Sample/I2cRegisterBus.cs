using System.Device.I2c;
using Octomix.Hal;

namespace Wm8960Sample
{
    /// <summary>
    /// IRegisterBus over nanoFramework's I2cDevice (what board/Esp32Reference provides on the box),
    /// mapping I2cTransferStatus onto BusStatus. Reads are not used by the WM8960 driver.
    /// </summary>
    public sealed class I2cRegisterBus : IRegisterBus
    {
        private readonly I2cDevice _device;

        public I2cRegisterBus(int busId, int address)
        {
            Address = address;
            _device = I2cDevice.Create(new I2cConnectionSettings(busId, address, I2cBusSpeed.StandardMode));
        }

        public int Address { get; private set; }

        public BusStatus Write(byte[] buffer, int offset, int count)
        {
            return Map(_device.Write(new System.SpanByte(buffer, offset, count)), count);
        }

        public BusStatus Read(byte[] buffer, int offset, int count)
        {
            return Map(_device.Read(new System.SpanByte(buffer, offset, count)), count);
        }

        public BusStatus WriteRead(byte[] write, int writeOffset, int writeCount, byte[] read, int readOffset, int readCount)
        {
            return Map(_device.WriteRead(new System.SpanByte(write, writeOffset, writeCount), new System.SpanByte(read, readOffset, readCount)), writeCount + readCount);
        }

        private static BusStatus Map(I2cTransferResult result, int expected)
        {
            switch (result.Status)
            {
                case I2cTransferStatus.FullTransfer: return result.BytesTransferred == (uint)expected ? BusStatus.Ok : BusStatus.BusError;
                case I2cTransferStatus.SlaveAddressNotAcknowledged: return BusStatus.AddressNack;
                case I2cTransferStatus.PartialTransfer: return BusStatus.DataNack;
                case I2cTransferStatus.ClockStretchTimeout: return BusStatus.Timeout;
                default: return BusStatus.Other;
            }
        }
    }
}
