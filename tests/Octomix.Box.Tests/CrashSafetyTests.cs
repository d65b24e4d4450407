using System.Text.RegularExpressions;
using Octomix.Board.Simulated;
using Octomix.Box;
using Xunit.Abstractions;

namespace Octomix.Box.Tests;

/// <summary>
/// Power cut in the middle of a take: the card keeps only what was flushed (FatFs), the next
/// boot repairs the file from the journal, at most one second of audio is lost, and real tools
/// (ffprobe, sndfile-info) read the file and its TimeReference = origin + first sample - L.
/// The native writer's file is preallocated (f_expand sets its size): the cut leaves it 1 GiB
/// long, stale card content after the audio; its header, rewritten before each sync, says what
/// was synced, and the repair cuts the file there.
/// </summary>
public class CrashSafetyTests
{
    private readonly ITestOutputHelper output;

    public CrashSafetyTests(ITestOutputHelper output)
    {
        this.output = output;
    }

    [Theory]
    [InlineData(false, 0)] // the loop writes every block; FatFs: only what was synced survives; the header of the last sync matches it
    [InlineData(true, 0)]  // data and size committed without the header rewrite: stale sizes, the repair fixes them
    [InlineData(false, 32768)] // the native writer (the default): the synced pieces survive, the ring and the unsynced pieces go; the header says the synced ones
    [InlineData(true, 32768)]  // the native writer, pieces on the card but not synced kept: the header (the last sync's) still rules
    [InlineData(false, 4096)]  // a small piece: syncs as often, more card commands
    public void PowerCutMidTakeLosesAtMostOneSecondAndTheRepairedFileReadsInRealTools(bool keepUnflushedAppends, int cardWriteBytes)
    {
        using var h = new BoxHarness(o => o.NativeTakeWriter = cardWriteBytes > 0, extraSettings: "card_write_bytes = " + cardWriteBytes);
        h.JoinAndCalibrate();
        long origin = (14L * 3600 + 30 * 60) * 48000; // 14:30:00
        h.Record(21, 12000, countInBars: 1, origin: origin);
        Assert.True(h.RunUntil(c => c.State == BoxState.Recording, 2000), h.Log());
        h.RunUntil(c => c.Recorder.FramesSoFar > (long)(3.7 * 48000), 100000); // 3.7 s into the file: 0.7 s after the last flush
        long captured = h.Controller.Recorder.FramesSoFar;
        long first = h.Controller.Timeline.FirstSampleIndex;
        int latency = h.Controller.LatencyFrames;
        string file = Path.Combine(h.CardFolder, "takes", "take-000021.wav");

        h.Board.SimulatedCard.PowerCut(keepUnflushedAppends); // the box is dead from here
        int frameBytes = h.Controller.Format.FrameBytes;
        long cutFrames = DeclaredFrames(file, frameBytes); // the header only: the file may be 1 GiB
        long cutLength = new FileInfo(file).Length;
        output.WriteLine($"captured {captured} frames; after the cut the header says {cutFrames} frames, the file is {cutLength} bytes");
        if (cardWriteBytes > 0)
        {
            Assert.Equal(1L << 30, cutLength); // the whole preallocation: its length says nothing
            Assert.InRange(captured - cutFrames, 0, 48000); // the header says the last sync
        }

        // The next boot, on the same card.
        using var rebooted = new SimulatedBox(new SimulatedBoardOptions { CardFolder = h.CardFolder, Name = "rebooted" });
        Assert.True(rebooted.RunUntil(c => c.State != BoxState.Booting, 10), rebooted.Board.SimulatedLog.ToString());
        string log = rebooted.Board.SimulatedLog.ToString();
        output.WriteLine(log);
        Assert.Contains("repair takes/take-000021.wav", log, StringComparison.Ordinal);
        // the loop's path: the sizes of the last flush match its length unless the unflushed data stayed;
        // the native writer's: the header is right, the length is the preallocation's, the file is cut
        Assert.Contains(keepUnflushedAppends || cardWriteBytes > 0 ? "repaired" : "healthy", log, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(h.CardFolder, "takes", "recording.txt")), "the journal is cleared after the repair");

        var wav = WavFile.Read(file);
        long lost = captured - wav.Frames;
        output.WriteLine($"repaired file: {wav.Frames} frames, lost {lost} frames ({lost * 1000 / 48000} ms)");
        Assert.InRange(lost, 0, 48000);
        if (cardWriteBytes > 0)
        {
            Assert.Equal(cutFrames, wav.Frames); // the header's synced sizes kept
            Assert.Equal(BwfWriterDataOffset + (wav.Frames * frameBytes), new FileInfo(file).Length); // cut after the audio (16-bit stereo: no pad)
            Assert.Contains("the file cut from " + (1L << 30), log, StringComparison.Ordinal);
        }
        else if (keepUnflushedAppends)
        {
            // the loop path: a partial block
            Assert.True(lost < 256, "only what was not yet written may go when the data survived: " + lost + " frames");
        }

        if (cardWriteBytes == 0)
        {
            Assert.True(wav.Frames >= 3 * 48000, "the flushed seconds survived");
        }
        Assert.Equal(origin + first - latency, wav.TimeReference);

        string ffprobe = ExternalTool.Run("ffprobe", "-v", "error", "-show_entries", "format_tags=time_reference:format=duration",
            "-of", "default=nw=1", file);
        output.WriteLine(ffprobe);
        Assert.Contains("TAG:time_reference=" + (origin + first - latency), ffprobe, StringComparison.Ordinal);
        double duration = double.Parse(Regex.Match(ffprobe, @"duration=([0-9.]+)").Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(duration, wav.Frames / 48000.0 - 0.001, wav.Frames / 48000.0 + 0.001);

        string info = ExternalTool.Run("sndfile-info", "--broadcast", file);
        output.WriteLine(info);
        // "Time ref : 0x095569740 (52197.500000 seconds)"
        var timeRef = Regex.Match(info, @"Time ref\s*:\s*0x([0-9a-fA-F]+)");
        Assert.True(timeRef.Success, info);
        Assert.Equal(origin + first - latency, Convert.ToInt64(timeRef.Groups[1].Value, 16));
        Assert.Contains("octomix take=21", info, StringComparison.Ordinal);
    }

    private const long BwfWriterDataOffset = 4096;

    private static long DeclaredFrames(string file, int frameBytes)
    {
        using var f = File.OpenRead(file);
        var header = new byte[BwfWriterDataOffset];
        f.ReadExactly(header);
        return BitConverter.ToUInt32(header, (int)BwfWriterDataOffset - 4) / frameBytes;
    }
}
