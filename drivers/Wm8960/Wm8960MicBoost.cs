namespace Octomix.Drivers.Wm8960
{
    /// <summary>Gain of the input boost stage after the PGA (LMICBOOST / RMICBOOST, R32/R33 bits 5:4).</summary>
    public enum Wm8960MicBoost
    {
        Db0 = 0,
        Db13 = 1,
        Db20 = 2,
        Db29 = 3,
    }

    /// <summary>The two capture channels of the box.</summary>
    public enum Wm8960Input
    {
        /// <summary>LINPUT1 through the left PGA to the left ADC: the instrument (high-impedance buffer).</summary>
        Instrument = 0,
        /// <summary>RINPUT1 through the right PGA to the right ADC: the second input (mic or line).</summary>
        Second = 1,
    }

    /// <summary>Pause of the power-up sequence (Thread.Sleep on the box; tests record it).</summary>
    public delegate void Wm8960Delay(int milliseconds);
}
