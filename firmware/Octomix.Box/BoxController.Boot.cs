using System;
using System.Threading;
using Octomix.Drivers.Click;
using Octomix.Drivers.Ui;
using Octomix.Hal;
using Octomix.Protocol;

namespace Octomix.Box
{
    /// <summary>Boot, network and the one-time allocation of everything the loop uses.</summary>
    public sealed partial class BoxController
    {
        /// <summary>How often a box stopped by its card (none, or bad settings) looks at the card again.</summary>
        public const int CardPollMilliseconds = BoxBoot.CardPollMilliseconds;

        // the auto_join setting: join once the network is up
        private bool autoJoinPending;

        // the box id of Join and the take files (settings, else the board's hardware id, else the name's hash)
        private ulong boxId;

        // the playback pipeline (blocks) and the capture buffer (blocks) the loop runs with
        private int prefillBlocks;
        private int captureBlocks;


        /// <summary>A step while the audio does not run yet (or never started): boot, network, error.</summary>
        private void RunWithoutAudio()
        {
            now = clock.Microseconds;
            switch (state)
            {
                case BoxState.Booting:
                    Boot();
                    break;
                case BoxState.Network:
                    NetworkStep();
                    break;
                default:
                    // Error before the audio could start: only the button, the lights and (when
                    // the card stopped the box) the card watch are alive.
                    if (button.Poll(now) == ButtonEvent.ShortPress || joinPressRequested)
                    {
                        joinPressRequested = false;
                        errorCode = 0;
                        boot.StopWatching();
                        Transition(BoxState.Booting, BoxEvent.ShortPress, "trying again");
                    }
                    else
                    {
                        string changed;
                        if (boot.CardChanged(now, out changed))
                        {
                            errorCode = 0;
                            Transition(BoxState.Booting, BoxEvent.CardChanged, changed);
                        }
                    }

                    Thread.Sleep(5);
                    break;
            }

            if (flashCode != 0 && now >= flashUntil)
            {
                flashCode = 0;
                ShowState();
            }

            lights.Update(now);
        }

        /// <summary>One boot (<see cref="BoxBoot"/>): on to the network, or the error its result names.</summary>
        private void Boot()
        {
            lights.Show(LightPattern.Booting, 0);
            lights.Update(now);
            int result = boot.Run(now);
            settings = boot.Settings;
            settingsReport = boot.Report;
            boxId = boot.BoxId;
            if (result == BoxBoot.NoCard)
            {
                Fail(BoxErrorCode.NoSdCard, BoxEvent.BootFailed, "the settings file is on the card; insert a card with " + BoxSettings.FileName);
                return;
            }

            if (result == BoxBoot.SettingsError)
            {
                Fail(BoxErrorCode.SettingsFileError, BoxEvent.SettingsError, settingsReport.First.ToString() + "; fix " + BoxSettings.FileName + " on the card (the box reads it again when it changes)");
                return;
            }

            format = settings.Format;
            blockFrames = settings.BlockFrames;
            blockBytes = blockFrames * format.FrameBytes;
            codec = board.Codec;
            if (result == BoxBoot.CodecFault)
            {
                Fail(BoxErrorCode.CodecNotAnswering, BoxEvent.CodecFault, codec.LastError);
                return;
            }

            Transition(BoxState.Network, BoxEvent.BootCompleted, null);
            int warning = boot.WarningCode;
            if (warning != 0)
            {
                FlashError(warning, 5);
            }
        }

        /// <summary>One step of getting on the network (<see cref="NetworkStart"/>), then the audio starts and the box is idle.</summary>
        private void NetworkStep()
        {
            int got = network.Step(settings, now);
            if (got == NetworkStart.Waiting)
            {
                Thread.Sleep(5);
                return;
            }

            if (got == NetworkStart.NoWifiName)
            {
                Fail(BoxErrorCode.WifiFailed, BoxEvent.NetworkDown, "wifi_ssid is not set in " + BoxSettings.FileName);
                return;
            }

            if (got != NetworkStart.Up)
            {
                now = network.FailedAt; // the join may have taken seconds
                FlashError(got == NetworkStart.WifiNotJoined ? BoxErrorCode.WifiFailed : BoxErrorCode.ServerNotAnswering, NetworkStart.RetrySeconds);
                return;
            }

            if (!audioStarted)
            {
                // Everything is allocated (and the clicks rendered) before the clocks start, so the
                // prefill follows the start at once and the playback pipeline is only the prefill.
                if (streamer == null)
                {
                    AllocateAudio();
                }

                if (!board.StartAudio(format, blockFrames))
                {
                    Fail(BoxErrorCode.Internal, BoxEvent.AudioFault, "the board cannot run " + format + " in blocks of " + blockFrames);
                    return;
                }

                IAudioIn capture = new CountedAudioIn(board.Capture, hal);
                IAudioOut playback = new CountedAudioOut(board.Playback, hal);
                ChoosePipeline(capture, playback);
                loop = new AudioLoop(this, capture, playback, blockFrames, format.FrameBytes, hal);
                loop.Prefill(prefillBlocks);
                audioStarted = true;
                ReportPipeline(capture, playback); // after the prefill: nothing slow between the board's start and it
                log.Write(LogLevel.Info, "audio running: " + format + ", " + blockFrames + " frames per block, playback pipeline "
                    + prefillBlocks + " blocks (" + (prefillBlocks * blockFrames * 1000L / format.SampleRate) + " ms), capture buffer "
                    + captureBlocks + " blocks, " + streamer.PacketsPerBlock + " packet(s) of " + streamer.FramesPerPacket
                    + " frames per block, retransmit ring " + streamer.SlotCount + " packets");
            }

            Transition(BoxState.Idle, BoxEvent.NetworkUp, "on " + network.LocalAddress + ", server " + settings.ServerHost + ":" + settings.ServerPort);
            autoJoinPending = settings.AutoJoin;
            jamRequest = settings.Jam;
        }

