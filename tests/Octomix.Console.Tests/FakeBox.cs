using System.Net;
using System.Net.Sockets;
using Octomix.Protocol;

namespace Octomix.Console.Tests;

/// <summary>
/// A box on a real UDP socket that speaks the protocol from a script instead of running the
/// firmware: joins a real server as a jammer, sends Status with the flags a test sets, answers
/// Record/Stop as told, streams a take's data (with holes or wrong bytes on purpose), and serves
/// FileInfo/FileRequest from an in-memory "card" — or drops FileData, or never answers. For the
/// engine's unit tests: fast, deterministic, no audio clock.
/// </summary>
internal sealed class FakeBox : IDisposable
{
    private readonly Socket _socket;
    private readonly Thread _thread;
    private readonly CancellationTokenSource _stop = new();
    private readonly byte[] _rx = new byte[2048];
    private readonly byte[] _tx = new byte[2048];
    private readonly Random _random;
    private readonly Lock _lock = new();
    private uint _nextId = 5000;
    private uint _statusSequence;
    private long _nextStatus;
    private uint _currentTake;
    private int _infoRequests;
    private readonly CommandVerifier _commands = new();

    public FakeBox(int serverPort, string joinCode, string name, int seed = 1)
    {
        Name = name;
        JoinCode = joinCode;
        _random = new Random(seed);
        _socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        _socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        _socket.Connect(new IPEndPoint(IPAddress.Loopback, serverPort));
        _thread = new Thread(Run) { IsBackground = true, Name = "fake box " + name };
    }

    public string Name { get; }

    public string JoinCode { get; }

    public byte Slot { get; private set; } = Octomix.Protocol.Slot.None;

    public uint Token { get; private set; }

    public bool Joined => Slot != Octomix.Protocol.Slot.None;

    /// <summary>The box id its Joins carry.</summary>
    public ulong BoxId => (ulong)Name.GetHashCode(StringComparison.Ordinal) | 1;

    /// <summary>Commands refused because their trailer did not verify (as the real box counts them).</summary>
    public long ForgedCommands => _commands.Forged;

    /// <summary>Correctly signed commands seen again (retries, replays).</summary>
    public long ReplayedCommands => _commands.Replayed;

    // what Status says
    public byte State { get; set; } = BoxStateCode.Ready;

    public byte Flags { get; set; } = StatusFlags.SdCardOk | StatusFlags.SdFastEnough | StatusFlags.Calibrated;

    public int Latency { get; set; } = 805;

    /// <summary>Refused commands its Status reports on top of its own count (as if forgeries had reached it).</summary>
    public int ExtraRefusedCommands { get; set; }

    /// <summary>Seconds its card still holds at its format, as its Status says (default: unknown, as a box without a card says).</summary>
    public uint CardFreeSeconds { get; set; } = StatusMessage.CardFreeUnknown;

    // how it answers
    public byte RecordResult { get; set; } = AckResult.Ok;

    public byte RecordReason { get; set; }

    /// <summary>FileInfo says "computing" this many times first.</summary>
    public int ComputingAnswers { get; set; } = 2;

    /// <summary>While "computing", FileInfo already carries the part's size (as the real box does).</summary>
    public bool SizeWhileComputing { get; set; }

    public bool AnswerFileInfo { get; set; } = true;

    public bool ServeFileData { get; set; } = true;

    /// <summary>FileData chunks dropped, %.</summary>
    public double FileDataLossPercent { get; set; }

    // the card: one take's audio data (s16 stereo)
    public byte[] CardData { get; set; } = [];

    public long FirstSample { get; set; }

    /// <summary>The rate its file was recorded at (FileInfo; a box at 44.1 kHz in a 48 kHz room records 44.1 kHz).</summary>
    public int SampleRate { get; set; } = 48000;

    public List<RecordMessage> Records { get; } = [];

    public int Stops { get; private set; }

    public int Calibrations { get; private set; }

    public int FileRequests { get; private set; }

    public int FileDataSent { get; private set; }

    public uint TakeOnCard { get; private set; }

    public void Start() => _thread.Start();

    /// <summary>Streams <paramref name="data"/> (s16 stereo) as the take's Audio packets of 256 frames from F, skipping packets <paramref name="skip"/> says and corrupting <paramref name="corrupt"/> ones.</summary>
    public void Stream(uint take, byte[] data, long first, Func<int, bool>? skip = null, Func<int, bool>? corrupt = null)
    {
        var packet = new AudioPacket { TakeId = take, DestinationSlot = Octomix.Protocol.Slot.Engineers, Channels = 2, Format = (byte)SampleFormat.S16 };
        int frames = 256, frameBytes = 4, index = 0;
        var payload = new byte[frames * frameBytes];
        for (int offset = 0; offset < data.Length; offset += frames * frameBytes, index++)
        {
            int n = Math.Min(frames * frameBytes, data.Length - offset);
            if (skip?.Invoke(index) == true)
            {
                continue;
            }

            Array.Copy(data, offset, payload, 0, n);
            if (corrupt?.Invoke(index) == true)
            {
                payload[10] ^= 0x5A;
            }

            lock (_lock)
            {
                packet.Token = Token;
                packet.SourceSlot = Slot;
                packet.Sequence = (uint)(1000 + index);
                packet.Timecode = first + (offset / frameBytes);
                packet.FrameCount = n / frameBytes;
                int length = packet.Write(_tx, 0, payload, 0);
                SendRaw(length);
            }

            if (index % 16 == 15)
            {
                Thread.Sleep(1); // a box streams in real time; a burst of thousands would overflow socket buffers
            }
        }
    }

