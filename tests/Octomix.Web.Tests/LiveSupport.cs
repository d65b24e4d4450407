using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Octomix.Console.Tests;

namespace Octomix.Web.Tests;

/// <summary>Fake boxes that join, turn ready and, once a take records, stream a tone in real time (what the monitor mixes).</summary>
internal sealed class PlayingBoxes : IDisposable
{
    private readonly WebRig _rig;
    private readonly CancellationTokenSource _stop = new();
    private Thread? _thread;

    public PlayingBoxes(WebRig rig, params string[] names)
    {
        _rig = rig;
        Boxes = [.. names.Select((n, i) => new FakeBox(rig.Engine.LocalServer!.Port, WebRig.JoinCode, n, seed: i + 1))];
        foreach (var b in Boxes)
        {
            b.Start();
        }
    }

    public IReadOnlyList<FakeBox> Boxes { get; }

    public long FramesSent { get; private set; }

    public Task<bool> AllReadyAsync() => Wait.UntilAsync(() => _rig.Engine.Snapshot().Tracks.Count(t => t.Readiness.Ready) >= Boxes.Count, TimeSpan.FromSeconds(20));

    /// <summary>Streams 20 ms of a tone per box every 20 ms of the clock, from each box's first sample of the take.</summary>
    public void Play(uint takeId)
    {
        var take = _rig.Engine.Snapshot().Take ?? throw new InvalidOperationException("no take");
        var first = Boxes.Select(b => take.Tracks.Single(t => t.BoxName == b.Name).FirstSampleIndex).ToArray();
        _thread = new Thread(() =>
        {
            const int chunk = 960;
            var pcm = new byte[chunk * 4];
            var clock = Stopwatch.StartNew();
            long sent = 0;
            while (!_stop.IsCancellationRequested)
            {
                long due = (long)(clock.Elapsed.TotalSeconds * 48000);
                while (sent + chunk <= due + 4800)
                {
                    for (int i = 0; i < chunk; i++)
                    {
                        short v = (short)(8000 * Math.Sin(2 * Math.PI * 440 * (sent + i) / 48000));
                        pcm[4 * i] = (byte)v;
                        pcm[(4 * i) + 1] = (byte)(v >> 8);
                        pcm[(4 * i) + 2] = (byte)v;
                        pcm[(4 * i) + 3] = (byte)(v >> 8);
                    }

                    for (int b = 0; b < Boxes.Count; b++)
                    {
                        Boxes[b].Stream(takeId, pcm, first[b] + sent);
                    }

                    sent += chunk;
                    FramesSent = sent;
                }

                _stop.Token.WaitHandle.WaitOne(10);
            }
        })
        { IsBackground = true, Name = "playing boxes" };
        _thread.Start();
    }

    public void Dispose()
    {
        _stop.Cancel();
        _thread?.Join(TimeSpan.FromSeconds(2));
        foreach (var b in Boxes)
        {
            b.Dispose();
        }
    }
}

/// <summary>One Server-Sent Events stream read on its own task: every event kept with its name and JSON.</summary>
internal sealed class EventStreamReader : IAsyncDisposable
{
    private readonly HttpResponseMessage _response;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _reading;
    private readonly Lock _lock = new();
    private readonly List<(string Name, JsonObject Data, TimeSpan At)> _events = [];
    private readonly Stopwatch _clock = Stopwatch.StartNew();

    private EventStreamReader(HttpResponseMessage response)
    {
        _response = response;
        _reading = Task.Run(ReadAsync);
    }

    public static async Task<EventStreamReader> OpenAsync(HttpClient http, string path)
    {
        var response = await http.GetAsync(path, HttpCompletionOption.ResponseHeadersRead);
        response.EnsureSuccessStatusCode();
        return new EventStreamReader(response);
    }

    public IReadOnlyList<(string Name, JsonObject Data, TimeSpan At)> Events
    {
        get
        {
            lock (_lock)
            {
                return [.. _events];
            }
        }
    }

    public IEnumerable<JsonObject> Of(string name, string? type = null) =>
        Events.Where(e => e.Name == name && (type == null || (string?)e.Data["type"] == type)).Select(e => e.Data);

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _response.Dispose();
        try
        {
            await _reading;
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or ObjectDisposedException or HttpRequestException)
        {
        }
    }

    private async Task ReadAsync()
    {
        using var reader = new StreamReader(await _response.Content.ReadAsStreamAsync(_stop.Token));
        string? name = null;
        while (!_stop.IsCancellationRequested)
        {
            string? line = await reader.ReadLineAsync(_stop.Token);
            if (line == null)
            {
                return;
            }

            if (line.StartsWith("event: ", StringComparison.Ordinal))
            {
                name = line["event: ".Length..];
            }
            else if (line.StartsWith("data: ", StringComparison.Ordinal) && name != null)
            {
                var data = JsonNode.Parse(line["data: ".Length..])!.AsObject();
                lock (_lock)
                {
                    _events.Add((name, data, _clock.Elapsed));
                }
            }
        }
    }
}

internal static class LiveJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web) { NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals };

    public static Task<WebState?> StateAsync(this WebRig rig) => rig.Http.GetFromJsonAsync<WebState>("/api/state", Options);
}
