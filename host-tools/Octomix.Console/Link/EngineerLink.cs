using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using Microsoft.Extensions.Logging;
using Octomix.Protocol;

namespace Octomix.Desk.Link;

/// <summary>The answer of a box to a command: the Ack's result and reason.</summary>
public readonly record struct CommandAnswer(byte Result, byte Reason)
{
    public bool Ok => Result == AckResult.Ok;

    public override string ToString() => Result == AckResult.Ok ? "ok"
        : AckResult.Describe(Result) + (Reason != NotReadyReason.None ? ": " + NotReadyReason.Describe(Reason) : string.Empty);
}

/// <summary>Thrown when the server refuses the console (wrong join code, engineer slots full, another rate).</summary>
public sealed class LinkRejectedException(byte reason, string message) : Exception(message)
{
    public byte Reason { get; } = reason;
}

/// <summary>
/// The console's end of the room: one UDP socket to the server, joined with the engineer role
/// (Join role 2), exactly like a box. It keeps the slot alive with a Status heartbeat, sends
/// commands reliably (<see cref="ReliableSender"/>: re-sent every 200 ms, 10 attempts) and
/// completes each with the box's Ack or FileInfo, acknowledges the boxes' Notices (with a
/// <see cref="DuplicateFilter"/>, so a repeated one is handled once), and hands the rest to an
/// <see cref="ILinkReceiver"/> on its network thread. Join, heartbeat and rejoin are the
/// protocol's <see cref="RoomMembership"/> (the box's own code): when the server goes silent (a
/// restarted server, a path the server's rebinding could not repair) the console rejoins with its
/// slot and token, and commands sent meanwhile wait in the reliable sender for the way back.
/// Every command a box obeys (<see cref="CommandAuth.IsAuthenticated"/>) is signed with the key of
/// that box's current join, derived from the room's join code and the box's Join as the server
/// announces it (box id, message id); a box not announced yet cannot be commanded.
/// </summary>
/// <remarks>
/// Threads: one network thread owns the socket's receive side and the timers. Commands may be
/// sent from any thread; the reliable sender and the pending answers are behind one lock.
/// </remarks>
public sealed class EngineerLink : IDisposable
{
    private const int Capacity = 128;

    private readonly LinkOptions _options;
    private readonly ILogger _logger;
    private readonly Socket _socket;
    private readonly Thread _thread;
    private readonly Thread _heartbeatThread;
    private readonly Lock _lock = new();
    private readonly ReliableSender _reliable;
    private readonly DuplicateFilter _duplicates = new(32, AckMessage.FixedLength);
    private readonly Dictionary<uint, TaskCompletionSource<CommandAnswer?>> _commands = [];
    private readonly Dictionary<uint, TaskCompletionSource<FileInfoMessage?>> _fileInfos = [];
    private readonly TaskCompletionSource _joined = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly byte[] _rx = new byte[ProtocolConstants.MaxDatagram + 64];
    private readonly byte[] _tx = new byte[ProtocolConstants.MaxDatagram];
    private readonly byte[] _sendBuffer = new byte[ProtocolConstants.MaxDatagram];
    private readonly byte[] _heartbeatBuffer = new byte[StatusMessage.FixedLength];
    private readonly SocketSender _sender;
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly CancellationTokenSource _stop = new();

    // decoders, owned by the network thread
    private readonly AckMessage _ack = new();
    private readonly AcceptMessage _accept = new();
    private readonly RejectMessage _reject = new();
    private readonly StatusMessage _status = new();
    private readonly AudioPacket _audio = new();
    private readonly FileDataMessage _fileData = new();
    private readonly FileInfoMessage _fileInfo = new();
    private readonly NoticeMessage _notice = new();
    private readonly JoinMessage _memberJoin = new();
    private readonly SimpleControlMessage _memberLeave = new(MessageType.Leave);
    private readonly RoomInfoMessage _roomInfo = new();
    private volatile string _serverName = string.Empty;
    private readonly StatusMessage _heartbeat = new();
    private readonly JoinMessage _join = new();
    private readonly RoomMembership _membership;

