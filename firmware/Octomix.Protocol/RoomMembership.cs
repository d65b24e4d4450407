namespace Octomix.Protocol
{
    /// <summary>Where a <see cref="RoomMembership"/> stands.</summary>
    public enum MembershipState
    {
        /// <summary>Not in a room and not trying (never joined, left, or the server refused).</summary>
        Out = 0,

        /// <summary>A first Join is on its way; no identity yet.</summary>
        Joining = 1,

        /// <summary>In the room: slot and token from the Accept; heartbeats due.</summary>
        Member = 2,

        /// <summary>
        /// The server went silent for the silence limit: Joins with the Rejoin capability (the
        /// previous slot and token) go out until one is accepted. The identity is kept meanwhile,
        /// so whatever runs on it (a take on a box) goes on.
        /// </summary>
        Rejoining = 3,
    }

    /// <summary>What an Accept or a Reject meant to a <see cref="RoomMembership"/>.</summary>
    public enum MembershipChange
    {
        /// <summary>Not an answer to this membership's current Join (an earlier one, or someone else's).</summary>
        None = 0,

        /// <summary>A first Join was accepted.</summary>
        Joined = 1,

        /// <summary>A rejoin was accepted with the same slot and token: nothing changes for the member.</summary>
        Rejoined = 2,

        /// <summary>A rejoin was accepted with another slot or token (the old slot was taken): the member must use the new identity.</summary>
        RejoinedAs = 3,

        /// <summary>A first Join was refused: the membership is <see cref="MembershipState.Out"/>; <see cref="RoomMembership.LastRejectReason"/> says why.</summary>
        Rejected = 4,

        /// <summary>A rejoin was refused for now; it is tried again after the server's wait (or the retry interval).</summary>
        RejoinDeferred = 5,
    }

    /// <summary>
    /// Room membership as both a box and the console hold it: the Join, the heartbeat schedule and
    /// "the server has been silent for the silence limit → rejoin with the same identity". One
    /// portable implementation (nanoFramework and .NET): no allocation after construction, one
    /// owner thread (the caller locks when it shares it). The caller fills in the Join's fields
    /// (role, format, join code, name) once; the membership sets the message id, the header's
    /// token and slots, the previous slot and the Rejoin capability bit.
    /// </summary>
    /// <remarks>
    /// Silence: the server acks every Status, so a member that heard nothing from it for the limit
    /// has lost the server (it restarted, or the path changed beyond what the server's rebinding
    /// repairs). What counts as heard is the caller's choice (<see cref="Heard"/>), but a
    /// datagram with the server's source address proves nothing (anyone can forge one), so a box
    /// counts only traffic a forger off the path cannot make: an Ack that echoes one of its recent
    /// Statuses (<see cref="StatusSent"/>, <see cref="OnStatusAck"/>: sequence and µs sent-at), an
    /// Ack of one of its pending reliable messages, an Accept of its Join, an authenticated command.
    /// </remarks>
    public sealed class RoomMembership
    {
        private readonly JoinMessage join;
        private readonly ReliableSender reliable;
        private readonly byte[] buffer;
        private long lastHeard;
        private long nextHeartbeatAt;
        private long nextJoinAt = long.MaxValue;

        // the last Statuses sent (sequence, sent-at): what a genuine Ack from the server echoes
        private readonly uint[] statusSequences = new uint[StatusMemory];
        private readonly uint[] statusSentAt = new uint[StatusMemory];
        private int statusNext;

        /// <summary>How many of the last Statuses an Ack may answer (8 heartbeats: 2 s at 250 ms).</summary>
        public const int StatusMemory = 8;

        /// <param name="join">The Join to send, its role, format, join code and name filled in by the caller.</param>
        /// <param name="reliable">The sender the Joins go through (re-sent until answered).</param>
        /// <param name="minimumSilenceMicroseconds">The silence limit is the slot timeout, but never shorter than this.</param>
        public RoomMembership(JoinMessage join, ReliableSender reliable, long minimumSilenceMicroseconds)
        {
            if (join == null || reliable == null)
            {
                throw new System.ArgumentNullException("join");
            }

            this.join = join;
            this.reliable = reliable;
            buffer = new byte[ProtocolConstants.MaxDatagram];
            MinimumSilenceMicroseconds = minimumSilenceMicroseconds;
            Slot = Protocol.Slot.None;
            HeartbeatMilliseconds = 250;
            SlotTimeoutMilliseconds = 1000;
            RetryMicroseconds = 1000000;
        }

        public MembershipState State { get; private set; }

        /// <summary>Slot from the last Accept (kept while rejoining), <see cref="Protocol.Slot.None"/> without one.</summary>
        public byte Slot { get; private set; }

        /// <summary>Session token from the last Accept (kept while rejoining), 0 without one.</summary>
        public uint Token { get; private set; }

        /// <summary>Message id of the Join that got the current membership (0 before the first Accept).</summary>
        public uint JoinMessageId { get; private set; }

        /// <summary>Message id of the Join on its way (equal to <see cref="JoinMessageId"/> once accepted).</summary>
        public uint PendingJoinId { get; private set; }

        public int HeartbeatMilliseconds { get; private set; }

        public int SlotTimeoutMilliseconds { get; private set; }

        /// <summary>The room's rate from the last Accept (0 unknown).</summary>
        public int RoomSampleRate { get; private set; }

        public int RoomIndex { get; private set; }

        public long MinimumSilenceMicroseconds { get; set; }

        /// <summary>Wait before a Join again after a Reject without a retry-after.</summary>
        public long RetryMicroseconds { get; set; }

        /// <summary>Accepts so far, first joins and rejoins.</summary>
        public int Joins { get; private set; }

        /// <summary>Rejoins started (the server went silent).</summary>
        public int Rejoins { get; private set; }

        /// <summary>Reason of the last Reject (a RejectReason), 0 if none.</summary>
        public byte LastRejectReason { get; private set; }

        /// <summary>Retry-after of the last Reject, ms.</summary>
        public int LastRetryAfterMilliseconds { get; private set; }

        /// <summary>Slot and token are valid: a member, or one rejoining.</summary>
        public bool HasIdentity
        {
            get { return State == MembershipState.Member || State == MembershipState.Rejoining; }
        }

        public bool IsMember
        {
            get { return State == MembershipState.Member; }
        }

        /// <summary>Silence from the server after which a member rejoins: the slot timeout, at least the minimum.</summary>
        public long SilenceLimitMicroseconds
        {
            get
            {
                long limit = SlotTimeoutMilliseconds * 1000L;
                return limit < MinimumSilenceMicroseconds ? MinimumSilenceMicroseconds : limit;
            }
        }

        /// <summary>Microseconds since anything was heard from the server.</summary>
        public long SilenceMicroseconds(long now)
        {
            return now - lastHeard;
        }

        /// <summary>A first join: forgets any identity and sends a Join (no Rejoin capability).</summary>
        public void Join(long now, IDatagramSender sender)
        {
            Slot = Protocol.Slot.None;
            Token = 0;
            JoinMessageId = 0;
            State = MembershipState.Joining;
            SendJoin(now, sender);
        }

        /// <summary>
        /// Asks for the current identity back (a Join with the Rejoin capability, the previous slot
        /// and token); a first join when there is no identity.
        /// </summary>
        public void Rejoin(long now, IDatagramSender sender)
        {
            if (!HasIdentity)
            {
                Join(now, sender);
                return;
            }

            if (State == MembershipState.Member)
            {
                Rejoins++;
            }

            State = MembershipState.Rejoining;
            SendJoin(now, sender);
        }

        /// <summary>Out of the room: the identity is void (the caller sends its Leave first, with <see cref="Token"/> and <see cref="Slot"/>).</summary>
        public void Leave()
        {
            State = MembershipState.Out;
            Slot = Protocol.Slot.None;
            Token = 0;
            nextJoinAt = long.MaxValue;
            PendingJoinId = 0;
        }

        /// <summary>Something only the server (or the console through it) could have sent arrived.</summary>
        public void Heard(long now)
        {
            lastHeard = now;
        }

        /// <summary>A Status went out with this sequence and sent-at: the server's Ack to it echoes both.</summary>
        public void StatusSent(uint sequence, uint sentAtMicroseconds)
        {
            statusSequences[statusNext] = sequence;
            statusSentAt[statusNext] = sentAtMicroseconds;
            statusNext = (statusNext + 1) % StatusMemory;
        }

        /// <summary>
        /// An Ack with an echo arrived (acked id = a Status sequence, echo = its sent-at): true, and
        /// the server counts as heard, when it answers one of the last <see cref="StatusMemory"/>
        /// Statuses sent; false for anything else (a forgery must guess 32 bits of µs clock).
        /// </summary>
        public bool OnStatusAck(uint sequence, uint echo, long now)
        {
            if (echo == 0)
            {
                return false;
            }

            for (int i = 0; i < StatusMemory; i++)
            {
                if (statusSentAt[i] == echo && statusSequences[i] == sequence)
                {
                    lastHeard = now;
                    return true;
                }
            }

            return false;
        }

        /// <summary>An Accept arrived (decoded). Acknowledges the Join in the reliable sender when it is the answer to ours.</summary>
        public MembershipChange OnAccept(AcceptMessage accept, long now)
        {
            if ((State != MembershipState.Joining && State != MembershipState.Rejoining) || accept.MessageId != PendingJoinId)
            {
                return MembershipChange.None;
            }

            reliable.Acknowledge(PendingJoinId, Protocol.Slot.Server);
            bool rejoin = State == MembershipState.Rejoining;
            bool same = rejoin && accept.AssignedSlot == Slot && accept.SessionToken == Token;
            Slot = accept.AssignedSlot;
            Token = accept.SessionToken;
            JoinMessageId = PendingJoinId;
            HeartbeatMilliseconds = accept.HeartbeatMilliseconds > 0 ? accept.HeartbeatMilliseconds : 250;
            SlotTimeoutMilliseconds = accept.SlotTimeoutMilliseconds > 0 ? accept.SlotTimeoutMilliseconds : 1000;
            RoomSampleRate = accept.SampleRate;
            RoomIndex = accept.Room;
            State = MembershipState.Member;
            Joins++;
            lastHeard = now;
            nextHeartbeatAt = now;
            nextJoinAt = long.MaxValue;
            LastRejectReason = 0;
            if (!rejoin)
            {
                return MembershipChange.Joined;
            }

            return same ? MembershipChange.Rejoined : MembershipChange.RejoinedAs;
        }

        /// <summary>A Reject arrived (decoded).</summary>
        public MembershipChange OnReject(RejectMessage reject, long now)
        {
            if ((State != MembershipState.Joining && State != MembershipState.Rejoining) || reject.MessageId != PendingJoinId)
            {
                return MembershipChange.None;
            }

            reliable.Acknowledge(PendingJoinId, Protocol.Slot.Server);
            LastRejectReason = reject.Reason;
            LastRetryAfterMilliseconds = reject.RetryAfterMilliseconds;
            if (State == MembershipState.Joining)
            {
                State = MembershipState.Out;
                return MembershipChange.Rejected;
            }

            // rejoining: keep the identity (a take may run on it) and ask again later
            nextJoinAt = now + (reject.RetryAfterMilliseconds > 0 ? reject.RetryAfterMilliseconds * 1000L : RetryMicroseconds);
            return MembershipChange.RejoinDeferred;
        }

        /// <summary>
        /// The reliable sender gave up on a message: true when it was this membership's Join. A
        /// rejoin is sent again at once (the server may be starting); a first join is
        /// <see cref="MembershipState.Out"/> (the caller decides when to try again).
        /// </summary>
        public bool OnSendFailed(uint messageId, long now, IDatagramSender sender)
        {
            if (messageId != PendingJoinId || (State != MembershipState.Joining && State != MembershipState.Rejoining))
            {
                return false;
            }

            if (State == MembershipState.Rejoining)
            {
                SendJoin(now, sender);
            }
            else
            {
                State = MembershipState.Out;
            }

            return true;
        }

        /// <summary>
        /// The timers: true when the server has just been found silent (a rejoin started). A
        /// deferred rejoin is sent when its wait is over.
        /// </summary>
        public bool Poll(long now, IDatagramSender sender)
        {
            if (State == MembershipState.Member && now - lastHeard > SilenceLimitMicroseconds)
            {
                Rejoin(now, sender);
                return true;
            }

            if (State == MembershipState.Rejoining && now >= nextJoinAt)
            {
                SendJoin(now, sender);
            }

            return false;
        }

        /// <summary>True when a member's heartbeat (a Status) is due; the caller sends it and calls <see cref="HeartbeatSent"/>.</summary>
        public bool HeartbeatDue(long now)
        {
            return State == MembershipState.Member && now >= nextHeartbeatAt;
        }

        public void HeartbeatSent(long now)
        {
            nextHeartbeatAt = now + (HeartbeatMilliseconds * 1000L);
        }

        private void SendJoin(long now, IDatagramSender sender)
        {
            bool rejoin = State == MembershipState.Rejoining;
            if (PendingJoinId != 0)
            {
                reliable.Acknowledge(PendingJoinId, Protocol.Slot.Server); // the previous attempt is superseded
            }

            join.MessageId = reliable.NextMessageId();
            byte capabilities = (byte)(join.Capabilities & ~JoinCapabilities.Rejoin);
            join.Capabilities = rejoin ? (byte)(capabilities | JoinCapabilities.Rejoin) : capabilities;
            join.PreviousSlot = rejoin ? Slot : (byte)0;
            join.Token = rejoin ? Token : 0;
            join.SourceSlot = Protocol.Slot.None;
            join.DestinationSlot = Protocol.Slot.Server;
            PendingJoinId = join.MessageId;
            nextJoinAt = long.MaxValue;
            lastHeard = now;
            int length = join.Write(buffer, 0);
            reliable.Send(buffer, 0, length, sender, now);
        }
    }
}
