using Octomix.Board.Simulated;
using Octomix.Hal;
using Octomix.Protocol;

namespace Octomix.Box.Tests;

/// <summary>A simulated box (fast time) with its card in a temp folder, joined to a <see cref="FakeServer"/>.</summary>
public sealed class BoxHarness : IDisposable
{
    public BoxHarness(Action<SimulatedBoardOptions>? configure = null, string? extraSettings = null, bool autoJoin = true, string? settingsText = null)
    {
        Server = new FakeServer();
        Options = new SimulatedBoardOptions { CardFolder = Path.Combine(Path.GetTempPath(), "octomix-box-test-" + Guid.NewGuid().ToString("N")), Name = "test box" };
        configure?.Invoke(Options);
        CardFolder = Options.CardFolder;
        string text = settingsText ?? string.Join("\n",
            "# test box",
            "server_host = 127.0.0.1",
            "server_port = " + Server.Port,
            "join_code = TEST42",
            "box_name = Anna",
            "auto_join = " + (autoJoin ? "on" : "off"),
            extraSettings ?? string.Empty);
        if (text.Length > 0)
        {
            SimulatedBox.WriteSettings(CardFolder, text);
        }

        Box = new SimulatedBox(Options);
        Box.Controller.StateChanged = (from, to, cause) => Transitions.Add((from, to, cause));
    }

    /// <summary>Every state change, in order.</summary>
    public List<(BoxState From, BoxState To, BoxEvent Cause)> Transitions { get; } = new();

    public bool Saw(BoxState from, BoxState to, BoxEvent cause) => Transitions.Contains((from, to, cause));

    public string CardFolder { get; }

    public FakeServer Server { get; }

    public SimulatedBoardOptions Options { get; }

    public SimulatedBox Box { get; }

    public BoxController Controller => Box.Controller;

    public SimulatedBoard Board => Box.Board;

    /// <summary>One box turn, then the server reads and answers.</summary>
    public void Step()
    {
        Box.RunOnce();
        Server.Poll();
    }

    public bool RunUntil(Func<BoxController, bool> done, int maxTurns = 20000)
    {
        for (int i = 0; i < maxTurns; i++)
        {
            if (done(Controller))
            {
                return true;
            }

            Step();
        }

        return done(Controller);
    }

    public void Run(int turns)
    {
        for (int i = 0; i < turns; i++)
        {
            Step();
        }
    }

    /// <summary>Boots, joins and calibrates; asserts the box is ready.</summary>
    public void JoinAndCalibrate()
    {
        Assert.True(RunUntil(c => c.State == BoxState.Ready || c.State == BoxState.Jamming || c.State == BoxState.Error, 5000), Log());
        Assert.True(Controller.State is BoxState.Ready or BoxState.Jamming, Log());
    }

    /// <summary>Sends Record as the engineer and returns its message id.</summary>
    public uint Record(uint take, int tempoCentiBpm = 12000, int countInBars = 1, int startDelayMs = 0, long origin = 3600L * 48000,
        byte flags = RecordFlags.StreamAudio | RecordFlags.ClickDuringTake, int beatsPerBar = 4, int beatUnit = 4, int sampleRate = 48000)
    {
        uint id = Server.NextId();
        Server.SendAsEngineer(new RecordMessage
        {
            MessageId = id, TakeId = take, TempoCentiBpm = tempoCentiBpm, BeatsPerBar = beatsPerBar, BeatUnit = beatUnit, CountInBars = countInBars,
            ClickSound = 1, ClickLevel = 80, Flags2 = flags, StartDelayMilliseconds = startDelayMs, OriginSamples = origin,
            SampleRate = sampleRate, Project = "Proj", Scene = "Session 1", Track = "Bass",
        });
        return id;
    }

    public uint Stop(uint take)
    {
        uint id = Server.NextId();
        Server.SendAsEngineer(new TakeControlMessage(MessageType.Stop) { MessageId = id, TakeId = take });
        return id;
    }

    public string Log() => Board.SimulatedLog.ToString();

    public void Dispose()
    {
        Box.Dispose();
        Server.Dispose();
        try
        {
            Directory.Delete(CardFolder, true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
