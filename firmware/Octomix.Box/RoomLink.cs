using System;
using Octomix.Drivers.Ui;
using Octomix.Hal;
using Octomix.Protocol;

namespace Octomix.Box
{
    /// <summary>Fills the box's own fields of a Status (state, flags, levels, card, take) before the link sends it.</summary>
    public delegate void StatusFiller(StatusMessage status);

    /// <summary>
    /// The box's link to the room and its command inbox: the join (and the rejoin after a path
    /// change or a server restart, <see cref="RoomMembership"/>), the server's liveness, the
    /// heartbeat, and every datagram the box receives — checked, authenticated (docs/protocol.md,
    /// "Command authentication"), filtered for this slot, replays answered again from the
    /// duplicate filter — until only a fresh command for this box is left for the controller
    /// (<see cref="Next"/>). What the box does with a command is the controller's; the link only
    /// knows the box's state through <see cref="StateChanged"/>. Every decoder and both datagram
    /// buffers are allocated once; the steady state allocates nothing (a repeated RoomInfo is
    /// recognised by its bytes). One owner: the loop's thread.
    /// </summary>
    public sealed class RoomLink
    {
        /// <summary><see cref="Next"/>: nothing is waiting on the socket.</summary>
        public const int NothingWaiting = 0;

        /// <summary><see cref="Next"/>: a datagram came and the link dealt with it (or dropped it, counted).</summary>
        public const int Handled = -1;

        /// <summary>Largest answer the duplicate filter keeps for replay (a FileInfo).</summary>
        public const int FileInfoAnswerBytes = 72;

        private readonly IDatagramSocket socket;
        private readonly IDatagramSender sender;
        private readonly ILog log;
        private readonly StatusFiller fillStatus;

        private readonly byte[] rx = new byte[ProtocolConstants.MaxDatagram];
        private readonly byte[] tx = new byte[ProtocolConstants.MaxDatagram];
        private readonly AckMessage ack = new AckMessage();
        private readonly StatusMessage status = new StatusMessage();
        private readonly JoinMessage join = new JoinMessage();
        private readonly AcceptMessage accept = new AcceptMessage();
        private readonly RejectMessage reject = new RejectMessage();
        private readonly RecordMessage record = new RecordMessage();
        private readonly TakeControlMessage stop = new TakeControlMessage(MessageType.Stop);
        private readonly TakeControlMessage playbackStart = new TakeControlMessage(MessageType.PlaybackStart);
        private readonly TakeControlMessage playbackStop = new TakeControlMessage(MessageType.PlaybackStop);
        private readonly SimpleControlMessage calibrate = new SimpleControlMessage(MessageType.Calibrate);
        private readonly SimpleControlMessage leave = new SimpleControlMessage(MessageType.Leave);
        private readonly FileInfoRequestMessage fileInfoRequest = new FileInfoRequestMessage();
        private readonly FileInfoMessage fileInfo = new FileInfoMessage();
        private readonly FileRequestMessage fileRequest = new FileRequestMessage();
        private readonly NackMessage nack = new NackMessage();
        private readonly NoticeMessage notice = new NoticeMessage();
        private readonly MixLevelsMessage mixLevels = new MixLevelsMessage();
        private readonly AudioPacket audioIn = new AudioPacket();
        private readonly RoomInfoMessage roomInfo = new RoomInfoMessage();
        private readonly byte[] lastRoomInfo = new byte[64];
        private readonly CommandVerifier commands = new CommandVerifier();
        private int lastRoomInfoLength;
        private string serverName = string.Empty;

        // allocated once by Open (they need the box's format and a random message id)
        private ReliableSender reliable;
        private DuplicateFilter duplicates;
        private RoomMembership membership;
        private BoxSettings settings;
        private PcmFormat format;

        private byte slot = Protocol.Slot.None;
        private uint token;
        private int heartbeatMs = 250;
        private uint statusSequence;
        private int rttTenthsMs = 0xFFFF;
        private MembershipChange lastChange;
        private byte slotBefore = Protocol.Slot.None;
        private bool joinFailed;
        private int joinRejectedCode;
        private long joinRetryAt = long.MaxValue;

