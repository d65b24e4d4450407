using System;
using System.Threading;
using Octomix.Drivers.Click;
using Octomix.Drivers.Ui;
using Octomix.Drivers.Wm8960;
using Octomix.Hal;
using Octomix.Protocol;

namespace Octomix.Box
{
    /// <summary>Boot, network and the one-time allocation of everything the loop uses.</summary>
    public sealed partial class BoxController
    {
        /// <summary>Seconds between attempts to get on the network.</summary>
        private const int NetworkRetrySeconds = 5;

        private long networkRetryAt;

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
                    // Error before the audio could start: only the button and the lights are alive.
                    if (button.Poll(now) == ButtonEvent.ShortPress || joinPressRequested)
                    {
                        joinPressRequested = false;
                        errorCode = 0;
                        Transition(BoxState.Booting, BoxEvent.ShortPress, "trying again");
                    }

                    Thread.Sleep(5);
                    break;
            }

            lights.Update(now);
        }

        private void Boot()
        {
            lights.Show(LightPattern.Booting, 0);
            lights.Update(now);
            log.Write(LogLevel.Info, "booting on " + board.Name);

            sdMounted = false;
            try
            {
                sdMounted = card.IsMounted || card.Mount();
            }
            catch (Exception e)
            {
                log.Write(LogLevel.Error, "SD card: " + e.Message);
            }

            if (!sdMounted)
            {
                log.Write(LogLevel.Error, "no SD card: the box cannot record (and reads no settings file)");
            }

            settings = new BoxSettings();
            settingsReport = SettingsParser.Load(card, settings);
            if (adjust != null)
            {
                adjust(settings);
            }

            SettingsParser.CheckRequired(settings, settingsReport);
            for (int i = 0; i < settingsReport.Count; i++)
            {
                SettingsProblem p = settingsReport[i];
                log.Write(p.Fatal ? LogLevel.Error : LogLevel.Warning, p.ToString());
            }

            if (settingsReport.HasFatal)
            {
                Fail(BoxErrorCode.SettingsFileError, BoxEvent.SettingsError, settingsReport.First.ToString());
                return;
            }

            format = settings.Format;
            blockFrames = settings.BlockFrames;
            blockBytes = blockFrames * format.FrameBytes;
            log.Write(LogLevel.Info, "settings: " + settings.BoxName + ", " + format + ", blocks of " + blockFrames
                + " frames, server " + settings.ServerHost + ":" + settings.ServerPort);

            if (sdMounted)
            {
                string[] repairs = Recorder.RepairAfterPowerCut(card);
                for (int i = 0; i < repairs.Length; i++)
                {
                    log.Write(LogLevel.Warning, repairs[i]);
                }

                SdSelfTest test = new SdSelfTest();
                test.Run(card, clock, blockBytes, format.ByteRate);
                sdWriteKBps = test.WriteKBps;
                sdLongestWriteMicros = test.LongestWriteMicroseconds;
                sdFastEnough = test.Ran && SdSelfTest.IsFastEnough(test.WriteKBps, format.ByteRate, settings.SdMarginPercent);
                sdFreeBytes = SafeFreeBytes();
                if (!test.Ran)
                {
                    log.Write(LogLevel.Error, "SD self-test: " + test.Error);
                }
                else
                {
                    log.Write(sdFastEnough ? LogLevel.Info : LogLevel.Error, "SD self-test: writes " + test.WriteKBps + " KB/s, reads "
                        + test.ReadKBps + " KB/s, longest write " + (test.LongestWriteMicroseconds / 1000) + " ms; " + format + " needs "
                        + (format.ByteRate / 1000) + " KB/s x " + settings.SdMarginPercent + " % = "
                        + ((long)format.ByteRate * settings.SdMarginPercent / 100000) + " KB/s"
                        + (sdFastEnough ? ": ok" : ": TOO SLOW, the box will refuse to record in this format"));
                }

                long blockMicros = 1000000L * blockFrames / format.SampleRate;
                if (sdLongestWriteMicros > (settings.PrefillBlocks - 1) * blockMicros)
                {
                    log.Write(LogLevel.Warning, "the longest card write (" + (sdLongestWriteMicros / 1000) + " ms) is longer than the playback pipeline ("
                        + ((settings.PrefillBlocks - 1) * blockMicros / 1000) + " ms): raise prefill_blocks, or a slow write may shift the click");
                }

                if (sdFreeBytes >= 0 && sdFreeBytes < 10L * format.ByteRate)
                {
                    sdFull = true;
                    log.Write(LogLevel.Error, "the SD card is full (" + sdFreeBytes + " bytes free)");
                }
            }

            codec = new Wm8960(board.CodecBus);
            Wm8960Config config = new Wm8960Config();
            config.WordLengthBits = settings.BitsPerSample;
            config.ClickLevelPercent = settings.ClickLevel;
            BusStatus bus = codec.Initialize(config);
            if (bus != BusStatus.Ok)
            {
                Fail(BoxErrorCode.CodecNotAnswering, BoxEvent.CodecFault, codec.LastError);
                return;
            }

            Transition(BoxState.Network, BoxEvent.BootCompleted, null);
            if (!sdMounted)
            {
                FlashError(BoxErrorCode.NoSdCard, 5);
            }
            else if (!sdFastEnough)
            {
                FlashError(BoxErrorCode.SdCardTooSlow, 5);
            }
            else if (sdFull)
            {
                FlashError(BoxErrorCode.SdCardFull, 5);
            }
            else if (settingsReport.Count > 0)
            {
                FlashError(BoxErrorCode.SettingsFileError, 5);
            }
        }

        private void NetworkStep()
        {
            if (now < networkRetryAt)
            {
                Thread.Sleep(5);
                return;
            }

            INetworkLink network = board.Network;
            if (!network.IsConnected)
            {
                if (settings.WifiSsid.Length == 0)
                {
                    Fail(BoxErrorCode.WifiFailed, BoxEvent.NetworkDown, "wifi_ssid is not set in " + BoxSettings.FileName);
                    return;
                }

                if (!network.Connect(settings.WifiSsid, settings.WifiPassword, settings.NetworkTimeoutSeconds * 1000))
                {
                    log.Write(LogLevel.Warning, "Wi-Fi '" + settings.WifiSsid + "' not joined; trying again in " + NetworkRetrySeconds + " s");
                    networkRetryAt = now + (NetworkRetrySeconds * 1000000L);
                    return;
                }
            }

            if (!socket.IsConnected && !socket.Connect(settings.ServerHost, settings.ServerPort))
            {
                log.Write(LogLevel.Warning, "cannot open a socket to " + settings.ServerHost + ":" + settings.ServerPort + "; trying again in " + NetworkRetrySeconds + " s");
                networkRetryAt = now + (NetworkRetrySeconds * 1000000L);
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

                capture = new CountedAudioIn(board.Capture, hal);
                playback = new CountedAudioOut(board.Playback, hal);
                loop = new AudioLoop(this, capture, playback, blockFrames, format.FrameBytes, hal);
                loop.Prefill(settings.PrefillBlocks);
                audioStarted = true;
                log.Write(LogLevel.Info, "audio running: " + format + ", " + blockFrames + " frames per block, playback pipeline "
                    + settings.PrefillBlocks + " blocks, " + streamer.PacketsPerBlock + " packet(s) of " + streamer.FramesPerPacket
                    + " frames per block, retransmit ring " + streamer.SlotCount + " packets");
            }

            Transition(BoxState.Idle, BoxEvent.NetworkUp, "on " + network.LocalAddress + ", server " + settings.ServerHost + ":" + settings.ServerPort);
            autoJoinPending = settings.AutoJoin;
            jamRequest = settings.Jam;
        }

        /// <summary>Every buffer the loop will ever use, allocated here once (before the audio clocks start).</summary>
        private void AllocateAudio()
        {
            uint seed = (uint)now ^ (uint)(settings.EffectiveBoxId >> 7) ^ (uint)settings.EffectiveBoxId;
            Random random = new Random((int)(seed & 0x7FFFFFFF));

            // One-time renders of the three click sounds at full level; the level is the codec's analog click gain.
            clicks = new ClickGenerator[3];
            clicks[0] = new ClickGenerator(format, ClickSound.Beep, 100);
            clicks[1] = new ClickGenerator(format, ClickSound.Woodblock, 100);
            clicks[2] = new ClickGenerator(format, ClickSound.HiHat, 100);
            click = clicks[settings.ClickSound - 1];

            streamer = new AudioStreamer(format, blockFrames, settings.RetransmitSeconds, (uint)random.Next());
            playout = new PlayoutBuffer(format.SampleRate, format.FrameBytes);
            preRollFrames = format.SampleRate * PreRollMilliseconds / 1000;
            calibrator = new Calibrator(format, blockFrames, (settings.PrefillBlocks * blockFrames) + (format.SampleRate / 10));
            meter = new LevelMeter(format.Channels, format.BytesPerSample);
            recorder = new Recorder(card, format);
            files = new TakeFileServer(card, settings.ChecksumSliceBytes, settings.FileChunksPerBlock);
            reliable = new ReliableSender(8, 200000, 10, (uint)random.Next() | 1u);
            duplicates = new DuplicateFilter(8, FileInfoAnswerBytes);
            PrepareJoin();
        }

        private long SafeFreeBytes()
        {
            try
            {
                return card.FreeBytes;
            }
            catch (Exception)
            {
                return -1;
            }
        }
    }
}
