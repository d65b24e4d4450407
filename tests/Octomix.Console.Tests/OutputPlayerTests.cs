using System.Diagnostics;
using Octomix.Desk.Monitor;
using Octomix.Desk.Output;
using static Octomix.Console.Tests.OutputTestSupport;

namespace Octomix.Console.Tests;

public class OutputPlayerTests
{
    private const string Capture = "printf '%s\\n' \"$@\" > \"$0.args\"\nexec cat > \"$0.out\"";

    [Fact]
    public void PlayersAreFoundInTheDocumentedOrderWithRawStdinArguments()
    {
        string directory = ExportToolRunner.TempDirectory();
        Script(directory, "ffplay", "echo 'ffplay version 5.1.9-0+deb12u1 Copyright'");
        Assert.Equal(
            ["-nodisp", "-autoexit", "-loglevel", "error", "-f", "s16le", "-sample_rate", "48000", "-ch_layout", "stereo", "-i", "-"],
            AudioPlayerLocator.Find(48000, directory)!.Arguments);
        Script(directory, "aplay", Capture);
        Assert.Equal("aplay", AudioPlayerLocator.Find(48000, directory)!.Name);
        Assert.Equal(["-q", "-t", "raw", "-f", "S16_LE", "-r", "44100", "-c", "2", "-"], AudioPlayerLocator.Find(44100, directory)!.Arguments);
        Script(directory, "paplay", Capture);
        Assert.Equal(["--raw", "--format=s16le", "--rate=48000", "--channels=2"], AudioPlayerLocator.Find(48000, directory)!.Arguments);
        Script(directory, "pw-play", Capture);
        var found = AudioPlayerLocator.Find(48000, directory)!;
        Assert.Equal("pw-play", found.Name);
        Assert.Equal(Path.Combine(directory, "pw-play"), found.ExecutablePath);
        Assert.Equal(["-a", "--rate", "48000", "--channels", "2", "--format", "s16", "-"], found.Arguments);

        string old = ExportToolRunner.TempDirectory();
        Script(old, "ffplay", "echo 'ffplay version 4.4.2-0ubuntu0.22.04.1 Copyright'");
        Assert.Contains("-channels", AudioPlayerLocator.Find(48000, old)!.Arguments);
    }

    [Fact]
    public void NoPlayerIsAClearError()
    {
        string directory = ExportToolRunner.TempDirectory();
        File.WriteAllText(Path.Combine(directory, "aplay"), "not executable");
        Assert.Null(AudioPlayerLocator.Find(48000, directory));
        var error = Assert.Throws<AudioPlayerNotFoundException>(() => AudioPlayerLocator.FindOrThrow(48000, directory));
        Assert.Contains("pw-play, paplay, aplay, ffplay", error.Message);
        Assert.Contains(directory, error.Message);
        Assert.Contains("FIFO or file", error.Message);
        Assert.Throws<ArgumentException>(() => AudioPlayerLocator.ArgumentsFor("vlc", 48000));
    }

    [Fact]
    public void ThePlayerGetsExactlyTheRenderedAudioOnItsStdin()
    {
        string directory = ExportToolRunner.TempDirectory();
        string script = Script(directory, "aplay", Capture);
        var command = AudioPlayerLocator.Find(48000, directory)!;
        var blocks = RenderedBlocks(80);
        using (var sink = new PlayerProcessSink(command, queueFrames: 96_000))
        {
            Assert.StartsWith("aplay (pid ", sink.Description);
            foreach (var block in blocks)
            {
                Assert.True(sink.TryWrite(block));
            }
        }

        Assert.Equal(command.Arguments, File.ReadAllLines(script + ".args"));
        Assert.Equal(Bytes(blocks), File.ReadAllBytes(script + ".out"));
    }

