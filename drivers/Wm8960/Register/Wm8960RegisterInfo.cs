namespace Octomix.Drivers.Wm8960
{
    /// <summary>Datasheet facts about the registers: reset values and names (for error messages).</summary>
    internal static class Wm8960RegisterInfo
    {
        /// <summary>Datasheet Rev 4.2 register map defaults; -1 = register not listed (never written, not shadowed).</summary>
        public static int[] BuildResetValues()
        {
            int[] v = new int[Wm8960.RegisterCount];
            for (int i = 0; i < Wm8960.RegisterCount; i++) v[i] = -1;
            v[0x00] = 0x097; v[0x01] = 0x097; v[0x02] = 0x000; v[0x03] = 0x000;
            v[0x04] = 0x000; v[0x05] = 0x008; v[0x06] = 0x000; v[0x07] = 0x00A;
            v[0x08] = 0x1C0; v[0x09] = 0x000; v[0x0A] = 0x0FF; v[0x0B] = 0x0FF;
            v[0x0F] = 0x000; // R15 Reset: write-only trigger, no stored value
            v[0x10] = 0x000; v[0x11] = 0x07B; v[0x12] = 0x100; v[0x13] = 0x032;
            v[0x14] = 0x000; v[0x15] = 0x0C3; v[0x16] = 0x0C3; v[0x17] = 0x1C0;
            v[0x18] = 0x000; v[0x19] = 0x000; v[0x1A] = 0x000; v[0x1B] = 0x000;
            v[0x1C] = 0x000; v[0x1D] = 0x000;
            v[0x20] = 0x100; v[0x21] = 0x100; v[0x22] = 0x050; v[0x25] = 0x050;
            v[0x26] = 0x000; v[0x27] = 0x000; v[0x28] = 0x000; v[0x29] = 0x000;
            v[0x2A] = 0x040; v[0x2B] = 0x000; v[0x2C] = 0x000; v[0x2D] = 0x050;
            v[0x2E] = 0x050; v[0x2F] = 0x000; v[0x30] = 0x002; v[0x31] = 0x037;
            v[0x33] = 0x080; v[0x34] = 0x008; v[0x35] = 0x031; v[0x36] = 0x026;
            v[0x37] = 0x0E9;
            return v;
        }

        public static string Name(int reg)
        {
            switch ((Wm8960Register)reg)
            {
                case Wm8960Register.Reset: return "Reset";
                case Wm8960Register.LeftInputVolume: return "Left Input volume";
                case Wm8960Register.RightInputVolume: return "Right Input volume";
                case Wm8960Register.Lout1Volume: return "LOUT1 volume";
                case Wm8960Register.Rout1Volume: return "ROUT1 volume";
                case Wm8960Register.Clocking1: return "Clocking (1)";
                case Wm8960Register.AudioInterface1: return "Audio Interface";
                case Wm8960Register.LeftAdcVolume: return "Left ADC volume";
                case Wm8960Register.RightAdcVolume: return "Right ADC volume";
                case Wm8960Register.PowerManagement1: return "Power Mgmt (1)";
                case Wm8960Register.PowerManagement2: return "Power Mgmt (2)";
                case Wm8960Register.PowerManagement3: return "Power Mgmt (3)";
                case Wm8960Register.AntiPop1: return "Anti-pop 1";
                case Wm8960Register.AdclSignalPath: return "ADCL signal path";
                case Wm8960Register.AdcrSignalPath: return "ADCR signal path";
                case Wm8960Register.LeftOutMix: return "Left out Mix";
                case Wm8960Register.RightOutMix: return "Right out Mix";
                case Wm8960Register.InputBoostMixer1: return "Input boost mixer (1)";
                case Wm8960Register.InputBoostMixer2: return "Input boost mixer (2)";
                case Wm8960Register.Bypass1: return "Bypass (1)";
                case Wm8960Register.Bypass2: return "Bypass (2)";
                default: return "register";
            }
        }
    }
}
