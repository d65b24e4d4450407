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
        private uint currentTake;
        private uint lastTake;
        private bool takeStreaming;
        private byte stopNotice;
        private int playbackDelayFrames;

        // stalls and capture overruns (see DetectOverrun)
        private readonly StallDetector stall = new StallDetector();
        private bool overrunThisTake;
        private int overrunBlocksThisTake;
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
                    TakeCapture(captured, position);
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
                    FillTakeOutput(output, position);
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

        private void TakeCapture(byte[] captured, long position)
        {
            long t = timeline.TakeIndexAt(position);
            if (position >= timeline.FilePosition)
            {
                RecordResult r = recorder.Write(captured, 0, blockBytes);
                if (r != RecordResult.Ok)
                {
                    CardStopped(r);
                    return;
                }

                if (takeStreaming)
                {
                    streamer.SendBlock(captured, 0, t, socket);
                }
            }

            if (state == BoxState.CountIn && t + blockFrames > 0)
            {
                Transition(BoxState.Recording, BoxEvent.CountInDone, "take index 0 at loop position " + (position - t));
            }
        }

        /// <summary>The click for this block: silence before the count-in, clicks from -CountIn (to 0 when the click is count-in only).</summary>
        private void FillTakeOutput(byte[] output, long position)
        {
            long t = timeline.TakeIndexAt(position);
            long end = t + blockFrames;
            long from = t > timeline.ClickStart ? t : timeline.ClickStart;
            long to = timeline.ClickDuringTake || end < 0 ? end : 0;
            if (from >= to)
            {
                Array.Clear(output, 0, blockBytes);
                return;
            }

            int frameBytes = format.FrameBytes;
            int lead = (int)(from - t);
            int clickFrames = (int)(to - from);
            if (lead > 0)
            {
                Array.Clear(output, 0, lead * frameBytes);
            }

            click.Fill(output, lead * frameBytes, from, clickFrames);
            int tail = blockFrames - lead - clickFrames;
            if (tail > 0)
            {
                Array.Clear(output, (lead + clickFrames) * frameBytes, tail * frameBytes);
            }

            long beat = click.LastBeatStartedInFill;
            if (beat != long.MinValue)
            {
                lights.Beat(now, click.IsAccent(beat));
            }
        }

        /// <summary>
        /// Opens the take's file and fixes its timeline (see <see cref="TakeTimeline"/>). The file
        /// position is the first block boundary at least the start delay after the next block.
        /// False when the card refused the file (the box stays where it was).
        /// </summary>
        private bool StartTake(RecordMessage r)
        {
            int sound = r.ClickSound >= 1 && r.ClickSound <= 3 ? r.ClickSound : settings.ClickSound;
            try
            {
                clicks[sound - 1].Configure(r.TempoCentiBpm, r.BeatsPerBar, r.BeatUnit, r.CountInBars);
            }
            catch (ArgumentException e)
            {
                log.Write(LogLevel.Warning, "record take " + r.TakeId + ": " + e.Message);
                return false;
            }

            click = clicks[sound - 1];
            long delayFrames = (long)r.StartDelayMilliseconds * format.SampleRate / 1000;
            long delayBlocks = (delayFrames + blockFrames - 1) / blockFrames;
            long filePosition = blockPosition + blockFrames + (delayBlocks * blockFrames);
            timeline.Set(r.TakeId, click.CountInFrames, preRollFrames, latency, filePosition, r.OriginSamples,
                (r.Flags2 & RecordFlags.ClickDuringTake) != 0, format.SampleRate);
            try
            {
                recorder.Start(timeline, r.Project, r.Scene, r.Track, settings.BoxName, boxId, clock.UtcNow);
            }
            catch (Exception e)
            {
                log.Write(LogLevel.Error, "record take " + r.TakeId + ": the card refused the file: " + e.Message);
                FlashError(BoxErrorCode.SdWriteFailed, 5);
                return false;
            }

            if (codec.SetClickVolume(r.ClickLevel) != BusStatus.Ok)
            {
                log.Write(LogLevel.Warning, "codec: " + codec.LastError + " (the click keeps its level)");
            }

            files.DropRequests();
            takeStreaming = (r.Flags2 & RecordFlags.StreamAudio) != 0;
            currentTake = r.TakeId;
            lastTake = r.TakeId;
            overrunThisTake = false;
            overrunBlocksThisTake = 0;
            stopNotice = NoticeCode.TakeStopped;
            Transition(BoxState.CountIn, BoxEvent.RecordCommand, "take " + r.TakeId + ", " + (r.TempoCentiBpm / 100) + "." + Two(r.TempoCentiBpm % 100)
                + " BPM " + r.BeatsPerBar + "/" + r.BeatUnit + ", count-in " + r.CountInBars + " bar(s) = " + click.CountInFrames
                + " frames; file starts at take index " + timeline.FirstSampleIndex + " (L " + latency + ", loop position "
                + filePosition + "), TimeReference " + timeline.TimeReference);
            link.SendNotice(NoticeCode.TakeStarted, currentTake, timeline.FirstSampleIndex, now);
            return true;
        }

        /// <summary>The card failed during the take: the recorder already closed the file with valid sizes.</summary>
        private void CardStopped(RecordResult r)
        {
            if (r == RecordResult.CardFull)
            {
                cardHealth.MarkFull();
                stopNotice = NoticeCode.TakeStoppedCardFull;
                FlashError(BoxErrorCode.SdCardFull, 10);
                Transition(BoxState.Stopping, BoxEvent.CardFull, recorder.LastError);
            }
            else
            {
                stopNotice = NoticeCode.TakeStoppedCardError;
                FlashError(BoxErrorCode.SdWriteFailed, 10);
                Transition(BoxState.Stopping, BoxEvent.CardError, recorder.LastError);
            }
        }

        /// <summary>Stopping lasts one block: close the file (final sizes), tell the engineers, start the checksum.</summary>
        private void FinishTake()
        {
            bool closed = recorder.Close();
            if (!closed && stopNotice == NoticeCode.TakeStopped)
            {
                stopNotice = NoticeCode.TakeStoppedCardError;
            }

            link.SendNotice(stopNotice, currentTake, recorder.FramesWritten, now);
            cardHealth.RefreshFreeBytes();
            files.TakeClosed(currentTake, recorder.Path, recorder.PartCount, timeline.FirstSampleIndex, timeline.LatencyFrames);
            if (recorder.HasDigest)
            {
                files.DigestKnown(currentTake, 0, recorder.Digest.A, recorder.Digest.B, recorder.Digest.Length);
            }
            uint take = currentTake;
            currentTake = 0;
            Transition(BoxState.Collecting, BoxEvent.FileClosed, "take " + take + ": " + recorder.FramesWritten + " frames in "
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
            Transition(files.ChecksumPending ? BoxState.Collecting : RestingState, BoxEvent.CalibrationFailed, CalibrationReason(reason)
                + "; the box will not record until a calibration succeeds (long press, or Calibrate from the console)");
        }

        private static string CalibrationReason(int reason)
        {
            switch (reason)
            {
                case Calibrator.ReasonNoPulse: return "no pulse heard in the calibration routing";
                case Calibrator.ReasonUnstable: return "the measurements did not agree";
                case Calibrator.ReasonCodec: return "the codec did not switch to the calibration routing";
                case Calibrator.ReasonTooLate: return "the round trip is longer than the pre-roll";
                default: return "reason " + reason;
            }
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

            if ((seen & StallDetector.PipelineRanDry) != 0 && (latency >= 0 || state == BoxState.Calibrating))
            {
                recalibrate = true;
                log.Write(LogLevel.Warning, "the loop stalled " + (stall.DryBacklogMicroseconds / 1000) + " ms, longer than the playback pipeline: the click moved"
                    + (InTake ? " during take " + currentTake + "; the box calibrates again after the take" : "; calibrating again"));
            }

            if ((seen & StallDetector.CaptureOverrun) != 0 && InTake)
            {
                int lost = stall.LostBlocks;
                overrunBlocksThisTake += lost;
                if (!overrunThisTake)
                {
                    overrunThisTake = true;
                    link.SendNotice(NoticeCode.CaptureOverrun, currentTake, lost, now);
                    log.Write(LogLevel.Error, "capture overrun during take " + currentTake + ": about " + lost + " block(s) lost");
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
                    if (takeStreaming)
                    {
                        streamer.Begin(currentTake, Slot.Engineers, link.Token, link.Slot);
                    }

                    break;
                case BoxState.Jamming:
                    streamer.Begin(0, Slot.Everyone, link.Token, link.Slot);
                    playout.Start(JamPlayoutMilliseconds * format.SampleRate / 1000);
                    link.SendMixLevels(true, now);
                    break;
                case BoxState.Playback:
                    playout.Start(playbackDelayFrames);
                    break;
            }
        }

        private bool calibrationCodecFault;

        private static string Two(int v)
        {
            return v < 10 ? "0" + v : v.ToString();
        }
    }
}
