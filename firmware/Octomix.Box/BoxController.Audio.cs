using System;
using Octomix.Drivers.Ui;
using Octomix.Hal;
using Octomix.Protocol;

namespace Octomix.Box
{
    /// <summary>What the loop does with each block in each state, and the take's timeline.</summary>
    public sealed partial class BoxController
    {
        private long blockPosition;

        // stalls and capture overruns (see DetectOverrun)
        private readonly StallDetector stall = new StallDetector();

        /// <summary>
        /// Called by the loop with the block just captured; fills the block to play. Both carry
        /// loop position <paramref name="position"/>.
        /// </summary>
        internal void ProcessBlock(byte[] captured, byte[] output, long position)
        {
            blockPosition = position;
            now = clock.Microseconds;
            DetectOverrun();
            BoxAudio a = audio;
            a.Meter.Probe(captured, 0, a.BlockFrames);

            switch (state)
            {
                case BoxState.CountIn:
                case BoxState.Recording:
                    int what = a.Take.Capture(captured, position);
                    if (what != TakeSession.Going)
                    {
                        OnTakeBlock(what, position);
                    }

                    break;
                case BoxState.Jamming:
                    a.Streamer.SendBlock(captured, 0, position, socket);
                    break;
                case BoxState.Calibrating:
                    int calibration = a.Calibration.OnCapture(captured, position);
                    if (calibration != CalibrationRun.Going)
                    {
                        CalibrationEnded(calibration);
                    }

                    break;
            }

            switch (state)
            {
                case BoxState.CountIn:
                case BoxState.Recording:
                    a.Take.FillOutput(output, position, now);
                    break;
                case BoxState.Jamming:
                case BoxState.Playback:
                    a.Playout.Read(output, 0, a.BlockFrames);
                    break;
                case BoxState.Calibrating:
                    a.Calibration.FillOutput(output, position);
                    break;
                default:
                    Array.Clear(output, 0, a.BlockBytes);
                    break;
            }
        }

        /// <summary>Called by the loop after the output block was queued: network, button, timers, lights.</summary>
        internal void AfterOutput(long position)
        {
            // up to MaxMessagesPerBlock datagrams without blocking (the rest wait for the next block)
            for (int i = 0; i < MaxMessagesPerBlock; i++)
            {
                int got = link.Next(now);
                if (got == RoomLink.NothingWaiting)
                {
                    break;
                }

                if (got != RoomLink.Handled)
                {
                    Dispatch((MessageType)got);
                }
            }

            Tick();
            lights.Update(now);
        }

        /// <summary>What the take reported about the block just captured: the count-in's end, or the card stopping it.</summary>
        private void OnTakeBlock(int what, long position)
        {
            if (what == TakeSession.CountInDone)
            {
                if (state == BoxState.CountIn)
                {
                    Transition(BoxState.Recording, BoxEvent.CountInDone, "take index 0 at loop position " + (position - audio.Take.Timeline.TakeIndexAt(position)));
                }

                return;
            }

            // the card failed during the take: the recorder already closed the file with valid sizes
            if (what == TakeSession.CardFull)
            {
                cardHealth.MarkFull();
                audio.Take.Stopping(NoticeCode.TakeStoppedCardFull);
                FlashError(BoxErrorCode.SdCardFull, 10);
                Transition(BoxState.Stopping, BoxEvent.CardFull, audio.Recorder.LastError);
            }
            else
            {
                audio.Take.Stopping(NoticeCode.TakeStoppedCardError);
                FlashError(BoxErrorCode.SdWriteFailed, 10);
                Transition(BoxState.Stopping, BoxEvent.CardError, audio.Recorder.LastError);
            }
        }

        /// <summary>
        /// A Record the box may act on: the take starts (see <see cref="TakeSession.Start"/>) with
        /// its click level, the card's file requests dropped (the card is the recorder's now).
        /// False when the card refused the file or the click its tempo (the box stays where it was).
        /// </summary>
        private bool StartTake(RecordMessage r)
        {
            int started = audio.Take.Start(r, blockPosition, audio.Calibration.LatencyFrames, audio.PreRollFrames, settings.ClickSound, settings.BoxName, boxId, clock.UtcNow);
            if (started != TakeSession.Started)
            {
                if (started == TakeSession.CardRefused)
                {
                    FlashError(BoxErrorCode.SdWriteFailed, 5);
                }

                return false;
            }

            if (audio.Codec.SetClickVolume(r.ClickLevel) != BusStatus.Ok)
            {
                log.Write(LogLevel.Warning, "codec: " + audio.Codec.LastError + " (the click keeps its level)");
            }

            audio.Files.DropRequests();
            audio.Take.PrepareProgressive(audio.Files);
            Transition(BoxState.CountIn, BoxEvent.RecordCommand, audio.Take.Describe(r, audio.Calibration.LatencyFrames));
            link.SendNotice(NoticeCode.TakeStarted, audio.Take.CurrentTake, audio.Take.Timeline.FirstSampleIndex, now);
            return true;
        }

