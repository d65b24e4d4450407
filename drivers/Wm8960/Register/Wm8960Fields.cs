namespace Octomix.Drivers.Wm8960
{
    /// <summary>
    /// Field bits of the registers this driver writes (datasheet Rev 4.2 register descriptions).
    /// Multi-bit fields have a shift; their codes are documented in README.md.
    /// </summary>
    internal static class Wm8960Fields
    {
        // R0/R1 input PGA volume
        public const int IPVU = 0x100;            // latch left and right PGA volume together
        public const int INMUTE = 0x080;          // LINMUTE / RINMUTE
        public const int INVOL_MASK = 0x03F;      // LINVOL / RINVOL: 0x00 = -17.25 dB .. 0x3F = +30 dB, 0.75 dB steps
        public const int INVOL_0DB = 0x17;

        // R2/R3 headphone volume
        public const int OUT1VU = 0x100;          // latch LOUT1VOL and ROUT1VOL together
        public const int OUT1VOL_0DB = 0x79;      // 0x7F = +6 dB .. 0x30 = -73 dB, 1 dB steps; below 0x30 = mute
        public const int OUT1VOL_MUTE = 0x00;

        // R7 audio interface
        public const int FORMAT_I2S = 0x002;      // FORMAT[1:0] = 10
        public const int WL_SHIFT = 2;            // WL[1:0]: 00 16 bit, 01 20 bit, 10 24 bit, 11 32 bit
        public const int MS = 0x040;              // 1 = master; we leave it 0 (slave: the ESP32 drives BCLK/LRCLK)

        // R21/R22 ADC volume
        public const int ADCVU = 0x100;
        public const int ADCVOL_0DB = 0xC3;       // 0x01 = -97 dB .. 0xFF = +30 dB, 0.5 dB steps; 0x00 = mute

        // R25 power management 1
        public const int VMIDSEL_50K = 0x080;     // VMIDSEL[1:0] = 01: 2 x 50 kOhm divider (playback/record)
        public const int VREF = 0x040;
        public const int AINL = 0x020;            // left input boost mixer (the "Left Boost Mixer" supply)
        public const int AINR = 0x010;
        public const int ADCL = 0x008;
        public const int ADCR = 0x004;
        public const int MICB = 0x002;

        // R26 power management 2
        public const int LOUT1 = 0x040;
        public const int ROUT1 = 0x020;

        // R28 anti-pop 1
        public const int POBCTRL = 0x080;
        public const int BUFDCOPEN = 0x010;
        public const int BUFIOEN = 0x008;
        public const int SOFT_ST = 0x004;

        // R32/R33 ADC signal path
        public const int MN1 = 0x100;             // LMN1 / RMN1: INPUT1 to the PGA's inverting input
        public const int MICBOOST_SHIFT = 4;      // LMICBOOST[1:0]: 00 0 dB, 01 +13 dB, 10 +20 dB, 11 +29 dB
        public const int MIC2B = 0x008;           // LMIC2B / RMIC2B: PGA output to the input boost mixer

        // R34/R37 output mixers
        public const int I2O = 0x080;             // LI2LO / RI2RO: INPUT3 straight to the output mixer
        public const int I2OVOL_SHIFT = 4;        // LI2LOVOL[2:0]: 000 = 0 dB .. 111 = -21 dB, 3 dB steps

        // R43/R44 input boost mixers
        public const int IN3BOOST_SHIFT = 4;      // LIN3BOOST[2:0]: 000 mute, 001 -12 dB .. 111 +6 dB, 3 dB steps

        // R45/R46 bypass
        public const int B2O = 0x080;             // LB2LO / RB2RO: boost mixer to output mixer (analog bypass)
        public const int B2OVOL_SHIFT = 4;        // LB2LOVOL[2:0]: 000 = 0 dB .. 111 = -21 dB, 3 dB steps

        // R47 power management 3
        public const int LMIC = 0x020;            // left input PGA
        public const int RMIC = 0x010;
        public const int LOMIX = 0x008;
        public const int ROMIX = 0x004;
    }
}
