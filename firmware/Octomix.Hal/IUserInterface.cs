namespace Octomix.Hal
{
    /// <summary>The join button as a raw level (debouncing and press lengths are the driver's job).</summary>
    public interface IButton
    {
        /// <summary>True while the button is held down (the binding hides active-low wiring).</summary>
        bool IsPressed { get; }
    }

    /// <summary>The status lights, set all at once.</summary>
    public interface IStatusLights
    {
        /// <summary>Bit <see cref="StatusLight.Link"/>, <see cref="StatusLight.Record"/>, <see cref="StatusLight.Beat"/>: 1 = on.</summary>
        void Show(int mask);
    }

    /// <summary>Bits of <see cref="IStatusLights.Show"/>.</summary>
    public static class StatusLight
    {
        public const int Link = 1;
        public const int Record = 2;
        public const int Beat = 4;
    }

    /// <summary>An analog control (the click-level knob).</summary>
    public interface IAnalogKnob
    {
        /// <summary>Largest value <see cref="Read"/> returns (4095 for the ESP32's 12-bit ADC).</summary>
        int MaxValue { get; }

        /// <summary>Current position, 0..<see cref="MaxValue"/>.</summary>
        int Read();
    }
}
