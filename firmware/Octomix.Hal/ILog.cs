namespace Octomix.Hal
{
    public enum LogLevel
    {
        Debug = 0,
        Info = 1,
        Warning = 2,
        Error = 3,
    }

    /// <summary>
    /// Where the box's log lines go (serial console on the ESP32, ILogger on a PC). Logging builds
    /// strings, so the audio loop logs only on state changes and faults, never per block.
    /// </summary>
    public interface ILog
    {
        void Write(LogLevel level, string message);
    }
}
