using System.CommandLine;
using System.Globalization;
using System.Net;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;
using Octomix.Server;

namespace Octomix.Cli;

/// <summary>
/// `octomix server`: runs the broadcast server until Ctrl+C or SIGTERM. Every setting comes
/// from a flag, else from an OCTOMIX_… environment variable, else from the default; the
/// effective settings are printed at start. Logs go to stderr (stdout may carry the room mix).
/// </summary>
internal static class ServerCommand
{
    /// <summary>Printed on stderr once the rooms are bound (the benchmark reads the ports from it).</summary>
    public const string PortsAnnouncement = "OCTOMIX-SERVER-PORTS ";

    private static readonly ServerOptions Defaults = new();

    private static readonly Setting<int> Rooms = new("--rooms", "OCTOMIX_ROOMS", "Number of rooms (one UDP port each)", Defaults.RoomCount, ParseInt);
    private static readonly Setting<int> FirstPort = new("--first-port", "OCTOMIX_FIRST_PORT", "UDP port of room 0 (room k: first port + k); 0 = ephemeral ports", Defaults.FirstPort, ParseInt);
    private static readonly Setting<string> Bind = new("--bind", "OCTOMIX_BIND", "Address to bind (0.0.0.0 = every IPv4 interface, :: = IPv6 and IPv4)", "0.0.0.0", ParseText);
    private static readonly Setting<int> MaxJammers = new("--max-jammers", "OCTOMIX_MAX_JAMMERS", "Jammer slots per room (1-16)", Defaults.MaxJammers, ParseInt);
    private static readonly Setting<int> MaxEngineers = new("--max-engineers", "OCTOMIX_MAX_ENGINEERS", "Engineer (console) slots per room (0-4)", Defaults.MaxEngineers, ParseInt);
    private static readonly Setting<int> MaxListeners = new("--max-listeners", "OCTOMIX_MAX_LISTENERS", "Listen-only slots per room (0-32); they never take a jammer slot", Defaults.MaxListeners, ParseInt);
    private static readonly Setting<string> Name = new("--name", "OCTOMIX_SERVER_NAME", "The server's name, told to every member and shown in the status (1-31 bytes of UTF-8)", string.Empty, ParseText);
    private static readonly Setting<int> SlotTimeout = new("--slot-timeout-ms", "OCTOMIX_SLOT_TIMEOUT_MS", "Free a slot after this many ms without a packet", (int)Defaults.SlotTimeout.TotalMilliseconds, ParseInt);
    private static readonly Setting<int> Heartbeat = new("--heartbeat-ms", "OCTOMIX_HEARTBEAT_MS", "Status interval members are told to keep", (int)Defaults.HeartbeatInterval.TotalMilliseconds, ParseInt);
    private static readonly Setting<string> JoinCode = new("--join-code", "OCTOMIX_JOIN_CODE", "Join code of every room, or a comma-separated list with one per room", ServerOptions.DefaultJoinCode, ParseText);
    private static readonly Setting<int> SampleRate = new("--sample-rate", "OCTOMIX_SAMPLE_RATE", "Sample rate of every room, Hz", Defaults.SampleRate, ParseInt);
    private static readonly Setting<string> RoomMix = new("--room-mix", "OCTOMIX_ROOM_MIX", "Room mix output: none, a FIFO or file path ({room} = one per room), or - for stdout", "none", ParseText);
    private static readonly Setting<int> RoomMixQueue = new("--room-mix-queue", "OCTOMIX_ROOM_MIX_QUEUE", "20 ms chunks queued for a slow room-mix reader before chunks are dropped", Defaults.RoomMixQueueChunks, ParseInt);
    private static readonly Setting<double> JoinRate = new("--join-rate", "OCTOMIX_JOIN_RATE", "Join attempts per second allowed per source IP", Defaults.JoinRatePerSecond, ParseDouble);
    private static readonly Setting<int> JoinBurst = new("--join-burst", "OCTOMIX_JOIN_BURST", "Join attempts a source IP may make at once", Defaults.JoinBurst, ParseInt);
    private static readonly Setting<string> Io = new("--io", "OCTOMIX_IO", "auto, batched (recvmmsg/sendmmsg, Linux) or portable", "auto", ParseText);
    private static readonly Setting<string> Gso = new("--gso", "OCTOMIX_GSO", "on or off: UDP segmentation offload for the batched io", "on", ParseText);
    private static readonly Setting<int> RoomThreads = new("--room-threads", "OCTOMIX_ROOM_THREADS", "Batched io: threads serving the rooms (epoll), 0 = one per two cores", Defaults.RoomThreads, ParseInt);
    private static readonly Setting<int> WakeInterval = new("--wake-interval-us", "OCTOMIX_WAKE_INTERVAL_US", "Batched io: shortest time between a room thread's wake-ups while arrivals come faster (microseconds, 0 = none)", Defaults.WakeIntervalMicroseconds, ParseInt);
    private static readonly Setting<int> ReceiveBatch = new("--receive-batch", "OCTOMIX_RECEIVE_BATCH", "Datagrams taken per receive call", Defaults.ReceiveBatch, ParseInt);
    private static readonly Setting<int> MixJitter = new("--mix-jitter-packets", "OCTOMIX_MIX_JITTER_PACKETS", "Jitter FIFO depth (source packets) before the mixes read a stream", Defaults.MixJitterPackets, ParseInt);
    private static readonly Setting<string> RtJamRooms = new("--rtjam-rooms", "OCTOMIX_RTJAM_ROOMS", "Rooms (indices, comma-separated) open to RTJam clients, or none", "none", ParseText);
    private static readonly Setting<string> RtJamAllow = new("--rtjam-allow", "OCTOMIX_RTJAM_ALLOW", "Source networks RTJam clients may come from (CIDR, comma-separated), or any", "none", ParseText);
    private static readonly Setting<double> StatusInterval = new("--status-interval", "OCTOMIX_STATUS_INTERVAL", "Print the status table to stderr every N seconds (0 = never)", 0, ParseDouble);
    private static readonly Setting<string> LogLevelSetting = new("--log-level", "OCTOMIX_LOG_LEVEL", "trace, debug, information, warning, error", "information", ParseText);

