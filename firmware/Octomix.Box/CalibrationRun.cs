using Octomix.Hal;

namespace Octomix.Box
{
    /// <summary>
    /// Calibration as one part of the box: the codec's calibration routing around a
    /// <see cref="Calibrator"/> run, the round trip L it leaves the box with, and the
    /// recalibration a stall makes due. The controller owns the states; this part tells it, in
    /// small result codes, what happened: <see cref="OnCapture"/> and <see cref="Turn"/> answer
    /// <see cref="Going"/>, <see cref="Measured"/> or <see cref="Failed"/>;
    /// <see cref="PipelineRanDry"/> answers <see cref="Disturbed"/>, <see cref="Due"/> or
    /// <see cref="Unaffected"/>. It never changes the box's state itself.
    /// <para>
    /// Its life: <see cref="Enter"/> when the box enters Calibrating (routing on, the calibrator
    /// started; a codec that does not switch is answered by the next <see cref="Turn"/>, never
    /// inside the transition), every capture block to <see cref="OnCapture"/> and every output
    /// block from <see cref="FillOutput"/>, <see cref="Exit"/> when the box leaves Calibrating
    /// (routing off). Built once with the audio (<see cref="BoxAudio"/>): nothing per block.
    /// </para>
    /// </summary>
    public sealed class CalibrationRun
    {
        /// <summary>Answers of <see cref="OnCapture"/> and <see cref="Turn"/>: the run goes on.</summary>
        public const int Going = 0;

        /// <summary>The run measured L, shorter than the pre-roll: <see cref="LatencyFrames"/>.</summary>
        public const int Measured = 1;

        /// <summary>The run failed (<see cref="FailureReason"/>); the box has no L.</summary>
        public const int Failed = 2;

        /// <summary>Answers of <see cref="PipelineRanDry"/>: the run under way dropped its measurement.</summary>
        public const int Disturbed = 1;

        /// <summary>The click moved: a calibration is due as soon as no take runs (<see cref="IsDue"/>).</summary>
        public const int Due = 2;

        /// <summary>No L to lose (none measured): nothing to do.</summary>
        public const int Unaffected = 0;

        private readonly Calibrator calibrator;
        private readonly IAudioCodec codec;
        private readonly ILog log;
        private readonly int preRollFrames;
        private readonly int sampleRate;

        private int latency = -1;
        private int failureReason;
        private bool due;
        private bool codecFault;

        /// <param name="format">The loop's format.</param>
        /// <param name="blockFrames">Frames per loop block.</param>
        /// <param name="preRollFrames">The take's pre-roll: a longer L cannot record, so the calibrator listens up to it.</param>
        /// <param name="codec">Switches the calibration routing.</param>
        /// <param name="log">For the codec's errors.</param>
        public CalibrationRun(PcmFormat format, int blockFrames, int preRollFrames, IAudioCodec codec, ILog log)
        {
            this.codec = codec;
            this.log = log;
            this.preRollFrames = preRollFrames;
            sampleRate = format.SampleRate;
            // Listens up to the pre-roll: a stall can make the pipeline far deeper than the prefill.
            calibrator = new Calibrator(format, blockFrames, preRollFrames);
        }

        /// <summary>The measurement itself (its counts for the log and the tests).</summary>
        public Calibrator Calibrator
        {
            get { return calibrator; }
        }

        /// <summary>The round trip L in frames from the last calibration that succeeded, -1 when none since the box last joined.</summary>
        public int LatencyFrames
        {
            get { return latency; }
        }

        /// <summary>After <see cref="Failed"/>: one of the Calibrator.Reason constants.</summary>
        public int FailureReason
        {
            get { return failureReason; }
        }

        /// <summary>A stall moved the click since L was measured: the box calibrates again once it rests.</summary>
        public bool IsDue
        {
            get { return due; }
        }

        /// <summary>The box left the room (or joins again): the L measured belongs to the old membership.</summary>
        public void Forget()
        {
            latency = -1;
        }

        /// <summary>
        /// The box enters Calibrating; <paramref name="nextBlockPosition"/> is the loop position
        /// of the next block. A codec that does not switch the routing is answered by the next
        /// <see cref="Turn"/> (the caller is inside a transition).
        /// </summary>
        public void Enter(long nextBlockPosition)
        {
            due = false;
            if (codec.SetCalibrationRouting(true) != BusStatus.Ok)
            {
                codecFault = true;
                return;
            }

            calibrator.Begin(nextBlockPosition);
        }

        /// <summary>The box leaves Calibrating (finished or not): the run stops, the routing goes back.</summary>
        public void Exit()
        {
            calibrator.Abort();
            if (codec.SetCalibrationRouting(false) != BusStatus.Ok)
            {
                log.Write(LogLevel.Error, "codec: " + codec.LastError);
            }
        }

        /// <summary>Once per block while Calibrating, after the output: <see cref="Failed"/> when the codec did not switch the routing.</summary>
        public int Turn()
        {
            if (!codecFault)
            {
                return Going;
            }

            codecFault = false;
            latency = -1;
            failureReason = Calibrator.ReasonCodec;
            log.Write(LogLevel.Error, "codec: " + codec.LastError);
            return Failed;
        }

        /// <summary>The capture block of loop position <paramref name="position"/> while Calibrating.</summary>
        public int OnCapture(byte[] captured, long position)
        {
            if (!calibrator.OnCapture(captured, 0, position))
            {
                return Going;
            }

            if (calibrator.Succeeded && calibrator.LatencyFrames < preRollFrames)
            {
                latency = calibrator.LatencyFrames;
                failureReason = 0;
                return Measured;
            }

            failureReason = calibrator.Succeeded ? Calibrator.ReasonTooLate : calibrator.FailureReason;
            latency = -1;
            return Failed;
        }

        /// <summary>The output block of loop position <paramref name="position"/> while Calibrating: the pulse where it falls, else silence.</summary>
        public void FillOutput(byte[] output, long position)
        {
            calibrator.FillOutput(output, 0, position);
        }

        /// <summary>
        /// The stall detector saw the playback pipeline run dry for <paramref name="dryMicroseconds"/>:
        /// while Calibrating the measurement of the old pipeline is dropped; otherwise an L the
        /// box has is wrong now, and a calibration is due (after the take when one runs).
        /// </summary>
        public int PipelineRanDry(bool calibrating, bool inTake, uint take, long dryMicroseconds)
        {
            if (calibrating)
            {
                calibrator.Disturb(); // the measurements so far are of the old pipeline
                log.Write(LogLevel.Warning, "the loop stalled " + (dryMicroseconds / 1000) + " ms during calibration: the measurement is dropped");
                return Disturbed;
            }

            if (latency < 0)
            {
                return Unaffected;
            }

            due = true;
            log.Write(LogLevel.Warning, "the loop stalled " + (dryMicroseconds / 1000) + " ms, longer than the playback pipeline: the click moved"
                + (inTake ? " during take " + take + "; the box calibrates again after the take" : "; calibrating again"));
            return Due;
        }

        /// <summary>The log line's detail of a run that ended with <paramref name="result"/> (allocates: once per run).</summary>
        public string Describe(int result)
        {
            if (result == Measured)
            {
                return "L = " + latency + " frames (" + (latency * 1000L / sampleRate) + " ms) in " + calibrator.MeasurementCount + " measurements";
            }

            return Calibrator.DescribeReason(failureReason);
        }
    }
}
