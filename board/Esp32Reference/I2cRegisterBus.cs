using System;
using System.Device.I2c;
using Octomix.Hal;

namespace Octomix.Board.Esp32Reference
{
    /// <summary>
    /// <see cref="IRegisterBus"/> over nanoFramework's <see cref="I2cDevice"/> (the WM8960 at
    /// 0x1A on I2C bus 1, fast mode). Bus faults come back as <see cref="BusStatus"/>, never as
    /// exceptions; only caller mistakes (null buffer, range outside it) throw.
    /// </summary>
    /// <remarks>
    /// What the ESP32 firmware reports: every transaction is built as one command list and run
    /// with a 1 s timeout. A NACK anywhere (address or data) is ESP_FAIL, reported as
    /// <see cref="I2cTransferStatus.SlaveAddressNotAcknowledged"/>, so on this board a refused data
    /// byte also reads <see cref="BusStatus.AddressNack"/>. A timeout is
    /// <see cref="I2cTransferStatus.ClockStretchTimeout"/>. Other driver errors throw
    /// InvalidOperationException inside the firmware call; they are caught here as
    /// <see cref="BusStatus.BusError"/>.
    /// </remarks>
    public sealed class I2cRegisterBus : IRegisterBus
    {
        private readonly I2cDevice _device;

        public I2cRegisterBus(int busId, int address, I2cBusSpeed speed)
        {
            if (address < 0x08 || address > 0x77) throw new ArgumentOutOfRangeException("address", "not a 7-bit device address: " + address);
            Address = address;
            _device = new I2cDevice(new I2cConnectionSettings(busId, address, speed));
        }

        public int Address { get; }

        public BusStatus Write(byte[] buffer, int offset, int count)
        {
            CheckTransfer(buffer, offset, count, "buffer");
            try
            {
                return ToBusStatus(_device.Write(new SpanByte(buffer, offset, count)), count);
            }
            catch (Exception)
            {
                return BusStatus.BusError;
            }
        }

        public BusStatus Read(byte[] buffer, int offset, int count)
        {
            CheckTransfer(buffer, offset, count, "buffer");
            try
            {
                return ToBusStatus(_device.Read(new SpanByte(buffer, offset, count)), count);
            }
            catch (Exception)
            {
                return BusStatus.BusError;
            }
        }

        public BusStatus WriteRead(byte[] write, int writeOffset, int writeCount, byte[] read, int readOffset, int readCount)
        {
            CheckTransfer(write, writeOffset, writeCount, "write");
            CheckTransfer(read, readOffset, readCount, "read");
            try
            {
                I2cTransferResult result = _device.WriteRead(
                    new SpanByte(write, writeOffset, writeCount), new SpanByte(read, readOffset, readCount));
                return ToBusStatus(result, writeCount + readCount);
            }
            catch (Exception)
            {
                return BusStatus.BusError;
            }
        }

        /// <summary>The one mapping of nanoFramework's transfer result onto <see cref="BusStatus"/>.</summary>
        public static BusStatus ToBusStatus(I2cTransferResult result, int expectedBytes)
        {
            switch (result.Status)
            {
                case I2cTransferStatus.FullTransfer:
                    return result.BytesTransferred == (uint)expectedBytes ? BusStatus.Ok : BusStatus.BusError;
                case I2cTransferStatus.SlaveAddressNotAcknowledged:
                    return BusStatus.AddressNack;
                case I2cTransferStatus.PartialTransfer:
                    // The address was acknowledged, then the transfer stopped: a data byte was refused.
                    return BusStatus.DataNack;
                case I2cTransferStatus.ClockStretchTimeout:
                    return BusStatus.Timeout;
                default:
                    return BusStatus.Other;
            }
        }

        private static void CheckTransfer(byte[] buffer, int offset, int count, string name)
        {
            AudioRange.CheckSpan(buffer, offset, count, name);
            // The ESP32 firmware builds no START/address for an empty part: a 0-byte transfer is not a probe there.
            if (count == 0) throw new ArgumentOutOfRangeException("count", "an I2C transfer needs at least one byte");
        }
    }
}
