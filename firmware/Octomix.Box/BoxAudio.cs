using System;
using Octomix.Drivers.Click;
using Octomix.Drivers.Ui;
using Octomix.Hal;
using Octomix.Protocol;

namespace Octomix.Box
{
    /// <summary>
    /// The box's audio parts: the format and block size the loop runs with, and every buffer and
    /// part the loop will ever use — the stream out, the mix in, the calibration, the levels, the
    /// recorder and the take, the take files' server — built once, when the network first comes
    /// up and before the board's audio clocks start (<see cref="BoxAudio(BoxSettings, Random, IStorage, IClock, IDatagramSender, StatusLightDriver, IAudioCodec, ILog)"/>);
    /// then <see cref="Start"/> starts the board's audio, chooses the pipeline from what its
    /// queues hold and makes the loop, prefilled. Nothing here is allocated per block.
    /// <para>
    /// The parts are read-only fields, not properties: the controller reads several of them every
    /// block, and on the interpreter a getter is a managed call (M in docs/device-budget.md).
    /// </para>
    /// </summary>
    public sealed class BoxAudio
    {
        /// <summary>The format the settings ask for and the board runs.</summary>
        public readonly PcmFormat Format;

        public readonly int BlockFrames;

        /// <summary>The format's sample rate (a field: <see cref="ObserveStall"/> reads it every block).</summary>
        public readonly int SampleRate;

        public readonly int BlockBytes;

        /// <summary>The fixed silence before the count-in of every take, in frames (<see cref="BoxController.PreRollMilliseconds"/>).</summary>
        public readonly int PreRollFrames;

        /// <summary>The codec the board provides (click level, calibration routing).</summary>
        public readonly IAudioCodec Codec;

        public readonly AudioStreamer Streamer;

        public readonly PlayoutBuffer Playout;

        public readonly CalibrationRun Calibration;

        public readonly LevelMeter Meter;

        public readonly Recorder Recorder;

        public readonly TakeSession Take;

        public readonly TakeFileServer Files;

        private readonly ILog log;

        private AudioLoop loop;
        private int prefillBlocks;
        private int captureBlocks;

        /// <summary>
        /// Every buffer the loop will ever use, allocated here once. <paramref name="random"/>
        /// gives the streamer's first sequence number (its next number is the caller's).
        /// </summary>
        internal BoxAudio(BoxSettings settings, Random random, IStorage card, IClock clock, IDatagramSender sender, StatusLightDriver lights, IAudioCodec codec, ILog log)
        {
            this.log = log;
            Format = settings.Format;
            BlockFrames = settings.BlockFrames;
            BlockBytes = BlockFrames * Format.FrameBytes;
            SampleRate = Format.SampleRate;
            Codec = codec;

            // One-time renders of the three click sounds at full level; the level is the codec's analog click gain.
            ClickGenerator[] clicks = new ClickGenerator[3];
            clicks[0] = new ClickGenerator(Format, ClickSound.Beep, 100);
            clicks[1] = new ClickGenerator(Format, ClickSound.Woodblock, 100);
            clicks[2] = new ClickGenerator(Format, ClickSound.HiHat, 100);

            Streamer = new AudioStreamer(Format, BlockFrames, settings.RetransmitSeconds, (uint)random.Next());
            Playout = new PlayoutBuffer(Format.SampleRate, Format.FrameBytes);
            PreRollFrames = Format.SampleRate * BoxController.PreRollMilliseconds / 1000;
            Calibration = new CalibrationRun(Format, BlockFrames, PreRollFrames, codec, log);
            Meter = new LevelMeter(Format.Channels, Format.BytesPerSample);
            Recorder = new Recorder(card, Format);
            Recorder.DigestWhileRecording = settings.DigestWhileRecording;
            Recorder.CardWriteBytes = settings.CardWriteBytes;
            Take = new TakeSession(Format, BlockFrames, clicks, settings.ClickSound, Recorder, Streamer, sender, lights, log);
            int checksumBudget = settings.ChecksumBudgetMicros > 0 ? settings.ChecksumBudgetMicros : TakeFileServer.AutoBudgetMicros(BlockFrames, Format.SampleRate);
            Files = new TakeFileServer(card, clock, checksumBudget, settings.ChecksumSliceBytes, settings.FileChunksPerBlock, settings.FileChunkBytes);
            Files.RestingServeBudgetMicros = settings.ChecksumBudgetMicros > 0 ? settings.ChecksumBudgetMicros : TakeFileServer.AutoRestingServeBudgetMicros(BlockFrames, Format.SampleRate);
            Files.ProgressiveEveryBlocks = settings.ProgressiveEveryBlocks;
        }