    public static Command Create()
    {
        var command = new Command("server", "Run the broadcast server: rooms of jammers on UDP ports, forwarding, personal mixes and a room mix for listeners.");
        var settings = new ISetting[] { Rooms, FirstPort, Bind, MaxJammers, MaxEngineers, MaxListeners, Name, SlotTimeout, Heartbeat, JoinCode, SampleRate, RoomMix, RoomMixQueue, JoinRate, JoinBurst, Io, Gso, RoomThreads, WakeInterval, ReceiveBatch, MixJitter, RtJamRooms, RtJamAllow, StatusInterval, LogLevelSetting };
        foreach (var s in settings)
        {
            command.Options.Add(s.Option);
        }

        var status = new Option<bool>("--status") { Description = "Print the status table to stderr every 2 seconds (same as --status-interval 2)" };
        var announce = new Option<bool>("--announce-ports") { Hidden = true, Description = "Print the bound ports in a machine-readable line on stderr" };
        command.Options.Add(status);
        command.Options.Add(announce);
        command.SetAction((parse, cancel) => RunAsync(parse, parse.GetValue(status), parse.GetValue(announce), cancel));
        return command;
    }

    private static async Task<int> RunAsync(ParseResult parse, bool status, bool announce, CancellationToken cancel)
    {
        var errors = new List<string>();
        var options = Build(parse, errors);
        double statusEvery = status ? 2 : StatusInterval.Get(parse, errors);
        var level = ParseLogLevel(LogLevelSetting.Get(parse, errors), errors);
        errors.AddRange(options.Problems());
        if (errors.Count > 0)
        {
            foreach (var e in errors)
            {
                await Console.Error.WriteLineAsync("octomix server: " + e).ConfigureAwait(false);
            }

            return 2;
        }

        using var loggerFactory = LoggerFactory.Create(b => b
            .SetMinimumLevel(level)
            .AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace)
            .AddSimpleConsole(o =>
            {
                o.SingleLine = true;
                o.TimestampFormat = "HH:mm:ss.fff ";
            }));
        var logger = loggerFactory.CreateLogger("octomix.server");

