using System;
using Octomix.Drivers.Click;
using Octomix.Drivers.Ui;
using Octomix.Hal;
using Octomix.Protocol;

namespace Octomix.Box
{
    /// <summary>
    /// One take from Record to the file handed to the file server: the take numbers (the one
    /// running, the last one), the timeline (<see cref="TakeTimeline"/>: where the file and the
    /// count-in start on the loop), the click of the take, each block captured written to the card
    /// (and streamed when the Record asked for it), the count-in's end, the stop's reason, and what
    /// a Record or Stop means while a take runs: the same take again is "ok", another one is busy;
    /// a Stop that names no take, or the take running, stops it; a Stop for the last take after it
    /// stopped by itself (card full, or the box missed the Stop and a later console sends it
    /// again) is still "ok". The box's state machine owns the transitions; this part reports what
    /// happened (<see cref="Capture"/>). No allocation per block; only <see cref="Start"/> allocates
    /// (the take's names).
    /// </summary>
    public sealed class TakeSession
    {
        /// <summary><see cref="Capture"/>: the take goes on.</summary>
        public const int Going = 0;

        /// <summary><see cref="Capture"/>: this block holds take index 0 (the count-in is over).</summary>
        public const int CountInDone = 1;

        /// <summary><see cref="Capture"/>: the card is full; the recorder closed the file with valid sizes.</summary>
        public const int CardFull = 2;

        /// <summary><see cref="Capture"/>: the card failed; the recorder closed the file with valid sizes.</summary>
        public const int CardError = 3;

        /// <summary><see cref="Start"/>: the take runs (count-in first).</summary>
        public const int Started = 0;

        /// <summary><see cref="Start"/>: the click cannot play that tempo or meter (logged).</summary>
        public const int BadClick = 1;

        /// <summary><see cref="Start"/>: the card refused the file (logged).</summary>
        public const int CardRefused = 2;

        private readonly TakeTimeline timeline = new TakeTimeline();
        private readonly PcmFormat format;
        private readonly int blockFrames;
        private readonly int blockBytes;
        private readonly ClickGenerator[] clicks;
        private readonly Recorder recorder;
        private readonly AudioStreamer streamer;
        private readonly IDatagramSender sender;
        private readonly StatusLightDriver lights;
        private readonly ILog log;

        private ClickGenerator click;
        private uint currentTake;
        private uint lastTake;
        private bool streaming;
        private bool countingIn;
        private byte stopNotice = NoticeCode.TakeStopped;
        private bool overrun;
        private int overrunBlocks;

        /// <param name="format">The box's format.</param>
        /// <param name="blockFrames">Frames per block of the loop.</param>
        /// <param name="clicks">The three click sounds (beep, woodblock, hi-hat), rendered once.</param>
        /// <param name="defaultClickSound">The click_sound setting (1-3): for a Record that names none.</param>
        /// <param name="recorder">Writes the take's file.</param>
        /// <param name="streamer">Streams the take's blocks to the engineers when the Record asks for it.</param>
        /// <param name="sender">Where the streamed packets go.</param>
        /// <param name="lights">Blink with the click's beats.</param>
        /// <param name="log">The box's log.</param>
        public TakeSession(PcmFormat format, int blockFrames, ClickGenerator[] clicks, int defaultClickSound, Recorder recorder,
            AudioStreamer streamer, IDatagramSender sender, StatusLightDriver lights, ILog log)
        {
            if (format == null || clicks == null || clicks.Length != 3 || recorder == null || streamer == null || sender == null || lights == null || log == null)
            {
                throw new ArgumentNullException("format");
            }

            this.format = format;
            this.blockFrames = blockFrames;
            blockBytes = blockFrames * format.FrameBytes;
            this.clicks = clicks;
            click = clicks[defaultClickSound - 1];
            this.recorder = recorder;
            this.streamer = streamer;
            this.sender = sender;
            this.lights = lights;
            this.log = log;
        }

        /// <summary>The take recording now (0 after it was handed over).</summary>
        public uint CurrentTake
        {
            get { return currentTake; }
        }

        /// <summary>The last take started since boot (0 before the first).</summary>
        public uint LastTake
        {
            get { return lastTake; }
        }

        public TakeTimeline Timeline
        {
            get { return timeline; }
        }

