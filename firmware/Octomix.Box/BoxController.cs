using System;
using Octomix.Drivers.Bwf;
using Octomix.Drivers.Click;
using Octomix.Drivers.Ui;
using Octomix.Hal;
using Octomix.Protocol;

namespace Octomix.Box
{
    /// <summary>Changes settings after the file was read and before they are checked (command-line flags of the simulator).</summary>
    public delegate void SettingsAdjuster(BoxSettings settings);

    /// <summary>Told about every state change (after it happened, from inside the loop: keep it short, do not block).</summary>
    public delegate void BoxStateChanged(BoxState from, BoxState to, BoxEvent cause);

    /// <summary>
    /// The box: one state machine driven by one loop. <see cref="RunOnce"/> is one turn of the
    /// loop — before the audio runs a boot or network step, afterwards one audio block
    /// (<see cref="AudioLoop"/>). Every state change goes through <see cref="Transition"/>, names
    /// its cause (<see cref="BoxEvent"/>: a button, a message, a timeout or a fault), is logged
    /// and moves the status lights.
    /// <code>
    /// booting -> network -> idle -> joining -> calibrating -> ready -> count-in -> recording
    ///   -> stopping -> collecting -> ready;  ready &lt;-> jamming;  ready/jamming -> playback -> back
    /// </code>
    /// docs/box.md has the full transition table. One owner: everything here runs on the loop's
    /// thread; only <see cref="SetJam"/>, <see cref="RequestCalibration"/> and <see cref="PressJoin"/>
    /// may be called from elsewhere (they set a flag the loop picks up).
    /// </summary>
    public sealed partial class BoxController : IBoxMachine
    {
        /// <summary>Fixed silence before the count-in of every take (must exceed any L; decisions.md #1).</summary>
        public const int PreRollMilliseconds = 500;

        /// <summary>Datagrams taken from the socket per loop iteration (the rest wait for the next block).</summary>
        public const int MaxMessagesPerBlock = 4;

        /// <summary>NACKed packets re-sent per loop iteration.</summary>
        public const int MaxRetransmissionsPerBlock = 4;

        /// <summary>Delay of the personal mix behind its first packet while jamming.</summary>
        public const int JamPlayoutMilliseconds = 40;

        /// <summary>Silence from the server after which the box rejoins (the slot timeout, at least this).</summary>
        public const long ServerSilenceMicroseconds = 3000000;

        private readonly IBoard board;
        private readonly HalCallCounter hal = new HalCallCounter();
        private readonly IClock clock;
        private readonly IStorage card;
        private readonly CountedSocket socket;
        private readonly ILog log;
        private readonly JoinButton button;
        private readonly StatusLightDriver lights;
        private readonly ClickLevelKnob knob;
        private readonly RoomLink link;
        private readonly CommandHandler commands;
        private readonly StatusReport statusReport;
        private readonly BoxBoot boot;
        private readonly NetworkStart network;

        private BoxSettings settings;
        private SettingsReport settingsReport;
        private BoxState state = BoxState.Booting;
        private BoxEvent lastEvent;
        private int errorCode;
        private int transitions;
        private long now;

        // the audio parts (built once when the network first comes up; null before) and their
        // loop (null until the audio runs: RunOnce tests it every block, a field, not a call)
        private BoxAudio audio;
        private AudioLoop loop;

        // card health (mounted, fast enough, free space, full)
        private readonly CardHealth cardHealth;

        // requests from other threads: single bool stores, read by the loop once per block
        // (nanoFramework has no 'volatile'; a late read only delays the request by a block)
        private bool jamRequest;
        private bool jamRequested;
        private bool calibrationRequested;
        private bool joinPressRequested;

        public BoxController(IBoard board)
            : this(board, null)
        {
        }

        /// <param name="board">The hardware (or the simulator).</param>
        /// <param name="adjust">Called with the settings read from the card before they are checked; null for none.</param>
        public BoxController(IBoard board, SettingsAdjuster adjust)
        {
            if (board == null)
            {
                throw new ArgumentNullException("board");
            }

            this.board = board;
            log = board.Log;
            clock = new CountedClock(board.Clock, hal);
            card = CountedStorage.Wrap(board.Card, hal);
            cardHealth = new CardHealth(card);
            socket = new CountedSocket(board.Socket, hal);
            button = new JoinButton(new CountedButton(board.JoinButton, hal), 30, 1500);
            lights = new StatusLightDriver(new CountedLights(board.Lights, hal));
            knob = new ClickLevelKnob(new CountedKnob(board.ClickKnob, hal), 16);
            link = new RoomLink(socket, socket, log, FillStatus);
            commands = new CommandHandler(this, link, cardHealth, log);
            statusReport = new StatusReport(cardHealth, stall);
            boot = new BoxBoot(board, card, clock, cardHealth, log, adjust);
            network = new NetworkStart(board.Network, socket, clock, log);
        }

