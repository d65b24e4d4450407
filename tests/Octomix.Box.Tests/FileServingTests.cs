using Octomix.Board.Simulated;
using Octomix.Box;
using Octomix.Protocol;

namespace Octomix.Box.Tests;

/// <summary>After a take: FileInfo (checksum computed in slices), FileRequest served from the card, bad requests dropped.</summary>
public class FileServingTests
{
    private static BoxHarness RecordATake(uint take, double seconds, string? extraSettings = null)
    {
        var h = new BoxHarness(extraSettings: extraSettings);
        h.JoinAndCalibrate();
        h.Record(take, 12000, countInBars: 0);
        Assert.True(h.RunUntil(c => c.State == BoxState.Recording, 1000), h.Log());
        h.RunUntil(c => c.Recorder.FramesSoFar > seconds * 48000, 100000);
        h.Stop(take);
        Assert.True(h.RunUntil(c => c.State == BoxState.Collecting, 100));
        return h;
    }

    private static FileInfoMessage AskInfo(BoxHarness h, uint take, int part)
    {
        uint id = h.Server.NextId();
        h.Server.SendAsEngineer(new FileInfoRequestMessage { MessageId = id, TakeId = take, Part = part });
        h.Run(3);
        return h.Server.Decoded(MessageType.FileInfo, () => new FileInfoMessage()).Last(f => f.MessageId == id);
    }

    [Fact]
    public void FileInfoSaysComputingUntilTheChecksumIsDoneThenMatchesTheCard()
    {
        using var h = RecordATake(31, 2.0, "checksum_slice_bytes = 4096");
        var computing = AskInfo(h, 31, 0);
        Assert.Equal(FileStatus.Computing, computing.FileStatus);
        Assert.True(h.RunUntil(c => c.State == BoxState.Ready, 2000));
        var info = AskInfo(h, 31, 0);
        Assert.Equal(FileStatus.Ready, info.FileStatus);

        var wav = WavFile.Read(Path.Combine(h.CardFolder, "takes", "take-000031.wav"));
        var sum = new TakeChecksum();
        sum.Update(wav.Data, 0, wav.Data.Length);
        Assert.Equal(sum.A, info.ChecksumA);
        Assert.Equal(sum.B, info.ChecksumB);
        Assert.Equal((uint)wav.Data.Length, info.DataBytes);
        Assert.Equal((uint)wav.Frames, info.FrameCount);
        Assert.Equal((uint)wav.DataOffset, info.DataOffsetInFile);
        Assert.Equal(h.Controller.Timeline.FirstSampleIndex, info.FirstSampleIndex);
        Assert.Equal(h.Controller.LatencyFrames, info.LatencySamples);
        Assert.Equal(1, info.PartCount);
        Assert.Equal(48000, info.SampleRate);
        Assert.Equal(2, info.Channels);
        Assert.Equal((byte)SampleFormat.S16, info.Format);
        Assert.Equal(FakeServer.EngineerSlot, info.DestinationSlot);
        Assert.Equal(h.Server.SessionToken, info.Token);

        // slices: about data bytes / slice loop iterations of checksum work, not one long stall
        Assert.True(h.Controller.Files.ChecksumPending == false);
    }

    [Fact]
    public void FileInfoForAnUnknownTakeOrPartAndWhileRecording()
    {
        using var h = new BoxHarness();
        h.JoinAndCalibrate();
        Assert.Equal(FileStatus.NoSuchTake, AskInfo(h, 999, 0).FileStatus);
        h.Record(12);
        Assert.True(h.RunUntil(c => c.State == BoxState.Recording, 1000));
        Assert.Equal(FileStatus.Recording, AskInfo(h, 12, 0).FileStatus);
        h.Stop(12);
        Assert.True(h.RunUntil(c => c.State == BoxState.Ready, 3000));
        Assert.Equal(FileStatus.Ready, AskInfo(h, 12, 0).FileStatus);
        Assert.Equal(FileStatus.NoSuchTake, AskInfo(h, 12, 1).FileStatus);
    }

