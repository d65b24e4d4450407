using Octomix.Drivers.Bwf;
using Octomix.Drivers.Tests.Support;
using Octomix.Hal;
using Xunit;
using static Octomix.Drivers.Tests.Bwf.BwfTestData;

namespace Octomix.Drivers.Tests.Bwf;

/// <summary>
/// BwfRepair on a header with the native writer's mark (BwfLayout.SyncedSizesMark): the declared
/// sizes are kept whatever follows them, an unmarked file with the same bytes keeps the length
/// rule (the stock image's lagging header), and a card that cannot cut the file is said so.
/// MemoryCard has no <see cref="ITruncatableFile"/>: the cut itself is tested on the simulated
/// card (tests/Octomix.Box.Tests, PreallocatedTakeTests).
/// </summary>
public class BwfRepairMarkTests
{
    private static readonly PcmFormat Stereo24 = new(48000, 2, 3);

    [Fact]
    public void A_marked_header_keeps_its_sizes_over_stale_bytes_after_the_audio()
    {
        var card = new MemoryCard();
        card.Put("t.wav", File(marked: true, frames: 1000, staleBytes: 70_000));
        var r = BwfRepair.Repair(card, "t.wav");
        Assert.Equal(BwfRepairStatus.Repaired, r.Status);
        Assert.Equal(1000, r.Frames);
        Assert.Contains("could not be cut: 70000 stale bytes", r.Message, StringComparison.Ordinal);
        var after = BwfReader.Read(card, "t.wav");
        Assert.Equal(6000, after.DataBytesDeclared);
        Assert.Equal(BwfLayout.DataOffset + 6000 - 8, after.RiffSizeDeclared); // set to the audio, not the length
    }

    [Fact]
    public void The_same_bytes_without_the_mark_get_their_sizes_from_the_length()
    {
        var card = new MemoryCard();
        card.Put("t.wav", File(marked: false, frames: 1000, staleBytes: 6 * 500));
        var r = BwfRepair.Repair(card, "t.wav");
        Assert.Equal(BwfRepairStatus.Repaired, r.Status);
        Assert.Equal(1500, r.Frames); // the stock image: what follows a lagging header is audio
    }

    [Fact]
    public void A_marked_file_whose_length_matches_is_healthy_and_untouched()
    {
        var card = new MemoryCard();
        byte[] bytes = File(marked: true, frames: 1000, staleBytes: 0);
        card.Put("t.wav", bytes);
        Assert.Equal(BwfRepairStatus.Healthy, BwfRepair.Repair(card, "t.wav").Status);
        Assert.Equal(bytes, card.ReadAll("t.wav"));
    }

    /// <summary>A BwfWriter file of <paramref name="frames"/> frames (closed: sizes right), the mark as the native writer puts it, stale bytes appended.</summary>
    private static byte[] File(bool marked, int frames, int staleBytes)
    {
        var card = new MemoryCard();
        var w = new BwfWriter(card, "w.wav", Metadata(Stereo24), new BwfWriterOptions());
        byte[] pcm = Pcm(frames * 6, 6);
        w.Write(pcm, 0, pcm.Length);
        w.Close();
        byte[] file = card.ReadAll("w.wav");
        if (marked)
        {
            System.Text.Encoding.ASCII.GetBytes(BwfLayout.SyncedSizesMark).CopyTo(file, BwfLayout.SyncedSizesMarkOffset);
        }

        var stale = new byte[staleBytes];
        new Random(5).NextBytes(stale);
        return [.. file, .. stale];
    }
}