        /// <summary>Told about every state change.</summary>
        public BoxStateChanged StateChanged;

        public BoxState State
        {
            get { return state; }
        }

        /// <summary>What caused the last transition.</summary>
        public BoxEvent LastEvent
        {
            get { return lastEvent; }
        }

        public int TransitionCount
        {
            get { return transitions; }
        }

        /// <summary>The error code (BoxErrorCode) shown on the lights and sent in Status; 0 when none.</summary>
        public int ErrorCode
        {
            get { return errorCode; }
        }

        /// <summary>The settings in use (after boot).</summary>
        public BoxSettings Settings
        {
            get { return settings; }
        }

        /// <summary>What the settings file looked like (after boot).</summary>
        public SettingsReport SettingsReport
        {
            get { return settingsReport; }
        }

        /// <summary>The measured round trip L in frames, -1 when not measured since the last join.</summary>
        public int LatencyFrames
        {
            get { return audio == null ? -1 : audio.Calibration.LatencyFrames; }
        }

        /// <summary>Slot in the room (from Accept), <see cref="Slot.None"/> when not in one.</summary>
        public byte RoomSlot
        {
            get { return link.Slot; }
        }

        public uint SessionToken
        {
            get { return link.Token; }
        }

        /// <summary>Message id of the Join that got the current membership (0 before the first Accept).</summary>
        public uint JoinMessageId
        {
            get { return link.JoinMessageId; }
        }

        /// <summary>Where the membership stands: member, or rejoining after the server went silent.</summary>
        public MembershipState Membership
        {
            get { return link.Membership; }
        }

        /// <summary>Rejoins started since boot (the server went silent).</summary>
        public int Rejoins
        {
            get { return link.Rejoins; }
        }

        /// <summary>Loop position (frames) of the next block.</summary>
        public long Position
        {
            get { return loop != null ? loop.Position : 0; }
        }

        public uint CurrentTakeId
        {
            get { return audio == null ? 0 : audio.Take.CurrentTake; }
        }

        public uint LastTakeId
        {
            get { return audio == null ? 0 : audio.Take.LastTake; }
        }

        /// <summary>The timeline of the current (or last) take; null before the audio starts.</summary>
        public TakeTimeline Timeline
        {
            get { return audio == null ? null : audio.Take.Timeline; }
        }

        /// <summary>The audio loop and its figures (null before the audio starts).</summary>
        public AudioLoop Loop
        {
            get { return loop; }
        }

        /// <summary>The audio parts (null before the network first came up).</summary>
        public BoxAudio Audio
        {
            get { return audio; }
        }

        /// <summary>Every call into the board since start.</summary>
        public HalCallCounter HalCalls
        {
            get { return hal; }
        }

        public AudioStreamer Streamer
        {
            get { return audio == null ? null : audio.Streamer; }
        }

        public Recorder Recorder
        {
            get { return audio == null ? null : audio.Recorder; }
        }

        public TakeFileServer Files
        {
            get { return audio == null ? null : audio.Files; }
        }

        public PlayoutBuffer Playout
        {
            get { return audio == null ? null : audio.Playout; }
        }

        public Calibrator Calibrator
        {
            get { return audio == null ? null : audio.Calibration.Calibrator; }
        }

        public StatusLightDriver Lights
        {
            get { return lights; }
        }

        public bool SdMounted
        {
            get { return cardHealth.Mounted; }
        }

        public bool SdFastEnough
        {
            get { return cardHealth.FastEnough; }
        }

        public int SdWriteKBps
        {
            get { return cardHealth.WriteKBps; }
        }

        public long SdLongestWriteMicroseconds
        {
            get { return cardHealth.LongestWriteMicroseconds; }
        }

        public int CaptureOverruns
        {
            get { return stall.CaptureOverruns; }
        }

        /// <summary>Times the loop stalled longer than the playback pipeline (the click DAC ran dry) since boot.</summary>
        public int PipelineUnderruns
        {
            get { return stall.PipelineUnderruns; }
        }

        /// <summary>The format the loop runs (before the audio is built: the settings', null before boot).</summary>
        public PcmFormat Format
        {
            get { return audio != null ? audio.Format : (settings != null ? settings.Format : null); }
        }

        /// <summary>Turns jamming on or off (any thread; the loop applies it). Also the <c>jam</c> setting.</summary>
        public void SetJam(bool on)
        {
            jamRequest = on;
            jamRequested = true;
        }

        /// <summary>Same as a long press of the join button (any thread).</summary>
        public void RequestCalibration()
        {
            calibrationRequested = true;
        }