        /// <summary>The click of the take (the click_sound setting's before the first).</summary>
        public ClickGenerator Click
        {
            get { return click; }
        }

        /// <summary>The Record asked for the take's audio to be streamed to the engineers.</summary>
        public bool Streaming
        {
            get { return streaming; }
        }

        /// <summary>What the Notice at the take's end says (stopped, card full, card error).</summary>
        public byte StopNotice
        {
            get { return stopNotice; }
        }

        /// <summary>The capture lost audio during this take (the Status says so until the next take).</summary>
        public bool OverrunThisTake
        {
            get { return overrun; }
        }

        /// <summary>Blocks lost to capture overruns during this take.</summary>
        public int OverrunBlocksThisTake
        {
            get { return overrunBlocks; }
        }

        /// <summary>A Record for <paramref name="takeId"/> while a take runs or stops: true when it is that take (answered "ok"; else busy).</summary>
        public bool IsRunning(uint takeId)
        {
            return takeId == currentTake;
        }

        /// <summary>A Stop while a take runs: true when it stops it (it names the take, or none).</summary>
        public bool Stops(uint takeId)
        {
            return takeId == currentTake || takeId == 0;
        }

        /// <summary>A Stop with no take running: true when it names the last take (already stopped: still "ok"; else unknown).</summary>
        public bool StoppedAlready(uint takeId)
        {
            return takeId != 0 && takeId == lastTake;
        }

        /// <summary>
        /// Configures the click, fixes the timeline and opens the take's file. The file position is
        /// the first block boundary at least the start delay after the next block
        /// (<paramref name="blockPosition"/> is the loop position of the block just captured).
        /// Returns <see cref="Started"/>, or why not (the box stays where it was).
        /// </summary>
        public int Start(RecordMessage r, long blockPosition, int latencyFrames, int preRollFrames, int defaultClickSound, string boxName, ulong boxId, DateTime utcNow)
        {
            int sound = r.ClickSound >= 1 && r.ClickSound <= 3 ? r.ClickSound : defaultClickSound;
            try
            {
                clicks[sound - 1].Configure(r.TempoCentiBpm, r.BeatsPerBar, r.BeatUnit, r.CountInBars);
            }
            catch (ArgumentException e)
            {
                log.Write(LogLevel.Warning, "record take " + r.TakeId + ": " + e.Message);
                return BadClick;
            }

            click = clicks[sound - 1];
            long delayFrames = (long)r.StartDelayMilliseconds * format.SampleRate / 1000;
            long delayBlocks = (delayFrames + blockFrames - 1) / blockFrames;
            long filePosition = blockPosition + blockFrames + (delayBlocks * blockFrames);
            timeline.Set(r.TakeId, click.CountInFrames, preRollFrames, latencyFrames, filePosition, r.OriginSamples,
                (r.Flags2 & RecordFlags.ClickDuringTake) != 0, format.SampleRate);
            try
            {
                recorder.Start(timeline, r.Project, r.Scene, r.Track, boxName, boxId, utcNow);
            }
            catch (Exception e)
            {
                log.Write(LogLevel.Error, "record take " + r.TakeId + ": the card refused the file: " + e.Message);
                return CardRefused;
            }

            streaming = (r.Flags2 & RecordFlags.StreamAudio) != 0;
            currentTake = r.TakeId;
            lastTake = r.TakeId;
            countingIn = true;
            overrun = false;
            overrunBlocks = 0;
            stopNotice = NoticeCode.TakeStopped;
            return Started;
        }

        /// <summary>
        /// The take just started in words, for the log line of the move to count-in: tempo, metre,
        /// count-in, where its file starts (with round trip <paramref name="latencyFrames"/>).
        /// Allocates (once per take).
        /// </summary>
        public string Describe(RecordMessage r, int latencyFrames)
        {
            return "take " + r.TakeId + ", " + (r.TempoCentiBpm / 100) + "." + Two(r.TempoCentiBpm % 100)
                + " BPM " + r.BeatsPerBar + "/" + r.BeatUnit + ", count-in " + r.CountInBars + " bar(s) = " + click.CountInFrames
                + " frames; file starts at take index " + timeline.FirstSampleIndex + " (L " + latencyFrames + ", loop position "
                + timeline.FilePosition + "), TimeReference " + timeline.TimeReference;
        }

