using Microsoft.Extensions.Logging;
using Octomix.Desk.Link;
using Octomix.Desk.Monitor;
using Octomix.Desk.Sessions;
using Octomix.Protocol;

namespace Octomix.Desk.Engine;

/// <summary>What arrives from the room, on the link's network thread.</summary>
public sealed partial class ConsoleEngine : ILinkReceiver
{
    private const long NackIntervalMicros = 20_000;
    private const long LinkReportIntervalMicros = 50_000;
    private const long ProgressiveIntervalMicros = 50_000;
    private long _nextProgressiveAt;

    private readonly uint[] _lastStatusSequence = new uint[Slot.MaxJammerSlots];
    private readonly long[] _statusReceived = new long[Slot.MaxJammerSlots];
    private readonly long[] _statusLost = new long[Slot.MaxJammerSlots];
    private readonly int[] _refusedCommands = new int[Slot.MaxJammerSlots];
    private readonly NackMessage _nack = new();
    private readonly TimecodeRange[] _gaps = new TimecodeRange[64];
    private long _nextNackAt;
    private readonly long[] _nextMissedStopAt = new long[Slot.MaxJammerSlots];
    private long _nextLinkReportAt;
    private long _strayPackets;
    private readonly double[] _boxRttPeak = new double[Slot.MaxJammerSlots];
    private readonly long[] _lastStatusArrival = new long[Slot.MaxJammerSlots];
    private readonly uint[] _lastStatusSentAt = new uint[Slot.MaxJammerSlots];
    private readonly double[] _statusJitter = new double[Slot.MaxJammerSlots];

    /// <summary>Audio packets of no open take or from a box that does not record it.</summary>
    public long StrayPackets => Interlocked.Read(ref _strayPackets);

    void ILinkReceiver.OnStatus(StatusMessage status, long arrivalMicros)
    {
        int slot = status.SourceSlot;
        if (!Slot.IsJammer(slot))
        {
            return;
        }

        if (_statusReceived[slot] > 0)
        {
            uint gap = unchecked(status.Sequence - _lastStatusSequence[slot]);
            if (gap == 0 || (gap > 0x8000_0000 && unchecked(0u - gap) < 64))
            {
                return; // a duplicate, or a little older than the last one (reordered)
            }

            // a jump (either way) is a box that started counting again (rebooted, another box in the slot): not loss
            _statusLost[slot] += gap > 1000 ? 0 : gap - 1;
        }

        if (status.RttTenthsMs is > 0 and < 0xFFFF)
        {
            double rtt = status.RttTenthsMs / 10_000.0;
            Volatile.Write(ref _boxRttPeak[slot], Math.Max(rtt, _boxRttPeak[slot] * 0.95));
        }

        if (_statusReceived[slot] > 0)
        {
            // RFC 3550 interarrival jitter: the change of (arrival − sent) between heartbeats
            long d = (arrivalMicros - _lastStatusArrival[slot]) - unchecked((int)(status.SentAtMicroseconds - _lastStatusSentAt[slot]));
            if (Math.Abs(d) < 5_000_000)
            {
                _statusJitter[slot] += (Math.Abs(d) / 1000.0 - _statusJitter[slot]) / 16;
            }
        }

        if (status.RefusedCommands > _refusedCommands[slot])
        {
            string box = _members.TryGetValue(slot, out var who) ? who.Name : "slot " + slot;
            Event($"box {box}: refused {status.RefusedCommands - _refusedCommands[slot]} command(s) that failed authentication ({status.RefusedCommands} since it booted): something other than this console is sending it commands", LogLevel.Warning);
        }

        _refusedCommands[slot] = status.RefusedCommands;
        _lastStatusArrival[slot] = arrivalMicros;
        _lastStatusSentAt[slot] = status.SentAtMicroseconds;
        _lastStatusSequence[slot] = status.Sequence;
        _statusReceived[slot]++;
        _statuses[slot] = BoxStatusSnapshot.From(status, arrivalMicros, _statusReceived[slot], _statusLost[slot], _statusReceived[slot] > 2 ? _statusJitter[slot] : double.NaN);
        _firstHeard.TryAdd(slot, arrivalMicros);
        if (_members.TryGetValue(slot, out var member))
        {
            _members[slot] = member with { SeenAtMicros = arrivalMicros };
        }

        StopIfItMissedTheStop(status, arrivalMicros);
    }