        await Console.Error.WriteLineAsync("octomix server, effective settings:\n  " + options.Describe().Replace("\n", "\n  ", StringComparison.Ordinal)).ConfigureAwait(false);
        BroadcastServer server;
        try
        {
            server = BroadcastServer.Start(options, logger);
        }
        catch (System.Net.Sockets.SocketException e)
        {
            await Console.Error.WriteLineAsync($"octomix server: cannot bind the room ports ({e.Message})").ConfigureAwait(false);
            return 1;
        }
        catch (PlatformNotSupportedException e)
        {
            await Console.Error.WriteLineAsync("octomix server: " + e.Message).ConfigureAwait(false);
            return 2;
        }

        await using (server.ConfigureAwait(false))
        {
            if (announce)
            {
                await Console.Error.WriteLineAsync(PortsAnnouncement + string.Join(",", server.Ports)).ConfigureAwait(false);
            }

            ServerStatus? previous = null;
            try
            {
                while (!cancel.IsCancellationRequested)
                {
                    await Task.Delay(statusEvery > 0 ? TimeSpan.FromSeconds(statusEvery) : Timeout.InfiniteTimeSpan, cancel).ConfigureAwait(false);
                    var now = server.GetStatus();
                    await Console.Error.WriteAsync(StatusTable.Format(now, previous)).ConfigureAwait(false);
                    previous = now;
                }
            }
            catch (OperationCanceledException)
            {
                // Ctrl+C or SIGTERM: stop cleanly
            }

            var final = server.GetStatus();
            var drops = Enum.GetValues<DropReason>().Select(r => (r, n: final.Drops(r))).Where(d => d.n > 0).Select(d => $"{d.r} {d.n}");
            await Console.Error.WriteLineAsync(
                $"octomix server: stopping; {final.PacketsIn} datagrams in, {final.PacketsOut} out, {final.Rooms.Sum(r => r.TotalDrops)} dropped{(drops.Any() ? " (" + string.Join(", ", drops) + ")" : string.Empty)}, " +
                $"{final.Rooms.Sum(r => r.LoopFaults)} loop faults; {final.Rooms.Sum(r => r.ReceiveCalls)} receive calls, {final.Rooms.Sum(r => r.SendCalls)} send calls").ConfigureAwait(false);
        }