        // what the link knows of the box's state (set by StateChanged, read per datagram)
        private bool inRoom;
        private bool joining;
        private bool takeRunning;
        private byte audioWanted;

        /// <param name="socket">Where datagrams are received.</param>
        /// <param name="sender">Where they are sent (the same socket, as the protocol's sender).</param>
        /// <param name="log">The box's log.</param>
        /// <param name="fillStatus">Fills the box's fields of each heartbeat's Status.</param>
        public RoomLink(IDatagramSocket socket, IDatagramSender sender, ILog log, StatusFiller fillStatus)
        {
            if (socket == null || sender == null || log == null || fillStatus == null)
            {
                throw new ArgumentNullException("socket");
            }

            this.socket = socket;
            this.sender = sender;
            this.log = log;
            this.fillStatus = fillStatus;
        }

        /// <summary>True once <see cref="Open"/> ran (the audio was allocated).</summary>
        public bool IsOpen
        {
            get { return membership != null; }
        }

        /// <summary>Slot in the room (from Accept), <see cref="Slot.None"/> when not in one.</summary>
        public byte Slot
        {
            get { return slot; }
        }

        public uint Token
        {
            get { return token; }
        }

        public int HeartbeatMilliseconds
        {
            get { return heartbeatMs; }
        }

        /// <summary>Message id of the Join that got the current membership (0 before the first Accept).</summary>
        public uint JoinMessageId
        {
            get { return membership == null ? 0 : membership.JoinMessageId; }
        }

        public MembershipState Membership
        {
            get { return membership == null ? MembershipState.Out : membership.State; }
        }

        /// <summary>Rejoins started since boot (the server went silent).</summary>
        public int Rejoins
        {
            get { return membership == null ? 0 : membership.Rejoins; }
        }

        /// <summary>How long the server may be silent before the box rejoins, microseconds.</summary>
        public long SilenceLimitMicroseconds
        {
            get { return membership == null ? 0 : membership.SilenceLimitMicroseconds; }
        }

        /// <summary>The last join failed (rejected or unanswered): the idle lights say "no server".</summary>
        public bool JoinFailed
        {
            get { return joinFailed; }
        }

        /// <summary>The error code the lights show while idle after a Reject that settings must fix (wrong join code), else 0.</summary>
        public int JoinRejectedCode
        {
            get { return joinRejectedCode; }
        }

        /// <summary>When an idle box joins again by itself (long.MaxValue: only a press).</summary>
        public long JoinRetryAt
        {
            get { return joinRetryAt; }
        }

        /// <summary>The server's name from its RoomInfo (empty until one arrives, or when the server has none).</summary>
        public string ServerName
        {
            get { return serverName; }
        }

        /// <summary>Round trip to the server from the last Status Ack, tenths of ms (0xFFFF unknown).</summary>
        public int RttTenthsMs
        {
            get { return rttTenthsMs; }
        }

        /// <summary>Datagrams that failed the header check, and well-formed ones the box has no use for.</summary>
        public long BadDatagrams { get; private set; }

        public long IgnoredDatagrams { get; private set; }

        /// <summary>Counts a datagram the controller had no use for in its state.</summary>
        public void CountIgnored()
        {
            IgnoredDatagrams++;
        }

        /// <summary>Engineer's commands refused because they failed authentication (no trailer, a wrong MAC).</summary>
        public long ForgedCommands
        {
            get { return commands.Forged; }
        }

        /// <summary>Correctly signed commands seen again (a replay, or a retry of one acted on already).</summary>
        public long ReplayedCommands
        {
            get { return commands.Replayed; }
        }

        /// <summary>The datagram <see cref="Next"/> returned (for an Audio packet's payload).</summary>
        public byte[] Received
        {
            get { return rx; }
        }

        // the decoded message of the type Next returned
        public AcceptMessage Accept
        {
            get { return accept; }
        }

        public RejectMessage Reject
        {
            get { return reject; }
        }

