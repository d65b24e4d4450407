using System;
using Octomix.Drivers.Ui;
using Octomix.Hal;
using Octomix.Protocol;

namespace Octomix.Box
{
    /// <summary>
    /// Talking to the server: the join, the heartbeat, and the engineer's commands. Commands are
    /// idempotent: a repeated message id gets the same answer again (DuplicateFilter) and a
    /// Record for the take already running is "ok" without a second take. Every decoder instance
    /// and both datagram buffers are allocated once; only Record allocates (its three names).
    /// </summary>
    public sealed partial class BoxController
    {
        /// <summary>Largest answer the duplicate filter keeps for replay (a FileInfo).</summary>
        private const int FileInfoAnswerBytes = 72;

        private readonly byte[] rx = new byte[ProtocolConstants.MaxDatagram];
        private readonly byte[] tx = new byte[ProtocolConstants.MaxDatagram];
        private AckMessage ack;
        private StatusMessage status;
        private JoinMessage join;
        private AcceptMessage accept;
        private RejectMessage reject;
        private RecordMessage record;
        private TakeControlMessage stop;
        private TakeControlMessage playbackStart;
        private TakeControlMessage playbackStop;
        private SimpleControlMessage calibrate;
        private SimpleControlMessage leave;
        private FileInfoRequestMessage fileInfoRequest;
        private FileInfoMessage fileInfo;
        private FileRequestMessage fileRequest;
        private NackMessage nack;
        private NoticeMessage notice;
        private MixLevelsMessage mixLevels;
        private AudioPacket audioIn;
        private RoomInfoMessage roomInfo;
        private readonly byte[] lastRoomInfo = new byte[64];
        private int lastRoomInfoLength;
        private string serverName = string.Empty;
        private ReliableSender reliable;
        private DuplicateFilter duplicates;
        private readonly CommandVerifier commands = new CommandVerifier();

        private byte slot = Slot.None;
        private uint token;
        private RoomMembership membership;
        private bool joinFailed;

        /// <summary>The error code the lights show while idle after a Reject that settings must fix (wrong join code), else 0.</summary>
        private int joinRejectedCode;
        private bool autoJoinPending;
        private long joinRetryAt = long.MaxValue;
        private int heartbeatMs = 250;
        private uint statusSequence;
        private int rttTenthsMs = 0xFFFF;

        /// <summary>Datagrams that failed the header check, and well-formed ones the box has no use for.</summary>
        public long BadDatagrams { get; private set; }

        public long IgnoredDatagrams { get; private set; }

        /// <summary>
        /// Engineer's commands refused because they failed authentication (no trailer, a wrong
        /// MAC: forged, whatever their source address). Also in every Status (refused commands).
        /// </summary>
        public long ForgedCommands
        {
            get { return commands.Forged; }
        }

        /// <summary>Correctly signed commands seen again (a replay, or a retry of one acted on already): never acted on twice.</summary>
        public long ReplayedCommands
        {
            get { return commands.Replayed; }
        }

        /// <summary>Round trip to the server from the last Status Ack, tenths of ms (0xFFFF unknown).</summary>
        public int RttTenthsMs
        {
            get { return rttTenthsMs; }
        }

        private void InitMessages()
        {
            ack = new AckMessage();
            status = new StatusMessage();
            join = new JoinMessage();
            accept = new AcceptMessage();
            reject = new RejectMessage();
            record = new RecordMessage();
            stop = new TakeControlMessage(MessageType.Stop);
            playbackStart = new TakeControlMessage(MessageType.PlaybackStart);
            playbackStop = new TakeControlMessage(MessageType.PlaybackStop);
            calibrate = new SimpleControlMessage(MessageType.Calibrate);
            leave = new SimpleControlMessage(MessageType.Leave);
            fileInfoRequest = new FileInfoRequestMessage();
            fileInfo = new FileInfoMessage();
            fileRequest = new FileRequestMessage();
            nack = new NackMessage();
            notice = new NoticeMessage();
            mixLevels = new MixLevelsMessage();
            audioIn = new AudioPacket();
            roomInfo = new RoomInfoMessage();
        }

        /// <summary>The server's name from its RoomInfo (empty until one arrives, or when the server has none).</summary>
        public string ServerName
        {
            get { return serverName; }
        }