        /// <summary>
        /// The playback depth (the prefill, <see cref="PipelineDepth"/>) and the capture buffer the
        /// stall inference assumes, from the settings and what the board's queues hold.
        /// No logging here: it runs between the board's start and the prefill.
        /// </summary>
        private void ChoosePipeline(IAudioIn capture, IAudioOut playback)
        {
            int captureFrames = capture.BufferFrames;
            prefillBlocks = PipelineDepth.Choose(settings.PrefillBlocks, settings.Jam, blockFrames, format.SampleRate, playback.BufferFrames, captureFrames);
            captureBlocks = captureFrames > 0 ? captureFrames / blockFrames : settings.CaptureBufferBlocks;
        }

        /// <summary>Logs where the board's queues made the pipeline shallower than asked, or the capture shorter than it.</summary>
        private void ReportPipeline(IAudioIn capture, IAudioOut playback)
        {
            int playbackFrames = playback.BufferFrames;
            int captureFrames = capture.BufferFrames;
            int asked = PipelineDepth.Target(settings.PrefillBlocks, settings.Jam, blockFrames, format.SampleRate);
            if (prefillBlocks < asked)
            {
                log.Write(settings.PrefillBlocks > 0 ? LogLevel.Warning : LogLevel.Info, "playback pipeline: " + asked + " blocks asked for, the board queues "
                    + (playbackFrames / blockFrames) + " and captures " + (captureFrames / blockFrames) + ": " + prefillBlocks + " blocks");
            }

            if (captureBlocks < prefillBlocks - 1)
            {
                log.Write(LogLevel.Warning, "the capture buffer (" + captureBlocks + " blocks) is shorter than the playback pipeline ("
                    + prefillBlocks + " blocks): a long stall loses audio before it moves the click");
            }
        }

        /// <summary>Every buffer the loop will ever use, allocated here once (before the audio clocks start).</summary>
        private void AllocateAudio()
        {
            uint seed = (uint)now ^ (uint)(boxId >> 7) ^ (uint)boxId;
            Random random = new Random((int)(seed & 0x7FFFFFFF));

            // One-time renders of the three click sounds at full level; the level is the codec's analog click gain.
            ClickGenerator[] clicks = new ClickGenerator[3];
            clicks[0] = new ClickGenerator(format, ClickSound.Beep, 100);
            clicks[1] = new ClickGenerator(format, ClickSound.Woodblock, 100);
            clicks[2] = new ClickGenerator(format, ClickSound.HiHat, 100);

            streamer = new AudioStreamer(format, blockFrames, settings.RetransmitSeconds, (uint)random.Next());
            playout = new PlayoutBuffer(format.SampleRate, format.FrameBytes);
            preRollFrames = format.SampleRate * PreRollMilliseconds / 1000;
            // Listens up to the pre-roll: a stall can make the pipeline far deeper than the prefill.
            calibrator = new Calibrator(format, blockFrames, preRollFrames);
            meter = new LevelMeter(format.Channels, format.BytesPerSample);
            recorder = new Recorder(card, format);
            recorder.DigestWhileRecording = settings.DigestWhileRecording;
            recorder.CardWriteBytes = settings.CardWriteBytes;
            take = new TakeSession(format, blockFrames, clicks, settings.ClickSound, recorder, streamer, socket, lights, log);
            int checksumBudget = settings.ChecksumBudgetMicros > 0 ? settings.ChecksumBudgetMicros : TakeFileServer.AutoBudgetMicros(blockFrames, format.SampleRate);
            files = new TakeFileServer(card, clock, checksumBudget, settings.ChecksumSliceBytes, settings.FileChunksPerBlock, settings.FileChunkBytes);
            files.RestingServeBudgetMicros = settings.ChecksumBudgetMicros > 0 ? settings.ChecksumBudgetMicros : TakeFileServer.AutoRestingServeBudgetMicros(blockFrames, format.SampleRate);
            files.ProgressiveEveryBlocks = settings.ProgressiveEveryBlocks;
            link.Open(settings, boxId, format, streamer.FramesPerPacket, (uint)random.Next() | 1u, ServerSilenceMicroseconds);
            commands.Attach(format, preRollFrames, take, files, streamer, playout);
            statusReport.Attach(format, take, streamer, meter, recorder, playout);
        }
    }
}
