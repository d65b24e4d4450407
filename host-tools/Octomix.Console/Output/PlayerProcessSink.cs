using System.Diagnostics;

namespace Octomix.Desk.Output;

/// <summary>
/// The monitor to an audio player process (see <see cref="AudioPlayerLocator"/>) on its stdin.
/// The player's stderr is kept (last lines) so a player that dies says why. A stopped player
/// blocks only the writer thread; Dispose kills it.
/// </summary>
public sealed class PlayerProcessSink : QueuedSink
{
    private readonly Process _process;
    private readonly Queue<string> _stderr = new();
    private readonly Lock _stderrLock = new();

    // Set when the player's stderr reaches end of file: its last lines have been delivered.
    private readonly ManualResetEventSlim _stderrClosed = new();
    private readonly Stream _stdin;

    /// <param name="command">What to run.</param>
    /// <param name="environment">Extra environment variables for the player (e.g. SDL_AUDIODRIVER for ffplay).</param>
    public PlayerProcessSink(AudioPlayerCommand command, IReadOnlyDictionary<string, string>? environment = null, int queueFrames = 24000)
        : base(queueFrames)
    {
        ArgumentNullException.ThrowIfNull(command);
        Command = command;
        var start = new ProcessStartInfo(command.ExecutablePath)
        {
            RedirectStandardInput = true,
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        foreach (string argument in command.Arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[key] = value;
        }

        try
        {
            _process = Process.Start(start) ?? throw new IOException($"{command.Name} did not start");
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new IOException($"cannot start the audio player {command}: {e.Message}", e);
        }

        _process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is null)
            {
                _stderrClosed.Set();
            }
            else if (e.Data is { Length: > 0 } line)
            {
                lock (_stderrLock)
                {
                    _stderr.Enqueue(line);
                    if (_stderr.Count > 10)
                    {
                        _stderr.Dequeue();
                    }
                }
            }
        };
        _process.OutputDataReceived += (_, _) => { };
        _process.BeginErrorReadLine();
        _process.BeginOutputReadLine();
        _stdin = _process.StandardInput.BaseStream;
        Connected = true;
        StartWriter();
    }

    public AudioPlayerCommand Command { get; }

    public int ProcessId => _process.Id;

    public override string Description => $"{Command.Name} (pid {_process.Id})";

    /// <summary>True once the player process has ended.</summary>
    public bool HasExited
    {
        get
        {
            try
            {
                return _process.HasExited;
            }
            catch (InvalidOperationException)
            {
                return true;
            }
        }
    }

    /// <summary>"audio player NAME exited with code N: its last stderr lines" (once it has exited).</summary>
    public string ExitDescription()
    {
        string exit = "stopped";
        try
        {
            if (_process.WaitForExit(500))
            {
                exit = $"exited with code {_process.ExitCode}";
                // The exit can be seen before the stderr reader has delivered the last lines (the
                // reason the player died); bounded, because a grandchild may hold stderr open.
                _stderrClosed.Wait(TimeSpan.FromSeconds(1));
            }
        }
        catch (InvalidOperationException)
        {
        }

        string stderr;
        lock (_stderrLock)
        {
            stderr = string.Join(" | ", _stderr);
        }

        return $"audio player {Command.Name} {exit}{(stderr.Length > 0 ? ": " + stderr : "")}";
    }

    protected override bool WriteBlock(ReadOnlySpan<byte> block)
    {
        try
        {
            _stdin.Write(block);
            _stdin.Flush();
            return true;
        }
        catch (IOException e)
        {
            throw new IOException(WhyItStopped(e.Message), e);
        }
    }

    protected override void Abort() => Kill();

    protected override void Cleanup()
    {
        try
        {
            _stdin.Dispose(); // end of input: a player that is still well drains and exits
        }
        catch (IOException)
        {
        }

        if (!_process.WaitForExit(300))
        {
            Kill();
        }

        _process.Dispose();
        // _stderrClosed is not disposed: the stderr reader may still Set it after this point.
    }

    private void Kill()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit(2000);
            }
        }
        catch (InvalidOperationException)
        {
        }
    }

    private string WhyItStopped(string writeError)
    {
        string exit = "stopped reading";
        if (_process.WaitForExit(200))
        {
            _stderrClosed.Wait(TimeSpan.FromSeconds(1)); // lets the stderr reader deliver the last lines
            exit = $"exited with code {_process.ExitCode}";
        }

        string stderr;
        lock (_stderrLock)
        {
            stderr = string.Join(" | ", _stderr);
        }

        return $"audio player {Command.Name} {exit} ({writeError}){(stderr.Length > 0 ? ": " + stderr : "")}";
    }
}