    /// <summary>
    /// A box still recording a take the console has stopped missed the Stop (it was offline, or
    /// its server was away): it is sent Stop again as soon as it is back, once a second until it
    /// stops. Stop is idempotent on the box.
    /// </summary>
    private void StopIfItMissedTheStop(StatusMessage status, long now)
    {
        var take = _take;
        int slot = status.SourceSlot;
        if ((status.StatusFlags & StatusFlags.Recording) == 0 || take == null || status.TakeId != take.Id
            || take.Info.State is TakeState.Recording or TakeState.Stopping || now < _nextMissedStopAt[slot])
        {
            return;
        }

        _nextMissedStopAt[slot] = now + 1_000_000;
        string name = take.BySlot(slot)?.Info.TrackName ?? "slot " + slot;
        Event($"box {name} still records take {take.Info.Number}: it missed the Stop; stopping it", LogLevel.Warning);
        try
        {
            _ = _link.SendCommandAsync(new TakeControlMessage(MessageType.Stop) { TakeId = take.Id }, (byte)slot);
        }
        catch (InvalidOperationException)
        {
            // the console itself is not in the room right now: the next Status tries again
        }
    }

    void ILinkReceiver.OnAudio(AudioPacket packet, byte[] datagram, long arrivalMicros)
    {
        var take = _take;
        var stream = take?.BySlot(packet.SourceSlot);
        if (take == null || stream == null || packet.TakeId != take.Id || (packet.Flags & AudioFlags.Playback) != 0)
        {
            Interlocked.Increment(ref _strayPackets);
            return;
        }

        stream.OnAudio(packet, datagram, arrivalMicros, take.Info.SampleRate);
    }

    void ILinkReceiver.OnFileData(FileDataMessage data, byte[] datagram)
    {
        var take = _take;
        var stream = take?.BySlot(data.SourceSlot);
        if (take == null || stream == null || data.TakeId != take.Id || !stream.OnFileData(data, datagram))
        {
            Interlocked.Increment(ref _strayPackets);
        }
    }

    void ILinkReceiver.OnNotice(NoticeMessage notice)
    {
        string box = _members.TryGetValue(notice.SourceSlot, out var m) ? m.Name : "slot " + notice.SourceSlot;
        var take = _take;
        var stream = take != null && notice.TakeId == take.Id ? take.BySlot(notice.SourceSlot) : null;
        switch (notice.Code)
        {
            case NoticeCode.TakeStarted:
                if (stream != null)
                {
                    ConfirmFirstSample(take!, stream, notice.Detail);
                }

                break;
            case NoticeCode.TakeStopped:
            case NoticeCode.TakeStoppedCardFull:
            case NoticeCode.TakeStoppedCardError:
                stream?.SetFrames(notice.Detail);
                if (notice.Code != NoticeCode.TakeStopped)
                {
                    Event($"box {box}: {NoticeCode.Describe(notice.Code)} after {notice.Detail} frames (take {notice.TakeId}); its file is valid up to there", LogLevel.Warning);
                }

                break;
            case NoticeCode.CaptureOverrun:
                Event($"box {box}: capture overrun during take {notice.TakeId}, about {notice.Detail} block(s) of audio lost on its card", LogLevel.Warning);
                break;
            case NoticeCode.Calibrated:
                Event($"box {box}: calibrated, round trip {notice.Detail} samples");
                break;
            case NoticeCode.CalibrationFailed:
                Event($"box {box}: calibration failed (reason {notice.Detail}); it will not record until a calibration succeeds", LogLevel.Warning);
                break;
        }
    }

    void ILinkReceiver.OnMemberJoined(JoinMessage join)
    {
        _serverAnnounces = true;
        int slot = join.SourceSlot;
        bool known = _members.TryGetValue(slot, out var before) && before.Named;
        if (known && (before!.BoxId != join.BoxId || before.Name != join.Name))
        {
            // another box in that slot (a Leave went missing): the old one's heartbeat figures are not its
            ForgetStatus(slot);
        }

        _members[slot] = new Member(slot, join.Name, join.BoxId, join.Channels, join.Format, true, _link.NowMicros);
        if (!known || before!.BoxId != join.BoxId || before.Name != join.Name)
        {
            Emit(new BoxJoined(slot, join.Name));
            _roomChanged.Set();
        }
    }

    void ILinkReceiver.OnMemberLeft(int slot, bool freedByServer)
    {
        _serverAnnounces = true;
        if (_members.TryRemove(slot, out var member))
        {
            Emit(new BoxLeft(slot, member.Name, freedByServer) { Level = LogLevel.Warning });
        }

        _firstHeard.TryRemove(slot, out _);
        ForgetStatus(slot);
        _roomChanged.Set();
    }

