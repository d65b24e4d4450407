using Octomix.Board.Simulated;
using Octomix.Box;
using Octomix.Drivers.Bwf;
using Octomix.Hal;
using Octomix.Protocol;

namespace Octomix.Box.Tests;

/// <summary>A take split into part files (as BwfWriter does before the FAT32 limit) is described and served part by part.</summary>
public class TakePartsTests
{
    [Fact]
    public void EachPartHasItsFirstSampleFramesAndChecksum()
    {
        string folder = Path.Combine(Path.GetTempPath(), "octomix-parts-" + Guid.NewGuid().ToString("N"));
        try
        {
            var time = new SimulatedTime(false);
            var card = new SimulatedCard(folder, time);
            Assert.True(card.Mount());
            var format = new PcmFormat(48000, 2, 2);
            card.CreateDirectory("takes");
            string path = Recorder.TakePath(77);
            var writer = new BwfWriter(card, path, new BwfMetadata(format), new BwfWriterOptions { MaxFileBytes = 4096 + (100_000 * 4) });
            var block = new byte[256 * 4];
            for (int i = 0; i < 1000; i++)
            {
                block.AsSpan().Fill((byte)i);
                writer.Write(block, 0, block.Length);
            }

            writer.Close();
            Assert.True(writer.PartCount >= 3);

            var files = new TakeFileServer(card, new SimulatedClock(time, DateTime.UnixEpoch), 1333, 4096, 2, TakeFileServer.DefaultChunkBytes);
            files.TakeClosed(77, path, writer.PartCount, -72000, 805);
            while (files.ChecksumPending)
            {
                files.ChecksumStep();
            }

            long first = -72000;
            long frames = 0;
            var info = new FileInfoMessage();
            for (int part = 0; part < writer.PartCount; part++)
            {
                files.Describe(info, 77, part, recording: false);
                Assert.Equal(FileStatus.Ready, info.FileStatus);
                Assert.Equal(writer.PartCount, info.PartCount);
                Assert.Equal(first, info.FirstSampleIndex);
                Assert.Equal(805, info.LatencySamples);
                var wav = WavFile.Read(Path.Combine(folder, BwfWriter.PartPath(path, part)));
                Assert.Equal((uint)wav.Frames, info.FrameCount);
                var sum = new TakeChecksum();
                sum.Update(wav.Data, 0, wav.Data.Length);
                Assert.Equal(sum.A, info.ChecksumA);
                Assert.Equal(sum.B, info.ChecksumB);
                first += wav.Frames;
                frames += wav.Frames;
            }

            Assert.Equal(256_000, frames); // no frame lost between the parts
            files.Describe(info, 77, writer.PartCount, recording: false);
            Assert.Equal(FileStatus.NoSuchTake, info.FileStatus);
        }
        finally
        {
            Directory.Delete(folder, true);
        }
    }

    [Fact]
    public void TheAckReasonIsAnAdditionThatLeavesReasonZeroAcksAsTheyWere()
    {
        var ack = new AckMessage { AckedId = 42, Result = AckResult.NotReady, Reason = NotReadyReason.CardTooSlow };
        var bytes = new byte[AckMessage.FixedLength];
        Assert.Equal(24, ack.Write(bytes, 0));
        Assert.Equal(NotReadyReason.CardTooSlow, bytes[17]);
        var back = new AckMessage();
        Assert.Equal(DecodeResult.Ok, back.Read(bytes, 0, bytes.Length));
        Assert.Equal(NotReadyReason.CardTooSlow, back.Reason);
        Assert.Contains("reason=3", back.Describe(), StringComparison.Ordinal);
        var plain = new AckMessage { AckedId = 42 };
        plain.Write(bytes, 0);
        Assert.Equal(0, bytes[17]);
        Assert.DoesNotContain("reason", plain.Describe(), StringComparison.Ordinal);
    }
}
