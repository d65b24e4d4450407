using Octomix.Box;
using Octomix.Drivers.Ui;
using Octomix.Hal;
using Octomix.Protocol;

namespace Octomix.Box.Tests;

/// <summary>Every transition of the box, each driven by its event (button, message, timeout, fault), and logged.</summary>
public class ControllerTransitionTests
{
    [Fact]
    public void BootsToIdleAndWaitsForTheButton()
    {
        using var h = new BoxHarness(autoJoin: false);
        h.Run(50);
        Assert.Equal(BoxState.Idle, h.Controller.State);
        Assert.Equal([(BoxState.Booting, BoxState.Network, BoxEvent.BootCompleted), (BoxState.Network, BoxState.Idle, BoxEvent.NetworkUp)], h.Transitions);
        Assert.Equal(LightPattern.Idle, h.Controller.Lights.Pattern);
        Assert.Equal(0, h.Server.Joins);
        Assert.Contains("booting -> network on boot completed", h.Log(), StringComparison.Ordinal);
        Assert.Contains("network -> idle on network up", h.Log(), StringComparison.Ordinal);
    }

    [Fact]
    public void AShortPressJoinsThenTheBoxCalibratesAndIsReady()
    {
        using var h = new BoxHarness(autoJoin: false);
        h.Run(5);
        h.Board.Button.PressFor(100);
        Assert.True(h.RunUntil(c => c.State == BoxState.Ready, 3000), h.Log());
        Assert.True(h.Saw(BoxState.Idle, BoxState.Joining, BoxEvent.ShortPress));
        Assert.True(h.Saw(BoxState.Joining, BoxState.Calibrating, BoxEvent.JoinAccepted));
        Assert.True(h.Saw(BoxState.Calibrating, BoxState.Ready, BoxEvent.CalibrationDone));
        Assert.Equal(LightPattern.Ready, h.Controller.Lights.Pattern);
        var notice = h.Server.Notices().Single(n => n.Code == NoticeCode.Calibrated);
        Assert.Equal(h.Controller.LatencyFrames, notice.Detail);
        h.Run(100);
        var status = h.Server.Statuses().Last();
        Assert.Equal(BoxStateCode.Ready, status.State);
        Assert.Equal(h.Controller.LatencyFrames, status.LatencySamples);
        Assert.Equal(StatusFlags.SdCardOk | StatusFlags.SdFastEnough | StatusFlags.Calibrated, status.StatusFlags);
        Assert.Equal(h.Server.SessionToken, status.Token);
        Assert.Equal(3, status.SourceSlot);
        Assert.NotEqual(0xFFFF, h.Controller.RttTenthsMs); // the server's Ack echo gave a round-trip time
    }

    [Fact]
    public void AShortPressWhileJoiningCancels()
    {
        using var h = new BoxHarness(autoJoin: false);
        h.Server.Answering = false;
        h.Run(5);
        h.Board.Button.PressFor(100);
        Assert.True(h.RunUntil(c => c.State == BoxState.Joining, 100));
        h.Run(20);
        h.Board.Button.PressFor(100);
        Assert.True(h.RunUntil(c => c.State == BoxState.Idle, 100));
        Assert.True(h.Saw(BoxState.Joining, BoxState.Idle, BoxEvent.ShortPress));
    }

    [Fact]
    public void ARejectedJoinGoesBackToIdleAndAWrongCodeIsNotRetried()
    {
        using var h = new BoxHarness();
        h.Server.RejectWith = RejectReason.BadJoinCode;
        Assert.True(h.RunUntil(c => c.LastEvent == BoxEvent.JoinRejected, 500), h.Log());
        Assert.Equal(BoxState.Idle, h.Controller.State);
        Assert.Equal(LightPattern.Error, h.Controller.Lights.Pattern); // its own code, not the generic "no server"
        Assert.Equal(BoxErrorCode.WrongJoinCode, h.Controller.Lights.ErrorCode);
        Assert.Contains("joining -> idle on join rejected: wrong join code", h.Log(), StringComparison.Ordinal);
        Assert.Contains("the server refused the join: wrong join code (join_code in settings.txt must be the room's)", h.Log(), StringComparison.Ordinal);
        h.Run(2000); // 10 s
        Assert.Equal(1, h.Server.Joins);
        Assert.Equal(BoxState.Idle, h.Controller.State);
        Assert.Equal(BoxErrorCode.WrongJoinCode, h.Controller.Lights.ErrorCode); // it stays until the settings are fixed
    }

