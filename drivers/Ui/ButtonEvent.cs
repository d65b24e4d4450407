namespace Octomix.Drivers.Ui
{
    /// <summary>What <see cref="JoinButton.Poll"/> reports.</summary>
    public enum ButtonEvent
    {
        None = 0,
        /// <summary>Pressed and released before the long-press threshold (reported on release).</summary>
        ShortPress = 1,
        /// <summary>Held past the long-press threshold (reported once, while still held).</summary>
        LongPress = 2,
    }
}
