using System.Buffers.Binary;
using System.Diagnostics;
using System.Net;
using System.Net.WebSockets;
using System.Text.Json;
using Octomix.Desk.Engine;
using Octomix.Desk.Sessions;

namespace Octomix.Web.Tests;

/// <summary>The live half over a real Kestrel and a real engine: typed events, meters, the monitor's WebSocket (docs/web-console.md).</summary>
public sealed class WebLiveTests
{
    [Fact]
    public async Task Two_pages_get_the_same_typed_events_and_state_and_the_log_is_derived_from_them()
    {
        await using var rig = await WebRig.StartAsync(["Anna", "Ben"]);
        var typed = new List<EngineEvent>();
        using var subscription = rig.Engine.Subscribe(e =>
        {
            lock (typed)
            {
                typed.Add(e);
            }
        });
        await using var first = await EventStreamReader.OpenAsync(rig.Http, "/api/live");
        await using var second = await EventStreamReader.OpenAsync(rig.Http, "/api/live");
        await using var firstState = await EventStreamReader.OpenAsync(rig.Http, "/api/events");
        await using var secondState = await EventStreamReader.OpenAsync(rig.Http, "/api/events");

        // a new page starts from the state as it is: both tracks, not ready, and why
        foreach (var page in new[] { first, second })
        {
            Assert.True(await Wait.UntilAsync(() => page.Of("engine", "trackReadinessChanged").Count() >= 2, TimeSpan.FromSeconds(10)));
            var ben = page.Of("engine", "trackReadinessChanged").First(e => (string?)e["track"] == "Ben");
            Assert.False((bool)ben["ready"]!);
            Assert.Equal("no box", (string?)ben["reasons"]![0]);
        }

        using var box = new PlayingBoxes(rig, "Anna");
        Assert.True(await box.AllReadyAsync());
        foreach (var page in new[] { first, second })
        {
            Assert.True(await Wait.UntilAsync(() => page.Of("engine", "trackReadinessChanged").Any(e => (string?)e["track"] == "Anna" && (bool)e["ready"]!), TimeSpan.FromSeconds(10)));
            Assert.True(await Wait.UntilAsync(() => page.Of("engine", "trackBound").Any(e => (string?)e["box"] == "Anna"), TimeSpan.FromSeconds(10)));
            Assert.True(await Wait.UntilAsync(() => page.Of("engine", "linkHealth").Any(e => (string?)e["track"] == "Anna" && e["latencySamples"] != null && (int)e["latencySamples"]! == 805), TimeSpan.FromSeconds(10)));
        }

        // both state streams show Anna ready: the same state
        foreach (var page in new[] { firstState, secondState })
        {
            Assert.True(await Wait.UntilAsync(
                () => page.Of("state").Any(s => s["tracks"]!.AsArray().Any(t => (string?)t!["name"] == "Anna" && (bool)t["ready"]!)),
                TimeSpan.FromSeconds(10)));
        }

        // the typed events are records, and the string log has the line of each logged one
        TrackBound bound;
        lock (typed)
        {
            bound = typed.OfType<TrackBound>().Single(b => b.Box == "Anna");
            Assert.Contains(typed.OfType<TrackReadinessChanged>(), r => r.Track == "Anna" && r.Ready);
        }

        Assert.Equal("Anna", bound.Track);
        Assert.Equal(1, bound.Position);
        Assert.Contains(rig.Engine.Snapshot().Events, line => line.EndsWith(bound.Describe(), StringComparison.Ordinal));

        // a take: both pages are told it records, then that it stopped and is collected
        var record = await rig.Http.PostAsync("/api/transport/record", null);
        Assert.Equal(HttpStatusCode.OK, record.StatusCode);
        await rig.Http.PostAsync("/api/transport/stop", null);
        foreach (var page in new[] { first, second })
        {
            Assert.True(await Wait.UntilAsync(() => page.Of("engine", "takeStateChanged").Any(e => (string?)e["state"] == "recording"), TimeSpan.FromSeconds(10)));
            Assert.True(await Wait.UntilAsync(() => page.Of("engine", "takeStateChanged").Any(e => (string?)e["state"] == "collecting"), TimeSpan.FromSeconds(10)));
        }

        lock (typed)
        {
            var states = typed.OfType<TakeStateChanged>().Select(t => t.State).ToList();
            Assert.Equal([TakeState.Recording, TakeState.Stopping, TakeState.Collecting], states.Take(3));
        }
    }

