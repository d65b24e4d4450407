using System.Diagnostics;
using Octomix.Protocol;

namespace Octomix.Server.Tests;

/// <summary>The room mix for listeners: a FIFO read by a real ffmpeg, missing and stopped readers, files.</summary>
public class RoomMixTests : IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("octomix-mix-").FullName;

    public void Dispose() => Directory.Delete(dir, recursive: true);

    [Fact]
    public void FfmpegReadingTheFifoRecordsTheSumOfTheJammers()
    {
        string fifo = MakeFifo("room.pcm");
        string wav = Path.Combine(dir, "out.wav");
        using var server = TestServer.Start(tweak: o => o with { RoomMixTarget = fifo });
        using var a = new TestPeer(server.Ports[0], "a");
        using var b = new TestPeer(server.Ports[0], "b");
        a.Join(framesPerPacket: 240);
        b.Join(framesPerPacket: 240);

        using var ffmpeg = Run("ffmpeg", "-hide_banner", "-loglevel", "error", "-f", "s16le", "-ar", "48000", "-ac", "2", "-i", fifo, "-t", "3", "-c:a", "pcm_s16le", "-y", wav);

        // both jammers stream 5 ms packets in real time until ffmpeg has its 3 seconds
        var sa = TestServer.Samples(240, 2, (f, c) => c == 0 ? 1000 : -2000);
        var sb = TestServer.Samples(240, 2, (f, c) => 500);
        var clock = Stopwatch.StartNew();
        uint seq = 0;
        while (!ffmpeg.HasExited && clock.Elapsed < TimeSpan.FromSeconds(30))
        {
            a.SendAudio(sa, 2, seq, seq * 240L);
            b.SendAudio(sb, 2, seq, seq * 240L);
            seq++;
            while (clock.Elapsed.TotalMilliseconds < seq * 5.0)
            {
                Thread.Sleep(1);
            }
        }

        Assert.True(ffmpeg.WaitForExit(TimeSpan.FromSeconds(30)), "ffmpeg did not finish");
        Assert.True(ffmpeg.ExitCode == 0, "ffmpeg failed: " + ffmpeg.StandardError.ReadToEnd());

        var frames = ReadWavFrames(wav);
        Assert.Equal(3 * 48000, frames.Length / 2);
        int sums = 0;
        for (int i = 0; i < frames.Length; i += 2)
        {
            var frame = (frames[i], frames[i + 1]);

            // silence at the start (FIFOs priming) or while one of them underruns, else the sum
            Assert.True(
                frame is (0, 0) or (1500, -1500) or (1000, -2000) or (500, 500),
                $"frame {i / 2}: {frame}");
            sums += frame == (1500, -1500) ? 1 : 0;
        }

        Assert.True(sums > 48000, $"expected over a second of the mixed jammers, got {sums} frames");
        Assert.True(server.GetStatus().Rooms[0].RoomMix!.ChunksWritten >= 150);
    }

    [Fact]
    public void AMissingOrStoppedFifoReaderNeverBlocksForwarding()
    {
        string fifo = MakeFifo("room.pcm");
        using var server = TestServer.Start(tweak: o => o with { RoomMixTarget = fifo, RoomMixQueueChunks = 4 });
        using var a = new TestPeer(server.Ports[0], "a");
        using var b = new TestPeer(server.Ports[0], "b");
        a.Join();
        b.Join();

        // nobody reads the FIFO: chunks are dropped (counted), forwarding goes on
        TestServer.WaitFor(server, s => s.Rooms[0].RoomMix!.ChunksDroppedNoReader >= 10, "chunks dropped for want of a reader");
        AssertForwarding(a, b, 0);

        // a reader comes
        using var reader = Run("sh", "-c", $"exec cat '{fifo}' > /dev/null");
        TestServer.WaitFor(server, s => s.Rooms[0].RoomMix!.ReaderConnected && s.Rooms[0].RoomMix!.ChunksWritten >= 5, "the reader to get chunks");

        // the reader is stopped (SIGSTOP): the pipe fills, the queue fills, chunks are dropped
        Signal("STOP", reader.Id);
        try
        {
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
            uint seq = 100;
            while (server.GetStatus().Rooms[0].RoomMix!.ChunksDroppedFull < 5)
            {
                Assert.True(DateTime.UtcNow < deadline, "the stopped reader should make the queue overflow");
                AssertForwarding(a, b, seq);
                seq += 10;
                Thread.Sleep(20);
            }

            long writtenWhileStopped = server.GetStatus().Rooms[0].RoomMix!.ChunksWritten;
            AssertForwarding(a, b, seq);

            // and when it resumes it gets audio again
            Signal("CONT", reader.Id);
            TestServer.WaitFor(server, s => s.Rooms[0].RoomMix!.ChunksWritten > writtenWhileStopped + 5, "the resumed reader to get chunks");
        }
        finally
        {
            Signal("CONT", reader.Id);
        }

        // the reader goes away: the FIFO is reopened for the next one, forwarding unaffected
        reader.Kill();
        reader.WaitForExit();
        TestServer.WaitFor(server, s => !s.Rooms[0].RoomMix!.ReaderConnected, "the output to notice the reader left");
        AssertForwarding(a, b, 1000);
        Assert.Equal(0, server.GetStatus().Rooms[0].LoopFaults);
    }

    [Fact]
    public void ARoomMixFileGetsWholeChunksOfSilenceForAnEmptyRoom()
    {
        string file = Path.Combine(dir, "room-{room}.pcm");
        using (var server = TestServer.Start(tweak: o => o with { RoomCount = 2, RoomMixTarget = file }))
        {
            TestServer.WaitFor(server, s => s.Rooms.All(r => r.RoomMix!.ChunksWritten >= 10), "10 chunks per room");
        }

        foreach (var room in new[] { 0, 1 })
        {
            var bytes = File.ReadAllBytes(Path.Combine(dir, $"room-{room}.pcm"));
            Assert.True(bytes.Length >= 10 * 3840);
            Assert.Equal(0, bytes.Length % 3840);
            Assert.All(bytes, x => Assert.Equal(0, x));
        }
    }

    private static void AssertForwarding(TestPeer a, TestPeer b, uint seq)
    {
        for (uint i = 0; i < 10; i++)
        {
            a.SendAudio(new short[128], 2, seq + i, (seq + i) * 64L);
        }

        Assert.Equal(10, b.Sync().Count(d => TestServer.Type(d) == (byte)MessageType.Audio));
    }

    private string MakeFifo(string name)
    {
        string path = Path.Combine(dir, name);
        using var p = Run("mkfifo", path);
        p.WaitForExit();
        Assert.Equal(0, p.ExitCode);
        return path;
    }

    private static Process Run(string file, params string[] args)
    {
        var psi = new ProcessStartInfo(file) { RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }

        return Process.Start(psi) ?? throw new InvalidOperationException("could not start " + file);
    }

    private static void Signal(string signal, int pid)
    {
        using var p = Run("kill", "-" + signal, pid.ToString(System.Globalization.CultureInfo.InvariantCulture));
        p.WaitForExit();
    }

    /// <summary>The samples of a 16-bit PCM WAV file (interleaved), found by walking its chunks.</summary>
    private static short[] ReadWavFrames(string path)
    {
        var b = File.ReadAllBytes(path);
        Assert.Equal("RIFF", System.Text.Encoding.ASCII.GetString(b, 0, 4));
        int p = 12;
        while (p + 8 <= b.Length)
        {
            string id = System.Text.Encoding.ASCII.GetString(b, p, 4);
            int size = BitConverter.ToInt32(b, p + 4);
            if (id == "data")
            {
                var s = new short[size / 2];
                Buffer.BlockCopy(b, p + 8, s, 0, size);
                return s;
            }

            p += 8 + size + (size & 1);
        }

        throw new InvalidDataException("no data chunk in " + path);
    }
}
