using System;
using System.Threading;
using nanoFramework.Hardware.Esp32;
using Octomix.Drivers.Wm8960;
using Octomix.Hal;

namespace Wm8960Sample
{
    /// <summary>
    /// Brings up the WM8960 of the reference box (I2C1: SDA GPIO18, SCL GPIO23) for capture,
    /// monitoring and the click mix, then sweeps the click level as the knob would and toggles
    /// the calibration routing. The ESP32 must already drive MCLK (256 fs) for the ADCs to run.
    /// </summary>
    public class Program
    {
        public static void Main()
        {
            Configuration.SetPinFunction(18, DeviceFunction.I2C1_DATA);
            Configuration.SetPinFunction(23, DeviceFunction.I2C1_CLOCK);

            var codec = new Wm8960(new I2cRegisterBus(1, Wm8960.I2cAddress));
            var config = new Wm8960Config();
            config.WordLengthBits = 16;
            config.HeadphoneVolumeDb = -12;
            BusStatus status = codec.Initialize(config);
            if (status != BusStatus.Ok)
            {
                Console.WriteLine("codec: " + codec.LastError); // error code 4 on the box
                Thread.Sleep(Timeout.Infinite);
            }
            Console.WriteLine("codec ready: instrument left, second input right, click on LINPUT3/RINPUT3");

            for (int percent = 100; percent >= 0; percent -= 5)
            {
                if (codec.SetClickVolume(percent) != BusStatus.Ok) Console.WriteLine(codec.LastError);
                Thread.Sleep(200);
            }
            codec.SetClickVolume(80);

            codec.SetCalibrationRouting(true);
            Console.WriteLine("calibration routing: the ADCs hear the click DAC");
            Thread.Sleep(2000);
            codec.SetCalibrationRouting(false);
            Console.WriteLine("recording routing again");
            Thread.Sleep(Timeout.Infinite);
        }
    }
}