    [Fact]
    public async Task Meters_come_at_least_20_times_a_second_while_a_take_records_with_the_tone_the_box_plays()
    {
        await using var rig = await WebRig.StartAsync(["Anna"]);
        using var boxes = new PlayingBoxes(rig, "Anna");
        Assert.True(await boxes.AllReadyAsync());
        await using var page = await EventStreamReader.OpenAsync(rig.Http, "/api/live");
        var record = await rig.Engine.RecordAsync(CancellationToken.None);
        Assert.True(record.Started);
        boxes.Play(record.Take!.Id);

        // the first meters, then 3 s counted by this test's clock
        Assert.True(await Wait.UntilAsync(() => page.Of("meters").Any(), TimeSpan.FromSeconds(10)));
        var from = page.Events.Last(e => e.Name == "meters").At;
        await Task.Delay(TimeSpan.FromSeconds(3));
        var window = page.Events.Where(e => e.Name == "meters" && e.At > from).ToList();
        double seconds = (window[^1].At - from).TotalSeconds;
        double perSecond = window.Count / seconds;
        Assert.True(perSecond >= 20, $"{window.Count} meter updates in {seconds:0.00} s: {perSecond:0.0}/s, fewer than 20/s");
        Assert.True(perSecond <= 30, $"{perSecond:0.0}/s: more than the 25/s the engine reads");

        // the tone is in the meters: a track's meter reads its downmix (L + R), 2 × 8000/32768 is −6.2 dBFS
        Assert.True(await Wait.UntilAsync(
            () => page.Of("meters").Any(m => m["tracks"]!.AsArray().Any(t => (string?)t!["track"] == "Anna" && t["peakDb"]!.GetValueKind() == JsonValueKind.Number && Math.Abs((double)t["peakDb"]! + 6.2) < 1)),
            TimeSpan.FromSeconds(10)),
            "no meter reading of the tone: " + string.Join(" ", page.Of("meters").SelectMany(m => m["tracks"]!.AsArray()).Select(t => t!["peakDb"]!.ToJsonString()).Distinct().Take(30)));
        await rig.Engine.StopAsync(CancellationToken.None);
    }

    [Fact]
    public async Task The_monitor_websocket_streams_the_mix_in_framed_blocks_of_s16_stereo()
    {
        var monitor = new WebMonitor();
        await using var rig = await WebRig.StartAsync(["Anna", "Ben"], monitor: monitor);
        using var boxes = new PlayingBoxes(rig, "Anna", "Ben");
        Assert.True(await boxes.AllReadyAsync());

        using var socket = new ClientWebSocket();
        await socket.ConnectAsync(new Uri($"ws://127.0.0.1:{rig.Web.Url.Port}/api/monitor"), CancellationToken.None);
        Assert.True(await Wait.UntilAsync(() => monitor.Listeners == 1, TimeSpan.FromSeconds(5)));
        var record = await rig.Engine.RecordAsync(CancellationToken.None);
        boxes.Play(record.Take!.Id);
        Assert.Contains("web console", rig.Engine.Snapshot().Take!.MonitorOutput, StringComparison.Ordinal);

        var buffer = new byte[64 * 1024];
        long frames = 0, loud = 0;
        uint? lastSequence = null;
        var clock = Stopwatch.StartNew();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        while (frames < 48000 * 2 || loud == 0)
        {
            var r = await socket.ReceiveAsync(buffer, timeout.Token);
            Assert.Equal(WebSocketMessageType.Binary, r.MessageType);
            Assert.True(r.EndOfMessage);
            var b = buffer.AsSpan(0, r.Count);
            Assert.Equal(WebMonitor.Magic, BinaryPrimitives.ReadUInt32LittleEndian(b));
            uint sequence = BinaryPrimitives.ReadUInt32LittleEndian(b[4..]);
            Assert.Equal(48000u, BinaryPrimitives.ReadUInt32LittleEndian(b[8..]));
            Assert.Equal(2, BinaryPrimitives.ReadUInt16LittleEndian(b[12..]));
            int n = BinaryPrimitives.ReadUInt16LittleEndian(b[14..]);
            Assert.Equal(480, n); // 10 ms blocks
            Assert.Equal(WebMonitor.HeaderBytes + (n * 4), r.Count);
            uint delayMicros = BinaryPrimitives.ReadUInt32LittleEndian(b[16..]);
            Assert.InRange(delayMicros, 1_000u, 1_000_000u);
            if (lastSequence is uint last)
            {
                Assert.True(sequence > last, "blocks in order");
            }

            lastSequence = sequence;
            frames += n;
            int position = BinaryPrimitives.ReadInt32LittleEndian(b[20..]);
            for (int i = 0; i < n * 2; i++)
            {
                if (Math.Abs(BinaryPrimitives.ReadInt16LittleEndian(b[(WebMonitor.HeaderBytes + (2 * i))..])) > 2000 && position >= 0)
                {
                    loud++;
                    break;
                }
            }
        }

        // a real-time stream: about as many frames as the clock says (not a burst, not starved)
        Assert.InRange(frames, 48000L * 2, (long)(48000 * (clock.Elapsed.TotalSeconds + 1)));
        Assert.True(loud > 0);
        await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "done", CancellationToken.None);
        Assert.True(await Wait.UntilAsync(() => monitor.Listeners == 0, TimeSpan.FromSeconds(5)));
        await rig.Engine.StopAsync(CancellationToken.None);

        // without a WebSocket handshake: a 400 that says what it is
        var plain = await rig.Http.GetAsync("/api/monitor");
        Assert.Equal(HttpStatusCode.BadRequest, plain.StatusCode);
    }
}
