using Octomix.Drivers.Bwf;
using Octomix.Drivers.Tests.Support;
using Octomix.Hal;
using Xunit;
using static Octomix.Drivers.Tests.Bwf.BwfTestData;

namespace Octomix.Drivers.Tests.Bwf;

public class BwfWriterTests
{
    private static readonly PcmFormat Stereo16 = new(48000, 2, 2);

    [Theory]
    [InlineData("")]
    [InlineData("A=PCM,F=48000,W=16,M=stereo,T=Octomix")]
    [InlineData("A=PCM,F=48000,W=16,M=stereo,T=Octomix\nA=PCM,F=48000,W=16,M=stereo,T=Console copy")]
    public void Every_file_has_the_fixed_chunk_layout_with_audio_at_4096(string codingHistory)
    {
        var card = new MemoryCard();
        var md = Metadata(Stereo16);
        md.CodingHistory = codingHistory;
        using (var w = new BwfWriter(card, "t.wav", md, null!)) w.Write(Pcm(4 * 10, 1), 0, 40);
        byte[] f = card.ReadAll("t.wav");

        var chunks = new List<(string id, int offset, int size)>();
        for (int p = 12; p < f.Length;)
        {
            string id = System.Text.Encoding.ASCII.GetString(f, p, 4);
            int size = BitConverter.ToInt32(f, p + 4);
            chunks.Add((id, p, size));
            Assert.True(size % 2 == 0, $"chunk {id} has odd size {size}");
            p += 8 + size;
        }
        Assert.Equal(["JUNK", "fmt ", "bext", "iXML", "JUNK", "data"], chunks.Select(c => c.id));
        Assert.Equal((12, 28), (chunks[0].offset, chunks[0].size));
        Assert.Equal((BwfLayout.FmtOffset, 16), (chunks[1].offset, chunks[1].size));
        Assert.Equal(BwfLayout.BextOffset, chunks[2].offset);
        Assert.Equal(BwfLayout.IxmlSize, chunks[3].size);
        Assert.Equal(BwfLayout.DataHeaderOffset, chunks[5].offset);
        Assert.Equal(4096, BwfWriter.DataOffset);
        Assert.Equal(40, chunks[5].size);
        Assert.Equal(f.Length - 8, BitConverter.ToInt32(f, 4));
        Assert.Equal(1, BitConverter.ToInt16(f, BwfLayout.FmtOffset + 8)); // PCM, not EXTENSIBLE
    }

    [Fact]
    public void Header_sizes_are_rewritten_and_flushed_every_interval_not_every_write()
    {
        var card = new MemoryCard();
        var options = new BwfWriterOptions { HeaderUpdateIntervalFrames = 4800 };
        using var w = new BwfWriter(card, "t.wav", Metadata(Stereo16), options);
        int flushesAfterCreate = card.FlushCount;
        byte[] block = Pcm(256 * 4, 2);
        for (int i = 0; i < 18; i++) w.Write(block, 0, block.Length); // 4608 frames: below the interval
        Assert.Equal(flushesAfterCreate, card.FlushCount);
        Assert.Equal(0, BwfReader.Read(card, "t.wav").DataBytesDeclared);
        w.Write(block, 0, block.Length); // 4864 frames
        Assert.Equal(flushesAfterCreate + 1, card.FlushCount);
        var info = BwfReader.Read(card, "t.wav");
        Assert.Equal(4864 * 4, info.DataBytesDeclared);
        Assert.Equal(info.FileLength - 8, info.RiffSizeDeclared);
    }

