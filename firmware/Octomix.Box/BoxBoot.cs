using Octomix.Drivers.Ui;
using Octomix.Hal;

namespace Octomix.Box
{
    /// <summary>
    /// The box's boot, before the network and the audio: the card mounted, the settings file read
    /// (adjusted by the simulator's flags, checked), the box id, unfinished takes repaired, the
    /// card's self-test and free space, the codec configured — and, when the card stopped the
    /// boot (no card, a bad settings file), the card watch that boots again when the card or its
    /// file changes. It reports what happened (<see cref="Run"/>, <see cref="CardChanged"/>); the
    /// state machine makes the transitions and shows the codes. Allocates (once per boot).
    /// </summary>
    public sealed class BoxBoot
    {
        /// <summary><see cref="Run"/>: booted; the box goes on to the network.</summary>
        public const int Booted = 0;

        /// <summary><see cref="Run"/>: no card, so no settings file (the card watch runs).</summary>
        public const int NoCard = 1;

        /// <summary><see cref="Run"/>: the settings file has a fatal problem (the card watch runs).</summary>
        public const int SettingsError = 2;

        /// <summary><see cref="Run"/>: the codec did not answer (its error in the codec's LastError).</summary>
        public const int CodecFault = 3;

        /// <summary>How often a box stopped by its card (none, or bad settings) looks at the card again.</summary>
        public const int CardPollMilliseconds = 1000;

        private readonly IBoard board;
        private readonly IStorage card;
        private readonly IClock clock;
        private readonly CardHealth cardHealth;
        private readonly ILog log;
        private readonly SettingsAdjuster adjust;

        private BoxSettings settings;
        private SettingsReport report;
        private ulong boxId;
        private bool sdMounted;

        // a box stopped by its card waits for another card or an edited settings file
        private bool waitingForCard;
        private ulong failedCardFingerprint;
        private long cardPollAt;

        /// <param name="board">The board: its name, hardware id and codec.</param>
        /// <param name="card">The card (counted).</param>
        /// <param name="clock">The clock (counted) for the self-test.</param>
        /// <param name="cardHealth">Mounts and tests the card.</param>
        /// <param name="log">The box's log.</param>
        /// <param name="adjust">Changes the settings after they were read and before they are checked; null for none.</param>
        public BoxBoot(IBoard board, IStorage card, IClock clock, CardHealth cardHealth, ILog log, SettingsAdjuster adjust)
        {
            if (board == null || card == null || clock == null || cardHealth == null || log == null)
            {
                throw new System.ArgumentNullException("board");
            }

            this.board = board;
            this.card = card;
            this.clock = clock;
            this.cardHealth = cardHealth;
            this.log = log;
            this.adjust = adjust;
        }

        /// <summary>The settings of the last boot (null before it).</summary>
        public BoxSettings Settings
        {
            get { return settings; }
        }

        /// <summary>What the settings file looked like at the last boot.</summary>
        public SettingsReport Report
        {
            get { return report; }
        }

        /// <summary>The box id of Join and the take files (settings, else the board's hardware id, else the name's hash).</summary>
        public ulong BoxId
        {
            get { return boxId; }
        }

        /// <summary>The card stopped the boot: <see cref="CardChanged"/> looks at it once a second.</summary>
        public bool WaitingForCard
        {
            get { return waitingForCard; }
        }

