using System.Globalization;
using System.Net;
using Octomix.Cli;
using Octomix.Desk.Analysis;
using Octomix.Desk.Engine;
using Octomix.Desk.Sessions;
using Xunit.Abstractions;

namespace Octomix.Console.Tests;

/// <summary>
/// The whole chain over loopback UDP: a real server, the real console engine and four real-time
/// simulated boxes running the real firmware, with analog round trips of 12–300 frames, crystals
/// −100…+100 ppm off, 0–40 ms of network jitter and 5 % loss each way between box and server.
/// </summary>
[Collection(RealTimeBoxes.Name)]
public class EndToEndTests(ITestOutputHelper output)
{
    [Fact]
    public async Task FourBoxesRecordAndTheStemsAreTheCardFilesAlignedOnTheClickGrid()
    {
        var log = new TestLog();
        string root = ExportToolRunner.TempDirectory();
        using var loggers = log.Factory();
        var session = new SessionInfo { Name = "Loopback", JoinCode = "E2E-4", TempoCentiBpm = 12000, CountInBars = 1 };
        var musicians = SimulatedStudio.DemoMusicians(lossPercent: 5);
        var options = new ConsoleEngineOptions
        {
            DatabasePath = Path.Combine(root, "console.db"),
            RecordingsFolder = Path.Combine(root, "recordings"),
            Session = session,
            Tracks = musicians.Select(m => m.Name).ToList(),
            Monitor = Path.Combine(root, "monitor.pcm"),
        };
        await using var server = new InProcessServer(0, IPAddress.Loopback, loggers); // as the CLI starts it
        options = options with { LocalServer = server };
        try
        {
            await using var engine = await ConsoleEngine.StartAsync(options, loggers, CancellationToken.None);
            using var studio = new SimulatedStudio(root, "127.0.0.1", engine.LocalServer!.Port, session.JoinCode, musicians);
            studio.Start();
            Assert.True(await engine.WaitForReadyAsync(4, TimeSpan.FromSeconds(60), CancellationToken.None), "four ready boxes: " + Describe(engine));

            var record = await engine.RecordAsync(CancellationToken.None);
            Assert.True(record.Started, string.Join("; ", record.NotRecording));
            Assert.Equal(4, record.Recording.Count);
            var take = record.Take!;
            var timeline = take.Timeline;

            // each box's L when the take began: a box may calibrate again later (a stall during the
            // playback at the end ran its pipeline dry), which changes its L, not this take's
            var latencyAtRecord = studio.Boxes.Select(b => b.Controller.LatencyFrames).ToList();

            // four seconds of the take after the count-in, on every box
            long until = 4 * take.SampleRate;
            Assert.True(
                await Wait.UntilAsync(() => studio.Boxes.All(b => b.Controller.CurrentTakeId == take.Id && b.Controller.Timeline.TakeIndexAt(b.Controller.Position) > until), TimeSpan.FromSeconds(60)),
                "the boxes recorded 4 s of the take");
            var midTake = engine.CurrentTake!.Mixer!.GetStatus();
            var midTakeTracks = engine.CurrentTake.Tracks.Select(t => t.Monitor!.GetStatus()).ToList();
            var stopToCollected = System.Diagnostics.Stopwatch.StartNew();
            var stop = await engine.StopAsync(CancellationToken.None);
            Assert.Empty(stop.Problems);

            var monitor = engine.CurrentTake!.Mixer!.GetStatus();
            var monitorTracks = engine.CurrentTake.Tracks.Select(t => t.Monitor!.GetStatus()).ToList();
            var views = engine.Snapshot().Take!.Tracks;

            var collection = await engine.CollectAsync(CancellationToken.None);
            Assert.True(collection.Complete, string.Join("; ", collection.Incomplete.Select(t => t.Problem)));
            var stopToCollectedTime = stopToCollected.Elapsed;
            var export = await engine.ExportAsync(null, false, CancellationToken.None);
            var playback = await engine.PlaybackAsync(CancellationToken.None);

            output.WriteLine($"take {take.Id}: monitor during the take {midTake}");
            output.WriteLine($"take {take.Id}: monitor at the end {monitor}");
            for (int i = 0; i < musicians.Count; i++)
            {
                var m = musicians[i];
                var result = collection.Tracks.Single(t => t.TrackName == m.Name);
                var view = views.Single(v => v.TrackName == m.Name);
                var stem = export.Files.Stems.Single(s => s.TrackName == m.Name);
                string stemPath = Path.Combine(export.Files.Folder, stem.FileName);
                string cardPath = studio.TakeFile(i, take.Id);

                // the stem's audio data is the box's SD file's, byte for byte
                byte[] stemData = WavTestData.Data(stemPath);
                byte[] cardData = WavTestData.Data(cardPath);
                Assert.Equal(cardData.Length, stemData.Length);
                Assert.True(cardData.AsSpan().SequenceEqual(stemData), $"{m.Name}: stem data equals the card's");
                Assert.Equal(result.DataBytes, stemData.Length);
                Assert.Equal(result.BytesFromStream + result.BytesFetched, result.DataBytes);

                // how soon after the Stop the track was proven equal to the card: measured, within the Stop-to-collected time
                Assert.NotNull(result.VerifiedAfterStop);
                Assert.True(result.VerifiedAfterStop > TimeSpan.Zero && result.VerifiedAfterStop <= stopToCollectedTime, $"{m.Name}: verified {result.VerifiedAfterStop} after Stop, collected {stopToCollectedTime} after it");

                // notes land on the click grid with 0 samples of error (the stems are aligned: frame j = take index F − L + j)
                var box = studio.Boxes[i].Controller;
                var onsets = OnsetAnalysis.Measure(m.Name, stemPath, timeline, view.FirstSampleIndex, view.LatencySamples);
                output.WriteLine($"{m.Name}: analog {m.AnalogRoundTripFrames}, L {view.LatencySamples} (box {latencyAtRecord[i]}, now {box.LatencyFrames}), F {view.FirstSampleIndex}, {onsets.Onsets.Count} onsets, " +
                    $"worst {onsets.MaxAbsError}; stream {result.BytesFromStream} fetched {result.BytesFetched} of {result.DataBytes}; packets {view.PacketsReceived} " +
                    $"retransmitted {view.Retransmissions} nacked {view.NackedPackets}; monitor {monitorTracks[i]}");
                Assert.True(onsets.Onsets.Count >= 4 + 8, $"{m.Name}: count-in and at least 8 beats, found {onsets.Onsets.Count}");
                Assert.Equal(0, onsets.MaxAbsError);
                Assert.Equal(latencyAtRecord[i], view.LatencySamples);
                Assert.Equal(timeline.FirstSampleIndex(latencyAtRecord[i]), view.FirstSampleIndex);

                // the monitor during the take: no gap longer than concealment allows, nothing refused
                Assert.Equal(0, midTakeTracks[i].FramesSilenced);
                Assert.True(midTakeTracks[i].LongestConcealedRun <= take.SampleRate * 40 / 1000, $"{m.Name}: longest concealed run {midTakeTracks[i].LongestConcealedRun}");
                Assert.Equal(0, monitorTracks[i].RejectedFrames);
            }

            // every stem has the same TimeReference, as ffprobe reads it
            var references = export.Files.Stems
                .Select(s => ExportToolRunner.Run("ffprobe", "-v", "error", "-show_entries", "format_tags=time_reference", "-of", "default=nw=1:nk=1", Path.Combine(export.Files.Folder, s.FileName)).Trim())
                .ToList();
            output.WriteLine("ffprobe time_reference: " + string.Join(", ", references));
            Assert.Single(references.Distinct());
            Assert.Equal((take.OriginSamples - timeline.CountInFrames - timeline.PreRollFrames).ToString(CultureInfo.InvariantCulture), references[0]);

            // the monitor played during the take, steering the boxes' drift by stretching (within ±0.2 %),
            // and nothing was silenced or skipped
            Assert.Equal(Octomix.Desk.Monitor.MonitorState.Playing, midTake.State);
            Assert.InRange(midTake.PlayoutRatio, 0.998, 1.002);
            Assert.Equal(0, midTake.FramesSilenced);

            // every box played the mix back
            Assert.Equal(4, playback.Playing.Count);
            Assert.True(playback.FramesSent > 0);
        }
        finally
        {
            log.WriteTo(output);
        }
    }

    private static string Describe(ConsoleEngine engine) => string.Join("; ", engine.Snapshot().Tracks.Select(t => $"{t.Track.Name}: {string.Join(", ", t.Readiness.Reasons)}"));
}