    private ILinkReceiver? _receiver;
    private volatile bool _isJoined;
    private volatile bool _hasIdentity;
    private byte _slot = Protocol.Slot.None;
    private uint _token;
    private long _nextJoinAt;
    private uint _statusSequence;
    private long _rttMicros = -1;
    private long _received;
    private long _sent;
    private long _bad;
    private Exception? _failure;

    // command keys per jammer slot, from the server's announcements of the boxes' Joins (under _lock)
    private readonly bool[] _keyKnown = new bool[Protocol.Slot.MaxJammerSlots];
    private readonly ulong[] _keyBoxId = new ulong[Protocol.Slot.MaxJammerSlots];
    private readonly uint[] _keyJoinId = new uint[Protocol.Slot.MaxJammerSlots];
    private readonly ulong[] _key0 = new ulong[Protocol.Slot.MaxJammerSlots];
    private readonly ulong[] _key1 = new ulong[Protocol.Slot.MaxJammerSlots];
    private readonly ulong[] _sequence = new ulong[Protocol.Slot.MaxJammerSlots];
    private long _unsigned;

    public EngineerLink(LinkOptions options, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        var problems = options.Problems();
        if (problems.Count > 0)
        {
            throw new ArgumentException(string.Join("; ", problems));
        }

        _options = options;
        _logger = logger ?? throw new ArgumentNullException(nameof(logger));
        var address = Resolve(options.Host);
        Server = new IPEndPoint(address, options.Port);
        _socket = new Socket(address.AddressFamily, SocketType.Dgram, ProtocolType.Udp)
        {
            ReceiveBufferSize = 4 << 20,
            SendBufferSize = 1 << 20,
        };
        _socket.Bind(new IPEndPoint(address.AddressFamily == AddressFamily.InterNetworkV6 ? IPAddress.IPv6Any : IPAddress.Any, 0));
        _socket.Connect(Server);
        _sender = new SocketSender(this);
        _reliable = new ReliableSender(Capacity, (long)options.RetryInterval.TotalMicroseconds, options.MaxAttempts, (uint)RandomNumberGenerator.GetInt32(1, int.MaxValue));
        _join.Role = JoinRole.Engineer;
        _join.Capabilities = JoinCapabilities.CanMix;
        _join.BoxId = options.ConsoleId;
        _join.SampleRate = options.SampleRate;
        _join.Channels = 2;
        _join.Format = (byte)SampleFormat.S16;
        _join.FramesPerPacket = 256;
        _join.JoinCode = options.JoinCode;
        _join.Name = options.Name;
        _membership = new RoomMembership(_join, _reliable, (long)options.ServerLostAfter.TotalMicroseconds) { RetryMicroseconds = 2_000_000 };
        _thread = new Thread(Run) { IsBackground = true, Name = "octomix console link", Priority = ThreadPriority.AboveNormal };
        _heartbeatThread = new Thread(Heartbeat) { IsBackground = true, Name = "octomix console heartbeat", Priority = ThreadPriority.AboveNormal };
    }

    public IPEndPoint Server { get; }

    /// <summary>The server's name, from its RoomInfo (empty until one arrived, or when the server has none).</summary>
    public string ServerName => _serverName;

    public bool IsJoined => _isJoined;

    /// <summary>The console's slot in the room (16–19) once joined.</summary>
    public byte Slot => _slot;

    /// <summary>Round trip console → server → console from the heartbeat's Ack; null before the first.</summary>
    public TimeSpan? RoundTrip => Interlocked.Read(ref _rttMicros) is long r && r >= 0 ? TimeSpan.FromMicroseconds(r) : null;

    public long DatagramsReceived => Interlocked.Read(ref _received);

