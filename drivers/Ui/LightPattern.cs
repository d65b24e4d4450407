namespace Octomix.Drivers.Ui
{
    /// <summary>What the three status lights say (README.md has the table of patterns).</summary>
    public enum LightPattern
    {
        Booting = 0,
        NoNetwork = 1,
        NoServer = 2,
        Idle = 3,
        Joining = 4,
        Ready = 5,
        Calibrating = 6,
        CountIn = 7,
        Recording = 8,
        Stopping = 9,
        Collecting = 10,
        Jamming = 11,
        Playback = 12,
        Error = 13,
    }
}
