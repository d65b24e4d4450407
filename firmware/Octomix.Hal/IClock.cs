using System;

namespace Octomix.Hal
{
    /// <summary>Time sources of the box.</summary>
    public interface IClock
    {
        /// <summary>Monotonic microseconds since boot (HighResTimer on the ESP32).</summary>
        long Microseconds { get; }

        /// <summary>Wall-clock UTC; before the clock is set (no NTP yet) it may read 1970 or 2000.</summary>
        DateTime UtcNow { get; }
    }
}