    public long DatagramsSent => Interlocked.Read(ref _sent);

    /// <summary>Datagrams that failed the header or body check.</summary>
    public long BadDatagrams => Interlocked.Read(ref _bad);

    /// <summary>Commands not sent because the destination box's Join was not announced yet (no key to sign them with).</summary>
    public long UnsignedCommands => Interlocked.Read(ref _unsigned);

    /// <summary>True when the console holds the command key of the box in <paramref name="slot"/> (its Join was announced).</summary>
    public bool HasCommandKey(byte slot)
    {
        lock (_lock)
        {
            return Protocol.Slot.IsJammer(slot) && _keyKnown[slot];
        }
    }

    /// <summary>Joins accepted so far (more than 1: the console joined again after the server went silent).</summary>
    public int Joins
    {
        get
        {
            lock (_lock)
            {
                return _membership.Joins;
            }
        }
    }

    /// <summary>Rejoins started (the server went silent).</summary>
    public int Rejoins
    {
        get
        {
            lock (_lock)
            {
                return _membership.Rejoins;
            }
        }
    }

    /// <summary>True while the console has lost the server and asks for its slot back.</summary>
    public bool IsRejoining => _hasIdentity && !_isJoined;

    /// <summary>Message id of the Join that got the current membership (0 before the first Accept).</summary>
    public uint JoinMessageId
    {
        get
        {
            lock (_lock)
            {
                return _membership.JoinMessageId;
            }
        }
    }

    /// <summary>Microseconds on the link's clock (the one given to the receiver).</summary>
    public long NowMicros => _clock.ElapsedTicks * 1_000_000L / Stopwatch.Frequency;

    /// <summary>Starts the network thread and joins. <paramref name="receiver"/> gets what arrives.</summary>
    public void Start(ILinkReceiver receiver)
    {
        _receiver = receiver ?? throw new ArgumentNullException(nameof(receiver));
        _thread.Start();
        _heartbeatThread.Start();
    }

    /// <summary>Waits until the server accepted the console; throws when it rejected it or did not answer in time.</summary>
    public async Task WaitJoinedAsync(TimeSpan timeout, CancellationToken cancel)
    {
        var done = await Task.WhenAny(_joined.Task, Task.Delay(timeout, cancel)).ConfigureAwait(false);
        if (done != _joined.Task)
        {
            cancel.ThrowIfCancellationRequested();
            throw new TimeoutException($"the server at {Server} did not answer the console's Join within {timeout.TotalSeconds:0.#} s (is it running, is the port right?)");
        }

        await _joined.Task.ConfigureAwait(false);
    }

    /// <summary>
    /// Sends a command (Record, Stop, PlaybackStart/Stop, Calibrate) to a box reliably and waits
    /// for its Ack. Null when the box never answered (after every attempt).
    /// </summary>
    public Task<CommandAnswer?> SendCommandAsync(ControlMessage message, byte destination)
    {
        ArgumentNullException.ThrowIfNull(message);
        var answer = new TaskCompletionSource<CommandAnswer?>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_lock)
        {
            if (!SendReliableLocked(message, destination, out uint id))
            {
                return Task.FromResult<CommandAnswer?>(null);
            }

            _commands[id] = answer;
        }

