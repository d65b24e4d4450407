using System.Globalization;
using System.Text.RegularExpressions;
using Octomix.Board.Simulated;
using Octomix.Drivers.Bwf;
using Octomix.Hal;
using Xunit.Abstractions;

namespace Octomix.Box.Tests;

/// <summary>
/// The native writer's preallocated take file (f_expand sets its size to the whole preallocation)
/// and the durable header that makes a power cut repairable: a split take cut in its second part,
/// a card too small to preallocate, a full card, a stale journal's second look at a closed file,
/// and a marked header that says more than the file holds. The writer runs on the simulated
/// board's card directly (BwfWriter over SimulatedCard), 48 kHz 24-bit stereo.
/// </summary>
public sealed class PreallocatedTakeTests : IDisposable
{
    private const int FrameBytes = 6;
    private const int BlockBytes = 256 * FrameBytes;
    private const long Preallocation = 1L << 30;
    private readonly string folder = Path.Combine(Path.GetTempPath(), "octomix-prealloc-" + Guid.NewGuid().ToString("N"));
    private readonly ITestOutputHelper output;
    private readonly SimulatedCard card;

    public PreallocatedTakeTests(ITestOutputHelper output)
    {
        this.output = output;
        card = new SimulatedCard(folder, new SimulatedTime(false)) { NativeWriter = true };
        Assert.True(card.Mount());
        card.CreateDirectory("takes");
    }

    public void Dispose() => Directory.Delete(folder, true);

    [Fact]
    public void ASplitTakeCutInItsSecondPartKeepsTheClosedPartAndTheSyncedAudioOfTheOpenOne()
    {
        // parts of 2.43 s: part 0 is closed by the split, part 1 is 1.57 s in when the power goes
        var writer = Open("takes/split.wav", maxFileBytes: 4096 + 700_000);
        long frames = WriteSeconds(writer, 4.0);
        Assert.Equal(2, writer.PartCount);
        string part1 = BwfWriter.PartPath("takes/split.wav", 1);
        card.PowerCut();
        Assert.Equal(Preallocation, LengthOf(part1)); // the whole preallocation: its length says nothing
        Assert.True(LengthOf("takes/split.wav") < 4096 + 700_000, "the closed part was truncated at its close");

        Assert.True(card.Mount());
        var r0 = BwfRepair.Repair(card, "takes/split.wav");
        var r1 = BwfRepair.Repair(card, part1);
        output.WriteLine(r0.Message);
        output.WriteLine(r1.Message);
        Assert.Equal(BwfRepairStatus.Healthy, r0.Status);
        Assert.Equal(BwfRepairStatus.Repaired, r1.Status);
        Assert.Equal(4096 + r1.ActualDataBytes, LengthOf(part1)); // cut after the audio: the preallocation is back
        Assert.Equal(0, r1.ActualDataBytes % FrameBytes);
        long kept = r0.Frames + r1.Frames;
        Assert.InRange(frames - kept, 0, 48000); // at most a second (the sync interval) lost

        // what the header declares is the audio written, not stale card content
        byte[] audio = ReadAll(part1).AsSpan(4096).ToArray();
        long firstByte = r0.ActualDataBytes;
        for (int i = 0; i < audio.Length; i++)
        {
            Assert.True(audio[i] == Pattern(firstByte + i), "byte " + i + " of part 1's audio is not what was written");
        }

        AssertRealToolsRead(part1, r1.Frames);
    }

    [Fact]
    public void ACardTooSmallToPreallocateRecordsWithTheLengthRuleAsBefore()
    {
        card.CapacityBytes = 64L << 20; // less than the 1 GiB preallocation: f_expand fails, the take records unpreallocated
        var writer = Open("takes/small.wav", BwfWriterOptions.Fat32MaxFileBytes);
        long frames = WriteSeconds(writer, 2.5);
        card.PowerCut();
        long length = LengthOf("takes/small.wav");
        Assert.True(length < 4096 + (frames * FrameBytes), "the synced length, not a preallocation: " + length);
        Assert.False(HasMark("takes/small.wav"), "no durable header without the preallocation (take_writer_esp32.c's header_open)");

        Assert.True(card.Mount());
        var r = BwfRepair.Repair(card, "takes/small.wav");
        output.WriteLine(r.Message);
        Assert.Equal(BwfRepairStatus.Repaired, r.Status); // the header said "no audio": sizes from the length
        Assert.Equal((length - 4096) / FrameBytes * FrameBytes, r.ActualDataBytes);
        Assert.InRange(frames - r.Frames, 0, 48000);
    }

