using System.Net;
using Microsoft.Extensions.Logging;
using Octomix.Box;
using Octomix.Cli;
using Octomix.Desk.Engine;
using Octomix.Desk.Sessions;
using Octomix.Protocol;
using Octomix.Server;
using Octomix.Tests.Shared;
using Xunit.Abstractions;

namespace Octomix.Console.Tests;

/// <summary>
/// Reconnection end to end (issue 10, items 1–3): a real server, the real console engine and
/// real-time simulated boxes running the firmware, each box behind its own
/// <see cref="UdpImpairmentProxy"/> (loss, jitter, duplication, reordering) on loopback UDP. A
/// NAT rebinding of every box, a server restart and a box offline at Stop each end in a complete
/// take whose stems' audio data are the cards' files byte for byte.
/// </summary>
[Collection(RealTimeBoxes.Name)]
public class ReconnectFaultTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(40);
    private static readonly Impairment Network = new(LossPercent: 2, DelayMilliseconds: 2, JitterMilliseconds: 10, DuplicatePercent: 1, ReorderPercent: 1);

    [Fact]
    public async Task EveryBoxRebindingMidTakeStillGivesEveryStemCompleteAndEqualToItsCard()
    {
        await using var rig = await Rig.StartAsync("REBIND-1", 3, output);
        try
        {
            var take = await rig.RecordAsync(seconds: 1.5);
            foreach (var proxy in rig.Proxies)
            {
                proxy.Rebind();
            }

            await rig.RecordedAsync(take, seconds: 3);
            Assert.True(await Wait.UntilAsync(() => rig.Server!.GetStatus().Rooms[0].Rebinds >= rig.Proxies.Count, Patience), "the server moved every slot to its new port");
            await rig.StopCollectExportAndCompareAsync(take);

            var room = rig.Server!.GetStatus().Rooms[0];
            output.WriteLine($"rebinds {room.Rebinds}, rejoins {room.Rejoins}, not-member drops {room.Drops[DropReason.NotMember]}");
            Assert.All(rig.Studio.Boxes, b => Assert.Equal(0, b.Controller.Rejoins)); // a rebinding needs no rejoin
            Assert.All(rig.Studio.Boxes, b => Assert.Equal(BoxState.Ready, b.Controller.State));
        }
        finally
        {
            rig.Log.WriteTo(output);
        }
    }

    [Fact]
    public async Task TheServerStoppedMidTakeAndRestartedOnTheSamePortGivesACompleteTake()
    {
        await using var rig = await Rig.StartAsync("RESTART-1", 2, output);
        try
        {
            var take = await rig.RecordAsync(seconds: 1.5);
            int port = rig.Server!.Ports[0];
            rig.Server.Dispose();
            rig.Server = null;
            await Task.Delay(TimeSpan.FromSeconds(3));
            Assert.All(rig.Studio.Boxes, b => Assert.Equal(BoxState.Recording, b.Controller.State));
            rig.Server = Rig.StartServer("RESTART-1", port);

            Assert.True(
                await Wait.UntilAsync(() => rig.Studio.Boxes.All(b => b.Controller.Membership == MembershipState.Member && b.Controller.Rejoins >= 1) && rig.Engine.Link.IsJoined, Patience),
                "every box and the console rejoined: " + string.Join(", ", rig.Studio.Boxes.Select(b => b.Controller.Membership)));
            Assert.All(rig.Studio.Boxes, b => Assert.Equal(BoxState.Recording, b.Controller.State)); // recording to the card throughout
            var room = rig.Server.GetStatus().Rooms[0];
            Assert.Equal(rig.Studio.Boxes.Count + 1, room.Rejoins); // every slot and token given back
            Assert.Equal(rig.Studio.Boxes.Select(b => (int)b.Controller.RoomSlot).Order(), room.Slots.Where(s => s.Role == SlotRole.Jammer).Select(s => s.Slot).Order());

            await rig.RecordedAsync(take, seconds: 1);
            await rig.StopCollectExportAndCompareAsync(take);
            Assert.True(rig.Engine.Link.Rejoins >= 1);
        }
        finally
        {
            rig.Log.WriteTo(output);
        }
    }

    [Fact]
    public async Task ABoxOfflineAtStopIsStoppedWhenItReturnsAndALaterConsoleCollectsItIntoTheWholeTakeFolder()
    {
        // one FileInfo round (2 s) before a track counts as unanswered: the first collection gives up on the offline box quickly
        await using var rig = await Rig.StartAsync("OFFLINE-1", 2, output, new CollectionOptions { FileInfoRounds = 1 });
        try
        {
            var take = await rig.RecordAsync(seconds: 1.5);
            var ben = rig.Studio.Boxes[1].Controller;
            rig.Proxies[1].Offline = true;
            await Task.Delay(300);

            var stop = await rig.Engine.StopAsync(CancellationToken.None);
            Assert.Equal(["Anna"], stop.Stopped);
            Assert.Equal("Ben", Assert.Single(stop.Problems).TrackName);
            long end = rig.Engine.CurrentTake!.EndIndex;
            Assert.True(end > 0, "the take's end is known from Anna's stop");
            var first = await rig.Engine.CollectAsync(CancellationToken.None);
            Assert.False(first.Complete);
            Assert.Equal("Ben", Assert.Single(first.Incomplete).TrackName);
            var partial = await rig.Engine.ExportAsync(null, allowIncomplete: true, CancellationToken.None);
            Assert.Equal(["Ben"], partial.LeftOut);
            Assert.Equal(BoxState.Recording, ben.State); // offline, it records on to its card

            // the console is closed; Ben comes back; a later console run re-opens the take
            await rig.RestartEngineAsync();
            rig.Proxies[1].Offline = false;
            Assert.True(await Wait.UntilAsync(() => ben.State != BoxState.Recording, Patience), "Ben was stopped when he came back: " + ben.State);
            Assert.True(rig.Log.Contains("box Ben still records take 1: it missed the Stop; stopping it"));
            Assert.True(ben.Rejoins >= 1);
            Assert.Equal(2, rig.Engine.CurrentTake!.Tracks.Count); // Anna (complete) kept, Ben to collect
            Assert.Equal(end, rig.Engine.CurrentTake.EndIndex);

            var second = await rig.Engine.CollectAsync(CancellationToken.None);
            Assert.True(second.Complete, string.Join("; ", second.Incomplete.Select(t => t.Problem)));
            var export = await rig.Engine.ExportAsync(null, false, CancellationToken.None);
            Assert.Equal(partial.Files.Folder, export.Files.Folder);
            var benTrack = rig.Engine.CurrentTake!.Tracks.Single(t => t.Info.TrackName == "Ben").Info;
            long benTrimmed = (end - benTrack.FirstSampleIndex) * benTrack.FrameBytes;
            rig.AssertStemsAreTheCards(take.Id, export, new Dictionary<string, long> { ["Ben"] = benTrimmed });
            output.WriteLine($"take end {end}; Ben's card {benTrack.DataBytes} bytes, stem {benTrimmed} bytes");

            // the whole folder, written again at once: both stems, the mix of both, .rpp and .lof naming both
            var files = Directory.EnumerateFiles(export.Files.Folder).Select(Path.GetFileName).Order().ToList();
            Assert.Equal(5, files.Count);
            Assert.Equal(2, files.Count(f => f!.EndsWith(".wav", StringComparison.Ordinal) && !f.EndsWith("_mix.wav", StringComparison.Ordinal)));
            Assert.Contains("Ben", File.ReadAllText(Path.Combine(export.Files.Folder, export.Files.ReaperProjectFile)), StringComparison.Ordinal);
            Assert.Contains("Anna", File.ReadAllText(Path.Combine(export.Files.Folder, export.Files.AudacityProjectFile)), StringComparison.Ordinal);
            Assert.True(export.Files.Mix.Frames > benTrimmed / benTrack.FrameBytes - take.Info.SampleRate, "the mix covers the take");
            Assert.DoesNotContain(Directory.EnumerateDirectories(Path.GetDirectoryName(export.Files.Folder)!), d => d.Contains(".writing-", StringComparison.Ordinal) || d.Contains(".old-", StringComparison.Ordinal));
        }
        finally
        {
            rig.Log.WriteTo(output);
        }
    }

    [Fact]
    public async Task ABoxPowerCutMidTakeAndRestartedRepairsItsFileLosesAtMostASecondAndTheTakeCompletesWithTheGapMarked()
    {
        await using var rig = await Rig.StartAsync("POWER-1", 2, output);
        try
        {
            var take = await rig.RecordAsync(seconds: 2.5);
            long captured = rig.Studio.Boxes[1].Controller.Recorder.FramesSoFar;
            rig.Studio.PowerCut(1);
            var rebooted = rig.Studio.Restart(1).Controller;
            Assert.True(await Wait.UntilAsync(() => rebooted.State == BoxState.Ready, Patience), "Ben booted again and is ready: " + rebooted.State);
            Assert.True(rig.Log.Contains("repair takes/take-"), "Ben repaired the take's file at boot");

            await rig.RecordedAsync(take, seconds: 3.5, rig.Studio.Boxes.Take(1));
            await rig.Engine.StopAsync(CancellationToken.None);
            var collection = await rig.Engine.CollectAsync(CancellationToken.None);
            Assert.True(collection.Complete, string.Join("; ", collection.Incomplete.Select(t => t.Problem)));
            var export = await rig.Engine.ExportAsync(null, false, CancellationToken.None);
            rig.AssertStemsAreTheCards(take.Id, export);

            var ben = export.Files.Stems.Single(s => s.TrackName == "Ben");
            long lost = captured - ben.Frames;
            output.WriteLine($"Ben captured {captured} frames before the cut; the repaired file and the stem hold {ben.Frames} ({lost * 1000 / take.Info.SampleRate} ms lost)");
            Assert.InRange(lost, 0, take.Info.SampleRate); // at most 1 s
            var benInfo = rig.Engine.CurrentTake!.Tracks.Single(t => t.Info.TrackName == "Ben").Info;
            Assert.Equal(TakeTrackState.Complete, benInfo.State);
            Assert.Contains("before the take's end", benInfo.Problem, StringComparison.Ordinal); // the gap is marked
            Assert.True(rig.Log.Contains("ends"), "the gap is in the log");
        }
        finally
        {
            rig.Log.WriteTo(output);
        }
    }

    /// <summary>A server, the console engine joined to it, and boxes each behind a proxy.</summary>
    internal sealed class Rig : IAsyncDisposable
    {
        private Rig(string root, TestLog log, ILoggerFactory loggers)
        {
            Root = root;
            Log = log;
            Loggers = loggers;
        }

        public string Root { get; }

        public TestLog Log { get; }

        public ILoggerFactory Loggers { get; }

        public BroadcastServer? Server { get; set; }

        public List<UdpImpairmentProxy> Proxies { get; } = [];

        public SimulatedStudio Studio { get; private set; } = null!;

        public ConsoleEngine Engine { get; private set; } = null!;

        public IReadOnlyList<StudioMusician> Musicians { get; private set; } = [];

        public ConsoleEngineOptions Options { get; private set; } = null!;

        /// <summary>The console is closed and started again on the same session database (a later run).</summary>
        public async Task RestartEngineAsync()
        {
            await Engine.DisposeAsync();
            Engine = await ConsoleEngine.StartAsync(Options, Loggers, CancellationToken.None);
        }

        public static BroadcastServer StartServer(string code, int port) => BroadcastServer.Start(new ServerOptions
        {
            RoomCount = 1,
            FirstPort = port,
            BindAddress = IPAddress.Loopback,
            JoinCodes = [code],
            JoinBurst = 100, // every box and the console share 127.0.0.1 here
            JoinRatePerSecond = 100,
        });

        public static async Task<Rig> StartAsync(string code, int boxes, ITestOutputHelper output, CollectionOptions? collection = null)
        {
            var log = new TestLog();
            var rig = new Rig(ExportToolRunner.TempDirectory(), log, log.Factory());
            rig.Server = StartServer(code, 0);
            int port = rig.Server.Ports[0];
            rig.Musicians = SimulatedStudio.DemoMusicians(lossPercent: 0).Take(boxes).ToList();
            var server = new IPEndPoint(IPAddress.Loopback, port);
            for (int i = 0; i < boxes; i++)
            {
                rig.Proxies.Add(new UdpImpairmentProxy(server, Network, seed: 7 + i));
            }

            var session = new SessionInfo { Name = "Faults", JoinCode = code, TempoCentiBpm = 12000, CountInBars = 1 };
            var options = new ConsoleEngineOptions
            {
                DatabasePath = Path.Combine(rig.Root, "console.db"),
                RecordingsFolder = Path.Combine(rig.Root, "recordings"),
                Session = session,
                Tracks = rig.Musicians.Select(m => m.Name).ToList(),
                Server = "127.0.0.1:" + port,
                Monitor = "none",
                Collection = collection ?? new CollectionOptions(),
            };
            rig.Options = options;
            rig.Engine = await ConsoleEngine.StartAsync(options, rig.Loggers, CancellationToken.None);
            rig.Studio = new SimulatedStudio(rig.Root, "127.0.0.1", port, code, rig.Musicians, (name, level, text) => log.Add("box " + name, $"[{level}] {text}"), rig.Proxies.Select(p => p.Port).ToList());
            rig.Studio.Start();
            Assert.True(await rig.Engine.WaitForReadyAsync(boxes, TimeSpan.FromSeconds(60), CancellationToken.None), "ready boxes");
            return rig;
        }

        /// <summary>Starts a take on every box and waits until each recorded <paramref name="seconds"/> of it.</summary>
        public async Task<OpenTake> RecordAsync(double seconds)
        {
            var record = await Engine.RecordAsync(CancellationToken.None);
            Assert.True(record.Started, string.Join("; ", record.NotRecording));
            Assert.Equal(Studio.Boxes.Count, record.Recording.Count);
            await RecordedAsync(record.Take!, seconds);
            return Engine.CurrentTake!;
        }

        public async Task RecordedAsync(TakeInfo take, double seconds) => await RecordedAsync(take.Id, take.SampleRate, seconds);

        public async Task RecordedAsync(OpenTake take, double seconds, IEnumerable<Octomix.Board.Simulated.SimulatedBox>? boxes = null) => await RecordedAsync(take.Id, take.Info.SampleRate, seconds, boxes);

        /// <summary>Stop, collection, export; the take is complete and every stem's audio data is its card's file.</summary>
        public async Task<ExportOutcome> StopCollectExportAndCompareAsync(OpenTake take)
        {
            await Engine.StopAsync(CancellationToken.None);
            var collection = await Engine.CollectAsync(CancellationToken.None);
            Assert.True(collection.Complete, string.Join("; ", collection.Incomplete.Select(t => t.Problem)));
            var export = await Engine.ExportAsync(null, false, CancellationToken.None);
            AssertStemsAreTheCards(take.Id, export);
            return export;
        }

        public void AssertStemsAreTheCards(uint takeId, ExportOutcome export, IReadOnlyDictionary<string, long>? trimmedTo = null)
        {
            Assert.Equal(Musicians.Count, export.Files.Stems.Count);
            for (int i = 0; i < Musicians.Count; i++)
            {
                var m = Musicians[i];
                var stem = export.Files.Stems.Single(s => s.TrackName == m.Name);
                byte[] stemData = Data(Path.Combine(export.Files.Folder, stem.FileName));
                byte[] cardData = Data(Studio.TakeFile(i, takeId));
                if (trimmedTo != null && trimmedTo.TryGetValue(m.Name, out long bytes))
                {
                    Assert.Equal(bytes, stemData.Length);
                    Assert.True(cardData.Length > bytes, $"{m.Name}: the card holds more than the take ({cardData.Length} > {bytes})");
                    cardData = cardData[..(int)bytes];
                }

                Assert.Equal(cardData.Length, stemData.Length);
                Assert.True(cardData.AsSpan().SequenceEqual(stemData), $"{m.Name}: stem data equals the card's");
            }
        }

        public async ValueTask DisposeAsync()
        {
            Studio?.Dispose();
            if (Engine != null)
            {
                await Engine.DisposeAsync();
            }

            foreach (var p in Proxies)
            {
                p.Dispose();
            }

            Server?.Dispose();
            Loggers.Dispose();
        }

        public static byte[] Data(string wav)
        {
            var layout = WavData.Open(wav);
            using var file = File.OpenRead(wav);
            file.Position = layout.DataOffset;
            var data = new byte[layout.DataBytes];
            file.ReadExactly(data);
            return data;
        }

        private async Task RecordedAsync(uint takeId, int rate, double seconds, IEnumerable<Octomix.Board.Simulated.SimulatedBox>? boxes = null)
        {
            long until = (long)(seconds * rate);
            var which = (boxes ?? Studio.Boxes).ToList();
            Assert.True(
                await Wait.UntilAsync(() => which.All(b => b.Controller.CurrentTakeId == takeId && b.Controller.Timeline.TakeIndexAt(b.Controller.Position) > until), Patience),
                $"the boxes recorded {seconds} s of the take");
        }
    }
}
