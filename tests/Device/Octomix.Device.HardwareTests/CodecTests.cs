using nanoFramework.TestFramework;
using Octomix.Board.Esp32Reference;
using Octomix.Drivers.Wm8960;
using Octomix.Hal;
using System.Device.I2c;

namespace Octomix.Device.HardwareTests
{
    /// <summary>The WM8960 on I2C bus 1 (SDA 18, SCL 23) answers at 0x1A and takes its init sequence.</summary>
    [TestClass]
    public class CodecTests
    {
        [TestMethod]
        public void TheCodecAcknowledgesItsAddress()
        {
            // R15 (software reset) is a write-only register: writing it is the WM8960's only probe.
            byte[] reset = { (byte)(0x0F << 1), 0x00 };
            BusStatus status = TestBoard.Board.CodecBus.Write(reset, 0, reset.Length);
            Assert.AreEqual((int)BusStatus.Ok, (int)status, "WM8960 at 0x1A: check its 3.3 V, SDA on GPIO18, SCL on GPIO23 and the pull-ups");
        }

        /// <summary>The probe can fail: nothing answers at the neighbouring address.</summary>
        [TestMethod]
        public void NothingAnswersAtAnEmptyAddress()
        {
            I2cRegisterBus empty = new I2cRegisterBus(Esp32ReferenceBoard.CodecI2cBus, 0x1B, I2cBusSpeed.FastMode);
            byte[] probe = { 0x00 };
            BusStatus status = empty.Write(probe, 0, probe.Length);
            Assert.AreEqual((int)BusStatus.AddressNack, (int)status, "a part at 0x1B? then the probe above proves nothing");
        }

        [TestMethod]
        public void TheInitSequenceIsAcceptedAndTheCalibrationRoutingSwitches()
        {
            Wm8960 codec = TestBoard.StartCodec(false);
            Assert.IsTrue(codec.IsInitialized);
            Assert.AreEqual((int)BusStatus.Ok, (int)codec.SetCalibrationRouting(true), codec.LastError);
            Assert.IsTrue(codec.CalibrationRouting);
            Assert.AreEqual((int)BusStatus.Ok, (int)codec.SetCalibrationRouting(false), codec.LastError);
            Assert.AreEqual((int)BusStatus.Ok, (int)codec.SetClickVolume(80), codec.LastError);
        }
    }
}