    [Fact]
    public void AnUnansweredJoinTimesOutAndIsRetriedByTheTimer()
    {
        using var h = new BoxHarness();
        h.Server.Answering = false;
        Assert.True(h.RunUntil(c => c.LastEvent == BoxEvent.JoinTimedOut, 2000), h.Log());
        Assert.Equal(BoxState.Idle, h.Controller.State);
        Assert.Equal(10, h.Server.Joins); // the first send and 9 retries, 200 ms apart
        Assert.Equal(LightPattern.Error, h.Controller.Lights.Pattern); // flashes "server not answering"
        Assert.Equal(BoxErrorCode.ServerNotAnswering, h.Controller.Lights.ErrorCode);
        h.Server.Answering = true;
        Assert.True(h.RunUntil(c => c.State == BoxState.Ready, 3000), h.Log());
        Assert.True(h.Saw(BoxState.Idle, BoxState.Joining, BoxEvent.RetryTimer));
    }

    [Fact]
    public void ALongPressAndACalibrateCommandRecalibrate()
    {
        using var h = new BoxHarness();
        h.JoinAndCalibrate();
        h.Board.Button.PressFor(1700);
        Assert.True(h.RunUntil(c => c.State == BoxState.Calibrating, 400));
        Assert.True(h.Saw(BoxState.Ready, BoxState.Calibrating, BoxEvent.LongPress));
        Assert.True(h.RunUntil(c => c.State == BoxState.Ready, 400));

        uint id = h.Server.NextId();
        h.Server.SendAsEngineer(new SimpleControlMessage(MessageType.Calibrate) { MessageId = id });
        Assert.True(h.RunUntil(c => c.State == BoxState.Calibrating, 20));
        Assert.True(h.Saw(BoxState.Ready, BoxState.Calibrating, BoxEvent.CalibrateCommand));
        Assert.Equal(AckResult.Ok, h.Server.AckFor(id)!.Result);
        Assert.True(h.RunUntil(c => c.State == BoxState.Ready, 400));
        Assert.Equal(3, h.Server.Notices().Count(n => n.Code == NoticeCode.Calibrated));
    }

    [Fact]
    public void ATakeRunsCountInRecordingStoppingCollectingReady()
    {
        using var h = new BoxHarness();
        h.JoinAndCalibrate();
        uint id = h.Record(1, 12000, countInBars: 1, startDelayMs: 50);
        Assert.True(h.RunUntil(c => c.State == BoxState.CountIn, 20));
        Assert.Equal(LightPattern.CountIn, h.Controller.Lights.Pattern);
        Assert.True(h.RunUntil(c => c.State == BoxState.Recording, 1000));
        Assert.Equal(LightPattern.Recording, h.Controller.Lights.Pattern);
        h.Run(200);
        uint stopId = h.Stop(1);
        Assert.True(h.RunUntil(c => c.State == BoxState.Ready, 2000), h.Log());
        Assert.Equal(
            [(BoxState.Ready, BoxState.CountIn, BoxEvent.RecordCommand), (BoxState.CountIn, BoxState.Recording, BoxEvent.CountInDone),
             (BoxState.Recording, BoxState.Stopping, BoxEvent.StopCommand), (BoxState.Stopping, BoxState.Collecting, BoxEvent.FileClosed),
             (BoxState.Collecting, BoxState.Ready, BoxEvent.CollectingDone)],
            h.Transitions.SkipWhile(t => t.To != BoxState.CountIn));
        Assert.Equal(AckResult.Ok, h.Server.AckFor(id)!.Result);
        Assert.Equal(AckResult.Ok, h.Server.AckFor(stopId)!.Result);
        var notices = h.Server.Notices();
        Assert.Equal(h.Controller.Timeline.FirstSampleIndex, notices.Single(n => n.Code == NoticeCode.TakeStarted).Detail);
        Assert.Equal(h.Controller.Recorder.FramesWritten, notices.Single(n => n.Code == NoticeCode.TakeStopped).Detail);
        Assert.True(h.Controller.Recorder.FramesWritten > 0);

        // the stream: destination engineers, take 1, timecodes from F, block after block
        var audio = h.Server.Audio().Where(a => a.TakeId == 1).ToList();
        Assert.NotEmpty(audio);
        Assert.All(audio, a => Assert.Equal(Slot.Engineers, a.DestinationSlot));
        Assert.Equal(h.Controller.Timeline.FirstSampleIndex, audio[0].Timecode);
        for (int i = 1; i < audio.Count; i++)
        {
            Assert.Equal(audio[i - 1].Sequence + 1, audio[i].Sequence);
            Assert.Equal(audio[i - 1].Timecode + audio[i - 1].FrameCount, audio[i].Timecode);
        }

        Assert.Equal(h.Controller.Recorder.FramesWritten, audio.Sum(a => (long)a.FrameCount));
    }

