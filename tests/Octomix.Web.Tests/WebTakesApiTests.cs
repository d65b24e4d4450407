using System.Buffers.Binary;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Octomix.Console.Tests;
using Octomix.Desk.Engine;
using Octomix.Desk.Sessions;

namespace Octomix.Web.Tests;

/// <summary>
/// The takes, transport and mixer half of the API over a real engine and scripted boxes
/// (<see cref="FakeBox"/>) on loopback UDP: takes and their downloads, stop → collect → write,
/// the strips' mix, rename/remove, render mix, bad input.
/// </summary>
public sealed class WebTakesApiTests
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>What each box "recorded": s16 stereo, every sample this value (well below full scale: the mix is not lowered).</summary>
    private const short AnnaLevel = 1000;
    private const short BenLevel = 3000;

    [Fact]
    public async Task A_recorded_take_is_collected_written_listed_with_its_files_and_each_file_downloads_as_it_is_on_disk()
    {
        await using var rig = await WebRig.StartAsync(["Anna", "Ben"]);
        using var anna = Box(rig, "Anna");
        using var ben = Box(rig, "Ben");
        var take = await RecordStopAndWaitWrittenAsync(rig, [anna, ben], seconds: 0.5);

        var takes = await rig.Http.GetFromJsonAsync<List<WebTakeEntry>>($"/api/sessions/{rig.Engine.Session.Id}/takes", Json);
        var entry = Assert.Single(takes!);
        Assert.Equal(take.Id, entry.Id);
        Assert.Equal("complete", entry.State);
        Assert.True(entry.Written);
        Assert.Equal(["Anna", "Ben"], entry.Tracks);
        Assert.Empty(entry.Problems);
        Assert.Equal(["stem", "stem", "mix", "rpp", "lof"], entry.Files.Select(f => f.Kind));
        Assert.Equal(["Unit_1_Anna.wav", "Unit_1_Ben.wav", "Unit_1_mix.wav", "Unit_1.rpp", "Unit_1.lof"], entry.Files.Select(f => f.Name));
        string folder = rig.Engine.Store.Take(take.Id)!.Folder!;
        Assert.Equal(entry.Files.Sum(f => new FileInfo(Path.Combine(folder, f.Name)).Length), entry.SizeBytes);
        // the mix spans both stems: 0.5 s of audio
        Assert.InRange(entry.DurationSeconds!.Value, 0.49, 0.51);

        foreach (var file in entry.Files)
        {
            var response = await rig.Http.GetAsync(file.Url);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal(await File.ReadAllBytesAsync(Path.Combine(folder, file.Name)), await response.Content.ReadAsByteArrayAsync());
            Assert.Equal(file.Name, response.Content.Headers.ContentDisposition?.FileName?.Trim('"'));
        }

        // the stem holds what the box recorded, byte for byte
        var stem = WavData.Open(Path.Combine(folder, "Unit_1_Anna.wav"));
        Assert.Equal(anna.CardData.Length, stem.DataBytes);

        // nothing else of the machine, nor of the folder, is served
        await File.WriteAllTextAsync(Path.Combine(folder, "notes.txt"), "the engineer's own");
        string[] refused =
        [
            $"/api/takes/{take.Id}/files/notes.txt",
            $"/api/takes/{take.Id}/files/..%2F..%2Fconsole.db",
            $"/api/takes/{take.Id}/files/..%2F..%2F..%2Fetc%2Fpasswd",
            $"/api/takes/{take.Id}/files/%2Fetc%2Fpasswd",
            $"/api/takes/{take.Id}/files/Unit_1_anna.wav",
            $"/api/takes/{take.Id}/files/..",
            $"/api/takes/{take.Id + 1}/files/Unit_1_Anna.wav",
            "/api/takes/0/files/Unit_1_Anna.wav",
        ];
        foreach (string url in refused)
        {
            var response = await rig.Http.GetAsync(url);
            Assert.True(response.StatusCode == HttpStatusCode.NotFound, $"{url}: {response.StatusCode}");
        }

        Assert.Equal(HttpStatusCode.NotFound, (await rig.Http.GetAsync("/api/sessions/999999/takes")).StatusCode);
    }

    [Fact]
    public async Task Render_mix_uses_the_present_faders_so_minus_6_dB_halves_one_tracks_contribution_without_recollecting()
    {
        await using var rig = await WebRig.StartAsync(["Anna", "Ben"]);
        using var anna = Box(rig, "Anna");
        using var ben = Box(rig, "Ben");
        var take = await RecordStopAndWaitWrittenAsync(rig, [anna, ben], seconds: 0.5);
        var tracks = rig.Engine.Tracks.ToDictionary(t => t.Name);
        string folder = rig.Engine.Store.Take(take.Id)!.Folder!;
        string mixPath = Path.Combine(folder, "Unit_1_mix.wav");
        string stemPath = Path.Combine(folder, "Unit_1_Anna.wav");
        byte[] stemBefore = await File.ReadAllBytesAsync(stemPath);
        int requestsBefore = anna.FileRequests + ben.FileRequests;

        // both at 0 dB, centre: what the export wrote
        (int left, int right) both = MidFrame(mixPath);

        // Anna alone (Ben muted)
        await SetMixAsync(rig, tracks["Ben"].Id, new { mute = true });
        await RenderAsync(rig, take.Id);
        (int left, int right) annaAlone = MidFrame(mixPath);
        Assert.True(annaAlone.left > 0);
        Assert.True(Math.Abs(annaAlone.left - (both.left * AnnaLevel / (double)(AnnaLevel + BenLevel))) <= 1, $"{annaAlone} of {both}");

        // Anna at -6.02 dB (gain 1/2), Ben still muted: half of her contribution
        await SetMixAsync(rig, tracks["Anna"].Id, new { faderDb = -20 * Math.Log10(2) });
        await RenderAsync(rig, take.Id);
        (int left, int right) annaHalf = MidFrame(mixPath);
        Assert.True(Math.Abs(annaHalf.left - (annaAlone.left / 2.0)) <= 1, $"{annaHalf} vs {annaAlone}");
        Assert.True(Math.Abs(annaHalf.right - (annaAlone.right / 2.0)) <= 1, $"{annaHalf} vs {annaAlone}");

        // Ben back: the sum lost exactly half of Anna's part
        await SetMixAsync(rig, tracks["Ben"].Id, new { mute = false });
        await RenderAsync(rig, take.Id);
        (int left, int right) sum = MidFrame(mixPath);
        Assert.True(Math.Abs(both.left - sum.left - (annaAlone.left / 2.0)) <= 2, $"{both} - {sum} vs {annaAlone}");

        // Anna panned hard left: nothing of her on the right, all of her (×1/2) on the left
        await SetMixAsync(rig, tracks["Ben"].Id, new { mute = true });
        await SetMixAsync(rig, tracks["Anna"].Id, new { pan = -1.0 });
        await RenderAsync(rig, take.Id);
        (int left, int right) hardLeft = MidFrame(mixPath);
        Assert.Equal(0, hardLeft.right);
        Assert.True(Math.Abs(hardLeft.left - (annaHalf.left * Math.Sqrt(2))) <= 2, $"{hardLeft} vs {annaHalf}");

        // the stems are as they were, the .rpp has the new settings, and no box was asked for anything
        Assert.Equal(stemBefore, await File.ReadAllBytesAsync(stemPath));
        Assert.Equal(requestsBefore, anna.FileRequests + ben.FileRequests);
        string rpp = await File.ReadAllTextAsync(Path.Combine(folder, "Unit_1.rpp"));
        Assert.Matches(@"VOLPAN 0\.(5 |49999)", rpp);
        Assert.Empty(Directory.GetFiles(folder, "*.rendering-*"));

        // a take that is not there, or not written: told
        Assert.Equal(HttpStatusCode.NotFound, (await rig.Http.PostAsync($"/api/takes/{take.Id + 7}/render", null)).StatusCode);
    }

    [Fact]
    public async Task Strip_mix_changes_are_persisted_and_bad_values_are_refused_with_the_reason()
    {
        await using var rig = await WebRig.StartAsync(["Anna"]);
        long id = rig.Engine.Tracks.Single().Id;
        var set = await rig.Http.PutAsJsonAsync($"/api/tracks/{id}/mix", new { faderDb = -3.5, pan = 0.25, mute = true, solo = true });
        Assert.Equal(HttpStatusCode.OK, set.StatusCode);
        var stored = rig.Engine.Store.Tracks(rig.Engine.Session.Id).Single();
        Assert.Equal((-3.5, 0.25, true, true), (stored.FaderDb, stored.Pan, stored.Mute, stored.Solo));
        var state = await rig.Http.GetFromJsonAsync<WebState>("/api/state", Json);
        Assert.Equal((-3.5, 0.25, true, true), (state!.Tracks[0].FaderDb, state.Tracks[0].Pan, state.Tracks[0].Mute, state.Tracks[0].Solo));

        // only what is given changes
        Assert.Equal(HttpStatusCode.OK, (await rig.Http.PutAsJsonAsync($"/api/tracks/{id}/mix", new { mute = false })).StatusCode);
        stored = rig.Engine.Store.Tracks(rig.Engine.Session.Id).Single();
        Assert.Equal((-3.5, 0.25, false, true), (stored.FaderDb, stored.Pan, stored.Mute, stored.Solo));

        foreach (var (body, message) in new (object Body, string Message)[]
        {
            (new { faderDb = 12.5 }, "fader 12.5 dB"),
            (new { faderDb = -500.0 }, "fader -500 dB"),
            (new { pan = 1.5 }, "pan 1.5"),
            (new { pan = -2.0, faderDb = 20.0 }, "pan -2"),
        })
        {
            var response = await rig.Http.PutAsJsonAsync($"/api/tracks/{id}/mix", body);
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Contains(message, (await response.Content.ReadFromJsonAsync<ApiError>(Json))!.Error, StringComparison.Ordinal);
        }

        stored = rig.Engine.Store.Tracks(rig.Engine.Session.Id).Single();
        Assert.Equal((-3.5, 0.25, false, true), (stored.FaderDb, stored.Pan, stored.Mute, stored.Solo));
        Assert.Equal(HttpStatusCode.NotFound, (await rig.Http.PutAsJsonAsync("/api/tracks/999999/mix", new { mute = true })).StatusCode);
    }

    [Fact]
    public async Task Tracks_are_added_renamed_and_removed_and_bad_names_get_a_4xx()
    {
        await using var rig = await WebRig.StartAsync(["Anna", "Ben"]);
        var ids = rig.Engine.Tracks.ToDictionary(t => t.Name, t => t.Id);

        foreach (var (name, status, message) in new (string Name, HttpStatusCode Status, string Message)[]
        {
            ("", HttpStatusCode.BadRequest, "track name: empty"),
            ("   ", HttpStatusCode.BadRequest, "track name: empty"),
            ("a/b", HttpStatusCode.BadRequest, "no control characters"),
            ("tab\there", HttpStatusCode.BadRequest, "no control characters"),
            (new string('x', 65), HttpStatusCode.BadRequest, "65 characters, at most 64"),
            ("ben", HttpStatusCode.Conflict, "a track named \"ben\" already"),
        })
        {
            var add = await rig.Http.PostAsJsonAsync("/api/tracks", new { name });
            Assert.Equal(status, add.StatusCode);
            Assert.Contains(message, (await add.Content.ReadFromJsonAsync<ApiError>(Json))!.Error, StringComparison.Ordinal);
            var rename = await rig.Http.PatchAsJsonAsync($"/api/tracks/{ids["Anna"]}", new { name });
            Assert.Equal(status, rename.StatusCode);
            Assert.Contains(message, (await rename.Content.ReadFromJsonAsync<ApiError>(Json))!.Error, StringComparison.Ordinal);
        }

        Assert.Equal(["Anna", "Ben"], rig.Engine.Tracks.Select(t => t.Name));

        Assert.Equal(HttpStatusCode.OK, (await rig.Http.PatchAsJsonAsync($"/api/tracks/{ids["Anna"]}", new { name = "Anna (vox)" })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await rig.Http.PatchAsJsonAsync($"/api/tracks/{ids["Ben"]}", new { name = "BEN" })).StatusCode); // its own name, another case
        Assert.Equal(HttpStatusCode.Created, (await rig.Http.PostAsJsonAsync("/api/tracks", new { name = "Chloé" })).StatusCode);
        Assert.Equal(["Anna (vox)", "BEN", "Chloé"], rig.Engine.Tracks.Select(t => t.Name));

        Assert.Equal(HttpStatusCode.OK, (await rig.Http.DeleteAsync($"/api/tracks/{ids["Anna"]}")).StatusCode);
        Assert.Equal([("BEN", 1), ("Chloé", 2)], rig.Engine.Tracks.Select(t => (t.Name, t.Position)));
        Assert.Equal(HttpStatusCode.NotFound, (await rig.Http.DeleteAsync($"/api/tracks/{ids["Anna"]}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await rig.Http.PatchAsJsonAsync("/api/tracks/999999", new { name = "X" })).StatusCode);
    }

    [Fact]
    public async Task A_track_that_recorded_a_take_is_not_removed_and_the_page_is_told_why()
    {
        await using var rig = await WebRig.StartAsync(["Anna"]);
        using var anna = Box(rig, "Anna");
        await RecordStopAndWaitWrittenAsync(rig, [anna], seconds: 0.25);
        var remove = await rig.Http.DeleteAsync($"/api/tracks/{rig.Engine.Tracks.Single().Id}");
        Assert.Equal(HttpStatusCode.Conflict, remove.StatusCode);
        Assert.Contains("is in take 1", (await remove.Content.ReadFromJsonAsync<ApiError>(Json))!.Error, StringComparison.Ordinal);
        Assert.Single(rig.Engine.Tracks);
    }

    [Fact]
    public async Task Record_into_a_recordings_folder_that_cannot_be_written_is_refused_with_a_4xx_and_no_take()
    {
        await using var rig = await WebRig.StartAsync(["Anna"], recordingsNotWritable: true);
        using var anna = Box(rig, "Anna");
        await WaitReadyAsync(rig, 1);
        var record = await rig.Http.PostAsync("/api/transport/record", null);
        Assert.Equal(HttpStatusCode.Conflict, record.StatusCode);
        Assert.Contains("is not writable", (await record.Content.ReadFromJsonAsync<ApiError>(Json))!.Error, StringComparison.Ordinal);
        Assert.Empty(rig.Engine.Store.Takes(rig.Engine.Session.Id));
        Assert.Empty(anna.Records);
        Assert.True(File.Exists(rig.RecordingsFolder)); // still the file it was
    }

    [Fact]
    public async Task Play_and_render_before_a_written_take_are_refused_and_stop_without_a_take_too()
    {
        await using var rig = await WebRig.StartAsync(["Anna"]);
        Assert.Equal(HttpStatusCode.Conflict, (await rig.Http.PostAsync("/api/transport/play", null)).StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await rig.Http.PostAsync("/api/transport/collect", null)).StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await rig.Http.PostAsync("/api/transport/stop", null)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await rig.Http.PostAsync("/api/takes/12345/render", null)).StatusCode);
    }

    [Fact]
    public async Task A_written_take_plays_back_to_every_box_in_the_background()
    {
        await using var rig = await WebRig.StartAsync(["Anna"]);
        using var anna = Box(rig, "Anna");
        await RecordStopAndWaitWrittenAsync(rig, [anna], seconds: 0.25);
        var play = await rig.Http.PostAsync("/api/transport/play", null);
        Assert.Equal(HttpStatusCode.Accepted, play.StatusCode);
        WebState? state = null;
        Assert.True(await Wait.UntilAsync(
            () =>
            {
                state = rig.Http.GetFromJsonAsync<WebState>("/api/state", Json).GetAwaiter().GetResult();
                return state!.Activity == null && state.ActivityMessage != null;
            },
            TimeSpan.FromSeconds(20)));
        Assert.StartsWith("take 1 played back to 1 box(es)", state!.ActivityMessage, StringComparison.Ordinal);
    }

    private static FakeBox Box(WebRig rig, string name)
    {
        var box = new FakeBox(rig.Engine.LocalServer!.Port, WebRig.JoinCode, name, seed: name.Length);
        box.Start();
        return box;
    }

    private static async Task WaitReadyAsync(WebRig rig, int count) =>
        Assert.True(await rig.Engine.WaitForReadyAsync(count, TimeSpan.FromSeconds(20), CancellationToken.None), string.Join("; ", rig.Engine.Snapshot().Tracks.Select(t => $"{t.Track.Name}: {string.Join(", ", t.Readiness.Reasons)}")));

    /// <summary>Record and stop through the API; the boxes' cards hold constant levels; waits until the take folder is written.</summary>
    private static async Task<TakeInfo> RecordStopAndWaitWrittenAsync(WebRig rig, IReadOnlyList<FakeBox> boxes, double seconds)
    {
        await WaitReadyAsync(rig, boxes.Count);
        var record = await rig.Http.PostAsync("/api/transport/record", null);
        Assert.Equal(HttpStatusCode.OK, record.StatusCode);
        var take = rig.Engine.CurrentTake!.Info;
        foreach (var box in boxes)
        {
            box.CardData = Constant(box.Name == "Ben" ? BenLevel : AnnaLevel, (int)(seconds * take.SampleRate));
            box.FirstSample = take.Timeline.FirstSampleIndex(box.Latency);
        }

        Assert.Equal(HttpStatusCode.OK, (await rig.Http.PostAsync("/api/transport/stop", null)).StatusCode);
        WebState? state = null;
        Assert.True(
            await Wait.UntilAsync(
                () =>
                {
                    state = rig.Http.GetFromJsonAsync<WebState>("/api/state", Json).GetAwaiter().GetResult();
                    return state!.Take is { Written: true } && state.Activity == null;
                },
                TimeSpan.FromSeconds(30)),
            $"take written: {state?.Take?.State} {state?.Activity} {state?.ActivityMessage}");
        Assert.Equal("complete", state!.Take!.State);
        Assert.All(state.Take.Tracks, t => Assert.Equal(100, t.ProgressPercent));
        Assert.StartsWith("take 1 written to ", state.ActivityMessage, StringComparison.Ordinal);
        return rig.Engine.Store.Take(take.Id)!;
    }

    private static byte[] Constant(short level, int frames)
    {
        var data = new byte[frames * 4];
        for (int i = 0; i < frames * 2; i++)
        {
            BinaryPrimitives.WriteInt16LittleEndian(data.AsSpan(2 * i), level);
        }

        return data;
    }

    private static async Task SetMixAsync(WebRig rig, long track, object change)
    {
        var response = await rig.Http.PutAsJsonAsync($"/api/tracks/{track}/mix", change);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
    }

    private static async Task RenderAsync(WebRig rig, uint take)
    {
        var response = await rig.Http.PostAsync($"/api/takes/{take}/render", null);
        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        var result = await response.Content.ReadFromJsonAsync<RenderResult>(Json);
        Assert.Equal(0, result!.GainDb);
    }

    /// <summary>The 24-bit mix's middle frame (left, right).</summary>
    private static (int Left, int Right) MidFrame(string mix)
    {
        var wav = WavData.Open(mix);
        Assert.Equal((2, 3), (wav.Channels, wav.BytesPerSample));
        long frames = wav.DataBytes / wav.FrameBytes;
        using var file = File.OpenRead(mix);
        file.Position = wav.DataOffset + (frames / 2 * wav.FrameBytes);
        var frame = new byte[6];
        file.ReadExactly(frame);
        static int S24(byte[] b, int o) => (b[o] | (b[o + 1] << 8) | ((sbyte)b[o + 2] << 16));
        return (S24(frame, 0), S24(frame, 3));
    }
}
