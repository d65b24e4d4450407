using System;
using Octomix.Drivers.Ui;
using Octomix.Hal;
using Octomix.Protocol;

namespace Octomix.Box
{
    /// <summary>
    /// What the box does with the engineer's commands and the server's answers that
    /// <see cref="RoomLink"/> leaves for it (checked, authenticated, for this slot, not handled
    /// before). Commands are idempotent: a repeated message id gets the same answer again (the
    /// link's duplicate filter) and a Record for the take already running is "ok" without a
    /// second take. Only Record allocates (its three names).
    /// </summary>
    public sealed partial class BoxController
    {
        /// <summary>Datagrams that failed the header check, and well-formed ones the box has no use for.</summary>
        public long BadDatagrams
        {
            get { return link.BadDatagrams; }
        }

        public long IgnoredDatagrams
        {
            get { return link.IgnoredDatagrams; }
        }

        /// <summary>
        /// Engineer's commands refused because they failed authentication (no trailer, a wrong
        /// MAC: forged, whatever their source address). Also in every Status (refused commands).
        /// </summary>
        public long ForgedCommands
        {
            get { return link.ForgedCommands; }
        }

        /// <summary>Correctly signed commands seen again (a replay, or a retry of one acted on already): never acted on twice.</summary>
        public long ReplayedCommands
        {
            get { return link.ReplayedCommands; }
        }

        /// <summary>Round trip to the server from the last Status Ack, tenths of ms (0xFFFF unknown).</summary>
        public int RttTenthsMs
        {
            get { return link.RttTenthsMs; }
        }

        /// <summary>The server's name from its RoomInfo (empty until one arrives, or when the server has none).</summary>
        public string ServerName
        {
            get { return link.ServerName; }
        }

        /// <summary>What the link left for the box (see <see cref="RoomLink.Next"/>).</summary>
        private void Dispatch(MessageType type)
        {
            switch (type)
            {
                case MessageType.Audio:
                    AudioPacket audio = link.Audio;
                    playout.Put(audio.Timecode, link.Received, audio.PayloadOffset, audio.FrameCount);
                    break;
                case MessageType.Accept:
                    OnAccept(link.Accept);
                    break;
                case MessageType.Reject:
                    Transition(BoxState.Idle, BoxEvent.JoinRejected, RejectReason.Describe(link.Reject.Reason));
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
                case MessageType.Nack:
                    streamer.OnNack(link.Nack);
                    break;
            }
        }

        private void OnAccept(AcceptMessage accept)
        {
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

            Transition(BoxState.Calibrating, BoxEvent.JoinAccepted, "slot " + slot + " in room " + accept.Room + ", heartbeat " + link.HeartbeatMilliseconds + " ms");
        }

        private void OnRecord(RecordMessage record)
        {
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

            if (!StartTake(record))
            {
                link.Answer(record, AckResult.NotReady, NotReadyReason.CardError);
                return;
            }

            link.Answer(record, AckResult.Ok, NotReadyReason.None);
        }

        /// <summary>Why this box cannot record now (a NotReadyReason), or None.</summary>
        private byte RecordRefusal(RecordMessage r)
        {
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

        private void OnStop(TakeControlMessage stop)
        {
            if (InTake && take.Stops(stop.TakeId))
            {
                link.Answer(stop, AckResult.Ok, NotReadyReason.None);
                take.Stopping(NoticeCode.TakeStopped);
                Transition(BoxState.Stopping, BoxEvent.StopCommand, "take " + take.CurrentTake);
                return;
            }

            // already stopped (a Stop that crossed the card-full stop, or a second console): still ok
            // (or the box missed the Stop, and a later console sends it again after the take ended)
            bool known = take.StoppedAlready(stop.TakeId);
            link.Answer(stop, known ? AckResult.Ok : AckResult.UnknownTake, NotReadyReason.None);
        }

        private void OnPlaybackStart(TakeControlMessage playbackStart)
        {
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

            Transition(BoxState.Playback, BoxEvent.PlaybackStartCommand, "take " + playbackStart.TakeId + ", " + playbackStart.StartDelayMilliseconds + " ms buffer");
        }

        private void OnPlaybackStop(TakeControlMessage playbackStop)
        {
            link.Answer(playbackStop, AckResult.Ok, NotReadyReason.None);
            if (state == BoxState.Playback)
            {
                Transition(files.ChecksumPending ? BoxState.Collecting : RestingState, BoxEvent.PlaybackStopCommand, null);
            }
        }

        private void OnCalibrate(SimpleControlMessage calibrate)
        {
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
            Transition(BoxState.Calibrating, BoxEvent.CalibrateCommand, null);
        }

        private void OnFileInfoRequest(FileInfoRequestMessage fileInfoRequest)
        {
            // No duplicate filter: answering is free of side effects, and a repeated request must
            // see "ready" once the checksum is done rather than a replayed "computing".
            bool recordingIt = (InTake || state == BoxState.Stopping) && take.IsRunning(fileInfoRequest.TakeId);
            files.Describe(link.FileInfo, fileInfoRequest.TakeId, fileInfoRequest.Part, recordingIt);
            link.SendFileInfo();
        }

        private void OnFileRequest(FileRequestMessage fileRequest)
        {
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

        /// <summary>The box's fields of the heartbeat's Status (the link adds its own and sends it).</summary>
        private void FillStatus(StatusMessage status)
        {
            status.State = (byte)state;
            byte flags = 0;
            if (cardHealth.Mounted)
            {
                flags |= StatusFlags.SdCardOk;
            }

            if (cardHealth.FastEnough)
            {
                flags |= StatusFlags.SdFastEnough;
            }

            if (latency >= 0)
            {
                flags |= StatusFlags.Calibrated;
            }

            if (InTake)
            {
                flags |= StatusFlags.Recording;
            }

            if (cardHealth.Full)
            {
                flags |= StatusFlags.SdFull;
            }

            if (take.OverrunThisTake)
            {
                flags |= StatusFlags.CaptureOverrun;
            }

            if (streamer.IsStreaming)
            {
                flags |= StatusFlags.Streaming;
            }

            status.StatusFlags = flags;
            status.PeakDb0 = meter.PeakDb0;
            status.PeakDb1 = meter.PeakDb1;
            meter.Reset();
            status.LatencySamples = latency;
            long free = cardHealth.FreeBytes;
            if (free >= 0 && recorder.IsOpen)
            {
                free -= recorder.FramesSoFar * format.FrameBytes;
            }

            status.SdFreeMiB = free < 0 ? 0 : (uint)(free >> 20);
            status.CardFreeSeconds = cardHealth.Mounted ? StatusMessage.CardSeconds(free < 0 && cardHealth.FreeBytes >= 0 ? 0 : free, format.ByteRate) : StatusMessage.CardFreeUnknown;
            status.SdWriteKBps = cardHealth.WriteKBps;
            status.Underruns = playout.Underruns + stall.PipelineUnderruns;
            status.Overruns = stall.CaptureOverruns;
            status.TakeId = InTake ? take.CurrentTake : take.LastTake;
            status.Timecode = InTake ? take.Timeline.TakeIndexAt(blockPosition) : blockPosition;
            status.ErrorCode = (byte)(errorCode != 0 ? errorCode : (now < flashUntil ? flashCode : (state == BoxState.Idle ? link.JoinRejectedCode : 0)));
            int bufferMs = playout.BufferedFrames * 1000 / format.SampleRate;
            status.BufferMilliseconds = (byte)(bufferMs > 255 ? 255 : bufferMs);
        }
    }
}
