using System;
using System.Threading;
using Octomix.Drivers.Ui;
using Octomix.Hal;
using Octomix.Protocol;

namespace Octomix.Box
{
    /// <summary>Boot, network, and the audio parts built once (<see cref="BoxAudio"/>).</summary>
    public sealed partial class BoxController
    {
        /// <summary>How often a box stopped by its card (none, or bad settings) looks at the card again.</summary>
        public const int CardPollMilliseconds = BoxBoot.CardPollMilliseconds;

        // the auto_join setting: join once the network is up
        private bool autoJoinPending;

        // the box id of Join and the take files (settings, else the board's hardware id, else the name's hash)
        private ulong boxId;

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

            if (result == BoxBoot.CodecFault)
            {
                Fail(BoxErrorCode.CodecNotAnswering, BoxEvent.CodecFault, board.Codec.LastError);
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

            if (loop == null)
            {
                // Everything is allocated (and the clicks rendered) before the clocks start, so the
                // prefill follows the start at once and the playback pipeline is only the prefill.
                if (audio == null || !audio.Fits(settings))
                {
                    BuildAudio(); // again after a refused format: the settings changed since
                }

                loop = audio.Start(board, hal, this, settings);
                if (loop == null)
                {
                    Fail(BoxErrorCode.Internal, BoxEvent.AudioFault, "the board cannot run " + audio.Format + " in blocks of " + audio.BlockFrames);
                    return;
                }
            }

            Transition(BoxState.Idle, BoxEvent.NetworkUp, "on " + network.LocalAddress + ", server " + settings.ServerHost + ":" + settings.ServerPort);
            autoJoinPending = settings.AutoJoin;
            jamRequest = settings.Jam;
        }

        /// <summary>
        /// The audio parts (<see cref="BoxAudio"/>: every buffer the loop will ever use, built
        /// here once, before the audio clocks start) and the parts that need their format: the
        /// link's room, the commands and the Status.
        /// </summary>
        private void BuildAudio()
        {
            uint seed = (uint)now ^ (uint)(boxId >> 7) ^ (uint)boxId;
            Random random = new Random((int)(seed & 0x7FFFFFFF));
            audio = new BoxAudio(settings, random, card, clock, socket, lights, board.Codec, log);
            link.Open(settings, boxId, audio.Format, audio.Streamer.FramesPerPacket, (uint)random.Next() | 1u, ServerSilenceMicroseconds);
            commands.Attach(audio.Format, audio.PreRollFrames, audio.Take, audio.Files, audio.Streamer, audio.Playout);
            statusReport.Attach(audio.Format, audio.Take, audio.Streamer, audio.Meter, audio.Recorder, audio.Playout);
        }
    }
}
