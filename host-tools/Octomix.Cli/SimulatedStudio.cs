using System.Globalization;
using Octomix.Board.Simulated;
using Octomix.Box;
using HalLogLevel = Octomix.Hal.LogLevel;

namespace Octomix.Cli;

/// <summary>
/// One musician's simulated box in the demo (and the end-to-end tests): the analog round trip
/// (DAC → ears → hands → ADC, split into output and input delay), the crystal's error, and the
/// network between the box and the server (jitter, loss).
/// </summary>
public sealed record StudioMusician(string Name, int AnalogRoundTripFrames, double ClockPpm, int JitterMilliseconds, double LossPercent);

/// <summary>
/// N simulated boxes in this process, in real time, each with its own card folder and musician
/// (who plays exactly on the click they hear), joined to a room. The real box firmware runs on
/// each (docs/box.md); only the board is simulated.
/// </summary>
public sealed class SimulatedStudio : IDisposable
{
    /// <summary>
    /// The demo's four musicians: round trips spread over 12–300 frames, crystals over
    /// −100…+100 ppm, network jitter 0–40 ms and a few percent of loss.
    /// </summary>
    public static IReadOnlyList<StudioMusician> DemoMusicians(double lossPercent) =>
    [
        new("Anna", 12, -100, 0, lossPercent),
        new("Ben", 97, 100, 12, lossPercent),
        new("Chloé", 203, -41, 25, lossPercent),
        new("Dev", 300, 58, 40, lossPercent),
    ];

    private readonly List<SimulatedBox> _boxes = [];
    private readonly List<(SimulatedBoardOptions Options, SettingsAdjuster Adjust)> _setups = [];

    /// <param name="root">Folder under which each box gets its card folder (card-NAME).</param>
    /// <param name="host">The server's address.</param>
    /// <param name="port">The room's UDP port.</param>
    /// <param name="joinCode">The room's join code.</param>
    /// <param name="musicians">The boxes.</param>
    /// <param name="log">Where the boxes' log lines go (null: kept in memory only).</param>
    /// <param name="ports">A port per box instead of <paramref name="port"/> (each box behind its own proxy, in the fault tests).</param>
    /// <param name="settings">Changes every box's settings after the studio's own (a test's: e.g. progressive_every_blocks).</param>
    /// <param name="customImage">True: the boxes run the custom firmware image (the native take writer and file server, docs/recording-path.md); false: a stock image.</param>
    public SimulatedStudio(string root, string host, int port, string joinCode, IReadOnlyList<StudioMusician> musicians, Action<string, HalLogLevel, string>? log = null, IReadOnlyList<int>? ports = null,
        Action<BoxSettings>? settings = null, bool customImage = false)
    {
        ArgumentNullException.ThrowIfNull(musicians);
        Musicians = musicians;
        for (int i = 0; i < musicians.Count; i++)
        {
            var m = musicians[i];
            int boxPort = ports != null ? ports[i] : port;
            string card = Path.Combine(root, "card-" + m.Name);
            var options = new SimulatedBoardOptions
            {
                Name = "box " + m.Name,
                RealTime = true,
                ClockPpm = m.ClockPpm,
                OutputDelayFrames = (m.AnalogRoundTripFrames + 1) / 2,
                InputDelayFrames = m.AnalogRoundTripFrames / 2,
                // a PC stalls a box's thread far longer than a box ever stalls (GC, JIT, a busy
                // scheduler): deep buffers so a stall does not move the click (see docs/box.md)
                PlaybackBufferBlocks = 24,
                CaptureBufferBlocks = 64,
                CardFolder = card,
                NativeTakeWriter = customImage,
                HumanSpreadMilliseconds = 0,
                Seed = 11 + i,
                Network = new NetworkConditions { JitterMilliseconds = m.JitterMilliseconds, LossPercent = m.LossPercent, Seed = 101 + i },
                LogSink = log == null ? null : (level, text) => log(m.Name, level, text),
            };
            void Adjust(BoxSettings s)
            {
                s.ServerHost = host;
                s.ServerPort = boxPort;
                s.JoinCode = joinCode;
                s.BoxName = m.Name;
                s.AutoJoin = true;
                s.PrefillBlocks = 16;
                s.CaptureBufferBlocks = 64;
                s.JoinRetrySeconds = 1;
                settings?.Invoke(s);
            }

            // the card a musician would bring: its settings.txt says where to join
            var initial = new BoxSettings();
            Adjust(initial);
            SimulatedBox.WriteSettings(card, BoxCommand.SettingsText(initial));
            var box = new SimulatedBox(options, Adjust);
            _boxes.Add(box);
            _setups.Add((options, Adjust));
        }
    }

    public IReadOnlyList<StudioMusician> Musicians { get; }

    public IReadOnlyList<SimulatedBox> Boxes => _boxes;

    /// <summary>The file a box wrote for a take (part 0), on its card.</summary>
    public string TakeFile(int box, uint takeId) =>
        Path.Combine(_boxes[box].Board.Options.CardFolder, "takes", "take-" + takeId.ToString("D6", CultureInfo.InvariantCulture) + ".wav");

    public void Start()
    {
        foreach (var box in _boxes)
        {
            box.Start();
        }
    }

    /// <summary>
    /// Cuts a box's power: its loop stops where it is, files open on its card lose what was not
    /// synced (as a real card does), its socket closes. <see cref="Restart"/> boots it again.
    /// </summary>
    public void PowerCut(int box)
    {
        var b = _boxes[box];
        b.Stop();
        b.Board.SimulatedCard.PowerCut();
        b.Dispose();
    }

    /// <summary>Boots a box again on the same card (after <see cref="PowerCut"/>): it repairs its files and joins.</summary>
    public SimulatedBox Restart(int box)
    {
        var (options, adjust) = _setups[box];
        var b = new SimulatedBox(options, adjust);
        _boxes[box] = b;
        b.Start();
        return b;
    }

    public void Dispose()
    {
        foreach (var box in _boxes)
        {
            box.Dispose();
        }
    }
}