        /// <summary>
        /// One boot. Returns <see cref="Booted"/> or what stopped it; <see cref="Settings"/>,
        /// <see cref="Report"/> and <see cref="BoxId"/> are set whatever the result.
        /// </summary>
        public int Run(long now)
        {
            log.Write(LogLevel.Info, "booting on " + board.Name);
            sdMounted = cardHealth.Mount(log);
            settings = new BoxSettings();
            report = SettingsParser.Load(card, settings);
            if (adjust != null)
            {
                adjust(settings);
            }

            SettingsParser.CheckRequired(settings, report);
            for (int i = 0; i < report.Count; i++)
            {
                SettingsProblem p = report[i];
                log.Write(p.Fatal ? LogLevel.Error : LogLevel.Warning, p.ToString());
            }

            boxId = settings.BoxIdOn(board.BoxId);
            if (report.HasFatal)
            {
                // Never a dead box: it shows the code and waits for a card, or a fixed file.
                failedCardFingerprint = SettingsParser.Fingerprint(card);
                waitingForCard = true;
                cardPollAt = now + (CardPollMilliseconds * 1000L);
                return !sdMounted && failedCardFingerprint == SettingsParser.NoCardFingerprint ? NoCard : SettingsError;
            }

            PcmFormat format = settings.Format;
            int blockFrames = settings.BlockFrames;
            log.Write(LogLevel.Info, "settings: " + settings.BoxName + ", " + format + ", blocks of " + blockFrames
                + " frames, server " + settings.ServerHost + ":" + settings.ServerPort);

            if (sdMounted)
            {
                string[] repairs = Recorder.RepairAfterPowerCut(card);
                for (int i = 0; i < repairs.Length; i++)
                {
                    log.Write(LogLevel.Warning, repairs[i]);
                }

                cardHealth.SelfTest(clock, format, blockFrames * format.FrameBytes, settings.SdMarginPercent, log);
                long sdLongestWriteMicros = cardHealth.LongestWriteMicroseconds;
                long blockMicros = 1000000L * blockFrames / format.SampleRate;
                int plannedDepth = PipelineDepth.Target(settings.PrefillBlocks, settings.Jam, blockFrames, format.SampleRate);
                if (sdLongestWriteMicros > (plannedDepth - 1) * blockMicros)
                {
                    log.Write(LogLevel.Warning, "the longest card write (" + (sdLongestWriteMicros / 1000) + " ms) is longer than the playback pipeline ("
                        + ((plannedDepth - 1) * blockMicros / 1000) + " ms): raise prefill_blocks, or a slow write may shift the click");
                }

                cardHealth.CheckFull(format.ByteRate, log);
            }

            IAudioCodec codec = board.Codec;
            return codec.Configure(settings.BitsPerSample, settings.ClickLevel) == BusStatus.Ok ? Booted : CodecFault;
        }

        /// <summary>The code a booted box flashes for a few seconds (no card, slow, full, settings warnings), 0 for none.</summary>
        public int WarningCode
        {
            get
            {
                if (!sdMounted)
                {
                    return BoxErrorCode.NoSdCard;
                }

                if (!cardHealth.FastEnough)
                {
                    return BoxErrorCode.SdCardTooSlow;
                }

                if (cardHealth.Full)
                {
                    return BoxErrorCode.SdCardFull;
                }

                return report != null && report.Count > 0 ? BoxErrorCode.SettingsFileError : 0;
            }
        }

        /// <summary>The box boots again for another reason (a press): the card watch stops.</summary>
        public void StopWatching()
        {
            waitingForCard = false;
        }

        /// <summary>
        /// While the card stops the box: true when the card (or its settings file) is no longer what
        /// failed — a card inserted, replaced, or its file edited; <paramref name="detail"/> says
        /// which. One look per <see cref="CardPollMilliseconds"/>; reading a small file is fine
        /// here, no audio runs.
        /// </summary>
        public bool CardChanged(long now, out string detail)
        {
            detail = null;
            if (!waitingForCard || now < cardPollAt)
            {
                return false;
            }

            cardPollAt = now + (CardPollMilliseconds * 1000L);
            ulong print = SettingsParser.Fingerprint(card);
            if (print == failedCardFingerprint)
            {
                return false;
            }

            waitingForCard = false;
            detail = print == SettingsParser.NoCardFingerprint ? "the card was taken out"
                : print == SettingsParser.NoFileFingerprint ? "a card without " + BoxSettings.FileName : "reading " + BoxSettings.FileName + " again";
            return true;
        }
    }
}