    [Fact]
    public void RecordIsIdempotentAndASecondTakeWhileRecordingIsBusy()
    {
        using var h = new BoxHarness();
        h.JoinAndCalibrate();
        var record = new RecordMessage { MessageId = 900, TakeId = 5, SampleRate = 48000, Flags2 = RecordFlags.StreamAudio | RecordFlags.ClickDuringTake };
        h.Server.SendAsEngineer(record);
        h.Server.SendAsEngineer(record); // a retry: same message id
        h.Run(10);
        Assert.Equal(BoxState.CountIn, h.Controller.State);
        var acks = h.Server.Acks().Where(a => a.AckedId == 900).ToList();
        Assert.Equal(2, acks.Count);
        Assert.All(acks, a => Assert.Equal(AckResult.Ok, a.Result));
        Assert.Single(h.Transitions, t => t.Cause == BoxEvent.RecordCommand);

        uint again = h.Record(5);  // the same take with a new message id: ok, no second take
        uint other = h.Record(6);
        h.Run(10);
        Assert.Equal(AckResult.Ok, h.Server.AckFor(again)!.Result);
        Assert.Equal(AckResult.Busy, h.Server.AckFor(other)!.Result);
        Assert.Single(h.Transitions, t => t.Cause == BoxEvent.RecordCommand);
        Assert.Equal(5u, h.Controller.CurrentTakeId);
    }

    [Fact]
    public void StopIsIdempotentAndAnUnknownTakeIsSaid()
    {
        using var h = new BoxHarness();
        h.JoinAndCalibrate();
        uint bogus = h.Stop(77);
        h.Run(5);
        Assert.Equal(AckResult.UnknownTake, h.Server.AckFor(bogus)!.Result);
        h.Record(8);
        Assert.True(h.RunUntil(c => c.State == BoxState.Recording, 1000));
        h.Stop(8);
        Assert.True(h.RunUntil(c => c.State == BoxState.Ready, 2000));
        uint late = h.Stop(8); // a second console, or a retry after the answer was lost
        h.Run(5);
        Assert.Equal(AckResult.Ok, h.Server.AckFor(late)!.Result);
        Assert.Single(h.Transitions, t => t.Cause == BoxEvent.StopCommand);
    }

    [Fact]
    public void TheJoinButtonCannotStopATakeButLeavesTheRoomOtherwise()
    {
        using var h = new BoxHarness();
        h.JoinAndCalibrate();
        h.Record(3);
        Assert.True(h.RunUntil(c => c.State == BoxState.Recording, 1000));
        h.Board.Button.PressFor(100);
        h.Run(100);
        Assert.Equal(BoxState.Recording, h.Controller.State);
        Assert.Contains("join button ignored during a take", h.Log(), StringComparison.Ordinal);
        h.Stop(3);
        Assert.True(h.RunUntil(c => c.State == BoxState.Ready, 2000));
        h.Board.Button.PressFor(100);
        Assert.True(h.RunUntil(c => c.State == BoxState.Idle, 100));
        Assert.True(h.Saw(BoxState.Ready, BoxState.Idle, BoxEvent.ShortPress));
        Assert.Single(h.Server.Decoded(MessageType.Leave, () => new SimpleControlMessage(MessageType.Leave)));
        Assert.Equal(Slot.None, h.Controller.RoomSlot);
    }