    [Fact]
    public void APlayerThatDiesSaysWhyAndNeverBlocks()
    {
        string directory = ExportToolRunner.TempDirectory();
        Script(directory, "aplay", "echo 'aplay: main:831: audio open error: No such file or directory' >&2\nexit 3");
        using var sink = new PlayerProcessSink(AudioPlayerLocator.Find(48000, directory)!);
        var block = new short[960];
        Assert.True(WaitUntil(() => { sink.TryWrite(block); return sink.GetStatus().Error is not null; }, TimeSpan.FromSeconds(10)));
        var status = sink.GetStatus();
        Assert.Contains("exited with code 3", status.Error);
        Assert.Contains("audio open error", status.Error);
        Assert.False(status.Connected);
        var clock = Stopwatch.StartNew();
        Assert.False(sink.TryWrite(block));
        Assert.True(clock.Elapsed < TimeSpan.FromMilliseconds(100));
        Assert.True(sink.GetStatus().FramesDropped > 0);
    }

    [Fact]
    public void ASupervisedPlayerThatDiesIsShownRestartedABoundedNumberOfTimesThenStopped()
    {
        string directory = ExportToolRunner.TempDirectory();
        // a player that reads a little, complains and exits: it dies on every start
        Script(directory, "aplay", "head -c 4000 > /dev/null\necho 'aplay: underrun: device gone' >&2\nexit 3");
        var command = AudioPlayerLocator.Find(48000, directory)!;
        var reports = new System.Collections.Concurrent.ConcurrentQueue<string>();
        int starts = 0;
        using var sink = new SupervisedPlayerSink(() => { Interlocked.Increment(ref starts); return new PlayerProcessSink(command); }, reports.Enqueue, maxRestarts: 2, pause: TimeSpan.FromMilliseconds(100));
        Assert.StartsWith("aplay (pid ", sink.Description);
        var block = new short[960];
        Assert.True(WaitUntil(() => { sink.TryWrite(block); return sink.GetStatus().Error?.Contains("not again", StringComparison.Ordinal) == true; }, TimeSpan.FromSeconds(20)),
            string.Join("\n", reports));

        Assert.Equal(3, starts); // the first start and two restarts, then no more
        Assert.Equal(2, sink.Restarts);
        var status = sink.GetStatus();
        Assert.False(status.Connected);
        Assert.StartsWith("monitor stopped: audio player aplay exited with code 3", status.Error);
        Assert.Contains("device gone", status.Error);
        Assert.Equal(status.Error, sink.Description); // what the screen shows
        Assert.Contains(reports, r => r.StartsWith("monitor stopped: audio player aplay exited with code 3", StringComparison.Ordinal) && r.Contains("restarting aplay", StringComparison.Ordinal));
        Assert.Equal(2, reports.Count(r => r.StartsWith("monitor restarted: aplay (pid ", StringComparison.Ordinal)));
        var clock = Stopwatch.StartNew();
        Assert.False(sink.TryWrite(block)); // stopped: dropped at once, never blocks
        Assert.True(clock.Elapsed < TimeSpan.FromMilliseconds(100));
        Thread.Sleep(500);
        Assert.Equal(3, starts);
    }

    [Fact]
    public void ASupervisedPlayerKilledOnceIsRestartedAndPlaysOn()
    {
        string directory = ExportToolRunner.TempDirectory();
        Script(directory, "aplay", "exec cat > /dev/null");
        var command = AudioPlayerLocator.Find(48000, directory)!;
        var reports = new System.Collections.Concurrent.ConcurrentQueue<string>();
        using var sink = new SupervisedPlayerSink(() => new PlayerProcessSink(command), reports.Enqueue, maxRestarts: 3, pause: TimeSpan.FromMilliseconds(100));
        int first = sink.ProcessId;
        Signal(first, "KILL");
        var block = new short[960];
        Assert.True(WaitUntil(() => { sink.TryWrite(block); return sink.ProcessId > 0 && sink.ProcessId != first; }, TimeSpan.FromSeconds(20)), string.Join("\n", reports));
        Assert.Contains(reports, r => r.StartsWith("monitor stopped: audio player aplay exited with code 137", StringComparison.Ordinal));
        Assert.Contains("restarted 1 of 3 times (last stop: audio player aplay exited with code 137", sink.Description, StringComparison.Ordinal);
        long written = sink.GetStatus().FramesWritten;
        Assert.True(WaitUntil(() => { sink.TryWrite(block); return sink.GetStatus().FramesWritten > written; }, TimeSpan.FromSeconds(10)));
        Assert.Null(sink.GetStatus().Error);
    }