        return 0;
    }

    /// <summary>The server options from flags, environment and defaults; a value that does not parse is reported in <paramref name="errors"/>.</summary>
    internal static ServerOptions Build(ParseResult parse, List<string> errors)
    {
        string bind = Bind.Get(parse, errors);
        IPAddress? address = null;
        if (!IPAddress.TryParse(bind, out address))
        {
            errors.Add($"--bind: \"{bind}\" is not an IP address");
        }

        string io = Io.Get(parse, errors);
        ServerIoMode mode = ServerIoMode.Auto;
        if (!Enum.TryParse(io, ignoreCase: true, out mode) || !Enum.IsDefined(mode))
        {
            errors.Add($"--io: \"{io}\" is not auto, batched or portable");
        }

        string gso = Gso.Get(parse, errors);
        if (gso != "on" && gso != "off")
        {
            errors.Add($"--gso: \"{gso}\" is not on or off");
        }

        string mix = RoomMix.Get(parse, errors);
        var rtJamRooms = new List<int>();
        string rtRooms = RtJamRooms.Get(parse, errors).Trim();
        if (!rtRooms.Equals("none", StringComparison.OrdinalIgnoreCase))
        {
            foreach (string r in rtRooms.Split(',', StringSplitOptions.TrimEntries))
            {
                if (!int.TryParse(r, NumberStyles.None, CultureInfo.InvariantCulture, out int room))
                {
                    errors.Add($"--rtjam-rooms: \"{rtRooms}\" is not none or a comma-separated list of room indices (0, 1, ...)");
                    break;
                }

                rtJamRooms.Add(room);
            }
        }

        string rtAllow = RtJamAllow.Get(parse, errors).Trim();
        string[] rtJamAllow = rtAllow.Equals("none", StringComparison.OrdinalIgnoreCase) ? [] : rtAllow.Split(',', StringSplitOptions.TrimEntries);
        var options = new ServerOptions
        {
            RoomCount = Rooms.Get(parse, errors),
            FirstPort = FirstPort.Get(parse, errors),
            BindAddress = address ?? IPAddress.Any,
            MaxJammers = MaxJammers.Get(parse, errors),
            MaxEngineers = MaxEngineers.Get(parse, errors),
            MaxListeners = MaxListeners.Get(parse, errors),
            ServerName = ServerNameOf(parse, errors),
            SlotTimeout = TimeSpan.FromMilliseconds(SlotTimeout.Get(parse, errors)),
            HeartbeatInterval = TimeSpan.FromMilliseconds(Heartbeat.Get(parse, errors)),
            JoinCodes = JoinCode.Get(parse, errors).Split(',', StringSplitOptions.TrimEntries),
            SampleRate = SampleRate.Get(parse, errors),
            RoomMixTarget = mix.Equals("none", StringComparison.OrdinalIgnoreCase) ? null : mix,
            RoomMixQueueChunks = RoomMixQueue.Get(parse, errors),
            JoinRatePerSecond = JoinRate.Get(parse, errors),
            JoinBurst = JoinBurst.Get(parse, errors),
            IoMode = mode,
            UdpSegmentation = gso != "off",
            RoomThreads = RoomThreads.Get(parse, errors),
            WakeIntervalMicroseconds = WakeInterval.Get(parse, errors),
            ReceiveBatch = ReceiveBatch.Get(parse, errors),
            MixJitterPackets = MixJitter.Get(parse, errors),
            RtJamRooms = rtJamRooms,
            RtJamAllow = rtJamAllow,
        };
        return options;
    }

    /// <summary>The --name (or OCTOMIX_SERVER_NAME): given, it must be a usable name, not empty.</summary>
    private static string ServerNameOf(ParseResult parse, List<string> errors)
    {
        string name = Name.Get(parse, errors);
        bool given = parse.GetValue((Option<string>)Name.Option) != null;
        if (given && name.Length == 0)
        {
            errors.Add("--name: the server name is empty (leave the flag out for an unnamed server)");
            return string.Empty;
        }

        if (ServerOptions.ServerNameProblem(name) is { } problem)
        {
            errors.Add("--name: " + problem);
            return string.Empty;
        }

        return name;
    }

    private static LogLevel ParseLogLevel(string s, List<string> errors)
    {
        if (Enum.TryParse(s, ignoreCase: true, out LogLevel level) && Enum.IsDefined(level))
        {
            return level;
        }

        errors.Add($"--log-level: \"{s}\" is not trace, debug, information, warning or error");
        return LogLevel.Information;
    }

    private static bool ParseInt(string s, out int v) => int.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out v);

    private static bool ParseDouble(string s, out double v) => double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out v) && double.IsFinite(v);

    private static bool ParseText(string s, out string v)
    {
        v = s;
        return true;
    }

    private delegate bool TryParse<T>(string text, out T value);

    private interface ISetting
    {
        Option Option { get; }
    }

    /// <summary>A flag with an environment variable behind it and a default behind that.</summary>
    private sealed class Setting<T> : ISetting
    {
        private readonly string environment;
        private readonly T fallback;
        private readonly TryParse<T> parse;
        private readonly Option<string> option;

        public Setting(string name, string environment, string description, T fallback, TryParse<T> parse)
        {
            this.environment = environment;
            this.fallback = fallback;
            this.parse = parse;
            option = new Option<string>(name)
            {
                Description = $"{description} [env {environment}; default {Convert.ToString(fallback, CultureInfo.InvariantCulture)}]",
            };
        }

        public Option Option => option;

        public T Get(ParseResult result, List<string> errors)
        {
            string? text = result.GetValue(option);
            string source = option.Name;
            if (text == null)
            {
                text = Environment.GetEnvironmentVariable(environment);
                source = environment;
                if (string.IsNullOrEmpty(text))
                {
                    return fallback;
                }
            }

            if (!parse(text, out T value))
            {
                errors.Add($"{source}: \"{text}\" is not a valid value");
                return fallback;
            }

            return value;
        }
    }
}