    [Fact]
    public void ASilentServerMakesTheBoxRejoinWithItsSlotAndTokenWhileTheTakeGoesOnRecording()
    {
        using var h = new BoxHarness();
        h.JoinAndCalibrate();
        h.Record(4);
        Assert.True(h.RunUntil(c => c.State == BoxState.Recording, 1000));
        int joinsBefore = h.Server.Joins;
        h.Server.Answering = false;
        h.Run(1200); // 6.4 s of silence from the server
        Assert.Equal(BoxState.Recording, h.Controller.State);
        Assert.Equal(MembershipState.Rejoining, h.Controller.Membership);
        Assert.Contains("rejoining as slot 3; the take goes on recording to the card", h.Log(), StringComparison.Ordinal);
        var rejoins = h.Server.Decoded(MessageType.Join, () => new JoinMessage()).Skip(joinsBefore).ToList();
        Assert.NotEmpty(rejoins);
        Assert.All(rejoins, j =>
        {
            Assert.True(j.IsRejoin);
            Assert.Equal(3, j.PreviousSlot);
            Assert.Equal(0xC0FFEE01u, j.Token);
        });
        Assert.True(rejoins.Select(j => j.MessageId).Distinct().Count() >= 2, "a new Join after each one went unanswered");

        h.Server.Answering = true; // the server is back (restarted: it gives the slot and token back)
        Assert.True(h.RunUntil(c => c.Membership == MembershipState.Member, 1000), h.Log());
        Assert.Equal(BoxState.Recording, h.Controller.State);
        Assert.Equal(1, h.Controller.Rejoins);
        Assert.Contains("rejoined the room: slot 3 and its token back", h.Log(), StringComparison.Ordinal);
        h.Stop(4);
        Assert.True(h.RunUntil(c => c.State == BoxState.Ready, 2000), h.Log());
        Assert.DoesNotContain(h.Transitions, t => t.To == BoxState.Joining && t.Cause != BoxEvent.AutoJoin);
    }

    [Fact]
    public void ARejoinOutsideATakeKeepsTheCalibrationAndTakesANewSlotWhenTheOldOneIsGone()
    {
        using var h = new BoxHarness();
        h.JoinAndCalibrate();
        int latency = h.Controller.LatencyFrames;
        Assert.True(latency >= 0);
        h.Server.Answering = false;
        h.Run(700); // over 3 s
        Assert.Equal(MembershipState.Rejoining, h.Controller.Membership);
        Assert.Equal(BoxState.Ready, h.Controller.State);

        h.Server.AssignedSlot = 5;
        h.Server.SessionToken = 0x5EED5EED;
        h.Server.Answering = true;
        Assert.True(h.RunUntil(c => c.Membership == MembershipState.Member, 1000), h.Log());
        Assert.Equal(BoxState.Ready, h.Controller.State);
        Assert.Equal(latency, h.Controller.LatencyFrames);
        Assert.Equal(5, h.Controller.RoomSlot);
        Assert.Equal(0x5EED5EEDu, h.Controller.SessionToken);
        Assert.Contains("rejoined the room in slot 5 (slot 3 was taken)", h.Log(), StringComparison.Ordinal);
        int seen = h.Server.Statuses().Count;
        h.Run(100);
        var later = h.Server.Statuses().Skip(seen).ToList();
        Assert.NotEmpty(later);
        Assert.All(later, st => Assert.Equal((5, 0x5EED5EEDu), (st.SourceSlot, st.Token)));
    }

    [Fact]
    public void JammingIsTurnedOnAndOffAndPlaysThePersonalMix()
    {
        using var h = new BoxHarness();
        h.JoinAndCalibrate();
        h.Controller.SetJam(true);
        Assert.True(h.RunUntil(c => c.State == BoxState.Jamming, 5));
        Assert.True(h.Saw(BoxState.Ready, BoxState.Jamming, BoxEvent.JamOn));
        Assert.Equal(LightPattern.Jamming, h.Controller.Lights.Pattern);
        h.Run(10);
        var mix = h.Server.Decoded(MessageType.MixLevels, () => new MixLevelsMessage()).DistinctBy(m => m.MessageId).Single();
        Assert.True(mix.Enable);
        var jamAudio = h.Server.Audio().Where(a => a.TakeId == 0).ToList();
        Assert.NotEmpty(jamAudio);
        Assert.All(jamAudio, a => Assert.Equal(Slot.Everyone, a.DestinationSlot));

        // the server's personal mix arrives and is played
        h.Board.Audio!.TakeDacPeak();
        SendAudio(h, AudioFlags.Mix, Slot.Server, 8000, 20);
        h.Run(40);
        Assert.True(h.Board.Audio.TakeDacPeak() >= 8000, "the mix reached the DAC");
        Assert.True(h.Controller.Playout.Underruns > 0); // it stopped after 20 packets

        h.Controller.SetJam(false);
        Assert.True(h.RunUntil(c => c.State == BoxState.Ready, 5));
        Assert.True(h.Saw(BoxState.Jamming, BoxState.Ready, BoxEvent.JamOff));
        h.Run(5);
        Assert.Equal(2, h.Server.Decoded(MessageType.MixLevels, () => new MixLevelsMessage()).DistinctBy(m => m.MessageId).Count());
    }