    [Fact]
    public void AFullCardLeavesAValidFileTheRepairFindsHealthy()
    {
        card.CapacityBytes = 3L << 20;
        var writer = Open("takes/full.wav", BwfWriterOptions.Fat32MaxFileBytes);
        var e = Assert.Throws<BwfWriteException>(() => WriteSeconds(writer, 20));
        Assert.True(e.IsStorageFull, e.Message);
        var r = BwfRepair.Repair(card, "takes/full.wav");
        output.WriteLine(r.Message);
        Assert.Equal(BwfRepairStatus.Healthy, r.Status);
        Assert.True(r.Frames > 0);
    }

    [Fact]
    public void AStaleJournalsSecondLookAtAClosedTakeChangesNothing()
    {
        var writer = Open("takes/closed.wav", BwfWriterOptions.Fat32MaxFileBytes);
        long frames = WriteSeconds(writer, 2.2);
        writer.Close();
        long length = LengthOf("takes/closed.wav");
        Assert.Equal(4096 + (frames * FrameBytes), length); // f_truncate at the close: the preallocation is back
        Assert.True(HasMark("takes/closed.wav"), "the native writer's header keeps its mark after the close");
        Assert.Equal(card.CapacityBytes - length, card.FreeBytes);

        var r = BwfRepair.Repair(card, "takes/closed.wav");
        Assert.Equal(BwfRepairStatus.Healthy, r.Status);
        Assert.Equal(frames, r.Frames);
        Assert.Equal(length, LengthOf("takes/closed.wav"));
    }

    [Fact]
    public void AMarkedHeaderThatSaysMoreThanTheFileHoldsGetsItsSizesFromTheLength()
    {
        // an unpreallocated file cut between the header rewrite and the f_sync: the header is ahead
        var writer = Open("takes/ahead.wav", BwfWriterOptions.Fat32MaxFileBytes);
        long frames = WriteSeconds(writer, 1.5);
        writer.Close();
        long length = LengthOf("takes/ahead.wav");
        using (var f = card.Open("takes/ahead.wav", FileOpenMode.OpenReadWrite))
        {
            f.Position = BwfLayout.DataSizeOffset;
            f.Write(BitConverter.GetBytes((uint)((frames + 48000) * FrameBytes)), 0, 4);
            f.Flush();
        }

        var r = BwfRepair.Repair(card, "takes/ahead.wav");
        Assert.Equal(BwfRepairStatus.Repaired, r.Status);
        Assert.Equal(frames, r.Frames);
        Assert.Equal(length, LengthOf("takes/ahead.wav"));
    }

    private BwfWriter Open(string path, long maxFileBytes)
    {
        var md = new BwfMetadata(new PcmFormat(48000, 2, 3)) { FileUid = "OCTOMIX-TEST-1", Take = "1" };
        var options = new BwfWriterOptions { AppendWriteBytes = 32768, HeaderUpdateIntervalFrames = 48000, MaxFileBytes = maxFileBytes };
        var writer = new BwfWriter(card, path, md, options);
        Assert.True(writer.IsAppending);
        return writer;
    }

    /// <summary>Blocks of a byte pattern by position in the take (all parts together); the frames written.</summary>
    private static long WriteSeconds(BwfWriter writer, double seconds)
    {
        var block = new byte[BlockBytes];
        long blocks = (long)(seconds * 48000 / 256);
        for (long i = 0; i < blocks; i++)
        {
            for (int k = 0; k < block.Length; k++)
            {
                block[k] = Pattern((i * BlockBytes) + k);
            }

            writer.Write(block, 0, block.Length);
        }

        return blocks * 256;
    }

    private static byte Pattern(long takeByte) => (byte)((takeByte * 7) + (takeByte >> 9));

    private long LengthOf(string path) => new FileInfo(Path.Combine(folder, path)).Length;

    private byte[] ReadAll(string path) => File.ReadAllBytes(Path.Combine(folder, path));

    private bool HasMark(string path)
    {
        using var f = File.OpenRead(Path.Combine(folder, path));
        var b = new byte[36];
        f.ReadExactly(b);
        return System.Text.Encoding.ASCII.GetString(b, BwfLayout.SyncedSizesMarkOffset, 16) == BwfLayout.SyncedSizesMark;
    }

    private void AssertRealToolsRead(string path, long frames)
    {
        string file = Path.Combine(folder, path);
        string ffprobe = ExternalTool.Run("ffprobe", "-v", "error", "-show_entries", "format=duration", "-of", "default=nw=1", file);
        output.WriteLine(ffprobe);
        double duration = double.Parse(Regex.Match(ffprobe, @"duration=([0-9.]+)").Groups[1].Value, CultureInfo.InvariantCulture);
        Assert.InRange(duration, (frames / 48000.0) - 0.001, (frames / 48000.0) + 0.001);
        string info = ExternalTool.Run("sndfile-info", file);
        output.WriteLine(info);
        var m = Regex.Match(info, @"Frames\s*:\s*(\d+)");
        Assert.True(m.Success, info);
        Assert.Equal(frames, long.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture));
    }
}