    /// <summary>Leaves the room as a box that is switched off properly: one Leave, then silence.</summary>
    public void Leave()
    {
        _stop.Cancel();
        if (_thread.IsAlive)
        {
            _thread.Join(2000);
        }

        lock (_lock)
        {
            var leave = new SimpleControlMessage(MessageType.Leave) { MessageId = _nextId++, Token = Token, SourceSlot = Slot, DestinationSlot = Octomix.Protocol.Slot.Server };
            SendRaw(leave.Write(_tx, 0));
        }
    }

    public void Dispose()
    {
        _stop.Cancel();
        if (_thread.IsAlive)
        {
            _thread.Join(2000);
        }

        _socket.Dispose();
    }

    private void Run()
    {
        long nextJoin = 0;
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (!_stop.IsCancellationRequested)
        {
            long now = clock.ElapsedMilliseconds;
            if (!Joined && now >= nextJoin)
            {
                SendJoin();
                nextJoin = now + 200;
            }

            if (Joined && now >= _nextStatus)
            {
                _nextStatus = now + 100;
                SendStatus(now);
            }

            try
            {
                if (_socket.Poll(2000, SelectMode.SelectRead))
                {
                    int n = _socket.Receive(_rx);
                    Handle(n);
                }
            }
            catch (SocketException)
            {
            }
            catch (ObjectDisposedException)
            {
                return;
            }
        }
    }

    private void Handle(int n)
    {
        if (Message.Peek(_rx, 0, n, out var type) != DecodeResult.Ok)
        {
            return;
        }

        if (CommandAuth.IsAuthenticated(type))
        {
            // as the real box: only commands signed with this join's key; a repeat (the console's
            // retry) is handled as before (these handlers are idempotent), unreliable ones are dropped
            byte check = _commands.Verify(_rx, 0, n);
            if (check == CommandCheck.Forged || (check == CommandCheck.Replayed && (type == MessageType.FileRequest || type == MessageType.Nack)))
            {
                return;
            }

            n -= CommandAuth.TrailerLength;
        }

        switch (type)
        {
            case MessageType.Accept:
                var accept = new AcceptMessage();
                if (accept.Read(_rx, 0, n) == DecodeResult.Ok && !Joined)
                {
                    _commands.SetJoin(JoinCode, BoxId, accept.MessageId);
                    Token = accept.SessionToken;
                    Slot = accept.AssignedSlot;
                }

                break;
            case MessageType.Record:
                var record = new RecordMessage();
                if (record.Read(_rx, 0, n) == DecodeResult.Ok)
                {
                    lock (_lock)
                    {
                        if (!Records.Any(r => r.MessageId == record.MessageId))
                        {
                            Records.Add(record);
                        }
                    }

                    if (RecordResult == AckResult.Ok)
                    {
                        _currentTake = record.TakeId;
                        TakeOnCard = record.TakeId;
                        State = BoxStateCode.Recording;
                    }

                    Ack(record.SourceSlot, record.MessageId, RecordResult, RecordReason);
                }

                break;
            case MessageType.Stop:
                var stop = new TakeControlMessage(MessageType.Stop);
                if (stop.Read(_rx, 0, n) == DecodeResult.Ok)
                {
                    Stops++;
                    bool known = stop.TakeId == TakeOnCard;
                    Ack(stop.SourceSlot, stop.MessageId, known ? AckResult.Ok : AckResult.UnknownTake, 0);
                    if (_currentTake != 0)
                    {
                        SendNotice(NoticeCode.TakeStopped, _currentTake, CardData.Length / 4);
                        _currentTake = 0;
                        State = BoxStateCode.Collecting;
                    }
                }

                break;
            case MessageType.PlaybackStart:
            case MessageType.PlaybackStop:
                var playback = new TakeControlMessage(type);
                if (playback.Read(_rx, 0, n) == DecodeResult.Ok)
                {
                    Ack(playback.SourceSlot, playback.MessageId, AckResult.Ok, 0);
                }

                break;
            case MessageType.Calibrate:
                var calibrate = new SimpleControlMessage(MessageType.Calibrate);
                if (calibrate.Read(_rx, 0, n) == DecodeResult.Ok)
                {
                    Calibrations++;
                    Ack(calibrate.SourceSlot, calibrate.MessageId, AckResult.Ok, 0);
                }

                break;
            case MessageType.FileInfoRequest:
                var request = new FileInfoRequestMessage();
                if (request.Read(_rx, 0, n) == DecodeResult.Ok && AnswerFileInfo)
                {
                    AnswerInfo(request);
                }

                break;
            case MessageType.FileRequest:
                var file = new FileRequestMessage();
                if (file.Read(_rx, 0, n) == DecodeResult.Ok)
                {
                    FileRequests++;
                    if (ServeFileData && file.TakeId == TakeOnCard)
                    {
                        Serve(file);
                    }
                }

                break;
        }
    }