        /// <summary>
        /// RoomInfo from the server: its name and the room's limits, written to the log when they
        /// change. The server repeats it every few seconds; a repeat is recognised by its bytes
        /// and costs no decoding (no allocation in the steady state).
        /// </summary>
        private void OnRoomInfo(int n)
        {
            if (n == lastRoomInfoLength && n <= lastRoomInfo.Length)
            {
                bool same = true;
                for (int i = 0; i < n && same; i++)
                {
                    same = rx[i] == lastRoomInfo[i];
                }

                if (same)
                {
                    return;
                }
            }

            if (roomInfo.Read(rx, 0, n) != DecodeResult.Ok || n > lastRoomInfo.Length)
            {
                BadDatagrams++;
                return;
            }

            Array.Copy(rx, 0, lastRoomInfo, 0, n);
            lastRoomInfoLength = n;
            serverName = roomInfo.ServerName;
            log.Write(LogLevel.Info, (serverName.Length > 0 ? "server \"" + serverName + "\"" : "the server has no name") + ", room " + roomInfo.Room
                + " (" + roomInfo.MaxJammers + " jammers, " + roomInfo.MaxListeners + " listeners)");
        }

        private void PrepareJoin()
        {
            join.Role = JoinRole.Jammer;
            join.Capabilities = (byte)(JoinCapabilities.Records | (settings.Jam ? JoinCapabilities.WantsPersonalMix : 0));
            join.BoxId = boxId;
            join.SampleRate = format.SampleRate;
            join.Channels = format.Channels;
            join.Format = (byte)SampleFormats.FromBytesPerSample(format.BytesPerSample);
            join.FramesPerPacket = streamer.FramesPerPacket;
            join.JoinCode = settings.JoinCode;
            join.Name = settings.BoxName;
            join.SourceSlot = Slot.None;
            join.DestinationSlot = Slot.Server;
        }

        /// <summary>Takes up to <see cref="MaxMessagesPerBlock"/> datagrams without blocking.</summary>
        private void PollNetwork()
        {
            for (int i = 0; i < MaxMessagesPerBlock; i++)
            {
                int n = socket.Receive(rx, 0, rx.Length);
                if (n <= 0)
                {
                    return;
                }

                Dispatch(n);
            }
        }

        private void Dispatch(int n)
        {
            MessageType type;
            if (Message.Peek(rx, 0, n, out type) != DecodeResult.Ok)
            {
                BadDatagrams++;
                return;
            }

            if (CommandAuth.IsAuthenticated(type))
            {
                // before anything else looks at it, and before it counts as the server being heard
                n = Authenticate(type, n);
                if (n <= 0)
                {
                    return;
                }

                membership.Heard(now); // signed by the console, through the server
            }

            // Anything else with the server's address proves nothing (it can be forged): only an
            // Ack echoing a recent Status or acking a pending message, or the Accept of our Join,
            // counts as the server heard (OnAck, OnAccept); a forger cannot hold off a rejoin.

            switch (type)
            {
                case MessageType.Audio:
                    OnAudio(n);
                    break;
                case MessageType.Ack:
                    OnAck(n);
                    break;
                case MessageType.Accept:
                    OnAccept(n);
                    break;
                case MessageType.Reject:
                    OnReject(n);
                    break;
                case MessageType.RoomInfo:
                    OnRoomInfo(n);
                    break;
                case MessageType.Record:
                    OnRecord(n);
                    break;
                case MessageType.Stop:
                    OnStop(n);
                    break;
                case MessageType.PlaybackStart:
                    OnPlaybackStart(n);
                    break;
                case MessageType.PlaybackStop:
                    OnPlaybackStop(n);
                    break;
                case MessageType.Calibrate:
                    OnCalibrate(n);
                    break;
                case MessageType.FileInfoRequest:
                    OnFileInfoRequest(n);
                    break;
                case MessageType.FileRequest:
                    OnFileRequest(n);
                    break;
                case MessageType.Nack:
                    if (nack.Read(rx, 0, n) == DecodeResult.Ok)
                    {
                        if (ForMe(nack))
                        {
                            streamer.OnNack(nack);
                        }
                    }
                    else
                    {
                        BadDatagrams++;
                    }

                    break;
                default:
                    IgnoredDatagrams++;
                    break;
            }
        }

