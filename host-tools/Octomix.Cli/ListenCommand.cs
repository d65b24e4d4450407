using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Octomix.Protocol;

namespace Octomix.Cli;

/// <summary>
/// `octomix listen --server HOST:PORT --join-code CODE`: joins a room as a listen-only member
/// (role Listener: no jammer slot, no audio sent) and writes the room mix the server sends it —
/// 48 kHz (the room's rate) stereo s16le — to stdout or a file/FIFO, with silence for packets
/// that never came, so the stream never stalls. Heartbeats and rejoining are the protocol's
/// <see cref="RoomMembership"/>, as on a box. Stops on Ctrl+C (or after --seconds).
/// </summary>
internal static class ListenCommand
{
    private static readonly Option<string> Server = new("--server") { Description = "host:port of the room (its UDP port)", Required = true };
    private static readonly Option<string> JoinCode = new("--join-code") { Description = "The room's join code", Required = true };
    private static readonly Option<string> Name = new("--name") { Description = "Name shown in the server's status", DefaultValueFactory = _ => "Octomix listener" };
    private static readonly Option<string> Output = new("--output") { Description = "Where the room mix goes: - (stdout), or a file or FIFO path (s16le stereo at the room's rate)", DefaultValueFactory = _ => "-" };
    private static readonly Option<int> Rate = new("--rate") { Description = "The room's sample rate, Hz", DefaultValueFactory = _ => 48000 };
    private static readonly Option<double> Seconds = new("--seconds") { Description = "Stop after this many seconds (0 = until Ctrl+C)", DefaultValueFactory = _ => 0 };

    /// <summary>Longest gap filled with silence at once (a longer one: the stream restarted).</summary>
    private const int MaxGapFrames = 48000;

    public static Command Create()
    {
        var command = new Command("listen", "Join a room as a listener and write its room mix (s16le stereo) to stdout or a file.");
        foreach (var o in new Option[] { Server, JoinCode, Name, Output, Rate, Seconds })
        {
            command.Options.Add(o);
        }

        command.SetAction((parse, cancel) => Task.Run(() => Run(parse, cancel), CancellationToken.None));
        return command;
    }

    private static int Run(ParseResult parse, CancellationToken cancel)
    {
        var problems = new List<string>();
        var endpoint = Desk.Link.LinkOptions.ParseEndpoint(parse.GetValue(Server)!, out string? problem);
        if (endpoint == null)
        {
            problems.Add("--server: " + problem);
        }

        string code = parse.GetValue(JoinCode)!;
        if (!JoinMessage.IsValidJoinCode(code))
        {
            problems.Add($"--join-code: \"{code}\" must be 1..16 printable ASCII characters without spaces");
        }

        int rate = parse.GetValue(Rate);
        if (rate < 8000 || rate > 192000)
        {
            problems.Add($"--rate: {rate} must be 8000..192000 Hz");
        }

        double seconds = parse.GetValue(Seconds);
        if (!(seconds >= 0))
        {
            problems.Add($"--seconds: {seconds} must be 0 or more");
        }

        IPAddress? address = null;
        if (endpoint is { } ep && !IPAddress.TryParse(ep.Host, out address))
        {
            try
            {
                address = Dns.GetHostAddresses(ep.Host).FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork) ?? Dns.GetHostAddresses(ep.Host).FirstOrDefault();
            }
            catch (SocketException e)
            {
                problems.Add($"--server: cannot resolve \"{ep.Host}\" ({e.Message})");
            }
        }

        if (problems.Count > 0 || address == null || endpoint == null)
        {
            foreach (var p in problems)
            {
                Console.Error.WriteLine("octomix listen: " + p);
            }

            return 2;
        }

