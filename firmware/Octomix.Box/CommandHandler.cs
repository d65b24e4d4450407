using Octomix.Hal;
using Octomix.Protocol;

namespace Octomix.Box
{
    /// <summary>
    /// What the box does with the engineer's commands and the server's answers that
    /// <see cref="RoomLink"/> leaves for it (checked, authenticated, for this slot, not handled
    /// before), in each state: the answer (the reliable command's Ack) and the transition it asks
    /// the state machine (<see cref="IBoxMachine"/>) for. Commands are idempotent: a repeated
    /// message id gets the same answer again (the link's duplicate filter) and a Record for the
    /// take already running is "ok" without a second take. Only Record allocates (its three
    /// names, in the take session); the rest allocates only the log lines of transitions.
    /// </summary>
    public sealed class CommandHandler
    {
        private readonly IBoxMachine machine;
        private readonly RoomLink link;
        private readonly CardHealth cardHealth;
        private readonly ILog log;

        // the audio's parts (see Attach)
        private PcmFormat format;
        private int preRollFrames;
        private TakeSession take;
        private TakeFileServer files;
        private AudioStreamer streamer;
        private PlayoutBuffer playout;

        private int playbackDelayFrames;

        public CommandHandler(IBoxMachine machine, RoomLink link, CardHealth cardHealth, ILog log)
        {
            this.machine = machine;
            this.link = link;
            this.cardHealth = cardHealth;
            this.log = log;
        }

        /// <summary>
        /// The parts allocated when the audio starts (before any command can arrive: the link is
        /// read only by the running loop).
        /// </summary>
        public void Attach(PcmFormat boxFormat, int preRoll, TakeSession takeSession, TakeFileServer fileServer, AudioStreamer audioStreamer, PlayoutBuffer playoutBuffer)
        {
            format = boxFormat;
            preRollFrames = preRoll;
            take = takeSession;
            files = fileServer;
            streamer = audioStreamer;
            playout = playoutBuffer;
        }

        /// <summary>The playout delay of the last PlaybackStart acted on, in frames (the Playback state starts the playout with it).</summary>
        public int PlaybackDelayFrames
        {
            get { return playbackDelayFrames; }
        }

        private bool InTake
        {
            get
            {
                BoxState state = machine.State;
                return state == BoxState.CountIn || state == BoxState.Recording;
            }
        }

        /// <summary>
        /// One message the link left (<see cref="RoomLink.Next"/>), except the audio and the NACKs,
        /// which the loop gives straight to the playout and the streamer.
        /// </summary>
        public void Handle(MessageType type, long now)
        {
            switch (type)
            {
                case MessageType.Accept:
                    OnAccept(link.Accept, now);
                    break;
                case MessageType.Reject:
                    machine.Transition(BoxState.Idle, BoxEvent.JoinRejected, RejectReason.Describe(link.Reject.Reason));
                    break;
                case MessageType.Record:
                    OnRecord(link.Record);
                    break;
                case MessageType.Stop:
                    OnStop(link.Stop);
                    break;
                case MessageType.PlaybackStart:
                    OnPlaybackStart(link.PlaybackStart);
                    break;
                case MessageType.PlaybackStop:
                    OnPlaybackStop(link.PlaybackStop);
                    break;
                case MessageType.Calibrate:
                    OnCalibrate(link.Calibrate);
                    break;
                case MessageType.FileInfoRequest:
                    OnFileInfoRequest(link.FileInfoRequest);
                    break;
                case MessageType.FileRequest:
                    OnFileRequest(link.FileRequest);
                    break;
            }
        }

        public void OnAccept(AcceptMessage accept, long now)
        {
            BoxState state = machine.State;
            byte slot = link.Slot;
            files.SetIdentity(link.Token, slot);
            MembershipChange change = link.LastChange;
            if (change != MembershipChange.Joined)
            {
                // back in the room with the same identity (or a new one when the old slot was
                // taken); whatever ran on it goes on — a take never stopped recording to the card
                streamer.SetIdentity(link.Token, slot);
                log.Write(LogLevel.Info, change == MembershipChange.Rejoined
                    ? "rejoined the room: slot " + slot + " and its token back"
                    : "rejoined the room in slot " + slot + " (slot " + link.SlotBefore + " was taken)");
                if (state == BoxState.Jamming)
                {
                    link.SendMixLevels(true, now); // a restarted server knows nothing of the personal mix
                }

                return;
            }

            if (accept.SampleRate != 0 && accept.SampleRate != format.SampleRate)
            {
                log.Write(LogLevel.Warning, "the room runs at " + accept.SampleRate + " Hz, this box at " + format.SampleRate
                    + " Hz: takes record fine, jamming with the room will not");
            }

            machine.Transition(BoxState.Calibrating, BoxEvent.JoinAccepted, "slot " + slot + " in room " + accept.Room + ", heartbeat " + link.HeartbeatMilliseconds + " ms");
        }

        public void OnRecord(RecordMessage record)
        {
            BoxState state = machine.State;
            if (InTake || state == BoxState.Stopping)
            {
                bool same = take.IsRunning(record.TakeId);
                link.Answer(record, same ? AckResult.Ok : AckResult.Busy, same ? NotReadyReason.None : NotReadyReason.Busy);
                return;
            }

            byte reason = RecordRefusal(record);
            if (reason != NotReadyReason.None)
            {
                log.Write(LogLevel.Warning, "record take " + record.TakeId + " refused: " + NotReadyReason.Describe(reason));
                link.Answer(record, reason == NotReadyReason.Busy ? AckResult.Busy : AckResult.NotReady, reason);
                return;
            }

            if (!machine.StartTake(record))
            {
                link.Answer(record, AckResult.NotReady, NotReadyReason.CardError);
                return;
            }

            link.Answer(record, AckResult.Ok, NotReadyReason.None);
        }

