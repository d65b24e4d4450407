using System.Net;
using Octomix.Cli;
using Octomix.Desk.Engine;
using Octomix.Desk.Sessions;
using Xunit.Abstractions;

namespace Octomix.Console.Tests;

/// <summary>
/// The whole chain with boxes on the custom firmware image (the native take writer and the native
/// file server, docs/recording-path.md; simulated by SimulatedAppendFile and SimulatedServeFile):
/// a real server, the real console engine, two real-time boxes, one of them on a network that
/// loses a quarter of its datagrams each way. What the stream missed is fetched from the box's
/// native file server, and every stem is the box's card file, byte for byte.
/// </summary>
[Collection(RealTimeBoxes.Name)]
public class CustomImageCollectionTests(ITestOutputHelper output)
{
    [Fact]
    public async Task TheNativeFileServerServesWhatTheStreamMissedAndTheStemsAreTheCards()
    {
        var log = new TestLog();
        string root = ExportToolRunner.TempDirectory();
        using var loggers = log.Factory();
        var session = new SessionInfo { Name = "Custom", JoinCode = "E2E-N", TempoCentiBpm = 12000, CountInBars = 1 };
        var musicians = new[]
        {
            new StudioMusician("Ana", 48, 20, 5, 2),
            new StudioMusician("Ben", 96, -40, 10, 25),
        };
        var options = new ConsoleEngineOptions
        {
            DatabasePath = Path.Combine(root, "console.db"),
            RecordingsFolder = Path.Combine(root, "recordings"),
            Session = session,
            Tracks = musicians.Select(m => m.Name).ToList(),
            Monitor = Path.Combine(root, "monitor.pcm"),
        };
        await using var server = new InProcessServer(0, IPAddress.Loopback, loggers);
        options = options with { LocalServer = server };
        try
        {
            await using var engine = await ConsoleEngine.StartAsync(options, loggers, CancellationToken.None);
            using var studio = new SimulatedStudio(root, "127.0.0.1", engine.LocalServer!.Port, session.JoinCode, musicians, customImage: true);
            studio.Start();
            Assert.True(await engine.WaitForReadyAsync(2, TimeSpan.FromSeconds(60), CancellationToken.None), "two ready boxes");
            Assert.All(studio.Boxes, b => Assert.True(b.Controller.Files.ServesNatively, "the box serves through the native file server"));

            var record = await engine.RecordAsync(CancellationToken.None);
            Assert.True(record.Started, string.Join("; ", record.NotRecording));
            var take = record.Take!;
            long until = 3 * take.SampleRate;
            Assert.True(
                await Wait.UntilAsync(() => studio.Boxes.All(b => b.Controller.CurrentTakeId == take.Id && b.Controller.Timeline.TakeIndexAt(b.Controller.Position) > until), TimeSpan.FromSeconds(60)),
                "the boxes recorded 3 s of the take");
            var stop = await engine.StopAsync(CancellationToken.None);
            Assert.Empty(stop.Problems);

            var collection = await engine.CollectAsync(CancellationToken.None);
            Assert.True(collection.Complete, string.Join("; ", collection.Incomplete.Select(t => t.Problem)));
            var export = await engine.ExportAsync(null, false, CancellationToken.None);
            for (int i = 0; i < musicians.Length; i++)
            {
                var result = collection.Tracks.Single(t => t.TrackName == musicians[i].Name);
                var files = studio.Boxes[i].Controller.Files;
                output.WriteLine($"{result.TrackName}: {result.DataBytes} bytes, {result.BytesFromStream} from the stream, {result.BytesFetched} fetched; " +
                    $"the box served {files.BytesServed} bytes in {files.ChunksSent} datagrams, {files.NativeWaits} turns waited for its task");
                Assert.Equal(result.BytesFromStream + result.BytesFetched, result.DataBytes);
                Assert.True(files.BytesServed >= result.BytesFetched, "every fetched byte came from the box's file server");
                var stem = export.Files.Stems.Single(s => s.TrackName == result.TrackName);
                byte[] stemData = WavTestData.Data(Path.Combine(export.Files.Folder, stem.FileName));
                byte[] cardData = WavTestData.Data(studio.TakeFile(i, take.Id));
                Assert.Equal(result.DataBytes, cardData.Length);
                Assert.True(cardData.AsSpan().SequenceEqual(stemData), $"{result.TrackName}: the stem's data is the card's");
            }

            var lossy = collection.Tracks.Single(t => t.TrackName == "Ben");
            Assert.True(lossy.BytesFetched > 0, "a quarter of the datagrams lost: something was fetched");
            Assert.True(studio.Boxes[1].Controller.Files.ChunksSent > 0);
        }
        finally
        {
            log.WriteTo(output);
        }
    }
}
