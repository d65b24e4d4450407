namespace Octomix.Drivers.Wm8960
{
    /// <summary>
    /// WM8960 control registers (datasheet "Register Map", Rev 4.2): 7-bit address, 9-bit value,
    /// write-only. Names follow the datasheet's register titles; R12-R14, R30, R31, R35, R36 and R50
    /// are not listed by the datasheet and are never written.
    /// </summary>
    public enum Wm8960Register : byte
    {
        LeftInputVolume = 0x00,      // R0  IPVU, LINMUTE, LIZC, LINVOL[5:0]
        RightInputVolume = 0x01,     // R1  IPVU, RINMUTE, RIZC, RINVOL[5:0]
        Lout1Volume = 0x02,          // R2  OUT1VU, LO1ZC, LOUT1VOL[6:0]  (headphone left)
        Rout1Volume = 0x03,          // R3  OUT1VU, RO1ZC, ROUT1VOL[6:0]  (headphone right)
        Clocking1 = 0x04,            // R4  ADCDIV, DACDIV, SYSCLKDIV, CLKSEL
        AdcDacControl1 = 0x05,       // R5  DACDIV2, ADCPOL, DACMU, DEEMPH, ADCHPD
        AdcDacControl2 = 0x06,       // R6  DACPOL, DACSMM, DACMR, DACSLOPE
        AudioInterface1 = 0x07,      // R7  ALRSWAP, BCLKINV, MS, DLRSWAP, LRP, WL, FORMAT
        Clocking2 = 0x08,            // R8  DCLKDIV, BCLKDIV
        AudioInterface2 = 0x09,      // R9  ALRCGPIO, WL8, DACCOMP, ADCCOMP, LOOPBACK
        LeftDacVolume = 0x0A,        // R10 DACVU, LDACVOL
        RightDacVolume = 0x0B,       // R11 DACVU, RDACVOL
        Reset = 0x0F,                // R15 any write resets every register
        ThreeDControl = 0x10,        // R16
        Alc1 = 0x11,                 // R17
        Alc2 = 0x12,                 // R18
        Alc3 = 0x13,                 // R19
        NoiseGate = 0x14,            // R20
        LeftAdcVolume = 0x15,        // R21 ADCVU, LADCVOL[7:0]
        RightAdcVolume = 0x16,       // R22 ADCVU, RADCVOL[7:0]
        AdditionalControl1 = 0x17,   // R23
        AdditionalControl2 = 0x18,   // R24
        PowerManagement1 = 0x19,     // R25 VMIDSEL, VREF, AINL, AINR, ADCL, ADCR, MICB, DIGENB
        PowerManagement2 = 0x1A,     // R26 DACL, DACR, LOUT1, ROUT1, SPKL, SPKR, OUT3, PLL_EN
        AdditionalControl3 = 0x1B,   // R27
        AntiPop1 = 0x1C,             // R28 POBCTRL, BUFDCOPEN, BUFIOEN, SOFT_ST, HPSTBY
        AntiPop2 = 0x1D,             // R29
        AdclSignalPath = 0x20,       // R32 LMN1, LMP3, LMP2, LMICBOOST[1:0], LMIC2B
        AdcrSignalPath = 0x21,       // R33 RMN1, RMP3, RMP2, RMICBOOST[1:0], RMIC2B
        LeftOutMix = 0x22,           // R34 LD2LO, LI2LO, LI2LOVOL[2:0]
        RightOutMix = 0x25,          // R37 RD2RO, RI2RO, RI2ROVOL[2:0]
        MonoOutMix1 = 0x26,          // R38
        MonoOutMix2 = 0x27,          // R39
        Lout2Volume = 0x28,          // R40 (speaker)
        Rout2Volume = 0x29,          // R41 (speaker)
        MonoOutVolume = 0x2A,        // R42
        InputBoostMixer1 = 0x2B,     // R43 LIN3BOOST[2:0], LIN2BOOST[2:0]
        InputBoostMixer2 = 0x2C,     // R44 RIN3BOOST[2:0], RIN2BOOST[2:0]
        Bypass1 = 0x2D,              // R45 LB2LO, LB2LOVOL[2:0]
        Bypass2 = 0x2E,              // R46 RB2RO, RB2ROVOL[2:0]
        PowerManagement3 = 0x2F,     // R47 LMIC, RMIC, LOMIX, ROMIX
        AdditionalControl4 = 0x30,   // R48
        ClassDControl1 = 0x31,       // R49
        ClassDControl3 = 0x33,       // R51
        PllN = 0x34,                 // R52
        PllK1 = 0x35,                // R53
        PllK2 = 0x36,                // R54
        PllK3 = 0x37,                // R55
    }
}