        /// <summary>Why this box cannot record now (a NotReadyReason), or None.</summary>
        public byte RecordRefusal(RecordMessage r)
        {
            BoxState state = machine.State;
            if (state != BoxState.Ready && state != BoxState.Jamming && state != BoxState.Collecting && state != BoxState.Playback)
            {
                return NotReadyReason.Busy;
            }

            if (!cardHealth.Mounted)
            {
                return NotReadyReason.NoCard;
            }

            if (cardHealth.Full)
            {
                return NotReadyReason.CardFull;
            }

            if (!cardHealth.FastEnough)
            {
                return NotReadyReason.CardTooSlow;
            }

            int latency = machine.LatencyFrames;
            if (latency < 0)
            {
                return NotReadyReason.NotCalibrated;
            }

            if (latency >= preRollFrames)
            {
                return NotReadyReason.LatencyTooLarge;
            }

            if (r.SampleRate != format.SampleRate)
            {
                return NotReadyReason.FormatMismatch;
            }

            return NotReadyReason.None;
        }

        public void OnStop(TakeControlMessage stop)
        {
            if (InTake && take.Stops(stop.TakeId))
            {
                link.Answer(stop, AckResult.Ok, NotReadyReason.None);
                take.Stopping(NoticeCode.TakeStopped);
                machine.Transition(BoxState.Stopping, BoxEvent.StopCommand, "take " + take.CurrentTake);
                return;
            }

            // already stopped (a Stop that crossed the card-full stop, or a second console): still ok
            // (or the box missed the Stop, and a later console sends it again after the take ended)
            bool known = take.StoppedAlready(stop.TakeId);
            link.Answer(stop, known ? AckResult.Ok : AckResult.UnknownTake, NotReadyReason.None);
        }

        public void OnPlaybackStart(TakeControlMessage playbackStart)
        {
            BoxState state = machine.State;
            if (state != BoxState.Ready && state != BoxState.Jamming && state != BoxState.Collecting && state != BoxState.Playback)
            {
                link.Answer(playbackStart, AckResult.Busy, NotReadyReason.Busy);
                return;
            }

            link.Answer(playbackStart, AckResult.Ok, NotReadyReason.None);
            playbackDelayFrames = (int)((long)playbackStart.StartDelayMilliseconds * format.SampleRate / 1000);
            if (state == BoxState.Playback)
            {
                playout.Start(playbackDelayFrames);
                return;
            }

            machine.Transition(BoxState.Playback, BoxEvent.PlaybackStartCommand, "take " + playbackStart.TakeId + ", " + playbackStart.StartDelayMilliseconds + " ms buffer");
        }

        public void OnPlaybackStop(TakeControlMessage playbackStop)
        {
            link.Answer(playbackStop, AckResult.Ok, NotReadyReason.None);
            if (machine.State == BoxState.Playback)
            {
                machine.Transition(files.ChecksumPending ? BoxState.Collecting : machine.RestingState, BoxEvent.PlaybackStopCommand, null);
            }
        }

        public void OnCalibrate(SimpleControlMessage calibrate)
        {
            BoxState state = machine.State;
            if (state == BoxState.Calibrating)
            {
                link.Answer(calibrate, AckResult.Ok, NotReadyReason.None);
                return;
            }

            if (state != BoxState.Ready && state != BoxState.Jamming && state != BoxState.Collecting && state != BoxState.Playback)
            {
                link.Answer(calibrate, AckResult.Busy, NotReadyReason.Busy);
                return;
            }

            link.Answer(calibrate, AckResult.Ok, NotReadyReason.None);
            machine.Transition(BoxState.Calibrating, BoxEvent.CalibrateCommand, null);
        }

        public void OnFileInfoRequest(FileInfoRequestMessage fileInfoRequest)
        {
            // No duplicate filter: answering is free of side effects, and a repeated request must
            // see "ready" once the checksum is done rather than a replayed "computing".
            BoxState state = machine.State;
            bool recordingIt = (InTake || state == BoxState.Stopping) && take.IsRunning(fileInfoRequest.TakeId);
            files.Describe(link.FileInfo, fileInfoRequest.TakeId, fileInfoRequest.Part, recordingIt);
            link.SendFileInfo();
        }

        public void OnFileRequest(FileRequestMessage fileRequest)
        {
            BoxState state = machine.State;
            if (InTake || state == BoxState.Stopping)
            {
                // the card belongs to the recorder: only what it holds durably, in the progressive budget
                if (state == BoxState.Stopping || !take.OfferDuringTake(files, fileRequest))
                {
                    link.CountIgnored(); // the console asks again later
                    take.LogRefused(fileRequest, files);
                }

                return;
            }

            if (!files.Request(fileRequest))
            {
                if (files.BadRequests == 1 || files.BadRequests % 100 == 0)
                {
                    log.Write(LogLevel.Warning, "file request dropped (take " + fileRequest.TakeId + " part " + fileRequest.Part
                        + " offset " + fileRequest.Offset + "): no such data, or the queue is full; " + files.BadRequests + " so far");
                }
            }
        }
    }
}
