using Octomix.Hal;
using Octomix.Protocol;

namespace Octomix.Box
{
    /// <summary>
    /// The box's fields of the heartbeat's Status (the room link adds its own and sends it): the
    /// state, the flags (card, calibrated, recording, full, overrun, streaming), the levels since
    /// the last Status, the round trip, the card's free space and rate, the under- and overruns,
    /// the take and its position, the error shown and the playout's buffer. Runs once per
    /// heartbeat from the loop's thread; allocates nothing.
    /// </summary>
    public sealed class StatusReport
    {
        private readonly CardHealth cardHealth;
        private readonly StallDetector stall;

        // the audio's parts (see Attach)
        private PcmFormat format;
        private TakeSession take;
        private AudioStreamer streamer;
        private LevelMeter meter;
        private Recorder recorder;
        private PlayoutBuffer playout;

        public StatusReport(CardHealth cardHealth, StallDetector stall)
        {
            this.cardHealth = cardHealth;
            this.stall = stall;
        }

        /// <summary>The parts allocated when the audio starts (before the first heartbeat: the link sends none before a join).</summary>
        public void Attach(PcmFormat boxFormat, TakeSession takeSession, AudioStreamer audioStreamer, LevelMeter levelMeter, Recorder takeRecorder, PlayoutBuffer playoutBuffer)
        {
            format = boxFormat;
            take = takeSession;
            streamer = audioStreamer;
            meter = levelMeter;
            recorder = takeRecorder;
            playout = playoutBuffer;
        }

        /// <summary>
        /// Fills <paramref name="status"/> for the box in <paramref name="state"/> with round trip
        /// <paramref name="latency"/> (-1 not calibrated), at loop position
        /// <paramref name="blockPosition"/>, showing <paramref name="errorCode"/> (0 none); resets
        /// the level meter (each Status carries the peaks since the one before).
        /// </summary>
        public void Fill(StatusMessage status, BoxState state, int latency, long blockPosition, int errorCode)
        {
            bool inTake = state == BoxState.CountIn || state == BoxState.Recording;
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

            if (inTake)
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
            status.TakeId = inTake ? take.CurrentTake : take.LastTake;
            status.Timecode = inTake ? take.Timeline.TakeIndexAt(blockPosition) : blockPosition;
            status.ErrorCode = (byte)errorCode;
            int bufferMs = playout.BufferedFrames * 1000 / format.SampleRate;
            status.BufferMilliseconds = (byte)(bufferMs > 255 ? 255 : bufferMs);
        }
    }
}
