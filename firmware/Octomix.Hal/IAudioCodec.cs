namespace Octomix.Hal
{
    /// <summary>
    /// The audio codec of the box, as the box logic sees it: the format of its serial audio
    /// interface, the click gain, the calibration routing and its power. A board provides it
    /// (<see cref="IBoard.Codec"/>: the reference box, the WM8960 driver on its I2C bus; the
    /// simulator, the same driver on the simulated registers), so the box never constructs a
    /// driver. Bus faults never throw: calls return the <see cref="BusStatus"/> of the first
    /// failed transfer and <see cref="LastError"/> says what to check.
    /// </summary>
    public interface IAudioCodec
    {
        /// <summary>True after a successful <see cref="Configure"/>, until <see cref="PowerDown"/> or a failed one.</summary>
        bool IsInitialized { get; }

        /// <summary>What went wrong in the last failed call (for the log); empty when none.</summary>
        string LastError { get; }

        /// <summary>
        /// Resets the codec and powers it up for recording and the click: word length
        /// <paramref name="bitsPerSample"/> (16 or 24) on the serial interface, the click's
        /// analog gain at <paramref name="clickLevelPercent"/> (0..100). May be called again (it
        /// starts with a reset).
        /// </summary>
        BusStatus Configure(int bitsPerSample, int clickLevelPercent);

        /// <summary>The click's analog gain, 0..100 % (the knob); cheap when the step does not change.</summary>
        BusStatus SetClickVolume(int levelPercent);

        /// <summary>Routes the click into the capture (on) for the latency calibration, or back (off).</summary>
        BusStatus SetCalibrationRouting(bool on);

        /// <summary>Powers every block of the codec down (until the next <see cref="Configure"/>).</summary>
        BusStatus PowerDown();
    }
}
