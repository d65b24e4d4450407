using System;
using System.Device.Adc;
using Octomix.Hal;

namespace Octomix.Board.Esp32Reference
{
    /// <summary>
    /// The click-level pot on an ADC1 pin (nanoFramework.System.Device.Adc). The ESP32 firmware
    /// opens channels at 12 bits with 12 dB attenuation (about 0–3.1 V), so the top of the pot's
    /// 3.3 V travel reads full scale. One native conversion per <see cref="Read"/>: read it now
    /// and then (on a control tick), not per audio block.
    /// </summary>
    public sealed class AdcKnob : IAnalogKnob
    {
        // ESP32 ADC1 channel n sits on GPIO 36, 37, 38, 39, 32, 33, 34, 35 (n = 0..7); the
        // firmware numbers ADC1 channels 0..7 the same way.
        private static readonly int[] Adc1ChannelPins = { 36, 37, 38, 39, 32, 33, 34, 35 };

        private readonly AdcChannel _channel;
        private readonly int _maxValue;

        public AdcKnob(int pin)
        {
            int channel = Adc1ChannelOf(pin);
            AdcController controller = new AdcController();
            _maxValue = controller.MaxValue;
            _channel = controller.OpenChannel(channel);
        }

        public int MaxValue { get { return _maxValue; } }

        public int Read()
        {
            int value = _channel.ReadValue();
            if (value < 0) return 0;
            return value > _maxValue ? _maxValue : value;
        }

        /// <summary>The ADC1 channel of an ESP32 pin; ADC2 pins are refused (unusable while Wi-Fi runs).</summary>
        public static int Adc1ChannelOf(int pin)
        {
            for (int channel = 0; channel < Adc1ChannelPins.Length; channel++)
            {
                if (Adc1ChannelPins[channel] == pin) return channel;
            }

            throw new ArgumentOutOfRangeException("pin", "GPIO" + pin + " is not an ADC1 pin (32-39); ADC2 cannot be read while Wi-Fi runs");
        }
    }
}
