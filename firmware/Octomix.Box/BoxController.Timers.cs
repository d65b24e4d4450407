using Octomix.Drivers.Ui;
using Octomix.Hal;
using Octomix.Protocol;

namespace Octomix.Box
{
    /// <summary>Once per block after the output: the button, the knob, the timers and the background work.</summary>
    public sealed partial class BoxController
    {
        private void Tick()
        {
            HandleButton();
            int level;
            if (knob.Poll(out level) && audio.Codec.IsInitialized)
            {
                audio.Codec.SetClickVolume(level);
            }

            HandleRequests();
            // the state first: no call during a take (the one getter costs a call while resting)
            if ((state == BoxState.Ready || state == BoxState.Jamming || state == BoxState.Collecting || state == BoxState.Playback) && audio.Calibration.IsDue)
            {
                Transition(BoxState.Calibrating, BoxEvent.PipelineStall, "the playback pipeline ran dry");
            }

            switch (state)
            {
                case BoxState.Idle:
                    if (autoJoinPending)
                    {
                        autoJoinPending = false;
                        Transition(BoxState.Joining, BoxEvent.AutoJoin, null);
                    }
                    else if (now >= link.JoinRetryAt)
                    {
                        link.CancelJoinRetry();
                        Transition(BoxState.Joining, BoxEvent.RetryTimer, null);
                    }

                    break;
                case BoxState.Calibrating:
                    if (audio.Calibration.Turn() == CalibrationRun.Failed)
                    {
                        // the codec did not switch the routing (CalibrationRun.Enter)
                        link.SendNotice(NoticeCode.CalibrationFailed, 0, audio.Calibration.FailureReason, now);
                        Transition(RestingState, BoxEvent.CalibrationFailed, audio.Calibration.Describe(CalibrationRun.Failed));
                    }

                    break;
                case BoxState.Stopping:
                    FinishTake();
                    break;
            }

            // in a room: the heartbeat, and a rejoin when the server went silent (restarted, or
            // the path changed) with the same slot and token — a take goes on recording
            link.KeepAlive(now);

            // Background work on the card, never while a take owns it: FileRequests and the
            // checksum, in one time budget per turn (checksum_budget_us).
            bool cardFree = state != BoxState.CountIn && state != BoxState.Recording && state != BoxState.Stopping;
            if (cardFree && (audio.Files.HasRequests || audio.Files.ChecksumPending))
            {
                // resting: nothing else time-critical in the loop (not jamming, playing back or calibrating)
                audio.Files.Resting = state != BoxState.Jamming && state != BoxState.Playback && state != BoxState.Calibrating;
                audio.Files.Turn(socket);
            }

            if (state == BoxState.Recording)
            {
                audio.Take.ServeDuringTake(audio.Files, socket); // progressive collection: one chunk every progressive_every_blocks blocks at most
            }

            if (state == BoxState.Collecting && !audio.Files.ChecksumPending)
            {
                Transition(RestingState, BoxEvent.CollectingDone, "checksums ready");
            }

            audio.Streamer.ServeNacks(socket, MaxRetransmissionsPerBlock);
            if (link.Turn(now))
            {
                // the Join went unanswered: the link planned the retry
                FlashError(BoxErrorCode.ServerNotAnswering, 5);
                Transition(BoxState.Idle, BoxEvent.JoinTimedOut, "no answer from " + settings.ServerHost + ":" + settings.ServerPort);
            }

            if (flashCode != 0 && now >= flashUntil)
            {
                flashCode = 0;
                ShowState();
            }
        }

        private void HandleButton()
        {
            ButtonEvent e = button.Poll(now);
            if (joinPressRequested)
            {
                joinPressRequested = false;
                e = ButtonEvent.ShortPress;
            }

            if (calibrationRequested)
            {
                calibrationRequested = false;
                e = ButtonEvent.LongPress;
            }

            if (e == ButtonEvent.ShortPress)
            {
                switch (state)
                {
                    case BoxState.Idle:
                        link.CancelJoinRetry();
                        Transition(BoxState.Joining, BoxEvent.ShortPress, "join " + settings.ServerHost + ":" + settings.ServerPort);
                        break;
                    case BoxState.Joining:
                        link.CancelJoinRetry();
                        Transition(BoxState.Idle, BoxEvent.ShortPress, "join cancelled");
                        break;
                    case BoxState.Ready:
                    case BoxState.Jamming:
                    case BoxState.Collecting:
                    case BoxState.Playback:
                    case BoxState.Calibrating:
                        Transition(BoxState.Idle, BoxEvent.ShortPress, "left the room");
                        break;
                    case BoxState.Error:
                        errorCode = 0;
                        Transition(BoxState.Idle, BoxEvent.ShortPress, "error cleared");
                        break;
                    default:
                        // count-in, recording, stopping: a bumped button must not end a take
                        log.Write(LogLevel.Info, "join button ignored during a take");
                        break;
                }
            }
            else if (e == ButtonEvent.LongPress)
            {
                if (state == BoxState.Ready || state == BoxState.Jamming || state == BoxState.Collecting || state == BoxState.Playback)
                {
                    Transition(BoxState.Calibrating, BoxEvent.LongPress, null);
                }
                else
                {
                    log.Write(LogLevel.Info, "calibration needs the box in a room and no take running");
                }
            }
        }

        private void HandleRequests()
        {
            if (!jamRequested)
            {
                return;
            }

            jamRequested = false;
            settings.Jam = jamRequest;
            if (jamRequest && state == BoxState.Ready)
            {
                Transition(BoxState.Jamming, BoxEvent.JamOn, null);
            }
            else if (!jamRequest && state == BoxState.Jamming)
            {
                Transition(BoxState.Ready, BoxEvent.JamOff, null);
            }
        }
    }
}
