namespace Octomix.Drivers.Click
{
    /// <summary>The timbre of the click. Accented beats use a higher pitch (Beep, Woodblock) or more level (HiHat).</summary>
    public enum ClickSound
    {
        /// <summary>A short sine beep: 1760 Hz accent, 1320 Hz normal beat.</summary>
        Beep = 1,
        /// <summary>A dry knock: two inharmonic partials with a fast decay.</summary>
        Woodblock = 2,
        /// <summary>A closed hi-hat: high-passed noise with a fast decay (same noise every beat).</summary>
        HiHat = 3,
    }
}