    /// <summary>Forgets a slot's heartbeat figures (network thread): the next box there starts afresh.</summary>
    private void ForgetStatus(int slot)
    {
        _statuses.TryRemove(slot, out _);
        _statusReceived[slot] = 0;
        _statusLost[slot] = 0;
        _refusedCommands[slot] = 0;
        _statusJitter[slot] = 0;
        Volatile.Write(ref _boxRttPeak[slot], 0);
    }

    void ILinkReceiver.OnTick(long nowMicros)
    {
        var take = _take;
        if (take != null && nowMicros >= _nextProgressiveAt && take.Info.State == TakeState.Recording)
        {
            _nextProgressiveAt = nowMicros + ProgressiveIntervalMicros;
            FetchProgressively(take, nowMicros);
        }

        if (take == null || take.Mixer == null)
        {
            return;
        }

        var state = take.Info.State;
        if (state is not (TakeState.Recording or TakeState.Stopping))
        {
            return;
        }

        double consoleRtt = _link.RoundTrip?.TotalSeconds ?? 0.01;
        if (nowMicros >= _nextLinkReportAt)
        {
            _nextLinkReportAt = nowMicros + LinkReportIntervalMicros;
            foreach (var stream in take.Tracks)
            {
                if (stream.Monitor is { } monitor && !double.IsNaN(stream.JitterSeconds))
                {
                    monitor.ReportLinkQuality(TimeSpan.FromSeconds(stream.JitterSeconds), TimeSpan.FromSeconds(consoleRtt + BoxRoundTrip(stream.Slot)));
                }
            }
        }

        if (nowMicros >= _nextNackAt)
        {
            _nextNackAt = nowMicros + NackIntervalMicros;
            foreach (var stream in take.Tracks)
            {
                // ask again for a packet only after a retransmission would have come back
                long repeat = (long)((consoleRtt + BoxRoundTrip(stream.Slot)) * 1e6) + 30_000;
                if (stream.BuildNack(_nack, _gaps, nowMicros, repeat))
                {
                    _link.Send(_nack, (byte)stream.Slot);
                }
            }
        }
    }

    /// <summary>Progressive collection: each track asks its box for what the stream missed beyond NACKs (network thread).</summary>
    private void FetchProgressively(OpenTake take, long nowMicros)
    {
        double consoleRtt = _link.RoundTrip?.TotalSeconds ?? 0.05;
        foreach (var stream in take.Tracks)
        {
            stream.Progressive ??= new ProgressiveFetch(_options.Collection);
            stream.Progressive.Tick(stream, take.Id, take.Info.SampleRate, nowMicros, TimeSpan.FromSeconds(consoleRtt + BoxRoundTrip(stream.Slot)), (m, slot) => _link.Send(m, slot));
        }
    }

    /// <summary>
    /// The box's round trip to the server, seconds (0 when unknown): the peak of its Status
    /// reports, decaying slowly — a retransmission must come back within the slow round trips, not
    /// the average one.
    /// </summary>
    private double BoxRoundTrip(int slot) => Slot.IsJammer(slot) ? Volatile.Read(ref _boxRttPeak[slot]) : 0;

    /// <summary>
    /// The box says where its file starts (F). The console placed the stream with the F it
    /// expected from the box's last reported L; if the box measured anew in between, the track
    /// is placed again (before any audio arrived) or fetched whole at collection.
    /// </summary>
    private void ConfirmFirstSample(OpenTake take, TrackStream stream, long first)
    {
        var info = stream.Info;
        if (info.FirstSampleIndex == first)
        {
            return;
        }

        int latency = take.Info.Timeline.LatencyFromFirstSample(first);
        if (stream.PacketsReceived == 0)
        {
            stream.Update(t => t with { FirstSampleIndex = first, LatencySamples = latency });
            if (stream.Monitor != null && take.Mixer != null)
            {
                var old = stream.Monitor;
                take.Mixer.RemoveTrack(old);
                var track = take.Mixer.AddTrack(old.Name, latency, first);
                track.FaderDb = old.FaderDb;
                track.Pan = old.Pan;
                track.Mute = old.Mute;
                track.Solo = old.Solo;
                stream.Monitor = track;
            }

            Event($"box {info.BoxName}: its file starts at {first} (round trip {latency}), not {info.FirstSampleIndex} as expected", LogLevel.Warning);
        }
        else
        {
            Event($"box {info.BoxName}: its file starts at {first}, the stream was placed at {info.FirstSampleIndex}: the track will be fetched whole", LogLevel.Warning);
        }
    }
}