        string target = parse.GetValue(Output)!;
        using Stream output = target == "-" ? Console.OpenStandardOutput() : new FileStream(target, FileMode.Create, FileAccess.Write, FileShare.Read, 1 << 16);
        using var listener = new Listener(new IPEndPoint(address, endpoint.Value.Port), code, parse.GetValue(Name)!, rate, output);
        return listener.Run(seconds > 0 ? TimeSpan.FromSeconds(seconds) : Timeout.InfiniteTimeSpan, cancel);
    }

    /// <summary>The member: a socket, the membership, the heartbeat and the room mix written out in timecode order.</summary>
    private sealed class Listener : IDatagramSender, IDisposable
    {
        private readonly IPEndPoint server;
        private readonly Stream output;
        private readonly Socket socket;
        private readonly Stopwatch clock = Stopwatch.StartNew();
        private readonly byte[] rx = new byte[ProtocolConstants.MaxDatagram + 64];
        private readonly byte[] tx = new byte[ProtocolConstants.MaxDatagram];
        private readonly byte[] silence = new byte[4096];
        private readonly AcceptMessage accept = new();
        private readonly RejectMessage reject = new();
        private readonly AudioPacket audio = new();
        private readonly RoomInfoMessage info = new();
        private readonly StatusMessage status = new();
        private readonly ReliableSender reliable = new(8, 200_000, 10, (uint)Random.Shared.Next(1, int.MaxValue));
        private readonly RoomMembership membership;
        private long? nextTimecode;
        private long framesWritten;
        private long framesFilled;
        private uint statusSequence;
        private string serverName = string.Empty;

        public Listener(IPEndPoint server, string code, string name, int rate, Stream output)
        {
            this.server = server;
            this.output = output;
            socket = new Socket(server.AddressFamily, SocketType.Dgram, ProtocolType.Udp) { ReceiveBufferSize = 1 << 20 };
            socket.Bind(new IPEndPoint(server.AddressFamily == AddressFamily.InterNetworkV6 ? IPAddress.IPv6Any : IPAddress.Any, 0));
            var join = new JoinMessage
            {
                Role = JoinRole.Listener, Capabilities = 0, BoxId = (ulong)Random.Shared.NextInt64(1, long.MaxValue),
                SampleRate = rate, Channels = 2, Format = (byte)SampleFormat.S16, FramesPerPacket = 320, JoinCode = code, Name = name,
            };
            membership = new RoomMembership(join, reliable, 3_000_000);
        }

        private long Now => clock.ElapsedTicks * 1_000_000L / Stopwatch.Frequency;

        public int Run(TimeSpan duration, CancellationToken cancel)
        {
            membership.Join(Now, this);
            bool announced = false;
            while (!cancel.IsCancellationRequested && (duration == Timeout.InfiniteTimeSpan || clock.Elapsed < duration))
            {
                if (socket.Poll(5_000, SelectMode.SelectRead))
                {
                    while (socket.Available > 0)
                    {
                        int n;
                        try
                        {
                            n = socket.Receive(rx);
                        }
                        catch (SocketException)
                        {
                            break;
                        }

                        if (Dispatch(n) is int exit)
                        {
                            return exit;
                        }
                    }
                }

                long now = Now;
                reliable.Poll(now, this);
                while (reliable.TryTakeFailure(out uint id, out _, out _))
                {
                    membership.OnSendFailed(id, now, this);
                }

                if (membership.State == MembershipState.Out)
                {
                    membership.Join(now, this);
                }

                membership.Poll(now, this);
                if (membership.IsMember && !announced)
                {
                    announced = true;
                    Console.Error.WriteLine($"octomix listen: listening to room {membership.RoomIndex} at {server} (slot {membership.Slot})");
                }

                if (membership.HeartbeatDue(now))
                {
                    membership.HeartbeatSent(now);
                    status.Token = membership.Token;
                    status.SourceSlot = membership.Slot;
                    status.DestinationSlot = Slot.Server;
                    status.Sequence = ++statusSequence;
                    status.SentAtMicroseconds = (uint)now;
                    status.State = BoxStateCode.Ready;
                    Send(tx, 0, status.Write(tx, 0));
                }
            }

            if (membership.IsMember)
            {
                var leave = new SimpleControlMessage(MessageType.Leave) { Token = membership.Token, SourceSlot = membership.Slot, DestinationSlot = Slot.Server, MessageId = 1 };
                Send(tx, 0, leave.Write(tx, 0)); // best effort: the slot times out anyway
            }

            output.Flush();
            Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"octomix listen: {framesWritten} frames written ({framesFilled} of them silence for missing packets)"));
            return 0;
        }

        /// <summary>One datagram; an exit code when the listener must stop (a refused join).</summary>
        private int? Dispatch(int n)
        {
            if (Message.Peek(rx, 0, n, out var type) != DecodeResult.Ok)
            {
                return null;
            }

            long now = Now;
            membership.Heard(now);
            switch (type)
            {
                case MessageType.Accept when accept.Read(rx, 0, n) == DecodeResult.Ok:
                    membership.OnAccept(accept, now);
                    break;
                case MessageType.Reject when reject.Read(rx, 0, n) == DecodeResult.Ok:
                    membership.OnReject(reject, now);
                    if (reject.Reason is RejectReason.BadJoinCode or RejectReason.UnsupportedFormat)
                    {
                        Console.Error.WriteLine("octomix listen: the server refused the join: " + RejectReason.Describe(reject.Reason));
                        return 1;
                    }

                    break;
                case MessageType.RoomInfo when info.Read(rx, 0, n) == DecodeResult.Ok && info.ServerName != serverName:
                    serverName = info.ServerName;
                    Console.Error.WriteLine($"octomix listen: the server is \"{serverName}\"");
                    break;
                case MessageType.Audio when audio.Read(rx, 0, n) == DecodeResult.Ok && audio.SourceSlot == Slot.Server
                    && (audio.Flags & AudioFlags.Mix) != 0 && audio.Channels == 2 && audio.Format == (byte)SampleFormat.S16:
                    Write(audio.Timecode, audio.FrameCount, audio.PayloadOffset);
                    break;
            }

            return null;
        }

        /// <summary>The packet's frames in timecode order: a gap is filled with silence, a late or repeated packet dropped.</summary>
        private void Write(long timecode, int frames, int payloadOffset)
        {
            if (nextTimecode is long next)
            {
                long gap = timecode - next;
                if (gap < 0 && gap > -MaxGapFrames)
                {
                    return; // late or repeated: its place is already written
                }

                if (gap > 0 && gap <= MaxGapFrames)
                {
                    long bytes = gap * 4;
                    while (bytes > 0)
                    {
                        int chunk = (int)Math.Min(bytes, silence.Length);
                        output.Write(silence, 0, chunk);
                        bytes -= chunk;
                    }

                    framesWritten += gap;
                    framesFilled += gap;
                }
            }

            output.Write(rx, payloadOffset, frames * 4);
            framesWritten += frames;
            nextTimecode = timecode + frames;
        }

        public bool Send(byte[] buffer, int offset, int count)
        {
            try
            {
                socket.SendTo(buffer, offset, count, SocketFlags.None, server);
                return true;
            }
            catch (SocketException)
            {
                return false;
            }
        }

        public void Dispose() => socket.Dispose();
    }
}