    [Fact]
    public void Durable_data_bytes_are_the_size_at_the_last_flush_and_start_again_in_each_part()
    {
        var card = new MemoryCard();
        long maxFile = BwfLayout.DataOffset + (4 * 10000L) + 1; // 10000 frames per part
        var options = new BwfWriterOptions { HeaderUpdateIntervalFrames = 4800, MaxFileBytes = maxFile };
        var w = new BwfWriter(card, "t.wav", Metadata(Stereo16), options);
        byte[] block = Pcm(256 * 4, 2);
        for (int i = 0; i < 18; i++) w.Write(block, 0, block.Length); // 4608 frames: no flush yet
        Assert.Equal(0, w.DurableDataBytes);
        w.Write(block, 0, block.Length); // 4864 frames: flushed
        Assert.Equal(4864 * 4, w.DurableDataBytes);
        w.Write(block, 0, block.Length); // 5120 frames: not flushed
        Assert.Equal(4864 * 4, w.DurableDataBytes);
        for (int i = 0; i < 20; i++) w.Write(block, 0, block.Length); // 10240 frames: into part 1 (240 frames there)
        Assert.Equal(2, w.PartCount);
        Assert.Equal(0, w.DurableDataBytes);
        w.Close();
        Assert.Equal(0, w.DurableDataBytes);
    }

    [Fact]
    public void Default_update_interval_is_one_second_and_default_max_is_the_fat32_limit()
    {
        var o = new BwfWriterOptions();
        Assert.Equal(4294967295L, o.MaxFileBytes);
        var card = new MemoryCard();
        using var w = new BwfWriter(card, "t.wav", Metadata(Stereo16), o);
        int flushes = card.FlushCount;
        byte[] block = Pcm(4 * 1000, 3);
        for (int i = 0; i < 47; i++) w.Write(block, 0, block.Length);
        Assert.Equal(flushes, card.FlushCount);
        w.Write(block, 0, block.Length); // 48000 frames = 1 s
        Assert.Equal(flushes + 1, card.FlushCount);
    }

    [Fact]
    public void Power_cut_between_updates_loses_at_most_one_interval_and_the_file_is_readable()
    {
        var card = new MemoryCard();
        byte[] pcm = Pcm(4 * 48000 * 10 + 4 * 12345, 4);
        var w = new BwfWriter(card, "takes/t1.wav", Metadata(Stereo16), new BwfWriterOptions());
        WriteInBlocks(w, pcm, 4, 8, maxFrames: 512);
        card.PowerCut(); // no Close: the box lost power

        var result = BwfRepair.Repair(card, "takes/t1.wav");
        Assert.Equal(BwfRepairStatus.Healthy, result.Status); // sizes were flushed with the data
        long frames = result.Frames;
        Assert.InRange(frames, pcm.Length / 4 - 48000 - 512, pcm.Length / 4);
        string file = card.Export("takes/t1.wav", Tools.TempDir());
        Assert.Equal(pcm.AsSpan(0, (int)frames * 4).ToArray(), Decode(file, 2));
    }

    [Fact]
    public void Power_cut_after_the_header_rewrite_but_before_the_flush_is_repaired_on_boot()
    {
        // FatFs may write the header sector back before f_sync commits the new length: the card
        // then says "more audio" than it holds. The card model writes in-place changes at once.
        var card = new MemoryCard { WriteThroughInPlace = true };
        byte[] pcm = Pcm(4 * 48000 * 5, 5);
        var w = new BwfWriter(card, "t.wav", Metadata(Stereo16), new BwfWriterOptions());
        card.CutPowerAtFlush = card.FlushCount + 3; // the third size update
        var ex = Assert.Throws<BwfWriteException>(() => WriteInBlocks(w, pcm, 4, 9, maxFrames: 512));
        Assert.False(ex.IsStorageFull);

        var before = BwfReader.Read(card, "t.wav");
        Assert.True(before.DataBytesDeclared > before.DataBytesByLength, "the stale header claims more than the card holds");
        var result = BwfRepair.Repair(card, "t.wav");
        Assert.Equal(BwfRepairStatus.Repaired, result.Status);
        // What the second update flushed (each update comes at the first block past 1 s of frames).
        Assert.InRange(result.Frames, 2 * 48000, 2 * 48000 + 2 * 512);
        Assert.InRange(before.FramesDeclared - result.Frames, 48000, 48000 + 512); // lost: one interval (+ a block)
        var after = BwfReader.Read(card, "t.wav");
        Assert.Equal(after.DataBytesByLength, after.DataBytesDeclared);
        Assert.Equal(after.FileLength - 8, after.RiffSizeDeclared);
        string file = card.Export("t.wav", Tools.TempDir());
        Assert.Equal(pcm.AsSpan(0, (int)result.Frames * 4).ToArray(), Decode(file, 2));
        Assert.Equal(Metadata(Stereo16).TimeReference, FfprobeTimeReference(file));
    }