        public RecordMessage Record
        {
            get { return record; }
        }

        public TakeControlMessage Stop
        {
            get { return stop; }
        }

        public TakeControlMessage PlaybackStart
        {
            get { return playbackStart; }
        }

        public TakeControlMessage PlaybackStop
        {
            get { return playbackStop; }
        }

        public SimpleControlMessage Calibrate
        {
            get { return calibrate; }
        }

        public FileInfoRequestMessage FileInfoRequest
        {
            get { return fileInfoRequest; }
        }

        public FileRequestMessage FileRequest
        {
            get { return fileRequest; }
        }

        public NackMessage Nack
        {
            get { return nack; }
        }

        public AudioPacket Audio
        {
            get { return audioIn; }
        }

        /// <summary>The FileInfo <see cref="SendFileInfo"/> sends (the take's fields filled in by the caller).</summary>
        public FileInfoMessage FileInfo
        {
            get { return fileInfo; }
        }

        /// <summary>After an Accept: joined, rejoined with the same identity, or rejoined in another slot.</summary>
        public MembershipChange LastChange
        {
            get { return lastChange; }
        }

        /// <summary>After an Accept: the slot the box had before it.</summary>
        public byte SlotBefore
        {
            get { return slotBefore; }
        }

        /// <summary>
        /// Allocates what needs the box's settings and format: the reliable sender, the duplicate
        /// filter and the membership, with the Join it sends. Once, before the audio starts.
        /// </summary>
        public void Open(BoxSettings boxSettings, ulong boxId, PcmFormat boxFormat, int framesPerPacket, uint firstMessageId, long minimumSilenceMicroseconds)
        {
            settings = boxSettings;
            format = boxFormat;
            reliable = new ReliableSender(8, 200000, 10, firstMessageId);
            duplicates = new DuplicateFilter(8, FileInfoAnswerBytes);
            join.Role = JoinRole.Jammer;
            join.Capabilities = (byte)(JoinCapabilities.Records | (settings.Jam ? JoinCapabilities.WantsPersonalMix : 0));
            join.BoxId = boxId;
            join.SampleRate = format.SampleRate;
            join.Channels = format.Channels;
            join.Format = (byte)SampleFormats.FromBytesPerSample(format.BytesPerSample);
            join.FramesPerPacket = framesPerPacket;
            join.JoinCode = settings.JoinCode;
            join.Name = settings.BoxName;
            join.SourceSlot = Protocol.Slot.None;
            join.DestinationSlot = Protocol.Slot.Server;
            membership = new RoomMembership(join, reliable, minimumSilenceMicroseconds);
        }

        /// <summary>
        /// Told on every state change (rare): in a room or not, joining, a take owning the card,
        /// and which audio the box plays (the personal mix while jamming, the take in playback).
        /// Entering idle or joining leaves the room: no slot, no token, nothing pending.
        /// </summary>
        public void StateChanged(BoxState to)
        {
            inRoom = to == BoxState.Ready || to == BoxState.Calibrating || to == BoxState.CountIn
                || to == BoxState.Recording || to == BoxState.Stopping || to == BoxState.Collecting
                || to == BoxState.Jamming || to == BoxState.Playback;
            joining = to == BoxState.Joining;
            takeRunning = to == BoxState.CountIn || to == BoxState.Recording || to == BoxState.Stopping;
            audioWanted = to == BoxState.Jamming ? AudioFlags.Mix : (to == BoxState.Playback ? AudioFlags.Playback : (byte)0);
        }

        /// <summary>Leaves the room (entering idle): the membership, slot and token are gone, nothing is pending.</summary>
        public void Leave()
        {
            membership.Leave();
            Forget();
        }

        /// <summary>Sends the Join (entering joining); the identity of any earlier membership is gone.</summary>
        public void SendJoin(long now)
        {
            Forget();
            membership.Join(now, sender);
        }

        /// <summary>A press, or a join started by hand: no retry is planned any more.</summary>
        public void CancelJoinRetry()
        {
            joinRetryAt = long.MaxValue;
        }

