using System;

namespace Octomix.Drivers.Wm8960
{
    /// <summary>
    /// Everything <see cref="Wm8960.Initialize"/> needs, in the units a person thinks in. Gains in
    /// hundredths of a dB (centi-dB) are rounded to the nearest step the codec has. The defaults
    /// are the reference box's: 24-bit I2S slave, instrument at 0 dB, second input +13 dB boost
    /// (a dynamic mic), monitoring at 0 dB, headphones at -10 dB, click at full mixer gain.
    /// </summary>
    public sealed class Wm8960Config
    {
        public Wm8960Config()
        {
            WordLengthBits = 24;
            InstrumentGainCentiDb = 0;
            InstrumentBoost = Wm8960MicBoost.Db0;
            SecondInputGainCentiDb = 0;
            SecondInputBoost = Wm8960MicBoost.Db13;
            MicBias = false;
            AdcVolumeCentiDb = 0;
            MonitorGainDb = 0;
            HeadphoneVolumeDb = -10;
            ClickLevelPercent = 100;
            CalibrationGainDb = -6;
        }

        /// <summary>I2S word length: 16, 24 or 32 (R7 WL). Must match the ESP32's I2S setting.</summary>
        public int WordLengthBits { get; set; }

        /// <summary>Left input PGA (LINPUT1, the instrument): -1725..3000 (-17.25..+30 dB), 0.75 dB steps.</summary>
        public int InstrumentGainCentiDb { get; set; }

        /// <summary>Left boost stage (LMICBOOST).</summary>
        public Wm8960MicBoost InstrumentBoost { get; set; }

        /// <summary>Right input PGA (RINPUT1, the second input): -1725..3000, 0.75 dB steps.</summary>
        public int SecondInputGainCentiDb { get; set; }

        /// <summary>Right boost stage (RMICBOOST).</summary>
        public Wm8960MicBoost SecondInputBoost { get; set; }

        /// <summary>Power MICBIAS (R25 MICB) for an electret mic on the second input.</summary>
        public bool MicBias { get; set; }

        /// <summary>ADC digital volume for both channels: -9700..3000 (-97..+30 dB), 0.5 dB steps.</summary>
        public int AdcVolumeCentiDb { get; set; }

        /// <summary>Zero-latency monitoring (boost mixer to headphones, LB2LOVOL/RB2ROVOL): 0..-21 dB, 3 dB steps.</summary>
        public int MonitorGainDb { get; set; }

        /// <summary>Headphone volume (LOUT1VOL/ROUT1VOL): -73..+6 dB, 1 dB steps.</summary>
        public int HeadphoneVolumeDb { get; set; }

        /// <summary>Click in the headphones (LINPUT3/RINPUT3 mixer gain): 0 = off, 1..100 = -21..0 dB.</summary>
        public int ClickLevelPercent { get; set; }

        /// <summary>Click into the ADC during calibration (LIN3BOOST/RIN3BOOST): -12..+6 dB, 3 dB steps.</summary>
        public int CalibrationGainDb { get; set; }

        /// <summary>Throws ArgumentException naming the first bad setting. Called before any bus write.</summary>
        public void Validate()
        {
            if (WordLengthBits != 16 && WordLengthBits != 24 && WordLengthBits != 32)
                throw new ArgumentException("WordLengthBits must be 16, 24 or 32, not " + WordLengthBits, "WordLengthBits");
            CheckRange(InstrumentGainCentiDb, -1725, 3000, "InstrumentGainCentiDb");
            CheckRange(SecondInputGainCentiDb, -1725, 3000, "SecondInputGainCentiDb");
            CheckBoost(InstrumentBoost, "InstrumentBoost");
            CheckBoost(SecondInputBoost, "SecondInputBoost");
            CheckRange(AdcVolumeCentiDb, -9700, 3000, "AdcVolumeCentiDb");
            CheckRange(MonitorGainDb, -21, 0, "MonitorGainDb");
            CheckRange(HeadphoneVolumeDb, -73, 6, "HeadphoneVolumeDb");
            CheckRange(ClickLevelPercent, 0, 100, "ClickLevelPercent");
            CheckRange(CalibrationGainDb, -12, 6, "CalibrationGainDb");
        }

        private static void CheckRange(int value, int min, int max, string name)
        {
            if (value < min || value > max)
                throw new ArgumentException(name + " = " + value + " is outside " + min + ".." + max, name);
        }

        private static void CheckBoost(Wm8960MicBoost boost, string name)
        {
            if ((int)boost < 0 || (int)boost > 3)
                throw new ArgumentException(name + " = " + (int)boost + " is not a Wm8960MicBoost value", name);
        }
    }
}