        private void OnAck(int n)
        {
            if (ack.Read(rx, 0, n) != DecodeResult.Ok)
            {
                BadDatagrams++;
                return;
            }

            if (ack.Echo != 0)
            {
                // the server's answer to a Status: echo = its sent-at (µs, low 32 bits)
                if (!membership.OnStatusAck(ack.AckedId, ack.Echo, now))
                {
                    IgnoredDatagrams++; // not an answer to a Status of ours (late, or forged)
                    return;
                }

                uint rtt = (uint)now - ack.Echo;
                rttTenthsMs = rtt / 100 > 0xFFFE ? 0xFFFE : (int)(rtt / 100);
                return;
            }

            if (reliable.Acknowledge(ack.AckedId, ack.SourceSlot))
            {
                membership.Heard(now);
            }
        }

        private void OnAccept(int n)
        {
            if (accept.Read(rx, 0, n) != DecodeResult.Ok)
            {
                BadDatagrams++;
                return;
            }

            MembershipChange change = membership.OnAccept(accept, now);
            if (change == MembershipChange.None)
            {
                IgnoredDatagrams++;
                return;
            }

            byte before = slot;
            slot = membership.Slot;
            token = membership.Token;
            heartbeatMs = membership.HeartbeatMilliseconds;
            files.SetIdentity(token, slot);
            // this join's command key (a rejoin is a new Join: a new key, fresh replay windows)
            commands.SetJoin(join.JoinCode, join.BoxId, membership.JoinMessageId);
            if (change != MembershipChange.Joined)
            {
                // back in the room with the same identity (or a new one when the old slot was
                // taken); whatever ran on it goes on — a take never stopped recording to the card
                streamer.SetIdentity(token, slot);
                log.Write(LogLevel.Info, change == MembershipChange.Rejoined
                    ? "rejoined the room: slot " + slot + " and its token back"
                    : "rejoined the room in slot " + slot + " (slot " + before + " was taken)");
                if (state == BoxState.Jamming)
                {
                    SendMixLevels(true); // a restarted server knows nothing of the personal mix
                }

                return;
            }

            joinFailed = false;
            joinRejectedCode = 0;
            if (accept.SampleRate != 0 && accept.SampleRate != format.SampleRate)
            {
                log.Write(LogLevel.Warning, "the room runs at " + accept.SampleRate + " Hz, this box at " + format.SampleRate
                    + " Hz: takes record fine, jamming with the room will not");
            }

            Transition(BoxState.Calibrating, BoxEvent.JoinAccepted, "slot " + slot + " in room " + accept.Room + ", heartbeat " + heartbeatMs + " ms");
        }

        private void OnReject(int n)
        {
            if (reject.Read(rx, 0, n) != DecodeResult.Ok)
            {
                BadDatagrams++;
                return;
            }

            MembershipChange change = membership.OnReject(reject, now);
            if (change == MembershipChange.None)
            {
                IgnoredDatagrams++;
                return;
            }

            if (change == MembershipChange.RejoinDeferred)
            {
                log.Write(LogLevel.Warning, "rejoin refused for now (" + RejectReason.Describe(reject.Reason) + "); asking again");
                return;
            }

            joinFailed = true;
            if (reject.RetryAfterMilliseconds > 0)
            {
                joinRetryAt = now + (reject.RetryAfterMilliseconds * 1000L);
            }
            else if (reject.Reason == RejectReason.BadJoinCode || reject.Reason == RejectReason.UnsupportedFormat)
            {
                joinRetryAt = long.MaxValue; // trying again cannot help: fix the settings, press join
            }

            else
            {
                joinRetryAt = settings.JoinRetrySeconds > 0 ? now + (settings.JoinRetrySeconds * 1000000L) : long.MaxValue;
            }

            if (reject.Reason == RejectReason.BadJoinCode)
            {
                // its own LED code (10) and log line, not the generic "no server"; it stays while
                // idle until the settings are fixed and join is pressed (a join accepted clears it)
                joinRejectedCode = BoxErrorCode.WrongJoinCode;
                log.Write(LogLevel.Warning, "the server refused the join: wrong join code (join_code in settings.txt must be the room's); fix it and press join");
            }

            Transition(BoxState.Idle, BoxEvent.JoinRejected, RejectReason.Describe(reject.Reason));
        }

