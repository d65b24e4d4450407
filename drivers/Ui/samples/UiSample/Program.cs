using System;
using System.Device.Gpio;
using System.Threading;
using nanoFramework.Hardware.Esp32;
using Octomix.Drivers.Ui;
using Octomix.Hal;

namespace UiSample
{
    /// <summary>
    /// The join button (GPIO36, external pull-up, pressed = low) and the three LEDs (GPIO19/21/22)
    /// of the reference box: a short press shows the next light pattern, a long press shows an
    /// error code (cycling 1..9). Polled every 5 ms like the audio loop would.
    /// </summary>
    public class Program
    {
        public static void Main()
        {
            var gpio = new GpioController();
            var button = new JoinButton(new GpioButton(gpio.OpenPin(36, PinMode.Input)), 30, 1500);
            var lights = new StatusLightDriver(new GpioLights(gpio.OpenPin(19, PinMode.Output), gpio.OpenPin(21, PinMode.Output), gpio.OpenPin(22, PinMode.Output)));
            int pattern = 0, code = 0;
            lights.Show(LightPattern.Booting, 0);
            while (true)
            {
                long now = (long)HighResTimer.GetCurrent();
                ButtonEvent e = button.Poll(now);
                if (e == ButtonEvent.ShortPress)
                {
                    pattern = (pattern + 1) % (int)LightPattern.Error;
                    lights.Show((LightPattern)pattern, 0);
                    Console.WriteLine("pattern " + pattern);
                }
                else if (e == ButtonEvent.LongPress)
                {
                    code = code % BoxErrorCode.Max + 1;
                    lights.Show(LightPattern.Error, code);
                    Console.WriteLine("error " + code + ": " + BoxErrorCode.Describe(code));
                }
                if (now / 500000 % 2 == 0) lights.Beat(now, false); // a 120 BPM beat for the beat patterns
                lights.Update(now);
                Thread.Sleep(5);
            }
        }

        private sealed class GpioButton : IButton
        {
            private readonly GpioPin _pin;
            public GpioButton(GpioPin pin) { _pin = pin; }
            public bool IsPressed { get { return _pin.Read() == PinValue.Low; } }
        }

        private sealed class GpioLights : IStatusLights
        {
            private readonly GpioPin _link, _record, _beat;
            public GpioLights(GpioPin link, GpioPin record, GpioPin beat) { _link = link; _record = record; _beat = beat; }

            public void Show(int mask)
            {
                _link.Write((mask & StatusLight.Link) != 0 ? PinValue.High : PinValue.Low);
                _record.Write((mask & StatusLight.Record) != 0 ? PinValue.High : PinValue.Low);
                _beat.Write((mask & StatusLight.Beat) != 0 ? PinValue.High : PinValue.Low);
            }
        }
    }
}