        /// <summary>Stopping lasts one block: close the file (final sizes), tell the engineers, start the checksum.</summary>
        private void FinishTake()
        {
            audio.Take.Close();
            link.SendNotice(audio.Take.StopNotice, audio.Take.CurrentTake, audio.Recorder.FramesWritten, now);
            cardHealth.RefreshFreeBytes();
            uint closed = audio.Take.HandOver(audio.Files);
            Transition(BoxState.Collecting, BoxEvent.FileClosed, "take " + closed + ": " + audio.Recorder.FramesWritten + " frames in "
                + audio.Recorder.PartCount + " file(s) from " + audio.Recorder.Path + (audio.Recorder.LastError != null ? " (" + audio.Recorder.LastError + ")" : string.Empty));
        }

        /// <summary>
        /// The calibration ended (<see cref="CalibrationRun"/>'s <paramref name="result"/>): the
        /// engineers are told and the box goes back to rest (or to the checksum it was making).
        /// </summary>
        private void CalibrationEnded(int result)
        {
            CalibrationRun calibration = audio.Calibration;
            BoxState back = audio.Files.ChecksumPending ? BoxState.Collecting : RestingState;
            if (result == CalibrationRun.Measured)
            {
                link.SendNotice(NoticeCode.Calibrated, 0, calibration.LatencyFrames, now);
                Transition(back, BoxEvent.CalibrationDone, calibration.Describe(result));
                return;
            }

            link.SendNotice(NoticeCode.CalibrationFailed, 0, calibration.FailureReason, now);
            Transition(back, BoxEvent.CalibrationFailed, calibration.Describe(result)
                + "; the box will not record until a calibration succeeds (long press, or Calibrate from the console)");
        }

        /// <summary>
        /// Feeds the block's start to the stall detector (<see cref="StallDetector"/>) and acts on
        /// what it saw: a pipeline that ran dry moved the click, so the box calibrates again as
        /// soon as no take runs; a capture overrun during a take is told to the engineers once.
        /// </summary>
        private void DetectOverrun()
        {
            BoxAudio a = audio;
            int seen = a.ObserveStall(stall, now);
            if (seen == StallDetector.Nothing)
            {
                return;
            }

            if ((seen & StallDetector.PipelineRanDry) != 0)
            {
                audio.Calibration.PipelineRanDry(state == BoxState.Calibrating, InTake, audio.Take.CurrentTake, stall.DryBacklogMicroseconds);
            }

            if ((seen & StallDetector.CaptureOverrun) != 0 && InTake)
            {
                int lost = stall.LostBlocks;
                if (a.Take.Overrun(lost))
                {
                    link.SendNotice(NoticeCode.CaptureOverrun, a.Take.CurrentTake, lost, now);
                    log.Write(LogLevel.Error, "capture overrun during take " + a.Take.CurrentTake + ": about " + lost + " block(s) lost");
                }
            }
        }

        /// <summary>Actions on leaving a state.</summary>
        private void Exit(BoxState from, BoxState to)
        {
            switch (from)
            {
                case BoxState.Jamming:
                    audio.Streamer.End();
                    audio.Playout.Stop();
                    if (to != BoxState.Idle && to != BoxState.Joining && to != BoxState.Error)
                    {
                        link.SendMixLevels(false, now);
                    }

                    break;
                case BoxState.Playback:
                    audio.Playout.Stop();
                    break;
                case BoxState.Calibrating:
                    audio.Calibration.Exit();
                    break;
                case BoxState.CountIn:
                case BoxState.Recording:
                    if (to != BoxState.Recording)
                    {
                        audio.Streamer.End();
                    }

                    break;
            }
        }

        /// <summary>Actions on entering a state.</summary>
        private void Enter(BoxState to, BoxState from)
        {
            switch (to)
            {
                case BoxState.Idle:
                    if (from != BoxState.Network && from != BoxState.Joining)
                    {
                        link.SendLeave();
                    }

                    link.Leave();
                    audio.Calibration.Forget();
                    audio.Streamer.End();
                    break;
                case BoxState.Joining:
                    audio.Calibration.Forget();
                    link.SendJoin(now);
                    break;
                case BoxState.Calibrating:
                    audio.Calibration.Enter(blockPosition + audio.BlockFrames); // a codec fault is answered by the next Tick: no transition inside a transition
                    break;
                case BoxState.CountIn:
                    if (audio.Take.Streaming)
                    {
                        audio.Streamer.Begin(audio.Take.CurrentTake, Slot.Engineers, link.Token, link.Slot);
                    }

                    break;
                case BoxState.Jamming:
                    audio.Streamer.Begin(0, Slot.Everyone, link.Token, link.Slot);
                    audio.Playout.Start(JamPlayoutMilliseconds * audio.Format.SampleRate / 1000);
                    link.SendMixLevels(true, now);
                    break;
                case BoxState.Playback:
                    audio.Playout.Start(commands.PlaybackDelayFrames);
                    break;
            }
        }
    }
}