        private void OnRecord(int n)
        {
            if (record.Read(rx, 0, n) != DecodeResult.Ok)
            {
                BadDatagrams++;
                return;
            }

            if (!ForMe(record) || Replayed(record))
            {
                return;
            }

            if (InTake || state == BoxState.Stopping)
            {
                bool same = record.TakeId == currentTake;
                Answer(record, same ? AckResult.Ok : AckResult.Busy, same ? NotReadyReason.None : NotReadyReason.Busy);
                return;
            }

            byte reason = RecordRefusal(record);
            if (reason != NotReadyReason.None)
            {
                log.Write(LogLevel.Warning, "record take " + record.TakeId + " refused: " + NotReadyReason.Describe(reason));
                Answer(record, reason == NotReadyReason.Busy ? AckResult.Busy : AckResult.NotReady, reason);
                return;
            }

            if (!StartTake(record))
            {
                Answer(record, AckResult.NotReady, NotReadyReason.CardError);
                return;
            }

            Answer(record, AckResult.Ok, NotReadyReason.None);
        }

        /// <summary>Why this box cannot record now (a NotReadyReason), or None.</summary>
        private byte RecordRefusal(RecordMessage r)
        {
            if (state != BoxState.Ready && state != BoxState.Jamming && state != BoxState.Collecting && state != BoxState.Playback)
            {
                return NotReadyReason.Busy;
            }

            if (!cardHealth.Mounted)
            {
                return NotReadyReason.NoCard;
            }

            if (cardHealth.Full)
            {
                return NotReadyReason.CardFull;
            }

            if (!cardHealth.FastEnough)
            {
                return NotReadyReason.CardTooSlow;
            }

            if (latency < 0)
            {
                return NotReadyReason.NotCalibrated;
            }

            if (latency >= preRollFrames)
            {
                return NotReadyReason.LatencyTooLarge;
            }

            if (r.SampleRate != format.SampleRate)
            {
                return NotReadyReason.FormatMismatch;
            }

            return NotReadyReason.None;
        }

        private void OnStop(int n)
        {
            if (stop.Read(rx, 0, n) != DecodeResult.Ok)
            {
                BadDatagrams++;
                return;
            }

            if (!ForMe(stop) || Replayed(stop))
            {
                return;
            }

            if (InTake && (stop.TakeId == currentTake || stop.TakeId == 0))
            {
                Answer(stop, AckResult.Ok, NotReadyReason.None);
                stopNotice = NoticeCode.TakeStopped;
                Transition(BoxState.Stopping, BoxEvent.StopCommand, "take " + currentTake);
                return;
            }

            // already stopped (a Stop that crossed the card-full stop, or a second console): still ok
            bool known = stop.TakeId != 0 && stop.TakeId == lastTake;
            Answer(stop, known ? AckResult.Ok : AckResult.UnknownTake, NotReadyReason.None);
        }

        private void OnPlaybackStart(int n)
        {
            if (playbackStart.Read(rx, 0, n) != DecodeResult.Ok)
            {
                BadDatagrams++;
                return;
            }

            if (!ForMe(playbackStart) || Replayed(playbackStart))
            {
                return;
            }

            if (state != BoxState.Ready && state != BoxState.Jamming && state != BoxState.Collecting && state != BoxState.Playback)
            {
                Answer(playbackStart, AckResult.Busy, NotReadyReason.Busy);
                return;
            }

            Answer(playbackStart, AckResult.Ok, NotReadyReason.None);
            playbackDelayFrames = (int)((long)playbackStart.StartDelayMilliseconds * format.SampleRate / 1000);
            if (state == BoxState.Playback)
            {
                playout.Start(playbackDelayFrames);
                return;
            }

            Transition(BoxState.Playback, BoxEvent.PlaybackStartCommand, "take " + playbackStart.TakeId + ", " + playbackStart.StartDelayMilliseconds + " ms buffer");
        }

        private void OnPlaybackStop(int n)
        {
            if (playbackStop.Read(rx, 0, n) != DecodeResult.Ok)
            {
                BadDatagrams++;
                return;
            }

            if (!ForMe(playbackStop) || Replayed(playbackStop))
            {
                return;
            }

            Answer(playbackStop, AckResult.Ok, NotReadyReason.None);
            if (state == BoxState.Playback)
            {
                Transition(files.ChecksumPending ? BoxState.Collecting : RestingState, BoxEvent.PlaybackStopCommand, null);
            }
        }