    [Fact]
    public void A_header_that_says_less_than_the_card_holds_grows_to_the_whole_frames_on_the_card()
    {
        var card = new MemoryCard();
        byte[] pcm = Pcm(6 * 30001, 6);
        var w = new BwfWriter(card, "t.wav", Metadata(new PcmFormat(48000, 2, 3)), new BwfWriterOptions { HeaderUpdateIntervalFrames = 1_000_000 });
        w.Write(pcm, 0, pcm.Length);
        // The card's driver synced the data on its own (the header still says 0); plus half a frame.
        var f = card.Open("t.wav", FileOpenMode.OpenReadWrite);
        f.Position = f.Length;
        f.Write([1, 2, 3], 0, 3);
        f.Flush();
        card.PowerCut();
        Assert.Equal(0, BwfReader.Read(card, "t.wav").DataBytesDeclared);

        var r = BwfRepair.Repair(card, "t.wav");
        Assert.Equal(BwfRepairStatus.Repaired, r.Status);
        Assert.Equal(0, r.DeclaredDataBytes);
        Assert.Equal(30001, r.Frames);
        Assert.Contains("repaired", r.Message);
        string file = card.Export("t.wav", Tools.TempDir());
        Assert.Equal(pcm, Decode(file, 3));
    }

    [Fact]
    public void Repair_is_harmless_on_a_good_file_and_leaves_other_files_alone()
    {
        var card = new MemoryCard();
        using (var w = new BwfWriter(card, "good.wav", Metadata(Stereo16), new BwfWriterOptions()))
            w.Write(Pcm(4000, 1), 0, 4000);
        byte[] before = card.ReadAll("good.wav");
        var r = BwfRepair.Repair(card, "good.wav");
        Assert.Equal(BwfRepairStatus.Healthy, r.Status);
        Assert.Equal(1000, r.Frames);
        Assert.Equal(before, card.ReadAll("good.wav"));

        card.Put("notes.txt", "hello, this is not audio at all"u8.ToArray());
        var n = BwfRepair.Repair(card, "notes.txt");
        Assert.Equal(BwfRepairStatus.NotRepairable, n.Status);
        Assert.Contains("not a RIFF file", n.Message);
        Assert.Equal("hello, this is not audio at all"u8.ToArray(), card.ReadAll("notes.txt"));

        card.Open("empty.wav", FileOpenMode.Create).Dispose();
        Assert.Equal(BwfRepairStatus.Empty, BwfRepair.Repair(card, "empty.wav").Status);
        Assert.Equal(BwfRepairStatus.Missing, BwfRepair.Repair(card, "nope.wav").Status);
    }

    [Fact]
    public void Repair_leaves_a_file_with_chunks_after_the_data_alone()
    {
        // A foreign WAV with a LIST chunk after the audio (as many editors write): not ours to change.
        var card = new MemoryCard();
        var bytes = new List<byte>();
        void Id(string s) => bytes.AddRange(System.Text.Encoding.ASCII.GetBytes(s));
        void U32(int v) => bytes.AddRange(BitConverter.GetBytes(v));
        void U16(short v) => bytes.AddRange(BitConverter.GetBytes(v));
        Id("RIFF"); U32(4 + 24 + 8 + 8 + 8 + 6); Id("WAVE");
        Id("fmt "); U32(16); U16(1); U16(1); U32(8000); U32(16000); U16(2); U16(16);
        Id("data"); U32(8); bytes.AddRange(new byte[8]);
        Id("LIST"); U32(6); Id("INFO"); U16(0);
        card.Put("foreign.wav", bytes.ToArray());
        var r = BwfRepair.Repair(card, "foreign.wav");
        Assert.Equal(BwfRepairStatus.Healthy, r.Status);
        Assert.Equal(bytes.ToArray(), card.ReadAll("foreign.wav"));
        var info = BwfReader.Read(card, "foreign.wav");
        Assert.False(info.DataIsLastChunk);
        Assert.Equal(8, info.DataBytesByLength);
        Assert.False(info.HasBext);
    }