    [Fact]
    public void AStoppedPlayerCostsDroppedFramesAndIsKilledOnDispose()
    {
        string directory = ExportToolRunner.TempDirectory();
        Script(directory, "aplay", Capture);
        var sink = new PlayerProcessSink(AudioPlayerLocator.Find(48000, directory)!);
        int pid = sink.ProcessId;
        Signal(pid, "STOP");
        var block = new short[960];
        var slowest = TimeSpan.Zero;
        for (int i = 0; i < 2000; i++)
        {
            var clock = Stopwatch.StartNew();
            sink.TryWrite(block);
            slowest = clock.Elapsed > slowest ? clock.Elapsed : slowest;
        }

        Assert.True(slowest < TimeSpan.FromMilliseconds(100), $"TryWrite took {slowest.TotalMilliseconds} ms");
        Assert.True(sink.GetStatus().FramesDropped > 1500 * 480);
        var dispose = Stopwatch.StartNew();
        sink.Dispose();
        Assert.True(dispose.Elapsed < TimeSpan.FromSeconds(4), $"Dispose took {dispose.Elapsed}");
        Assert.Throws<ArgumentException>(() => Process.GetProcessById(pid)); // killed, even while stopped
    }

    [Fact]
    public void RealFfplayAcceptsTheArgumentsAndPlays()
    {
        // ffplay with SDL's dummy audio driver consumes audio in real time without a sound card.
        string directory = ExportToolRunner.TempDirectory();
        string ffplay = "/usr/bin/ffplay";
        Assert.True(File.Exists(ffplay), "ffplay (package ffmpeg) is needed for this test");
        File.CreateSymbolicLink(Path.Combine(directory, "ffplay"), ffplay);
        var command = AudioPlayerLocator.Find(48000, directory)!;
        using var sink = new PlayerProcessSink(command, new Dictionary<string, string> { ["SDL_AUDIODRIVER"] = "dummy" });
        var blocks = RenderedBlocks(40);
        foreach (var block in blocks)
        {
            Assert.True(sink.TryWrite(block));
        }

        Assert.True(WaitUntil(() => sink.GetStatus().FramesWritten == 40 * 480, TimeSpan.FromSeconds(10)), sink.GetStatus().ToString());
        Thread.Sleep(300);
        var status = sink.GetStatus();
        Assert.Null(status.Error);
        Assert.True(status.Connected);
        Assert.False(Process.GetProcessById(sink.ProcessId).HasExited, "ffplay is still playing (bad arguments make it exit at once)");
    }

    [Fact]
    public void TheOutputLoopPacesTheMixerInRealTime()
    {
        string path = Path.Combine(ExportToolRunner.TempDirectory(), "loop.raw");
        var mixer = new MonitorMixer();
        var sink = new PathSink(path);
        var clock = Stopwatch.StartNew();
        using (var loop = new MonitorOutputLoop(mixer, sink))
        {
            loop.Start();
            Thread.Sleep(300);
            Assert.True(loop.BlocksRendered >= 5, $"{loop.BlocksRendered} blocks in 300 ms");
        }

        double elapsedBlocks = clock.Elapsed.TotalMilliseconds / 10;
        sink.Dispose();
        long frames = mixer.FramesRendered;
        Assert.Equal(0, frames % 480);
        Assert.True(frames / 480 <= elapsedBlocks + 1, $"rendered {frames / 480} blocks in {elapsedBlocks} block times: ahead of the clock");
        Assert.Equal(frames * 4, new FileInfo(path).Length);
    }
}