        private void Forget()
        {
            slot = Protocol.Slot.None;
            token = 0;
            reliable.Clear();
        }

        /// <summary>
        /// Takes one datagram from the socket and deals with what it can: a bad or unwanted one is
        /// counted, an Ack or RoomInfo handled, a forged command refused, a replay answered again.
        /// Returns <see cref="NothingWaiting"/>, <see cref="Handled"/>, or the MessageType of what
        /// is left for the controller, decoded in the property of its name: Accept, Reject (a final
        /// one), Record, Stop, PlaybackStart, PlaybackStop, Calibrate, FileInfoRequest, FileRequest,
        /// Nack (all for this box) and Audio (of the box's format, the kind its state plays).
        /// </summary>
        public int Next(long now)
        {
            int n = socket.Receive(rx, 0, rx.Length);
            if (n <= 0)
            {
                return NothingWaiting;
            }

            MessageType type;
            if (Message.Peek(rx, 0, n, out type) != DecodeResult.Ok)
            {
                BadDatagrams++;
                return Handled;
            }

            if (CommandAuth.IsAuthenticated(type))
            {
                // before anything else looks at it, and before it counts as the server being heard
                n = Authenticate(type, n);
                if (n <= 0)
                {
                    if (n == 0)
                    {
                        return Handled;
                    }

                    n = -n; // a FileInfoRequest seen before: answered again (no side effects)
                }
                else
                {
                    membership.Heard(now); // signed by the console, through the server
                }
            }

            // Anything else with the server's address proves nothing (it can be forged): only an
            // Ack echoing a recent Status or acking a pending message, or the Accept of our Join,
            // counts as the server heard (OnAck, OnAccept); a forger cannot hold off a rejoin.
            switch (type)
            {
                case MessageType.Audio:
                    return OnAudio(n);
                case MessageType.Ack:
                    OnAck(n, now);
                    return Handled;
                case MessageType.Accept:
                    return OnAccept(n, now);
                case MessageType.Reject:
                    return OnReject(n, now);
                case MessageType.RoomInfo:
                    OnRoomInfo(n);
                    return Handled;
                case MessageType.Record:
                    return Command(record, n);
                case MessageType.Stop:
                    return Command(stop, n);
                case MessageType.PlaybackStart:
                    return Command(playbackStart, n);
                case MessageType.PlaybackStop:
                    return Command(playbackStop, n);
                case MessageType.Calibrate:
                    return Command(calibrate, n);
                case MessageType.FileInfoRequest:
                    // No duplicate filter: answering is free of side effects, and a repeated request
                    // must see "ready" once the checksum is done rather than a replayed "computing".
                    return Request(fileInfoRequest, n);
                case MessageType.FileRequest:
                    return Request(fileRequest, n);
                case MessageType.Nack:
                    return Request(nack, n);
                default:
                    IgnoredDatagrams++;
                    return Handled;
            }
        }

        /// <summary>A reliable command: decoded, for this box, and not handled before (then answered again).</summary>
        private int Command(ControlMessage m, int n)
        {
            if (m.Read(rx, 0, n) != DecodeResult.Ok)
            {
                BadDatagrams++;
                return Handled;
            }

            if (!ForMe(m) || Replayed(m))
            {
                return Handled;
            }

            return (int)m.Type;
        }

        /// <summary>A request without an answer to replay (FileInfoRequest, FileRequest, Nack): decoded and for this box.</summary>
        private int Request(Message m, int n)
        {
            if (m.Read(rx, 0, n) != DecodeResult.Ok)
            {
                BadDatagrams++;
                return Handled;
            }

            return ForMe(m) ? (int)m.Type : Handled;
        }

        private int OnAudio(int n)
        {
            if (audioWanted == 0 || audioIn.Read(rx, 0, n) != DecodeResult.Ok)
            {
                IgnoredDatagrams++;
                return Handled;
            }

            if ((audioIn.Flags & audioWanted) == 0 || audioIn.Channels != format.Channels || SampleFormats.BytesPerSample(audioIn.Format) != format.BytesPerSample)
            {
                // the box plays only its own format: converting would be per-sample work
                IgnoredDatagrams++;
                return Handled;
            }

            return (int)MessageType.Audio;
        }

