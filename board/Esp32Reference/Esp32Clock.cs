using System;
using nanoFramework.Hardware.Esp32;
using Octomix.Hal;

namespace Octomix.Board.Esp32Reference
{
    /// <summary>
    /// <see cref="IClock"/>: the ESP32's 64-bit microsecond timer (esp_timer, since boot) and the
    /// system's UTC time (1970 until something sets it).
    /// </summary>
    public sealed class Esp32Clock : IClock
    {
        public long Microseconds { get { return (long)HighResTimer.GetCurrent(); } }

        public DateTime UtcNow { get { return DateTime.UtcNow; } }
    }
}