    [Fact]
    public void A_full_card_leaves_a_valid_file_with_the_whole_frames_on_it_and_says_so()
    {
        var card = new MemoryCard(capacityBytes: 4096 + 4 * 1000 + 3);
        byte[] pcm = Pcm(4 * 5000, 12);
        var w = new BwfWriter(card, "t.wav", Metadata(Stereo16), new BwfWriterOptions { HeaderUpdateIntervalFrames = 300 });
        var ex = Assert.Throws<BwfWriteException>(() => WriteInBlocks(w, pcm, 4, 13, maxFrames: 256));
        Assert.True(ex.IsStorageFull);
        Assert.Equal("t.wav", ex.Path);
        Assert.Equal(1000, ex.FramesWritten);
        Assert.Equal(1000, w.FramesWritten);
        Assert.Contains("SD card full", ex.Message);
        Assert.IsType<IOException>(ex.InnerException);

        var info = BwfReader.Read(card, "t.wav");
        Assert.Equal(4000, info.DataBytesDeclared);
        Assert.Equal(4000, info.DataBytesByLength);
        string file = card.Export("t.wav", Tools.TempDir());
        Assert.Equal(pcm.AsSpan(0, 4000).ToArray(), Decode(file, 2));
        Assert.Equal(BwfRepairStatus.Healthy, BwfRepair.Repair(card, "t.wav").Status);

        var again = Assert.Throws<ObjectDisposedException>(() => w.Write(pcm, 0, 4));
        Assert.Contains("write failure", again.Message);
        w.Close(); // idempotent, no throw
    }

    [Fact]
    public void A_broken_card_is_not_reported_as_full()
    {
        var card = new MemoryCard();
        var w = new BwfWriter(card, "t.wav", Metadata(Stereo16), new BwfWriterOptions());
        card.FailWriteAfter = 5;
        byte[] block = Pcm(4 * 100, 1);
        for (int i = 0; i < 4; i++) w.Write(block, 0, block.Length);
        var ex = Assert.Throws<BwfWriteException>(() => w.Write(block, 0, block.Length));
        Assert.False(ex.IsStorageFull);
        Assert.Equal(400, ex.FramesWritten);
        Assert.Equal(1600, BwfReader.Read(card, "t.wav").DataBytesDeclared);
    }

    [Fact]
    public void A_card_that_refuses_the_new_file_throws_a_write_exception()
    {
        var card = new MemoryCard(capacityBytes: 1000);
        var ex = Assert.Throws<BwfWriteException>(() => new BwfWriter(card, "t.wav", Metadata(Stereo16), new BwfWriterOptions()));
        Assert.True(ex.IsStorageFull);
        Assert.Contains("cannot create t.wav", ex.Message);
    }

