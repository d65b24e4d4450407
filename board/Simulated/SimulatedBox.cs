using Octomix.Box;

namespace Octomix.Board.Simulated;

/// <summary>
/// One simulated box: a <see cref="SimulatedBoard"/> and the real <see cref="BoxController"/> on
/// it. Tests drive it block by block (<see cref="RunOnce"/>, <see cref="RunUntil"/>); the CLI and
/// the demo run it on its own thread (<see cref="Start"/>), one per box, N in one process.
/// </summary>
public sealed class SimulatedBox : IDisposable
{
    private Thread? thread;
    private volatile bool stopping;

    /// <param name="options">The board.</param>
    /// <param name="adjust">Applied to the settings read from the card's settings.txt (command-line flags); null for none.</param>
    public SimulatedBox(SimulatedBoardOptions options, SettingsAdjuster? adjust = null)
    {
        Board = new SimulatedBoard(options);
        Controller = new BoxController(Board, adjust);
    }

    public SimulatedBoard Board { get; }

    public BoxController Controller { get; }

    public BoxState State => Controller.State;

    /// <summary>Writes a settings file into a card folder (before the box boots).</summary>
    public static void WriteSettings(string cardFolder, string text)
    {
        Directory.CreateDirectory(cardFolder);
        File.WriteAllText(Path.Combine(cardFolder, BoxSettings.FileName), text);
    }

    public void RunOnce() => Controller.RunOnce();

    /// <summary>Runs the loop until <paramref name="done"/> holds; false when it did not within <paramref name="maxTurns"/> turns.</summary>
    public bool RunUntil(Func<BoxController, bool> done, int maxTurns)
    {
        for (int i = 0; i < maxTurns; i++)
        {
            if (done(Controller))
            {
                return true;
            }

            Controller.RunOnce();
        }

        return done(Controller);
    }

    /// <summary>Runs the loop on a thread of its own until <see cref="Stop"/>.</summary>
    public void Start()
    {
        if (thread != null)
        {
            return;
        }

        stopping = false;
        thread = new Thread(() =>
        {
            while (!stopping)
            {
                Controller.RunOnce();
            }
        })
        {
            IsBackground = true,
            Name = "box " + Board.Name,
        };
        thread.Start();
    }

    public void Stop()
    {
        stopping = true;
        thread?.Join(5000);
        thread = null;
    }

    public void Dispose()
    {
        Stop();
        Board.SimulatedSocket.Close();
    }
}
