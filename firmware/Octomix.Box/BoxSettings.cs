using Octomix.Hal;
using Octomix.Protocol;

namespace Octomix.Box
{
    /// <summary>
    /// Everything the box reads from its settings file (docs/box.md, "Settings file"). Defaults are
    /// the safe ones; the network identity (server host, join code) has no safe default and is
    /// checked by <see cref="MissingRequired"/>. Filled by <see cref="SettingsParser"/>; a board or
    /// the simulator may override values after parsing (command-line flags).
    /// </summary>
    public sealed class BoxSettings
    {
        /// <summary>Where the settings live on the card.</summary>
        public const string FileName = "settings.txt";

        public BoxSettings()
        {
            WifiSsid = string.Empty;
            WifiPassword = string.Empty;
            ServerHost = string.Empty;
            ServerPort = ProtocolConstants.DefaultFirstPort;
            JoinCode = string.Empty;
            BoxName = "octomix box";
            SampleRate = 48000;
            BitsPerSample = 16;
            Channels = 2;
            BlockFrames = 256;
            ClickSound = 1;
            ClickLevel = 80;
            RetransmitSeconds = 2;
            PrefillBlocks = 0;
            CaptureBufferBlocks = 16;
            SdMarginPercent = 150;
            ChecksumSliceBytes = 4096;
            FileChunksPerBlock = 2;
            FileChunkBytes = TakeFileServer.DefaultChunkBytes;
            ProgressiveEveryBlocks = DefaultProgressiveEveryBlocks;
            CardWriteBytes = Recorder.DefaultCardWriteBytes;
            JoinRetrySeconds = 5;
            NetworkTimeoutSeconds = 20;
        }

        public string WifiSsid { get; set; }
        public string WifiPassword { get; set; }
        public string ServerHost { get; set; }
        public int ServerPort { get; set; }
        public string JoinCode { get; set; }
        public string BoxName { get; set; }

        /// <summary>0 = not set: the board's hardware id (the ESP32's MAC), else a hash of the box name (<see cref="BoxIdOn"/>).</summary>
        public ulong BoxId { get; set; }

        public int SampleRate { get; set; }

        /// <summary>16 or 24 (packed 24-bit, never 24-in-32).</summary>
        public int BitsPerSample { get; set; }

        public int Channels { get; set; }

        /// <summary>Frames per audio block: the loop's heartbeat (256 at 48 kHz = 5.33 ms).</summary>
        public int BlockFrames { get; set; }

        /// <summary>1 beep, 2 woodblock, 3 hi-hat (the click sounds of the Record message).</summary>
        public int ClickSound { get; set; }

        /// <summary>0..100 %, applied as the codec's analog click gain.</summary>
        public int ClickLevel { get; set; }

        /// <summary>When true the box jams (streams to the room, plays the personal mix) whenever it is in a room and no take runs.</summary>
        public bool Jam { get; set; }

        /// <summary>Join the room right after boot, as if the join button had been pressed.</summary>
        public bool AutoJoin { get; set; }

        /// <summary>Sum the take checksum while recording: ready at Stop, at the checksum's cost in every block (off by default).</summary>
        public bool DigestWhileRecording { get; set; }

        /// <summary>Seconds of sent audio kept for retransmission (NACK).</summary>
        public int RetransmitSeconds { get; set; }

        /// <summary>
        /// Blocks of silence queued to the click DAC before the loop starts: the constant playback
        /// depth, part of the round trip L and the longest loop stall the click survives. 0 = auto
        /// (<see cref="PipelineDepth"/>: deep for recording, 2 blocks when the box boots into jamming).
        /// </summary>
        public int PrefillBlocks { get; set; }

        /// <summary>
        /// Blocks the board's capture DMA holds, for a board that cannot report it
        /// (<see cref="IAudioIn.BufferFrames"/> = 0; the reference and the simulated board report
        /// theirs). The HAL does not say when capture overflowed, so the box infers it from how far
        /// behind the loop fell; this is how far it may.
        /// </summary>
        public int CaptureBufferBlocks { get; set; }

        /// <summary>The card must write at least this percentage of the format's byte rate (150 = 1.5x).</summary>
        public int SdMarginPercent { get; set; }

        /// <summary>
        /// The most bytes of a take read and summed in one loop turn after a take; the time budget
        /// (<see cref="ChecksumBudgetMicros"/>) usually stops a turn first on a real board.
        /// </summary>
        public int ChecksumSliceBytes { get; set; }