    [Fact]
    public void TheJamSettingMakesJammingTheRestingStateAndATakeReturnsToIt()
    {
        using var h = new BoxHarness(extraSettings: "jam = on");
        h.JoinAndCalibrate();
        Assert.Equal(BoxState.Jamming, h.Controller.State);
        Assert.True(h.Saw(BoxState.Calibrating, BoxState.Jamming, BoxEvent.CalibrationDone));
        h.Record(2);
        Assert.True(h.RunUntil(c => c.State == BoxState.Recording, 1000));
        h.Stop(2);
        Assert.True(h.RunUntil(c => c.State == BoxState.Jamming, 2000));
        Assert.True(h.Saw(BoxState.Collecting, BoxState.Jamming, BoxEvent.CollectingDone));
    }

    [Fact]
    public void PlaybackPlaysWhatTheEngineerStreams()
    {
        using var h = new BoxHarness();
        h.JoinAndCalibrate();
        uint id = h.Server.NextId();
        h.Server.SendAsEngineer(new TakeControlMessage(MessageType.PlaybackStart) { MessageId = id, TakeId = 1, StartDelayMilliseconds = 30 });
        Assert.True(h.RunUntil(c => c.State == BoxState.Playback, 10));
        Assert.Equal(AckResult.Ok, h.Server.AckFor(id)!.Result);
        Assert.Equal(LightPattern.Playback, h.Controller.Lights.Pattern);
        h.Board.Audio!.TakeDacPeak();
        SendAudio(h, AudioFlags.Mix, Slot.Server, 20000, 5); // not playback: ignored
        h.Run(30);
        Assert.True(h.Board.Audio.TakeDacPeak() < 100);
        SendAudio(h, AudioFlags.Playback, FakeServer.EngineerSlot, 12000, 30);
        h.Run(40);
        Assert.InRange(h.Board.Audio.TakeDacPeak(), 12000, 12000);
        uint stopId = h.Server.NextId();
        h.Server.SendAsEngineer(new TakeControlMessage(MessageType.PlaybackStop) { MessageId = stopId, TakeId = 1 });
        Assert.True(h.RunUntil(c => c.State == BoxState.Ready, 10));
        Assert.True(h.Saw(BoxState.Ready, BoxState.Playback, BoxEvent.PlaybackStartCommand));
        Assert.True(h.Saw(BoxState.Playback, BoxState.Ready, BoxEvent.PlaybackStopCommand));
    }

    [Fact]
    public void NoCardMeansNoTakeButTheBoxStillJoins()
    {
        using var h = new BoxHarness(o => o.CardPresent = false, settingsText: string.Empty);
        // without a card there is no settings file: the simulator's command line gives the essentials
        var box = new Octomix.Board.Simulated.SimulatedBox(new Octomix.Board.Simulated.SimulatedBoardOptions { CardFolder = h.CardFolder, CardPresent = false },
            s => { s.ServerHost = "127.0.0.1"; s.ServerPort = h.Server.Port; s.JoinCode = "X1"; s.AutoJoin = true; });
        using (box)
        {
            for (int i = 0; i < 3000 && box.State != BoxState.Ready; i++)
            {
                box.RunOnce();
                h.Server.Poll();
            }

            Assert.Equal(BoxState.Ready, box.State);
            Assert.Contains("no SD card", box.Board.SimulatedLog.ToString(), StringComparison.Ordinal);
            uint id = h.Server.NextId();
            h.Server.SendAsEngineer(new RecordMessage { MessageId = id, TakeId = 1, SampleRate = 48000 });
            for (int i = 0; i < 5; i++)
            {
                box.RunOnce();
                h.Server.Poll();
            }

            var ack = h.Server.AckFor(id)!;
            Assert.Equal(AckResult.NotReady, ack.Result);
            Assert.Equal(NotReadyReason.NoCard, ack.Reason);
            Assert.Equal(BoxState.Ready, box.State);
        }
    }