        private void OnAck(int n, long now)
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

        private int OnAccept(int n, long now)
        {
            if (accept.Read(rx, 0, n) != DecodeResult.Ok)
            {
                BadDatagrams++;
                return Handled;
            }

            MembershipChange change = membership.OnAccept(accept, now);
            if (change == MembershipChange.None)
            {
                IgnoredDatagrams++;
                return Handled;
            }

            lastChange = change;
            slotBefore = slot;
            slot = membership.Slot;
            token = membership.Token;
            heartbeatMs = membership.HeartbeatMilliseconds;
            // this join's command key (a rejoin is a new Join: a new key, fresh replay windows)
            commands.SetJoin(join.JoinCode, join.BoxId, membership.JoinMessageId);
            if (change == MembershipChange.Joined)
            {
                joinFailed = false;
                joinRejectedCode = 0;
            }

            return (int)MessageType.Accept;
        }

        /// <summary>A Reject: a deferred rejoin is asked again (Handled); a final one plans the retry and is the controller's.</summary>
        private int OnReject(int n, long now)
        {
            if (reject.Read(rx, 0, n) != DecodeResult.Ok)
            {
                BadDatagrams++;
                return Handled;
            }

            MembershipChange change = membership.OnReject(reject, now);
            if (change == MembershipChange.None)
            {
                IgnoredDatagrams++;
                return Handled;
            }

            if (change == MembershipChange.RejoinDeferred)
            {
                log.Write(LogLevel.Warning, "rejoin refused for now (" + RejectReason.Describe(reject.Reason) + "); asking again");
                return Handled;
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
                joinRetryAt = RetryAfterSettings(now);
            }

            if (reject.Reason == RejectReason.BadJoinCode)
            {
                // its own LED code (10) and log line, not the generic "no server"; it stays while
                // idle until the settings are fixed and join is pressed (a join accepted clears it)
                joinRejectedCode = BoxErrorCode.WrongJoinCode;
                log.Write(LogLevel.Warning, "the server refused the join: wrong join code (join_code in settings.txt must be the room's); fix it and press join");
            }

            return (int)MessageType.Reject;
        }