    [Fact]
    public void Odd_byte_counts_and_bad_ranges_are_rejected_and_nothing_is_lost()
    {
        var card = new MemoryCard();
        using var w = new BwfWriter(card, "t.wav", Metadata(new PcmFormat(48000, 2, 3)), new BwfWriterOptions());
        byte[] b = Pcm(600, 1);
        var ex = Assert.Throws<ArgumentException>(() => w.Write(b, 0, 601 - 1 - 5));
        Assert.Contains("whole number of 6-byte frames", ex.Message);
        Assert.Throws<ArgumentNullException>(() => w.Write(null!, 0, 6));
        Assert.Throws<ArgumentOutOfRangeException>(() => w.Write(b, 598, 6));
        Assert.Throws<ArgumentOutOfRangeException>(() => w.Write(b, -1, 6));
        w.Write(b, 0, 600);
        Assert.Equal(100, w.FramesWritten);
        w.Close();
        w.Close();
        var closed = Assert.Throws<ObjectDisposedException>(() => w.Write(b, 0, 6));
        Assert.Contains("closed", closed.Message);
        Assert.Equal(600, BwfReader.Read(card, "t.wav").DataBytesDeclared);
    }

    [Fact]
    public void Bad_metadata_and_options_are_rejected_before_the_card_is_touched()
    {
        var card = new MemoryCard();
        void Bad(Action<BwfMetadata> change, string param)
        {
            var md = Metadata(Stereo16);
            change(md);
            var ex = Assert.Throws<ArgumentException>(() => new BwfWriter(card, "x.wav", md, new BwfWriterOptions()));
            Assert.Equal(param, ex.ParamName);
        }
        Bad(m => m.Description = new string('d', 257), "Description");
        Bad(m => m.Originator = new string('o', 33), "Originator");
        Bad(m => m.OriginationDate = "2026-8-1", "OriginationDate");
        Bad(m => m.OriginationTime = "14:03", "OriginationTime");
        Bad(m => m.TimeReference = -1, "TimeReference");
        Bad(m => m.TrackNames = ["only one"], "TrackNames");
        Bad(m => m.CodingHistory = new string('c', 300), "CodingHistory");
        var longNames = Metadata(Stereo16);
        longNames.TrackNames = [new string('n', 2000), new string('m', 2000)];
        var ixml = Assert.Throws<ArgumentException>(() => new BwfWriter(card, "x.wav", longNames, new BwfWriterOptions()));
        Assert.Contains("iXML", ixml.Message);
        Assert.Throws<ArgumentException>(() => new BwfWriter(card, "x.wav", Metadata(Stereo16), new BwfWriterOptions { MaxFileBytes = 5000L * 1000 * 1000 }));
        Assert.Throws<ArgumentException>(() => new BwfWriter(card, "x.wav", Metadata(Stereo16), new BwfWriterOptions { MaxFileBytes = 4100 }));
        Assert.Throws<ArgumentException>(() => new BwfWriter(card, "x.wav", Metadata(Stereo16), new BwfWriterOptions { HeaderUpdateIntervalFrames = -5 }));
        Assert.Throws<ArgumentNullException>(() => new BwfWriter(null!, "x.wav", Metadata(Stereo16), null!));
        Assert.False(card.Exists("x.wav"));
    }

    [Theory]
    [InlineData("takes/t0001-a.wav", 1, "takes/t0001-a-p01.wav")]
    [InlineData("takes/t0001-a.wav", 12, "takes/t0001-a-p12.wav")]
    [InlineData("t.wav", 0, "t.wav")]
    [InlineData("dir.v2/take", 3, "dir.v2/take-p03")]
    public void Part_paths_follow_the_documented_naming(string path, int part, string expected)
    {
        Assert.Equal(expected, BwfWriter.PartPath(path, part));
    }

    [Fact]
    public void Write_allocates_nothing_in_steady_state_including_size_updates_and_flushes()
    {
        var card = new MemoryCard(initialFileCapacity: 16 << 20);
        using var w = new BwfWriter(card, "t.wav", Metadata(Stereo16), new BwfWriterOptions { HeaderUpdateIntervalFrames = 4800 });
        byte[] block = Pcm(256 * 4, 1);
        int flushes = card.FlushCount;
        Allocation.AssertNone(() => w.Write(block, 0, block.Length), callsPerRound: 2000, rounds: 5);
        Assert.True(card.FlushCount - flushes >= 200); // size updates and flushes were part of it
    }
}