    [Fact]
    public void ACardTooSlowForTheFormatIsRefusedWithItsReason()
    {
        using var h = new BoxHarness(o => o.CardWriteBytesPerSecond = 250_000); // needs 192 KB/s x 1.5 = 288
        h.JoinAndCalibrate();
        Assert.False(h.Controller.SdFastEnough);
        Assert.InRange(h.Controller.SdWriteKBps, 240, 250);
        Assert.Contains("TOO SLOW", h.Log(), StringComparison.Ordinal);
        uint id = h.Record(1);
        h.Run(5);
        Assert.Equal(AckResult.NotReady, h.Server.AckFor(id)!.Result);
        Assert.Equal(NotReadyReason.CardTooSlow, h.Server.AckFor(id)!.Reason);
        h.Run(60);
        Assert.Equal(0, h.Server.Statuses().Last().StatusFlags & StatusFlags.SdFastEnough);
        Assert.InRange(h.Server.Statuses().Last().SdWriteKBps, 240, 250);
    }

    [Fact]
    public void ACardFastEnoughWithMarginIsAccepted()
    {
        using var h = new BoxHarness(o => o.CardWriteBytesPerSecond = 300_000);
        h.JoinAndCalibrate();
        Assert.True(h.Controller.SdFastEnough);
        Assert.True(SdSelfTest.IsFastEnough(288, 192000, 150));
        Assert.False(SdSelfTest.IsFastEnough(287, 192000, 150));
    }

    [Fact]
    public void ASessionAtAnotherRateIsRefused()
    {
        using var h = new BoxHarness();
        h.JoinAndCalibrate();
        uint id = h.Record(1, sampleRate: 44100);
        h.Run(5);
        Assert.Equal(AckResult.NotReady, h.Server.AckFor(id)!.Result);
        Assert.Equal(NotReadyReason.FormatMismatch, h.Server.AckFor(id)!.Reason);
    }

    [Fact]
    public void AMissingCodecIsErrorCode4()
    {
        using var h = new BoxHarness(o => o.CodecPresent = false);
        h.RunUntil(c => c.State == BoxState.Error, 10);
        Assert.Equal(BoxState.Error, h.Controller.State);
        Assert.Equal(BoxEvent.CodecFault, h.Controller.LastEvent);
        Assert.Equal(BoxErrorCode.CodecNotAnswering, h.Controller.Lights.ErrorCode);
        Assert.Contains("no acknowledge from I2C address 0x1A", h.Log(), StringComparison.Ordinal);

        // a press tries again (the codec was re-seated)
        h.Board.Codec.Present = true;
        h.Step(); // the button is first seen released (one held at its first poll is ignored until let go)
        h.Board.Button.Hold();
        for (int i = 0; i < 10; i++)
        {
            h.Board.Time.Spend(10_000); // the loop without audio does not move fast time by itself
            h.Step();
        }

        h.Board.Button.Release();
        h.Step(); // the release is seen ...
        h.Board.Time.Spend(50_000);
        h.Step(); // ... and counts after the debounce time
        Assert.True(h.RunUntil(c => c.State == BoxState.Ready, 5000), h.Log());
        Assert.True(h.Saw(BoxState.Error, BoxState.Booting, BoxEvent.ShortPress));
    }

    [Fact]
    public void AWiFiThatRefusesKeepsTheBoxInNetworkWithRetries()
    {
        using var h = new BoxHarness(extraSettings: "wifi_ssid = Nowhere");
        h.Board.NetworkLink.Down = true;
        h.Board.NetworkLink.RefuseConnect = true;
        h.Run(5);
        Assert.Equal(BoxState.Network, h.Controller.State);
        // a failed attempt flashes code 5 until the next one (not the error state: the box retries)
        Assert.Equal(LightPattern.Error, h.Controller.Lights.Pattern);
        Assert.Equal(BoxErrorCode.WifiFailed, h.Controller.Lights.ErrorCode);
        Assert.Equal(0, h.Controller.ErrorCode);
        Assert.Equal(1, h.Board.NetworkLink.ConnectAttempts);
        h.Board.Time.Spend(4_000_000);
        h.Run(1);
        Assert.Equal(LightPattern.Error, h.Controller.Lights.Pattern);
        h.Board.Time.Spend(2_000_000);
        h.Run(1);
        Assert.Equal(2, h.Board.NetworkLink.ConnectAttempts);
        h.Board.NetworkLink.RefuseConnect = false;
        h.Board.Time.Spend(6_000_000);
        Assert.True(h.RunUntil(c => c.State == BoxState.Ready, 3000), h.Log());
        Assert.Contains("Wi-Fi 'Nowhere' not joined", h.Log(), StringComparison.Ordinal);
    }

