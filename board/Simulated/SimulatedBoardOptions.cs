using Octomix.Drivers.Click;
using Octomix.Hal;

namespace Octomix.Board.Simulated;

/// <summary>Everything that makes one simulated box different from another.</summary>
public sealed class SimulatedBoardOptions
{
    /// <summary>Board name for the log.</summary>
    public string Name { get; set; } = "simulated";

    /// <summary>True: the audio clock runs in real time (the demo); false: fast simulated time (tests).</summary>
    public bool RealTime { get; set; }

    /// <summary>Error of the box's crystal against true time, ppm (+80 = the box's 48 kHz is 48003.84 Hz).</summary>
    public double ClockPpm { get; set; }

    /// <summary>DAC to the musician's ears (converter filter + headphone path), frames.</summary>
    public int OutputDelayFrames { get; set; } = 20;

    /// <summary>Instrument to the ADC output (converter filter), frames. Output + input = the analog round trip.</summary>
    public int InputDelayFrames { get; set; } = 17;

    /// <summary>
    /// The most bits per sample the board's audio path runs (24: the reference board); a box set
    /// to more is refused at audio start, as a board whose codec or I2S cannot run it would.
    /// </summary>
    public int MaxBitsPerSample { get; set; } = 24;

    /// <summary>Playback DMA capacity in blocks (must hold the box's prefill).</summary>
    public int PlaybackBufferBlocks { get; set; } = 16;

    /// <summary>Capture DMA capacity in blocks: a loop stalled longer loses audio.</summary>
    public int CaptureBufferBlocks { get; set; } = 16;

    /// <summary>The SD card's folder (created when missing).</summary>
    public string CardFolder { get; set; } = Path.Combine(Path.GetTempPath(), "octomix-card");

    public bool CardPresent { get; set; } = true;

    public long CardCapacityBytes { get; set; } = 32L << 30;

    /// <summary>0 = as fast as the PC's disk.</summary>
    public long CardWriteBytesPerSecond { get; set; }

    /// <summary>Read throughput in simulated time (an ESP32 reads ~300–500 KB/s from managed code); 0 = as fast as the PC's disk.</summary>
    public long CardReadBytesPerSecond { get; set; }

    /// <summary>
    /// True: the board runs the custom image with the native take writer (native/OctomixTakeWriter),
    /// so its card is an <see cref="Octomix.Hal.IAppendStorage"/> the box appends the take through
    /// (<see cref="SimulatedAppendFile"/>). False (the default): a stock image — the loop writes
    /// every block, as the reference box does today.
    /// </summary>
    public bool NativeTakeWriter { get; set; }

    public bool CodecPresent { get; set; } = true;

    /// <summary>False: the calibration routing hears nothing (a broken LINPUT3 wire): calibration must fail.</summary>
    public bool CalibrationPathWorks { get; set; } = true;

    /// <summary>The musician's timing spread, ms (0 = exactly on the click).</summary>
    public double HumanSpreadMilliseconds { get; set; }

    public int Seed { get; set; } = 1;

    /// <summary>False: nobody plays (silence in, except the calibration routing).</summary>
    public bool MusicianPlays { get; set; } = true;

    /// <summary>The click sound the musician expects (its lead-in frames are learnt from the real click generator).</summary>
    public ClickSound ClickSound { get; set; } = ClickSound.Beep;

    /// <summary>Raw value of the click-level knob, 0..4095.</summary>
    public int KnobValue { get; set; } = 3276;

    public NetworkConditions Network { get; set; } = new();

    /// <summary>Wall clock at simulation time 0 (fast time: a fixed date, so files are reproducible).</summary>
    public DateTime EpochUtc { get; set; } = new DateTime(2026, 3, 1, 12, 0, 0, DateTimeKind.Utc);

    /// <summary>Where the box's log lines go besides memory (the CLI's logger).</summary>
    public Action<LogLevel, string>? LogSink { get; set; }
}
