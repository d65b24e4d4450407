using Microsoft.Extensions.Logging;
using Octomix.Desk.Engine;
using Octomix.Desk.Sessions;

namespace Octomix.Console.Tests;

/// <summary>The spool writer's thread: what it writes, and what it does with a chunk for a spool already closed.</summary>
public class SpoolWriterTests
{
    [Fact]
    public void AChunkForATakeAlreadyClosedIsDroppedWithoutAnErrorAndAFailingDiskIsOne()
    {
        string dir = Directory.CreateTempSubdirectory("octomix-spool-").FullName;
        var log = new TestLog();
        using var loggers = log.Factory();
        try
        {
            using var writer = new SpoolWriter(loggers.CreateLogger("spool"));
            var info = new TakeTrackInfo { TakeId = 1, TrackName = "Anna", BoxName = "Anna", SpoolPath = Path.Combine(dir, "track-1.pcm") };
            var track = new TrackStream(info, [], writer);
            Assert.True(writer.Enqueue(track, 0, new byte[] { 1, 2, 3, 4, 5, 6 }, fromStream: true));
            writer.Drain(TimeSpan.FromSeconds(10));
            Assert.Equal(new byte[] { 1, 2, 3, 4, 5, 6 }, File.ReadAllBytes(info.SpoolPath)[..6]);

            track.Dispose(); // the take was collected: its spool closed while a packet was on its way
            Assert.True(writer.Enqueue(track, 6, new byte[] { 7, 8, 9, 10, 11, 12 }, fromStream: true));
            writer.Drain(TimeSpan.FromSeconds(10));
            Assert.Equal(1, writer.AfterClose);
            Assert.Equal(0, writer.Failed);
            Assert.DoesNotContain(log.Lines, l => l.Contains("[Error]", StringComparison.Ordinal));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