        /// <summary>
        /// Card-work time per loop turn after a take, µs, measured with the board clock: one budget
        /// shared by the checksum and serving FileRequests. 0 = auto:
        /// <see cref="TakeFileServer.AutoBudgetPercent"/> % of the block period, and for the native
        /// file server's datagrams while the box rests <see cref="TakeFileServer.AutoRestingServeBudgetPercent"/> %;
        /// a value set here is the budget of both.
        /// </summary>
        public int ChecksumBudgetMicros { get; set; }

        /// <summary>
        /// The most FileData chunks sent per loop turn when serving file ranges; the time budget
        /// (<see cref="ChecksumBudgetMicros"/>, shared with the checksum) usually stops a turn first
        /// on a real board.
        /// </summary>
        public int FileChunksPerBlock { get; set; }

        /// <summary>
        /// File bytes per FileData chunk, <see cref="TakeFileServer.MinChunkBytes"/>..<see cref="TakeFileServer.MaxChunkBytes"/>
        /// (default 512, a card sector): one chunk is the least a serving turn does, so it must
        /// fit in a block with the loop's own work.
        /// </summary>
        public int FileChunkBytes { get; set; }

        /// <summary>
        /// <see cref="ProgressiveEveryBlocks"/> by default: one 512-byte chunk (~1.75 ms on the ESP32,
        /// docs/device-budget.md §7) every 8th 5.33 ms block adds ~0.22 ms, ~4 % of the period, on
        /// average, and serves ~12 KB/s — four times the gaps of a 48 kHz 24-bit stereo stream at
        /// 1 % loss beyond what NACKs recover.
        /// </summary>
        public const int DefaultProgressiveEveryBlocks = 8;

        /// <summary>The largest <see cref="ProgressiveEveryBlocks"/> (one chunk every ~1.4 s at 256 frames, 48 kHz).</summary>
        public const int MaxProgressiveEveryBlocks = 256;

        /// <summary>
        /// Setting <c>progressive_every_blocks</c>: while a take records, FileRequests for what the
        /// card already holds durably are served, one FileData chunk at most every this many blocks
        /// (progressive collection); 0 = off (FileRequests during a take are dropped).
        /// </summary>
        public int ProgressiveEveryBlocks { get; set; }

        /// <summary>
        /// Bytes per card write when the board has a native take writer (<see cref="Octomix.Hal.IAppendStorage"/>):
        /// a multiple of 512 (default <see cref="Recorder.DefaultCardWriteBytes"/>, one 32 KB cluster);
        /// 0 = the audio loop writes every block itself (also what a board without the writer does).
        /// </summary>
        public int CardWriteBytes { get; set; }

        /// <summary>Seconds before an unanswered join is tried again (0 = only on a button press).</summary>
        public int JoinRetrySeconds { get; set; }

        public int NetworkTimeoutSeconds { get; set; }

        /// <summary>Bytes per sample on the wire and on the card.</summary>
        public int BytesPerSample
        {
            get { return BitsPerSample / 8; }
        }

        public PcmFormat Format
        {
            get { return new PcmFormat(SampleRate, Channels, BytesPerSample); }
        }

        /// <summary>
        /// Name of the first required setting that is missing, or null when all are there. Only
        /// what has no safe default is required: where to join (server_host) and with what code.
        /// </summary>
        public string MissingRequired()
        {
            if (ServerHost == null || ServerHost.Length == 0)
            {
                return SettingsParser.KeyServerHost;
            }

            if (!JoinMessage.IsValidJoinCode(JoinCode))
            {
                return SettingsParser.KeyJoinCode;
            }

            return null;
        }

        /// <summary>The box id on a board without a hardware id: <see cref="BoxIdOn"/>(0).</summary>
        public ulong EffectiveBoxId
        {
            get { return BoxIdOn(0); }
        }

        /// <summary>
        /// The box id sent in Join and written to the take files: <c>box_id</c> from the settings
        /// when set (to keep a box's identity on replacement hardware), else the board's
        /// <paramref name="hardwareId"/> (<see cref="IBoard.BoxId"/>, the ESP32's MAC) when it has
        /// one, else a stable FNV-1a hash of the box name.
        /// </summary>
        public ulong BoxIdOn(ulong hardwareId)
        {
            if (BoxId != 0)
            {
                return BoxId;
            }

            if (hardwareId != 0)
            {
                return hardwareId;
            }

            ulong h = 14695981039346656037UL;
            string name = BoxName ?? string.Empty;
            for (int i = 0; i < name.Length; i++)
            {
                h ^= name[i];
                h *= 1099511628211UL;
            }

            return h;
        }
    }
}