    /// <summary>
    /// Chunks of <c>file_chunk_bytes</c> (512 by default), at most <c>file_chunks_per_block</c> per
    /// loop turn (the simulated card reads for free here, so the clock does not stop a turn: the cap
    /// does), every byte as on the card.
    /// </summary>
    [Theory]
    [InlineData("", 512, 2, 21)]                                             // 10000 bytes = 19 × 512 + 272, plus the clipped 100
    [InlineData("file_chunk_bytes = 1372", 1372, 2, 9)]                      // 7 × 1372 + 396, plus 100
    [InlineData("file_chunk_bytes = 64\nfile_chunks_per_block = 8", 64, 8, 159)] // 156 × 64 + 16, plus 64 + 36
    public void FileRequestsAreServedFromTheCardInPacedChunks(string settings, int chunkBytes, int perTurn, int expectedChunks)
    {
        using var h = RecordATake(32, 1.0, settings);
        Assert.True(h.RunUntil(c => c.State == BoxState.Ready, 2000));
        Assert.Equal(chunkBytes, h.Controller.Files.ChunkBytes);
        var wav = WavFile.Read(Path.Combine(h.CardFolder, "takes", "take-000032.wav"));
        int before = h.Server.Received.Count;
        h.Server.SendAsEngineer(new FileRequestMessage { TakeId = 32, Part = 0, Offset = 1000, RequestLength = 10000 });
        h.Server.SendAsEngineer(new FileRequestMessage { TakeId = 32, Part = 0, Offset = (uint)wav.Data.Length - 100, RequestLength = 5000 }); // clipped at the end
        h.Run(1);
        var firstBlock = h.Server.Received.Skip(before).Count(d => d[3] == (byte)MessageType.FileData);
        Assert.Equal(perTurn, firstBlock); // the cap per turn
        h.Run(100);
        var chunks = h.Server.Decoded(MessageType.FileData, () => new FileDataMessage()).ToList();
        var raw = h.Server.Received.Where(d => d[3] == (byte)MessageType.FileData).ToList();
        Assert.Equal(expectedChunks, chunks.Count);
        long total = 0;
        for (int i = 0; i < chunks.Count; i++)
        {
            var c = chunks[i];
            Assert.Equal(32u, c.TakeId);
            Assert.InRange(c.DataLength, 1, chunkBytes);
            Assert.Equal(wav.Data.AsSpan((int)c.Offset, c.DataLength).ToArray(), raw[i].AsSpan(FileDataMessage.HeaderLength, c.DataLength).ToArray());
            total += c.DataLength;
        }

        Assert.Equal(10000 + 100, total);
        Assert.Equal(1000u, chunks[0].Offset);
        Assert.Contains(chunks, c => c.Offset == (uint)wav.Data.Length - 100);
        Assert.Equal((uint)wav.Data.Length, chunks[^1].Offset + (uint)chunks[^1].DataLength);
        Assert.Equal(10000 + 100, h.Controller.Files.BytesServed);
    }

    [Fact]
    public void BadFileRequestsAreDroppedAndCounted()
    {
        using var h = RecordATake(33, 0.5);
        Assert.True(h.RunUntil(c => c.State == BoxState.Ready, 2000));
        long dataBytes = h.Controller.Files.Find(33, 0, false)!.DataBytes;
        h.Server.SendAsEngineer(new FileRequestMessage { TakeId = 999, Part = 0, Offset = 0, RequestLength = 100 });      // no such take
        h.Server.SendAsEngineer(new FileRequestMessage { TakeId = 33, Part = 5, Offset = 0, RequestLength = 100 });       // no such part
        h.Server.SendAsEngineer(new FileRequestMessage { TakeId = 33, Part = 0, Offset = (uint)dataBytes, RequestLength = 100 }); // past the end
        var bad = new byte[ProtocolConstants.MaxDatagram];
        int n = new FileRequestMessage { TakeId = 33, Offset = 0, RequestLength = 1, SourceSlot = FakeServer.EngineerSlot, DestinationSlot = h.Server.AssignedSlot }.Write(bad, 0);
        bad[24] = 0;
        bad[25] = 0;
        bad[26] = 2; // 131072 bytes: over the 65536 limit, the decoder refuses it (after the genuine trailer)
        n = h.Server.Sign(bad, n);
        h.Server.SendRaw(bad, n);
        h.Run(10);
        Assert.Empty(h.Server.Decoded(MessageType.FileData, () => new FileDataMessage()));
        Assert.Equal(3, h.Controller.Files.BadRequests);
        Assert.Equal(1, h.Controller.BadDatagrams);
        Assert.Contains("file request dropped (take 999", h.Log(), StringComparison.Ordinal);
    }

    [Fact]
    public void FileRequestsDuringATakeAreIgnored()
    {
        using var h = RecordATake(34, 0.5);
        Assert.True(h.RunUntil(c => c.State == BoxState.Ready, 2000));
        h.Record(35);
        Assert.True(h.RunUntil(c => c.State == BoxState.Recording, 1000));
        h.Server.SendAsEngineer(new FileRequestMessage { TakeId = 34, Part = 0, Offset = 0, RequestLength = 1000 });
        h.Run(10);
        Assert.Empty(h.Server.Decoded(MessageType.FileData, () => new FileDataMessage()));
    }

    [Fact]
    public void ATakeFromBeforeARebootIsFoundOnTheCard()
    {
        string folder;
        long first;
        int latency;
        using (var h = RecordATake(36, 1.0))
        {
            Assert.True(h.RunUntil(c => c.State == BoxState.Ready, 2000));
            first = h.Controller.Timeline.FirstSampleIndex;
            latency = h.Controller.LatencyFrames;
            folder = Path.Combine(Path.GetTempPath(), "octomix-keep-" + Guid.NewGuid().ToString("N"));
            CopyFolder(h.CardFolder, folder);
        }

        using var again = new BoxHarness(o => o.CardFolder = folder);
        again.JoinAndCalibrate();
        var info = AskInfo(again, 36, 0);
        Assert.Equal(FileStatus.Computing, info.FileStatus);
        Assert.Equal(first, info.FirstSampleIndex);
        Assert.Equal(latency, info.LatencySamples);
        again.Run(200);
        info = AskInfo(again, 36, 0);
        Assert.Equal(FileStatus.Ready, info.FileStatus);
        var wav = WavFile.Read(Path.Combine(folder, "takes", "take-000036.wav"));
        var sum = new TakeChecksum();
        sum.Update(wav.Data, 0, wav.Data.Length);
        Assert.Equal(sum.B, info.ChecksumB);
        Directory.Delete(folder, true);
    }

    private static void CopyFolder(string from, string to)
    {
        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            string target = Path.Combine(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }
}