    private void AnswerInfo(FileInfoRequestMessage request)
    {
        var checksum = new TakeChecksum();
        checksum.Update(CardData, 0, CardData.Length);
        var info = new FileInfoMessage
        {
            MessageId = request.MessageId,
            Token = Token,
            SourceSlot = Slot,
            DestinationSlot = request.SourceSlot,
            TakeId = request.TakeId,
            Part = request.Part,
        };
        if (request.TakeId != TakeOnCard)
        {
            info.FileStatus = FileStatus.NoSuchTake;
        }
        else if (_infoRequests++ < ComputingAnswers)
        {
            info.FileStatus = FileStatus.Computing;
            if (SizeWhileComputing)
            {
                info.DataBytes = (uint)CardData.Length;
            }
        }
        else
        {
            info.FileStatus = FileStatus.Ready;
            info.PartCount = 1;
            info.Format = (byte)SampleFormat.S16;
            info.Channels = 2;
            info.SampleRate = SampleRate;
            info.FirstSampleIndex = FirstSample;
            info.FrameCount = (uint)(CardData.Length / 4);
            info.DataBytes = (uint)CardData.Length;
            info.DataOffsetInFile = 44;
            info.LatencySamples = Latency;
            info.ChecksumA = checksum.A;
            info.ChecksumB = checksum.B;
        }

        lock (_lock)
        {
            int length = info.Write(_tx, 0);
            SendRaw(length);
        }
    }

    private void Serve(FileRequestMessage request)
    {
        var data = new FileDataMessage { Token = Token, SourceSlot = Slot, DestinationSlot = Octomix.Protocol.Slot.Engineers, TakeId = request.TakeId, Part = request.Part };
        long end = Math.Min(CardData.Length, (long)request.Offset + request.RequestLength);
        for (long at = request.Offset; at < end; at += FileDataMessage.MaxData)
        {
            int n = (int)Math.Min(FileDataMessage.MaxData, end - at);
            if (_random.NextDouble() * 100 < FileDataLossPercent)
            {
                continue;
            }

            lock (_lock)
            {
                data.Offset = (uint)at;
                data.DataLength = n;
                data.WriteHeader(_tx, 0);
                Array.Copy(CardData, at, _tx, FileDataMessage.HeaderLength, n);
                SendRaw(FileDataMessage.HeaderLength + n);
                FileDataSent++;
            }
        }
    }

    /// <summary>Sends _tx; a server that is gone (ICMP refused) or a closed socket is not the test's failure.</summary>
    private void SendRaw(int length)
    {
        try
        {
            _socket.Send(_tx, 0, length, SocketFlags.None);
        }
        catch (SocketException)
        {
        }
        catch (ObjectDisposedException)
        {
        }
    }

    private void Ack(byte to, uint id, byte result, byte reason)
    {
        lock (_lock)
        {
            var ack = new AckMessage { Token = Token, SourceSlot = Slot, DestinationSlot = to, AckedId = id, Result = result, Reason = reason };
            int length = ack.Write(_tx, 0);
            SendRaw(length);
        }
    }

    private void SendNotice(byte code, uint take, long detail)
    {
        lock (_lock)
        {
            var notice = new NoticeMessage { MessageId = _nextId++, Token = Token, SourceSlot = Slot, Code = code, TakeId = take, Detail = detail };
            int length = notice.Write(_tx, 0);
            SendRaw(length);
        }
    }

    private void SendJoin()
    {
        lock (_lock)
        {
            var join = new JoinMessage { MessageId = _nextId++, JoinCode = JoinCode, Name = Name, BoxId = BoxId, SourceSlot = Octomix.Protocol.Slot.None, DestinationSlot = Octomix.Protocol.Slot.Server };
            int length = join.Write(_tx, 0);
            SendRaw(length);
        }
    }

    private void SendStatus(long now)
    {
        lock (_lock)
        {
            var status = new StatusMessage
            {
                Token = Token,
                SourceSlot = Slot,
                DestinationSlot = Octomix.Protocol.Slot.Server,
                Sequence = ++_statusSequence,
                SentAtMicroseconds = (uint)(now * 1000) | 1,
                State = State,
                StatusFlags = Flags,
                LatencySamples = (Flags & StatusFlags.Calibrated) != 0 ? Latency : -1,
                SdWriteKBps = (Flags & StatusFlags.SdFastEnough) != 0 ? 900 : 120,
                PeakDb0 = 20,
                PeakDb1 = 255,
                RttTenthsMs = 5,
                TakeId = _currentTake,
                RefusedCommands = (int)_commands.Forged + ExtraRefusedCommands,
                CardFreeSeconds = CardFreeSeconds,
            };
            int length = status.Write(_tx, 0);
            SendRaw(length);
        }
    }
}