        return answer.Task;
    }

    /// <summary>Asks a box for a take part's FileInfo (reliably); null when it never answered.</summary>
    public Task<FileInfoMessage?> RequestFileInfoAsync(uint takeId, int part, byte destination)
    {
        var request = new FileInfoRequestMessage { TakeId = takeId, Part = part };
        var answer = new TaskCompletionSource<FileInfoMessage?>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_lock)
        {
            if (!SendReliableLocked(request, destination, out uint id))
            {
                return Task.FromResult<FileInfoMessage?>(null);
            }

            _fileInfos[id] = answer;
        }

        return answer.Task;
    }

    /// <summary>Sends an unreliable message (Nack, FileRequest) to a box, signed. False when not joined or the box's key is unknown.</summary>
    public bool Send(Message message, byte destination)
    {
        ArgumentNullException.ThrowIfNull(message);
        lock (_lock)
        {
            if (!_hasIdentity)
            {
                return false;
            }

            message.Token = _token;
            message.SourceSlot = _slot;
            message.DestinationSlot = destination;
            int length = SignLocked(message.Type, destination, message.Write(_sendBuffer, 0));
            return length > 0 && SendRaw(_sendBuffer, 0, length);
        }
    }

    /// <summary>Sends an audio packet (playback) whose header fields this link fills in: token and source slot.</summary>
    public bool SendAudio(byte[] datagram, int length)
    {
        if (!_hasIdentity)
        {
            return false;
        }

        Message.WriteToken(datagram, 0, _token);
        datagram[8] = _slot;
        return SendRaw(datagram, 0, length);
    }

    /// <summary>The reason the network thread stopped, if it failed.</summary>
    public Exception? Failure => Volatile.Read(ref _failure);

    public void Dispose()
    {
        if (_stop.IsCancellationRequested)
        {
            return;
        }

        _stop.Cancel();
        if (_thread.ThreadState != System.Threading.ThreadState.Unstarted)
        {
            _thread.Join(TimeSpan.FromSeconds(2));
            _heartbeatThread.Join(TimeSpan.FromSeconds(2));
        }

        lock (_lock)
        {
            if (_hasIdentity)
            {
                // Leave once (the slot times out anyway): the room frees the engineer slot at once
                var leave = new SimpleControlMessage(MessageType.Leave) { MessageId = _reliable.NextMessageId(), Token = _token, SourceSlot = _slot, DestinationSlot = Protocol.Slot.Server };
                int n = leave.Write(_sendBuffer, 0);
                SendRaw(_sendBuffer, 0, n);
                _isJoined = false;
                _hasIdentity = false;
                _membership.Leave();
            }

            FailPendingLocked();
        }

        _socket.Dispose();
        _joined.TrySetException(new ObjectDisposedException(nameof(EngineerLink)));
    }

    /// <summary>Sends a command reliably; false (nothing sent) when the destination box's key is unknown.</summary>
    private bool SendReliableLocked(ControlMessage message, byte destination, out uint id)
    {
        // while rejoining the command waits in the reliable sender (same slot and token after the rejoin)
        if (!_hasIdentity)
        {
            throw new InvalidOperationException("the console is not in the room (not joined to the server)");
        }

        message.MessageId = _reliable.NextMessageId();
        message.Token = _token;
        message.SourceSlot = _slot;
        message.DestinationSlot = destination;
        id = message.MessageId;
        int length = SignLocked(message.Type, destination, message.Write(_sendBuffer, 0));
        if (length == 0)
        {
            return false;
        }

        // every attempt, this first one too, is signed again with a new sequence on its way out
        // (SocketSender): a retry is fresh for the box, whose duplicate filter answers it without
        // doing the work twice, and it never falls out of the box's replay window
        if (!_reliable.Send(_sendBuffer, 0, length, _sender, NowMicros))
        {
            throw new InvalidOperationException($"{Capacity} commands are waiting for answers already");
        }

        return true;
    }

    /// <summary>
    /// Appends the command trailer to the <paramref name="length"/> bytes in the send buffer when
    /// the type is one a box authenticates: the next sequence of the destination box and the MAC
    /// under its key. Returns the length to send; 0 when that key is unknown (nothing to send).
    /// </summary>
    private int SignLocked(MessageType type, byte destination, int length)
    {
        if (!CommandAuth.IsAuthenticated(type))
        {
            return length;
        }

        if (!Protocol.Slot.IsJammer(destination) || !_keyKnown[destination])
        {
            Interlocked.Increment(ref _unsigned);
            if (type != MessageType.Nack && type != MessageType.FileRequest)
            {
                _logger.LogWarning("{Type} to slot {Slot} not sent: that box's Join has not been announced, so the console has no key to sign it with", Message.MessageTypeName(type), destination);
            }

            return 0;
        }

        return CommandAuth.Sign(_sendBuffer, 0, length, ++_sequence[destination], _key0[destination], _key1[destination]);
    }

    /// <summary>
    /// Signs a command datagram again (same length) with the destination's next sequence, as it
    /// leaves: the reliable sender's retries carry a new sequence each. Under <see cref="_lock"/>
    /// (the reliable sender is only driven under it). A datagram for a box whose key is gone
    /// (its slot was freed) leaves as it is, and that box refuses it.
    /// </summary>
    private void ResignLocked(byte[] buffer, int offset, int count)
    {
        byte destination = buffer[offset + 9];
        if (count < ProtocolConstants.HeaderSize + CommandAuth.TrailerLength || !CommandAuth.IsAuthenticated((MessageType)buffer[offset + 3])
            || !Protocol.Slot.IsJammer(destination) || !_keyKnown[destination])
        {
            return;
        }

        CommandAuth.Sign(buffer, offset, count - CommandAuth.TrailerLength, ++_sequence[destination], _key0[destination], _key1[destination]);
    }

    /// <summary>The key of a box's join, from the server's announcement (recomputed only when the join is new).</summary>
    private void LearnKey(JoinMessage join)
    {
        byte slot = join.SourceSlot;
        lock (_lock)
        {
            if (_keyKnown[slot] && _keyBoxId[slot] == join.BoxId && _keyJoinId[slot] == join.MessageId)
            {
                return;
            }

            CommandAuth.DeriveKey(_options.JoinCode, join.BoxId, join.MessageId, out _key0[slot], out _key1[slot]);

            // a counter per box, +1 per datagram, from the clock (µs since 1970) when the key was
            // learnt: above whatever an earlier console sent under the same key (it cannot have
            // sent a command per microsecond), and without gaps the box's window would have to span
            _sequence[slot] = (ulong)((DateTime.UtcNow.Ticks - DateTime.UnixEpoch.Ticks) / 10);
            _keyBoxId[slot] = join.BoxId;
            _keyJoinId[slot] = join.MessageId;
            _keyKnown[slot] = true;
        }
    }

    private void ForgetKey(byte slot)
    {
        lock (_lock)
        {
            _keyKnown[slot] = false;
        }
    }

    private void Run()
    {
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                if (_socket.Poll(2000, SelectMode.SelectRead))
                {
                    ReceiveAll();
                }

                Tick();
            }
        }
        catch (ObjectDisposedException) when (_stop.IsCancellationRequested)
        {
        }
        catch (Exception e)
        {
            Volatile.Write(ref _failure, e);
            _logger.LogError(e, "console link stopped");
            _joined.TrySetException(e);
        }
    }

    private void ReceiveAll()
    {
        for (int i = 0; i < 256; i++)
        {
            int n;
            try
            {
                // not Available: that is the size of the datagram at the head of the queue, 0 for
                // an empty one, which would then never be read and hide everything behind it
                if (!_socket.Poll(0, SelectMode.SelectRead))
                {
                    return;
                }

                n = _socket.Receive(_rx, SocketFlags.None);
            }
            catch (SocketException e) when (e.SocketErrorCode is SocketError.ConnectionRefused or SocketError.ConnectionReset or SocketError.MessageSize)
            {
                // ICMP port unreachable (no server yet), or an oversized datagram: nothing to read
                continue;
            }

            Interlocked.Increment(ref _received);
            Dispatch(n, NowMicros);
        }
    }

    private void Dispatch(int n, long now)
    {
        if (Message.Peek(_rx, 0, n, out var type) != DecodeResult.Ok)
        {
            Interlocked.Increment(ref _bad);
            return;
        }

        _membership.Heard(now);
        switch (type)
        {
            case MessageType.Audio:
                if (Decode(_audio, n))
                {
                    _receiver!.OnAudio(_audio, _rx, now);
                }

                break;
            case MessageType.Status:
                if (Decode(_status, n))
                {
                    _receiver!.OnStatus(_status, now);
                }

                break;
            case MessageType.FileData:
                if (Decode(_fileData, n))
                {
                    _receiver!.OnFileData(_fileData, _rx);
                }

                break;
            case MessageType.Ack:
                if (Decode(_ack, n))
                {
                    OnAck(now);
                }

                break;
            case MessageType.FileInfo:
                if (Decode(_fileInfo, n))
                {
                    OnFileInfo(n);
                }

                break;
            case MessageType.Notice:
                if (Decode(_notice, n))
                {
                    OnNotice(n);
                }

                break;
            case MessageType.Accept:
                if (Decode(_accept, n))
                {
                    OnAccept(now);
                }

                break;
            case MessageType.Reject:
                if (Decode(_reject, n))
                {
                    OnReject();
                }

                break;
            case MessageType.Join:
                // a box in the room, as the server announces it to the engineers: when it
                // joins, the whole roster when the console joins, and again every second
                if (Decode(_memberJoin, n) && Protocol.Slot.IsJammer(_memberJoin.SourceSlot))
                {
                    LearnKey(_memberJoin);
                    _receiver!.OnMemberJoined(_memberJoin);
                }

                break;
            case MessageType.RoomInfo:
                // the server's name and the room's limits, repeated every few seconds
                if (Decode(_roomInfo, n) && _roomInfo.SourceSlot == Protocol.Slot.Server && _roomInfo.ServerName != _serverName)
                {
                    _serverName = _roomInfo.ServerName;
                    _logger.LogInformation("the server at {Server} is \"{Name}\" (room {Room})", Server, _serverName, _roomInfo.Room);
                }

                break;
            case MessageType.Leave:
                // a box's slot freed, as the server announces it: message id 0 when the server
                // freed it (silent for the slot timeout, or the box joined again). Not acknowledged.
                if (Decode(_memberLeave, n) && Protocol.Slot.IsJammer(_memberLeave.SourceSlot))
                {
                    ForgetKey(_memberLeave.SourceSlot);
                    _receiver!.OnMemberLeft(_memberLeave.SourceSlot, _memberLeave.MessageId == 0);
                }

                break;
        }
    }

    private bool Decode(Message message, int n)
    {
        if (message.Read(_rx, 0, n) == DecodeResult.Ok)
        {
            return true;
        }

        Interlocked.Increment(ref _bad);
        return false;
    }

    private void OnAck(long now)
    {
        if (_ack.SourceSlot == Protocol.Slot.Server && _ack.Echo != 0)
        {
            // the server's answer to our heartbeat: echo = its sent-at (µs, low 32 bits)
            uint rtt = (uint)now - _ack.Echo;
            if (rtt < 10_000_000)
            {
                Interlocked.Exchange(ref _rttMicros, rtt);
            }

            return;
        }

        TaskCompletionSource<CommandAnswer?>? answer = null;
        lock (_lock)
        {
            if (_reliable.Acknowledge(_ack.AckedId, _ack.SourceSlot) && _commands.Remove(_ack.AckedId, out var tcs))
            {
                answer = tcs;
            }
        }

        answer?.TrySetResult(new CommandAnswer(_ack.Result, _ack.Reason));
    }

    private void OnFileInfo(int n)
    {
        TaskCompletionSource<FileInfoMessage?>? answer = null;
        lock (_lock)
        {
            if (_reliable.Acknowledge(_fileInfo.MessageId, _fileInfo.SourceSlot) && _fileInfos.Remove(_fileInfo.MessageId, out var tcs))
            {
                answer = tcs;
            }
        }

        if (answer != null)
        {
            var copy = new FileInfoMessage();
            copy.Read(_rx, 0, n);
            answer.TrySetResult(copy);
        }
    }

    private void OnNotice(int n)
    {
        if (_duplicates.IsDuplicate(_notice.SourceSlot, _notice.Token, _notice.MessageId, out int entry))
        {
            int length = _duplicates.ResponseLength(entry);
            if (length > 0)
            {
                SendRaw(_duplicates.ResponseBuffer(entry), 0, length);
            }

            return;
        }

        // acknowledge first (the box re-sends every 200 ms until it hears it), then act on it
        var ack = new AckMessage { Token = _token, SourceSlot = _slot, DestinationSlot = _notice.SourceSlot, AckedId = _notice.MessageId, Result = AckResult.Ok };
        int len = ack.Write(_tx, 0);
        SendRaw(_tx, 0, len);
        _duplicates.Remember(_notice.SourceSlot, _notice.Token, _notice.MessageId, _tx, 0, len);
        _receiver!.OnNotice(_notice);
    }

    private void OnAccept(long now)
    {
        MembershipChange change;
        lock (_lock)
        {
            change = _membership.OnAccept(_accept, now);
            if (change == MembershipChange.None)
            {
                return; // an answer to an earlier Join
            }

            _slot = _membership.Slot;
            _token = _membership.Token;
            _hasIdentity = true;
            _isJoined = true;
        }

        if (change == MembershipChange.Joined)
        {
            _logger.LogInformation("joined the room at {Server}: slot {Slot}, heartbeat {Heartbeat} ms", Server, _accept.AssignedSlot, _accept.HeartbeatMilliseconds);
        }
        else
        {
            _logger.LogInformation("rejoined the room at {Server}: slot {Slot}{Same}", Server, _accept.AssignedSlot, change == MembershipChange.Rejoined ? " and its token back" : " (a new slot: the old one was taken)");
        }

        if (_accept.SampleRate != 0 && _accept.SampleRate != _options.SampleRate)
        {
            _logger.LogWarning("the room runs at {RoomRate} Hz, the session at {Rate} Hz: boxes at the room's rate cannot record this session", _accept.SampleRate, _options.SampleRate);
        }

        _joined.TrySetResult();
    }

    private void OnReject()
    {
        MembershipChange change;
        lock (_lock)
        {
            change = _membership.OnReject(_reject, NowMicros);
        }

        if (change == MembershipChange.None)
        {
            return;
        }

        string reason = RejectReason.Describe(_reject.Reason);
        if (change == MembershipChange.RejoinDeferred)
        {
            _logger.LogWarning("the server at {Server} refused the rejoin for now ({Reason}); asking again", Server, reason);
            return;
        }

        if (_reject.Reason is RejectReason.BadJoinCode or RejectReason.UnsupportedFormat or RejectReason.EngineerSlotsFull)
        {
            _logger.LogError("the server at {Server} refused the console: {Reason}", Server, reason);
            _joined.TrySetException(new LinkRejectedException(_reject.Reason, $"the server at {Server} refused the console: {reason}"));
            _nextJoinAt = long.MaxValue;
            return;
        }

        long wait = _reject.RetryAfterMilliseconds > 0 ? _reject.RetryAfterMilliseconds * 1000L : 2_000_000;
        _nextJoinAt = NowMicros + wait;
        _logger.LogWarning("the server at {Server} refused the console for now ({Reason}); trying again", Server, reason);
    }

    private void Tick()
    {
        long now = NowMicros;
        lock (_lock)
        {
            _reliable.Poll(now, _sender);
            while (_reliable.TryTakeFailure(out uint id, out var type, out byte destination))
            {
                if (_commands.Remove(id, out var command))
                {
                    command.TrySetResult(null);
                }
                else if (_fileInfos.Remove(id, out var info))
                {
                    info.TrySetResult(null);
                }
                else if (type == MessageType.Join && _membership.OnSendFailed(id, now, _sender) && _membership.State == MembershipState.Out)
                {
                    _nextJoinAt = now; // a first join: ask again at once, the server may just be starting (a rejoin was sent again already)
                }

                _logger.LogDebug("{Type} {Id} to slot {Slot} was never answered", Message.MessageTypeName(type), id, destination);
            }
        }

        bool lost;
        bool join = false;
        lock (_lock)
        {
            lost = _membership.Poll(now, _sender);
            if (lost)
            {
                _isJoined = false; // the identity stays: commands wait for the rejoin
            }
            else if (_membership.State == MembershipState.Out && now >= _nextJoinAt)
            {
                _membership.Join(now, _sender);
                _nextJoinAt = long.MaxValue; // the reliable sender re-sends it; a new Join only when that gave up (or after a Reject's wait)
                join = true;
            }
        }

        if (lost)
        {
            _logger.LogWarning("nothing heard from the server at {Server} for {Seconds:0.#} s: rejoining as slot {Slot}", Server, _membership.SilenceLimitMicroseconds / 1e6, _slot);
        }
        else if (join)
        {
            _logger.LogDebug("join sent to {Server}", Server);
        }

        _receiver!.OnTick(now);
    }

    /// <summary>
    /// The heartbeat has a thread of its own: whatever the network thread is doing (a burst of
    /// packets, a receiver that took long), the slot must not go silent for the server's timeout.
    /// </summary>
    private void Heartbeat()
    {
        while (!_stop.IsCancellationRequested)
        {
            SendHeartbeatIfDue(NowMicros);

            _stop.Token.WaitHandle.WaitOne(10);
        }
    }

    private void SendHeartbeatIfDue(long now)
    {
        lock (_lock)
        {
            if (!_membership.HeartbeatDue(now))
            {
                return;
            }

            _membership.HeartbeatSent(now);
            _heartbeat.Token = _token;
            _heartbeat.SourceSlot = _slot;
            _heartbeat.DestinationSlot = Protocol.Slot.Server;
            _heartbeat.Sequence = ++_statusSequence;
            _heartbeat.SentAtMicroseconds = (uint)now == 0 ? 1u : (uint)now;
            _heartbeat.State = BoxStateCode.Engineer;
            int length = _heartbeat.Write(_heartbeatBuffer, 0);
            SendRaw(_heartbeatBuffer, 0, length);
        }
    }

    private void FailPendingLocked()
    {
        foreach (var c in _commands.Values)
        {
            c.TrySetResult(null);
        }

        foreach (var f in _fileInfos.Values)
        {
            f.TrySetResult(null);
        }

        _commands.Clear();
        _fileInfos.Clear();
    }

    private bool SendRaw(byte[] buffer, int offset, int count)
    {
        try
        {
            _socket.Send(buffer, offset, count, SocketFlags.None);
            Interlocked.Increment(ref _sent);
            return true;
        }
        catch (SocketException)
        {
            return false; // no route, ICMP refused: the retries and the heartbeat cope
        }
        catch (ObjectDisposedException)
        {
            return false;
        }
    }

    private static IPAddress Resolve(string host)
    {
        if (IPAddress.TryParse(host, out var literal))
        {
            return literal;
        }

        IPAddress[] addresses;
        try
        {
            addresses = Dns.GetHostAddresses(host);
        }
        catch (SocketException e)
        {
            throw new ArgumentException($"server \"{host}\": {e.Message}", e);
        }

        return addresses.FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork)
            ?? addresses.FirstOrDefault()
            ?? throw new ArgumentException($"server \"{host}\": no address found");
    }

    /// <summary>The socket as the reliable sender sees it.</summary>
    private sealed class SocketSender(EngineerLink link) : IDatagramSender
    {
        public bool Send(byte[] buffer, int offset, int count)
        {
            link.ResignLocked(buffer, offset, count);
            return link.SendRaw(buffer, offset, count);
        }
    }
}
