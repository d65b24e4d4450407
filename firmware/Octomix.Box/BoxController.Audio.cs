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
        private int latency = -1;
        private int preRollFrames;

        // stalls and capture overruns (see DetectOverrun)
        private readonly StallDetector stall = new StallDetector();
        private bool recalibrate;

        /// <summary>
        /// Called by the loop with the block just captured; fills the block to play. Both carry
        /// loop position <paramref name="position"/>.
        /// </summary>
        internal void ProcessBlock(byte[] captured, byte[] output, long position)
        {
            blockPosition = position;
            now = clock.Microseconds;
            DetectOverrun();
            meter.Probe(captured, 0, blockFrames);

            switch (state)
            {
                case BoxState.CountIn:
                case BoxState.Recording:
                    int what = take.Capture(captured, position);
                    if (what != TakeSession.Going)
                    {
                        OnTakeBlock(what, position);
                    }

                    break;
                case BoxState.Jamming:
                    streamer.SendBlock(captured, 0, position, socket);
                    break;
                case BoxState.Calibrating:
                    if (calibrator.OnCapture(captured, 0, position))
                    {
                        CalibrationFinished();
                    }

                    break;
            }

            switch (state)
            {
                case BoxState.CountIn:
                case BoxState.Recording:
                    take.FillOutput(output, position, now);
                    break;
                case BoxState.Jamming:
                case BoxState.Playback:
                    playout.Read(output, 0, blockFrames);
                    break;
                case BoxState.Calibrating:
                    calibrator.FillOutput(output, 0, position);
                    break;
                default:
                    Array.Clear(output, 0, blockBytes);
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
                    Transition(BoxState.Recording, BoxEvent.CountInDone, "take index 0 at loop position " + (position - take.Timeline.TakeIndexAt(position)));
                }

                return;
            }

            // the card failed during the take: the recorder already closed the file with valid sizes
            if (what == TakeSession.CardFull)
            {
                cardHealth.MarkFull();
                take.Stopping(NoticeCode.TakeStoppedCardFull);
                FlashError(BoxErrorCode.SdCardFull, 10);
                Transition(BoxState.Stopping, BoxEvent.CardFull, recorder.LastError);
            }
            else
            {
                take.Stopping(NoticeCode.TakeStoppedCardError);
                FlashError(BoxErrorCode.SdWriteFailed, 10);
                Transition(BoxState.Stopping, BoxEvent.CardError, recorder.LastError);
            }
        }

        /// <summary>
        /// A Record the box may act on: the take starts (see <see cref="TakeSession.Start"/>) with
        /// its click level, the card's file requests dropped (the card is the recorder's now).
        /// False when the card refused the file or the click its tempo (the box stays where it was).
        /// </summary>
        private bool StartTake(RecordMessage r)
        {
            int started = take.Start(r, blockPosition, latency, preRollFrames, settings.ClickSound, settings.BoxName, boxId, clock.UtcNow);
            if (started != TakeSession.Started)
            {
                if (started == TakeSession.CardRefused)
                {
                    FlashError(BoxErrorCode.SdWriteFailed, 5);
                }

                return false;
            }

            if (codec.SetClickVolume(r.ClickLevel) != BusStatus.Ok)
            {
                log.Write(LogLevel.Warning, "codec: " + codec.LastError + " (the click keeps its level)");
            }

            files.DropRequests();
            take.PrepareProgressive(files);
            Transition(BoxState.CountIn, BoxEvent.RecordCommand, take.Describe(r, latency));
            link.SendNotice(NoticeCode.TakeStarted, take.CurrentTake, take.Timeline.FirstSampleIndex, now);
            return true;
        }

        /// <summary>Stopping lasts one block: close the file (final sizes), tell the engineers, start the checksum.</summary>
        private void FinishTake()
        {
            take.Close();
            link.SendNotice(take.StopNotice, take.CurrentTake, recorder.FramesWritten, now);
            cardHealth.RefreshFreeBytes();
            uint closed = take.HandOver(files);
            Transition(BoxState.Collecting, BoxEvent.FileClosed, "take " + closed + ": " + recorder.FramesWritten + " frames in "
                + recorder.PartCount + " file(s) from " + recorder.Path + (recorder.LastError != null ? " (" + recorder.LastError + ")" : string.Empty));
        }

        private void CalibrationFinished()
        {
            if (calibrator.Succeeded && calibrator.LatencyFrames < preRollFrames)
            {
                latency = calibrator.LatencyFrames;
                link.SendNotice(NoticeCode.Calibrated, 0, latency, now);
                Transition(files.ChecksumPending ? BoxState.Collecting : RestingState, BoxEvent.CalibrationDone,
                    "L = " + latency + " frames (" + (latency * 1000L / format.SampleRate) + " ms) in " + calibrator.MeasurementCount + " measurements");
                return;
            }

            int reason = calibrator.Succeeded ? Calibrator.ReasonTooLate : calibrator.FailureReason;
            latency = -1;
            link.SendNotice(NoticeCode.CalibrationFailed, 0, reason, now);
            Transition(files.ChecksumPending ? BoxState.Collecting : RestingState, BoxEvent.CalibrationFailed, Calibrator.DescribeReason(reason)
                + "; the box will not record until a calibration succeeds (long press, or Calibrate from the console)");
        }

        /// <summary>
        /// Feeds the block's start to the stall detector (<see cref="StallDetector"/>) and acts on
        /// what it saw: a pipeline that ran dry moved the click, so the box calibrates again as
        /// soon as no take runs; a capture overrun during a take is told to the engineers once.
        /// </summary>
        private void DetectOverrun()
        {
            int seen = stall.Observe(now, blockFrames, format.SampleRate, prefillBlocks, captureBlocks);
            if (seen == StallDetector.Nothing)
            {
                return;
            }

            if ((seen & StallDetector.PipelineRanDry) != 0 && state == BoxState.Calibrating)
            {
                calibrator.Disturb(); // the measurements so far are of the old pipeline
                log.Write(LogLevel.Warning, "the loop stalled " + (stall.DryBacklogMicroseconds / 1000) + " ms during calibration: the measurement is dropped");
            }
            else if ((seen & StallDetector.PipelineRanDry) != 0 && latency >= 0)
            {
                recalibrate = true;
                log.Write(LogLevel.Warning, "the loop stalled " + (stall.DryBacklogMicroseconds / 1000) + " ms, longer than the playback pipeline: the click moved"
                    + (InTake ? " during take " + take.CurrentTake + "; the box calibrates again after the take" : "; calibrating again"));
            }

            if ((seen & StallDetector.CaptureOverrun) != 0 && InTake)
            {
                int lost = stall.LostBlocks;
                if (take.Overrun(lost))
                {
                    link.SendNotice(NoticeCode.CaptureOverrun, take.CurrentTake, lost, now);
                    log.Write(LogLevel.Error, "capture overrun during take " + take.CurrentTake + ": about " + lost + " block(s) lost");
                }
            }
        }

        /// <summary>Actions on leaving a state.</summary>
        private void Exit(BoxState from, BoxState to)
        {
            switch (from)
            {
                case BoxState.Jamming:
                    streamer.End();
                    playout.Stop();
                    if (to != BoxState.Idle && to != BoxState.Joining && to != BoxState.Error)
                    {
                        link.SendMixLevels(false, now);
                    }

                    break;
                case BoxState.Playback:
                    playout.Stop();
                    break;
                case BoxState.Calibrating:
                    calibrator.Abort();
                    if (codec.SetCalibrationRouting(false) != BusStatus.Ok)
                    {
                        log.Write(LogLevel.Error, "codec: " + codec.LastError);
                    }

                    break;
                case BoxState.CountIn:
                case BoxState.Recording:
                    if (to != BoxState.Recording)
                    {
                        streamer.End();
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
                    latency = -1;
                    streamer.End();
                    break;
                case BoxState.Joining:
                    latency = -1;
                    link.SendJoin(now);
                    break;
                case BoxState.Calibrating:
                    recalibrate = false;
                    if (codec.SetCalibrationRouting(true) != BusStatus.Ok)
                    {
                        calibrationCodecFault = true; // handled by the next Tick: no transition inside a transition
                        break;
                    }

                    calibrator.Begin(blockPosition + blockFrames);
                    break;
                case BoxState.CountIn:
                    if (take.Streaming)
                    {
                        streamer.Begin(take.CurrentTake, Slot.Engineers, link.Token, link.Slot);
                    }

                    break;
                case BoxState.Jamming:
                    streamer.Begin(0, Slot.Everyone, link.Token, link.Slot);
                    playout.Start(JamPlayoutMilliseconds * format.SampleRate / 1000);
                    link.SendMixLevels(true, now);
                    break;
                case BoxState.Playback:
                    playout.Start(commands.PlaybackDelayFrames);
                    break;
            }
        }

        private bool calibrationCodecFault;
    }
}
