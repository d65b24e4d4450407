using Octomix.Drivers.Click;
using Octomix.Drivers.Wm8960;
using Octomix.Hal;

namespace Octomix.Board.Simulated;

/// <summary>
/// The box's HAL on a PC: one sample clock for capture and playback (real or fast time, with a
/// ppm error), an analog path with a round trip and a musician, a WM8960 register file on the
/// I2C bus, an SD card in a folder, real UDP sockets with network conditions, a button pressed
/// from code, lights and a knob read from code. No logic of the box lives here.
/// </summary>
public sealed class SimulatedBoard : IBoard
{
    private readonly SimulatedBoardOptions options;
    private SimulatedAudio? audio;

    public SimulatedBoard(SimulatedBoardOptions options)
    {
        this.options = options;
        Time = new SimulatedTime(options.RealTime);
        Codec = new SimulatedCodec(options.CodecPresent);
        CodecDriver = new Wm8960(Codec);
        SimulatedCard = new SimulatedCard(options.CardFolder, Time)
        {
            Present = options.CardPresent,
            CapacityBytes = options.CardCapacityBytes,
            WriteBytesPerSecond = options.CardWriteBytesPerSecond,
            ReadBytesPerSecond = options.CardReadBytesPerSecond,
            NativeWriter = options.NativeTakeWriter,
        };
        NetworkLink = new SimulatedNetworkLink();
        SimulatedSocket = new SimulatedSocket(Time, options.Network);
        SimulatedClock = new SimulatedClock(Time, options.RealTime ? DateTime.UtcNow : options.EpochUtc);
        Button = new SimulatedButton(Time);
        SimulatedLights = new SimulatedLights(Time);
        Knob = new SimulatedKnob(options.KnobValue);
        SimulatedLog = new SimulatedLog(options.LogSink);
        BoxId = HardwareIdOf(options.Name, options.Seed);
    }

    /// <summary>
    /// The board's hardware id, as a MAC address would give it: 48 bits from an FNV-1a hash of
    /// the board name and seed, marked locally administered (bit 1 of the first octet) and
    /// unicast, so two simulated boxes of one demo differ and a box keeps its id across runs.
    /// </summary>
    public static ulong HardwareIdOf(string name, int seed)
    {
        ulong h = 14695981039346656037UL;
        foreach (char c in name + "#" + seed.ToString(System.Globalization.CultureInfo.InvariantCulture))
        {
            h ^= c;
            h *= 1099511628211UL;
        }

        ulong mac = h & 0xFFFF_FFFF_FFFFUL;
        return (mac & ~(0x01UL << 40)) | (0x02UL << 40);
    }

    /// <summary>See <see cref="HardwareIdOf"/>.</summary>
    public ulong BoxId { get; }

    public SimulatedBoardOptions Options => options;

    public SimulatedTime Time { get; }

    public SimulatedCodec Codec { get; }

    public SimulatedCard SimulatedCard { get; }

    public SimulatedNetworkLink NetworkLink { get; }

    public SimulatedSocket SimulatedSocket { get; }

    public SimulatedClock SimulatedClock { get; }

    public SimulatedButton Button { get; }

    public SimulatedLights SimulatedLights { get; }

    public SimulatedKnob Knob { get; }

    public SimulatedLog SimulatedLog { get; }

    /// <summary>The audio world (null until the box starts its audio).</summary>
    public SimulatedAudio? Audio => audio;

    /// <summary>The musician (null until the audio starts).</summary>
    public SimulatedInstrument? Instrument { get; private set; }

    /// <summary>The analog round trip the simulation adds after the playback pipeline, frames.</summary>
    public int AnalogRoundTripFrames => options.OutputDelayFrames + options.InputDelayFrames;

    public string Name => options.Name;

    public IRegisterBus CodecBus => Codec;

    /// <summary>The WM8960 driver on the simulated registers (<see cref="Codec"/>), as on the reference box.</summary>
    public Wm8960 CodecDriver { get; }

    IAudioCodec IBoard.Codec => CodecDriver;

    public IStorage Card => SimulatedCard;

    public INetworkLink Network => NetworkLink;

    public IDatagramSocket Socket => SimulatedSocket;

    public IClock Clock => SimulatedClock;

    public IButton JoinButton => Button;

    public IStatusLights Lights => SimulatedLights;

    public IAnalogKnob ClickKnob => Knob;

    public ILog Log => SimulatedLog;

    public IAudioIn Capture => audio ?? throw new InvalidOperationException("the audio has not been started");

    public IAudioOut Playback => audio ?? throw new InvalidOperationException("the audio has not been started");

    public bool StartAudio(PcmFormat format, int blockFrames)
    {
        if (format.Channels > 2 || format.BytesPerSample == 4 || blockFrames < 16 || format.BitsPerSample > options.MaxBitsPerSample)
        {
            SimulatedLog.Write(LogLevel.Error, "the simulated board runs 1-2 channels of 16 or 24 bit, not " + format);
            return false;
        }

        if (options.PlaybackBufferBlocks < 2 || options.CaptureBufferBlocks < 2)
        {
            SimulatedLog.Write(LogLevel.Error, "the simulated DMA buffers need at least 2 blocks");
            return false;
        }

        int fullScale = (1 << ((8 * format.BytesPerSample) - 1)) - 1;
        Instrument = new SimulatedInstrument(format.SampleRate, fullScale, ClickLeadFrames(format, options.ClickSound),
            options.HumanSpreadMilliseconds, options.Seed)
        {
            Playing = options.MusicianPlays,
        };
        audio = new SimulatedAudio(Time, format, blockFrames, options, Codec, Instrument);
        return true;
    }

    /// <summary>Zero frames at the start of a click of the real click generator (its attack starts at 0).</summary>
    public static int ClickLeadFrames(PcmFormat format, ClickSound sound)
    {
        var generator = new ClickGenerator(format, sound, 100);
        var block = new byte[64 * format.FrameBytes];
        generator.Fill(block, 0, 0, 64);
        for (int f = 0; f < 64; f++)
        {
            for (int b = 0; b < format.BytesPerSample; b++)
            {
                if (block[(f * format.FrameBytes) + b] != 0)
                {
                    return f;
                }
            }
        }

        return 0;
    }
}