        private void OnCalibrate(int n)
        {
            if (calibrate.Read(rx, 0, n) != DecodeResult.Ok)
            {
                BadDatagrams++;
                return;
            }

            if (!ForMe(calibrate) || Replayed(calibrate))
            {
                return;
            }

            if (state == BoxState.Calibrating)
            {
                Answer(calibrate, AckResult.Ok, NotReadyReason.None);
                return;
            }

            if (state != BoxState.Ready && state != BoxState.Jamming && state != BoxState.Collecting && state != BoxState.Playback)
            {
                Answer(calibrate, AckResult.Busy, NotReadyReason.Busy);
                return;
            }

            Answer(calibrate, AckResult.Ok, NotReadyReason.None);
            Transition(BoxState.Calibrating, BoxEvent.CalibrateCommand, null);
        }

        private void OnFileInfoRequest(int n)
        {
            if (fileInfoRequest.Read(rx, 0, n) != DecodeResult.Ok)
            {
                BadDatagrams++;
                return;
            }

            if (!ForMe(fileInfoRequest))
            {
                return;
            }

            // No duplicate filter: answering is free of side effects, and a repeated request must
            // see "ready" once the checksum is done rather than a replayed "computing".
            bool recordingIt = (InTake || state == BoxState.Stopping) && fileInfoRequest.TakeId == currentTake;
            files.Describe(fileInfo, fileInfoRequest.TakeId, fileInfoRequest.Part, recordingIt);
            fileInfo.MessageId = fileInfoRequest.MessageId;
            fileInfo.Token = token;
            fileInfo.SourceSlot = slot;
            fileInfo.DestinationSlot = fileInfoRequest.SourceSlot;
            int length = fileInfo.Write(tx, 0);
            socket.Send(tx, 0, length);
        }

        private void OnFileRequest(int n)
        {
            if (fileRequest.Read(rx, 0, n) != DecodeResult.Ok)
            {
                BadDatagrams++;
                return;
            }

            if (!ForMe(fileRequest))
            {
                return;
            }

            if (InTake || state == BoxState.Stopping)
            {
                IgnoredDatagrams++; // the card belongs to the recorder now; the console asks again later
                return;
            }

            if (!files.Request(fileRequest))
            {
                if (files.BadRequests == 1 || files.BadRequests % 100 == 0)
                {
                    log.Write(LogLevel.Warning, "file request dropped (take " + fileRequest.TakeId + " part " + fileRequest.Part
                        + " offset " + fileRequest.Offset + "): no such data, or the queue is full; " + files.BadRequests + " so far");
                }
            }
        }

        private void OnAudio(int n)
        {
            if ((state != BoxState.Jamming && state != BoxState.Playback) || audioIn.Read(rx, 0, n) != DecodeResult.Ok)
            {
                IgnoredDatagrams++;
                return;
            }

            bool wanted = state == BoxState.Jamming ? (audioIn.Flags & AudioFlags.Mix) != 0 : (audioIn.Flags & AudioFlags.Playback) != 0;
            if (!wanted || audioIn.Channels != format.Channels || SampleFormats.BytesPerSample(audioIn.Format) != format.BytesPerSample)
            {
                // the box plays only its own format: converting would be per-sample work
                IgnoredDatagrams++;
                return;
            }

            playout.Put(audioIn.Timecode, rx, audioIn.PayloadOffset, audioIn.FrameCount);
        }

        /// <summary>
        /// Checks an engineer's command against the key of this join. Returns the length of the
        /// message without its trailer when it is fresh; 0 when it must not be acted on: forged
        /// (counted, logged now and then), or a repeat — then a reliable command whose answer the
        /// duplicate filter still holds gets that answer again (the console's retry after a lost
        /// Ack), and a FileInfoRequest is answered (no side effects); nothing is done twice.
        /// </summary>
        private int Authenticate(MessageType type, int n)
        {
            if (!InRoom)
            {
                IgnoredDatagrams++;
                return 0;
            }

            byte check = commands.Verify(rx, 0, n);
            if (check == CommandCheck.Fresh)
            {
                return n - CommandAuth.TrailerLength;
            }

            if (check == CommandCheck.Forged)
            {
                long forged = commands.Forged;
                if (forged == 1 || forged % 100 == 0)
                {
                    log.Write(LogLevel.Warning, Message.MessageTypeName(type) + " refused: it failed authentication (forged, or signed for another join); " + forged + " so far");
                }

                return 0;
            }

            int length = n - CommandAuth.TrailerLength;
            if (type == MessageType.FileInfoRequest)
            {
                OnFileInfoRequest(length);
            }
            else if (type != MessageType.FileRequest && type != MessageType.Nack)
            {
                int entry;
                if (duplicates.IsDuplicate(rx[8], Message.ReadToken(rx, 0), ControlMessage.ReadMessageId(rx, 0), out entry) && duplicates.ResponseLength(entry) > 0)
                {
                    socket.Send(duplicates.ResponseBuffer(entry), 0, duplicates.ResponseLength(entry));
                }
            }

            return 0;
        }