        private long RetryAfterSettings(long now)
        {
            return settings.JoinRetrySeconds > 0 ? now + (settings.JoinRetrySeconds * 1000000L) : long.MaxValue;
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

        /// <summary>
        /// Checks an engineer's command against the key of this join. Returns the length of the
        /// message without its trailer when it is fresh; 0 when it must not be acted on: forged
        /// (counted, logged now and then), or a repeat — then a reliable command whose answer the
        /// duplicate filter still holds gets that answer again (the console's retry after a lost
        /// Ack); minus the length for a repeated FileInfoRequest, answered again (no side effects).
        /// Nothing is done twice.
        /// </summary>
        private int Authenticate(MessageType type, int n)
        {
            if (!inRoom)
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
                return -length;
            }

            if (type != MessageType.FileRequest && type != MessageType.Nack)
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
            if (!inRoom || (m.DestinationSlot != slot && m.DestinationSlot != Protocol.Slot.Everyone))
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

        /// <summary>Acks a command and remembers the answer, so a retry of it gets the same one.</summary>
        public void Answer(ControlMessage m, byte result, byte reason)
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

        /// <summary>Answers the FileInfoRequest just received with <see cref="FileInfo"/> (its take's fields filled in).</summary>
        public void SendFileInfo()
        {
            fileInfo.MessageId = fileInfoRequest.MessageId;
            fileInfo.Token = token;
            fileInfo.SourceSlot = slot;
            fileInfo.DestinationSlot = fileInfoRequest.SourceSlot;
            int length = fileInfo.Write(tx, 0);
            socket.Send(tx, 0, length);
        }

        public void SendLeave()
        {
            leave.MessageId = reliable.NextMessageId();
            leave.Token = token;
            leave.SourceSlot = slot;
            leave.DestinationSlot = Protocol.Slot.Server;
            int length = leave.Write(tx, 0);
            socket.Send(tx, 0, length); // once: the slot times out anyway, and the token is void after this
        }

        /// <summary>A Notice to the engineers, reliable (re-sent until acknowledged).</summary>
        public void SendNotice(byte code, uint takeId, long detail, long now)
        {
            notice.MessageId = reliable.NextMessageId();
            notice.Token = token;
            notice.SourceSlot = slot;
            notice.DestinationSlot = Protocol.Slot.Engineers;
            notice.Code = code;
            notice.TakeId = takeId;
            notice.Detail = detail;
            int length = notice.Write(tx, 0);
            if (!reliable.Send(tx, 0, length, sender, now))
            {
                log.Write(LogLevel.Warning, "notice '" + NoticeCode.Describe(code) + "' not sent: too many messages waiting for an answer");
            }
        }

        /// <summary>Asks the server for the personal mix, or to stop it (reliable).</summary>
        public void SendMixLevels(bool enable, long now)
        {
            mixLevels.MessageId = reliable.NextMessageId();
            mixLevels.Token = token;
            mixLevels.SourceSlot = slot;
            mixLevels.DestinationSlot = Protocol.Slot.Server;
            mixLevels.Enable = enable;
            int length = mixLevels.Write(tx, 0);
            reliable.Send(tx, 0, length, sender, now);
        }

        /// <summary>
        /// Once per block: in a room, the heartbeat's Status when it is due, then the server's
        /// liveness — silent for longer than the slot timeout, the box rejoins with the same slot
        /// and token in whatever state it is (a take goes on recording to the card).
        /// </summary>
        public void KeepAlive(long now)
        {
            if (!inRoom)
            {
                return;
            }

            if (membership.HeartbeatDue(now))
            {
                SendStatus(now);
                membership.HeartbeatSent(now);
            }

            if (membership.Poll(now, sender))
            {
                log.Write(LogLevel.Warning, "the server is silent (nothing heard for " + (membership.SilenceLimitMicroseconds / 1000)
                    + " ms): rejoining as slot " + slot + (takeRunning ? "; the take goes on recording to the card" : string.Empty));
            }
        }

        private void SendStatus(long now)
        {
            status.Token = token;
            status.SourceSlot = slot;
            status.DestinationSlot = Protocol.Slot.Server;
            status.Sequence = ++statusSequence;
            status.SentAtMicroseconds = (uint)now == 0 ? 1u : (uint)now;
            fillStatus(status);
            status.RttTenthsMs = rttTenthsMs;
            status.RefusedCommands = commands.Forged > 0xFFFF ? 0xFFFF : (int)commands.Forged;
            int length = status.Write(tx, 0);
            socket.Send(tx, 0, length);
            membership.StatusSent(status.Sequence, status.SentAtMicroseconds);
        }

        /// <summary>
        /// Once per block: re-sends the reliable messages that are due and logs the ones never
        /// acknowledged. True when the Join went unanswered while joining — the retry is planned,
        /// the caller goes idle (the rest of the failures go with the cleared sender, as before).
        /// A rejoin's Join that went unanswered is simply sent again.
        /// </summary>
        public bool Turn(long now)
        {
            reliable.Poll(now, sender);
            uint failedId;
            MessageType failedType;
            byte failedDestination;
            while (reliable.TryTakeFailure(out failedId, out failedType, out failedDestination))
            {
                if (failedType == MessageType.Join && membership.OnSendFailed(failedId, now, sender))
                {
                    if (!joining)
                    {
                        continue; // a rejoin: sent again already
                    }

                    joinFailed = true;
                    joinRetryAt = RetryAfterSettings(now);
                    return true;
                }

                log.Write(LogLevel.Warning, Message.MessageTypeName(failedType) + " " + failedId + " was never acknowledged");
            }

            return false;
        }
    }
}