        /// <summary>
        /// True when these parts were built for the format and block size of
        /// <paramref name="settings"/>: a box whose board refused the format and that boots again
        /// with other settings (a short press, the settings file changed) needs new ones.
        /// </summary>
        internal bool Fits(BoxSettings settings)
        {
            return settings.Format.SameAs(Format) && settings.BlockFrames == BlockFrames;
        }

        /// <summary>The loop, once <see cref="Start"/> succeeded (null before).</summary>
        public AudioLoop Loop
        {
            get { return loop; }
        }

        /// <summary>The playback pipeline in blocks: the prefill (<see cref="PipelineDepth"/>).</summary>
        public int PrefillBlocks
        {
            get { return prefillBlocks; }
        }

        /// <summary>The capture buffer in blocks the stall inference assumes.</summary>
        public int CaptureBlocks
        {
            get { return captureBlocks; }
        }

        /// <summary>
        /// Starts the board's audio in the format and block size and the loop that drives
        /// <paramref name="box"/>, prefilled at once (everything is allocated, the clicks rendered:
        /// the playback pipeline is only the prefill); the pipeline's depth from
        /// <paramref name="settings"/> (those in use now). The loop, prefilled; null when the board
        /// cannot run the format.
        /// </summary>
        internal AudioLoop Start(IBoard board, HalCallCounter hal, BoxController box, BoxSettings settings)
        {
            if (!board.StartAudio(Format, BlockFrames))
            {
                return null;
            }

            IAudioIn capture = new CountedAudioIn(board.Capture, hal);
            IAudioOut playback = new CountedAudioOut(board.Playback, hal);
            ChoosePipeline(capture, playback, settings);
            loop = new AudioLoop(box, capture, playback, BlockFrames, Format.FrameBytes, hal);
            loop.Prefill(prefillBlocks);
            ReportPipeline(capture, playback, settings); // after the prefill: nothing slow between the board's start and it
            log.Write(LogLevel.Info, "audio running: " + Format + ", " + BlockFrames + " frames per block, playback pipeline "
                + prefillBlocks + " blocks (" + (prefillBlocks * BlockFrames * 1000L / Format.SampleRate) + " ms), capture buffer "
                + captureBlocks + " blocks, " + Streamer.PacketsPerBlock + " packet(s) of " + Streamer.FramesPerPacket
                + " frames per block, retransmit ring " + Streamer.SlotCount + " packets");
            return loop;
        }

        /// <summary>
        /// The block's start to the stall detector with the pipeline this audio runs (one call
        /// per block, as the controller's direct call with the format's rate getter was).
        /// </summary>
        internal int ObserveStall(StallDetector stall, long now)
        {
            return stall.Observe(now, BlockFrames, SampleRate, prefillBlocks, captureBlocks);
        }

        /// <summary>
        /// The playback depth (the prefill, <see cref="PipelineDepth"/>) and the capture buffer the
        /// stall inference assumes, from the settings and what the board's queues hold.
        /// No logging here: it runs between the board's start and the prefill.
        /// </summary>
        private void ChoosePipeline(IAudioIn capture, IAudioOut playback, BoxSettings settings)
        {
            int captureFrames = capture.BufferFrames;
            prefillBlocks = PipelineDepth.Choose(settings.PrefillBlocks, settings.Jam, BlockFrames, Format.SampleRate, playback.BufferFrames, captureFrames);
            captureBlocks = captureFrames > 0 ? captureFrames / BlockFrames : settings.CaptureBufferBlocks;
        }

        /// <summary>Logs where the board's queues made the pipeline shallower than asked, or the capture shorter than it.</summary>
        private void ReportPipeline(IAudioIn capture, IAudioOut playback, BoxSettings settings)
        {
            int playbackFrames = playback.BufferFrames;
            int captureFrames = capture.BufferFrames;
            int asked = PipelineDepth.Target(settings.PrefillBlocks, settings.Jam, BlockFrames, Format.SampleRate);
            if (prefillBlocks < asked)
            {
                log.Write(settings.PrefillBlocks > 0 ? LogLevel.Warning : LogLevel.Info, "playback pipeline: " + asked + " blocks asked for, the board queues "
                    + (playbackFrames / BlockFrames) + " and captures " + (captureFrames / BlockFrames) + ": " + prefillBlocks + " blocks");
            }

            if (captureBlocks < prefillBlocks - 1)
            {
                log.Write(LogLevel.Warning, "the capture buffer (" + captureBlocks + " blocks) is shorter than the playback pipeline ("
                    + prefillBlocks + " blocks): a long stall loses audio before it moves the click");
            }
        }
    }
}