        /// <summary>Same as a short press of the join button (any thread).</summary>
        public void PressJoin()
        {
            joinPressRequested = true;
        }

        /// <summary>The box's main loop on the device: never returns.</summary>
        public void Run()
        {
            while (true)
            {
                RunOnce();
            }
        }

        /// <summary>
        /// One turn: a boot or network step until the audio runs, then one audio block (which
        /// blocks on the capture: the audio clock paces the box). Never throws: an unexpected
        /// exception is logged and turns into the Error state.
        /// </summary>
        public void RunOnce()
        {
            try
            {
                if (loop != null)
                {
                    loop.RunBlock();
                }
                else
                {
                    RunWithoutAudio();
                }
            }
            catch (Exception e)
            {
                log.Write(LogLevel.Error, "unexpected: " + e.Message);
                if (state != BoxState.Error)
                {
                    Fail(BoxErrorCode.Internal, BoxEvent.AudioFault, e.Message);
                }
            }
        }

        /// <summary>
        /// The one way the state changes: leaves the old state, logs "from -> to on cause: detail",
        /// enters the new one and sets the lights. Allocates the log line (transitions are rare).
        /// </summary>
        private void Transition(BoxState to, BoxEvent cause, string detail)
        {
            BoxState from = state;
            Exit(from, to);
            state = to;
            link.StateChanged(to);
            lastEvent = cause;
            transitions++;
            log.Write(to == BoxState.Error ? LogLevel.Error : LogLevel.Info,
                StateName(from) + " -> " + StateName(to) + " on " + BoxEvents.Name(cause) + (detail != null ? ": " + detail : string.Empty));
            Enter(to, from);
            ShowState();
            BoxStateChanged handler = StateChanged;
            if (handler != null)
            {
                handler(from, to, cause);
            }
        }

        void IBoxMachine.Transition(BoxState to, BoxEvent cause, string detail)
        {
            Transition(to, cause, detail);
        }

        BoxState IBoxMachine.RestingState
        {
            get { return RestingState; }
        }

        bool IBoxMachine.StartTake(RecordMessage record)
        {
            return StartTake(record);
        }

        /// <summary>Moves to Error with a code for the lights and the Status.</summary>
        private void Fail(int code, BoxEvent cause, string detail)
        {
            errorCode = code;
            Transition(BoxState.Error, cause, BoxErrorCode.Describe(code) + (detail != null ? " (" + detail + ")" : string.Empty));
        }

        public static string StateName(BoxState s)
        {
            return BoxStateCode.Name((int)s);
        }

        private bool InTake
        {
            get { return state == BoxState.CountIn || state == BoxState.Recording; }
        }

        private BoxState RestingState
        {
            get { return settings != null && settings.Jam ? BoxState.Jamming : BoxState.Ready; }
        }

        private void ShowState()
        {
            if (state == BoxState.Error)
            {
                lights.Show(LightPattern.Error, errorCode >= BoxErrorCode.Min && errorCode <= BoxErrorCode.Max ? errorCode : BoxErrorCode.Internal);
                return;
            }

            if (now < flashUntil && flashCode != 0)
            {
                lights.Show(LightPattern.Error, flashCode);
                return;
            }

            if (state == BoxState.Idle && link.JoinRejectedCode != 0)
            {
                lights.Show(LightPattern.Error, link.JoinRejectedCode);
                return;
            }

            lights.Show(PatternOf(state), 0);
        }

        private LightPattern PatternOf(BoxState s)
        {
            switch (s)
            {
                case BoxState.Booting: return LightPattern.Booting;
                case BoxState.Network: return LightPattern.NoNetwork;
                case BoxState.Idle: return link.JoinFailed ? LightPattern.NoServer : LightPattern.Idle;
                case BoxState.Joining: return LightPattern.Joining;
                case BoxState.Ready: return LightPattern.Ready;
                case BoxState.Calibrating: return LightPattern.Calibrating;
                case BoxState.CountIn: return LightPattern.CountIn;
                case BoxState.Recording: return LightPattern.Recording;
                case BoxState.Stopping: return LightPattern.Stopping;
                case BoxState.Collecting: return LightPattern.Collecting;
                case BoxState.Jamming: return LightPattern.Jamming;
                case BoxState.Playback: return LightPattern.Playback;
                default: return LightPattern.Error;
            }
        }

        /// <summary>Shows an error code on the lights for a few seconds without leaving the state (a warning).</summary>
        private void FlashError(int code, int seconds)
        {
            flashCode = code;
            flashUntil = now + (seconds * 1000000L);
            ShowState();
        }

        private int flashCode;
        private long flashUntil;
    }
}
