namespace Octomix.Hal
{
    /// <summary>
    /// Everything a board provides to the box logic. A board binds platform APIs and pins to these
    /// interfaces and contains no logic of its own (board/Esp32Reference, board/Simulated).
    /// </summary>
    public interface IBoard
    {
        /// <summary>A short name for logs ("esp32-reference", "simulated").</summary>
        string Name { get; }

        /// <summary>
        /// A stable identity of this piece of hardware for the Join message (the reference box: its
        /// Wi-Fi MAC address; the simulator: derived from its name and seed), or 0 when the board
        /// has none. The box uses it unless the settings file names a <c>box_id</c>.
        /// </summary>
        ulong BoxId { get; }

        /// <summary>The codec's control bus (the device tests talk to it directly; the box uses <see cref="Codec"/>).</summary>
        IRegisterBus CodecBus { get; }

        /// <summary>The audio codec (its driver on <see cref="CodecBus"/>), built by the board.</summary>
        IAudioCodec Codec { get; }

        IStorage Card { get; }
        INetworkLink Network { get; }
        IDatagramSocket Socket { get; }
        IClock Clock { get; }
        IButton JoinButton { get; }
        IStatusLights Lights { get; }
        IAnalogKnob ClickKnob { get; }
        ILog Log { get; }

        /// <summary>
        /// Starts the audio clocks and DMA for <paramref name="format"/> with blocks of
        /// <paramref name="blockFrames"/> frames. False (with a log line) when the board cannot
        /// run that format. Capture and playback share one clock source.
        /// </summary>
        bool StartAudio(PcmFormat format, int blockFrames);

        /// <summary>Capture (valid after <see cref="StartAudio"/>).</summary>
        IAudioIn Capture { get; }

        /// <summary>Playback to the click DAC (valid after <see cref="StartAudio"/>).</summary>
        IAudioOut Playback { get; }
    }
}