    [Fact]
    public void ANetworkWithoutAWiFiNameIsErrorCode5()
    {
        using var h = new BoxHarness();
        h.Board.NetworkLink.Down = true;
        h.RunUntil(c => c.State == BoxState.Error, 10);
        Assert.Equal(BoxErrorCode.WifiFailed, h.Controller.ErrorCode);
        Assert.Contains("wifi_ssid is not set", h.Log(), StringComparison.Ordinal);
    }

    [Fact]
    public void AnAudioFormatTheBoardCannotRunIsErrorCode9()
    {
        using var h = new BoxHarness(o => o.PlaybackBufferBlocks = 1);
        h.RunUntil(c => c.State == BoxState.Error, 10);
        Assert.Equal(BoxEvent.AudioFault, h.Controller.LastEvent);
        Assert.Equal(BoxErrorCode.Internal, h.Controller.ErrorCode);
    }

    [Fact]
    public void AFormatTheBoardRefusedIsTriedAgainWithTheNewSettings()
    {
        // a board whose audio path runs 16 bits at most, a box set to 24
        using var h = new BoxHarness(o => o.MaxBitsPerSample = 16, extraSettings: "bits = 24");
        Assert.True(h.RunUntil(c => c.State == BoxState.Error, 10), h.Log());
        Assert.Equal(BoxEvent.AudioFault, h.Controller.LastEvent);

        // the musician sets 16 bits and presses the button: the box boots with them, and its audio
        // parts are built for them (not the refused format's again)
        string path = Path.Combine(h.CardFolder, "settings.txt");
        File.WriteAllText(path, File.ReadAllText(path).Replace("bits = 24", "bits = 16", StringComparison.Ordinal));
        h.Controller.PressJoin();
        Assert.True(h.RunUntil(c => c.State == BoxState.Idle || c.State == BoxState.Ready || c.State == BoxState.Joining, 200), h.Log());
        h.JoinAndCalibrate();
        Assert.Equal(BoxState.Ready, h.Controller.State);
        Assert.Equal(16, h.Controller.Audio.Format.BitsPerSample);
        Assert.Contains("audio running: 48000 Hz, 2 ch, 16 bit", h.Log(), StringComparison.Ordinal);
    }

    [Fact]
    public void EveryTransitionIsLoggedWithItsCause()
    {
        using var h = new BoxHarness();
        h.JoinAndCalibrate();
        h.Record(1);
        Assert.True(h.RunUntil(c => c.State == BoxState.Recording, 1000));
        h.Stop(1);
        Assert.True(h.RunUntil(c => c.State == BoxState.Ready, 2000));
        string log = h.Log();
        Assert.Equal(h.Transitions.Count, h.Controller.TransitionCount);
        foreach (var (from, to, cause) in h.Transitions)
        {
            Assert.Contains(BoxController.StateName(from) + " -> " + BoxController.StateName(to) + " on " + BoxEvents.Name(cause), log, StringComparison.Ordinal);
        }
    }

    private static void SendAudio(BoxHarness h, byte flags, byte source, short value, int packets)
    {
        var payload = new byte[256 * 4];
        for (int f = 0; f < 256 * 2; f++)
        {
            payload[2 * f] = (byte)value;
            payload[(2 * f) + 1] = (byte)(value >> 8);
        }

        for (int i = 0; i < packets; i++)
        {
            var packet = new AudioPacket
            {
                Sequence = (uint)i, Timecode = 1000 + (i * 256L), FrameCount = 256, Channels = 2, Format = (byte)SampleFormat.S16,
                Flags = flags, SourceSlot = source, DestinationSlot = Slot.Everyone,
            };
            var bytes = new byte[ProtocolConstants.MaxDatagram];
            int n = packet.Write(bytes, 0, payload, 0);
            h.Server.SendRaw(bytes, n);
        }
    }
}