        /// <summary>Commands are for this box's slot (or everyone).</summary>
        private bool ForMe(Message m)
        {
            if (!InRoom || (m.DestinationSlot != slot && m.DestinationSlot != Slot.Everyone))
            {
                IgnoredDatagrams++;
                return false;
            }

            return true;
        }

        /// <summary>True when this message id was handled before; its answer was sent again.</summary>
        private bool Replayed(ControlMessage m)
        {
            int entry;
            if (!duplicates.IsDuplicate(m.SourceSlot, m.Token, m.MessageId, out entry))
            {
                return false;
            }

            int length = duplicates.ResponseLength(entry);
            if (length > 0)
            {
                socket.Send(duplicates.ResponseBuffer(entry), 0, length);
            }

            return true;
        }

        private void Answer(ControlMessage m, byte result, byte reason)
        {
            ack.Token = token;
            ack.SourceSlot = slot;
            ack.DestinationSlot = m.SourceSlot;
            ack.AckedId = m.MessageId;
            ack.Result = result;
            ack.Reason = reason;
            ack.Echo = 0;
            int length = ack.Write(tx, 0);
            socket.Send(tx, 0, length);
            duplicates.Remember(m.SourceSlot, m.Token, m.MessageId, tx, 0, length);
        }

        private void SendJoin()
        {
            membership.Join(now, socket);
        }

        private void SendLeave()
        {
            leave.MessageId = reliable.NextMessageId();
            leave.Token = token;
            leave.SourceSlot = slot;
            leave.DestinationSlot = Slot.Server;
            int length = leave.Write(tx, 0);
            socket.Send(tx, 0, length); // once: the slot times out anyway, and the token is void after this
        }

        private void SendNotice(byte code, uint takeId, long detail)
        {
            notice.MessageId = reliable.NextMessageId();
            notice.Token = token;
            notice.SourceSlot = slot;
            notice.DestinationSlot = Slot.Engineers;
            notice.Code = code;
            notice.TakeId = takeId;
            notice.Detail = detail;
            int length = notice.Write(tx, 0);
            if (!reliable.Send(tx, 0, length, socket, now))
            {
                log.Write(LogLevel.Warning, "notice '" + NoticeCode.Describe(code) + "' not sent: too many messages waiting for an answer");
            }
        }

        private void SendMixLevels(bool enable)
        {
            mixLevels.MessageId = reliable.NextMessageId();
            mixLevels.Token = token;
            mixLevels.SourceSlot = slot;
            mixLevels.DestinationSlot = Slot.Server;
            mixLevels.Enable = enable;
            int length = mixLevels.Write(tx, 0);
            reliable.Send(tx, 0, length, socket, now);
        }

        private void SendStatus()
        {
            status.Token = token;
            status.SourceSlot = slot;
            status.DestinationSlot = Slot.Server;
            status.Sequence = ++statusSequence;
            status.SentAtMicroseconds = (uint)now == 0 ? 1u : (uint)now;
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

            if (InTake)
            {
                flags |= StatusFlags.Recording;
            }

            if (cardHealth.Full)
            {
                flags |= StatusFlags.SdFull;
            }

            if (overrunThisTake)
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
            status.RttTenthsMs = rttTenthsMs;
            status.TakeId = InTake ? currentTake : lastTake;
            status.Timecode = InTake ? timeline.TakeIndexAt(blockPosition) : blockPosition;
            status.ErrorCode = (byte)(errorCode != 0 ? errorCode : (now < flashUntil ? flashCode : (state == BoxState.Idle ? joinRejectedCode : 0)));
            int bufferMs = playout.BufferedFrames * 1000 / format.SampleRate;
            status.BufferMilliseconds = (byte)(bufferMs > 255 ? 255 : bufferMs);
            status.RefusedCommands = commands.Forged > 0xFFFF ? 0xFFFF : (int)commands.Forged;
            int length = status.Write(tx, 0);
            socket.Send(tx, 0, length);
            membership.StatusSent(status.Sequence, status.SentAtMicroseconds);
        }
    }
}