        private static string Two(int v)
        {
            return v < 10 ? "0" + v : v.ToString();
        }

        /// <summary>
        /// The block just captured at loop position <paramref name="position"/>: written to the
        /// card from the file position on (and streamed with its take index). Returns
        /// <see cref="Going"/>, <see cref="CountInDone"/> once, or how the card stopped the take.
        /// </summary>
        public int Capture(byte[] captured, long position)
        {
            long t = timeline.TakeIndexAt(position);
            if (position >= timeline.FilePosition)
            {
                RecordResult r = recorder.Write(captured, 0, blockBytes);
                if (r != RecordResult.Ok)
                {
                    return r == RecordResult.CardFull ? CardFull : CardError;
                }

                if (streaming)
                {
                    streamer.SendBlock(captured, 0, t, sender);
                }
            }

            if (countingIn && t + blockFrames > 0)
            {
                countingIn = false;
                return CountInDone;
            }

            return Going;
        }

        /// <summary>The click for this block: silence before the count-in, clicks from -CountIn (to 0 when the click is count-in only).</summary>
        public void FillOutput(byte[] output, long position, long now)
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

        /// <summary>The take is stopping: what its Notice will say (NoticeCode: stopped, card full, card error).</summary>
        public void Stopping(byte notice)
        {
            stopNotice = notice;
        }

        /// <summary>A capture overrun during the take: true the first time (the engineers are told once).</summary>
        public bool Overrun(int lostBlocks)
        {
            overrunBlocks += lostBlocks;
            if (overrun)
            {
                return false;
            }

            overrun = true;
            return true;
        }

        /// <summary>Closes the file (final sizes); a close that failed turns a plain stop into a card error.</summary>
        public void Close()
        {
            bool closed = recorder.Close();
            if (!closed && stopNotice == NoticeCode.TakeStopped)
            {
                stopNotice = NoticeCode.TakeStoppedCardError;
            }
        }

        /// <summary>
        /// A FileRequest while the take records (progressive collection): queued when it asks for
        /// what the card holds durably of the part being written (<see cref="TakeFileServer.RequestDuringTake"/>).
        /// </summary>
        public bool OfferDuringTake(TakeFileServer files, FileRequestMessage request)
        {
            return files.RequestDuringTake(request, currentTake, recorder.CurrentPart, recorder.CurrentPath, recorder.DurableDataBytes);
        }

        /// <summary>The take just started: on the native writer, the file server opens its progressive read handle now (<see cref="TakeFileServer.PrepareLive"/>).</summary>
        public void PrepareProgressive(TakeFileServer files)
        {
            if (recorder.AppendFile != null)
            {
                files.PrepareLive(currentTake, recorder.CurrentPart, recorder.CurrentPath, recorder.AppendFile);
            }
        }

        /// <summary>A block of the take: the file server's progressive turn (<see cref="TakeFileServer.ServeDuringTake"/>).</summary>
        public void ServeDuringTake(TakeFileServer files, IDatagramSender socket)
        {
            files.ServeDuringTake(socket, currentTake, recorder.CurrentPart, recorder.CurrentPath, recorder.DurableDataBytes, recorder.AppendFile);
        }

        /// <summary>A FileRequest dropped during the take: logged the first time and every 100th.</summary>
        public void LogRefused(FileRequestMessage request, TakeFileServer files)
        {
            long n = files.ProgressiveRefused;
            if (n == 1 || n % 100 == 0)
            {
                log.Write(LogLevel.Info, "file request during take " + currentTake + " dropped (take " + request.TakeId + " part " + request.Part + " offset " + request.Offset
                    + "): not on the card durably yet, stopping, or progressive_every_blocks = 0; " + n + " so far");
            }
        }

        /// <summary>Hands the closed take to the file server (its parts, and its digest when the recorder made it); returns the take, none is running after.</summary>
        public uint HandOver(TakeFileServer files)
        {
            files.TakeClosed(currentTake, recorder.Path, recorder.PartCount, timeline.FirstSampleIndex, timeline.LatencyFrames);
            if (recorder.HasDigest)
            {
                files.DigestKnown(currentTake, 0, recorder.Digest.A, recorder.Digest.B, recorder.Digest.Length);
            }

            uint take = currentTake;
            currentTake = 0;
            return take;
        }
    }
}
