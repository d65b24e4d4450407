using Microsoft.Data.Sqlite;
using Octomix.Desk.Sessions;

namespace Octomix.Console.Tests;

/// <summary>The session database: a real SQLite file, closed and opened again between steps.</summary>
public class SessionStoreTests
{
    private readonly string _db = Path.Combine(ExportToolRunner.TempDirectory(), "sessions", "octomix.db");

    [Fact]
    public void TracksAreRenamedAndRemovedButATrackThatRecordedATakeStays()
    {
        using var store = new SessionStore(_db);
        var session = store.CreateSession(new SessionInfo { Name = "Chorus", JoinCode = "RED7" });
        var anna = store.AddTrack(session.Id, "Anna");
        var ben = store.AddTrack(session.Id, "Ben");
        var chloe = store.AddTrack(session.Id, "Chloé");

        Assert.Equal("Anna (vox)", store.RenameTrack(anna.Id, "  Anna (vox) ").Name);
        Assert.Throws<ArgumentException>(() => store.RenameTrack(ben.Id, "anna (VOX)"));
        Assert.Throws<ArgumentException>(() => store.RenameTrack(ben.Id, " "));
        Assert.Throws<KeyNotFoundException>(() => store.RenameTrack(999_999, "X"));
        Assert.Equal("BEN", store.RenameTrack(ben.Id, "BEN").Name); // its own name in another case

        var take = store.CreateTake(session, 0, DateTime.UtcNow);
        store.SaveTakeTrack(new TakeTrackInfo { TakeId = take.Id, TrackId = ben.Id, TrackName = "BEN", BoxName = "b", SpoolPath = "" });
        var refused = Assert.Throws<InvalidOperationException>(() => store.RemoveTrack(ben.Id));
        Assert.Contains("is in take 1", refused.Message, StringComparison.Ordinal);

        store.RemoveTrack(anna.Id);
        Assert.Equal([("BEN", 1), ("Chloé", 2)], store.Tracks(session.Id).Select(t => (t.Name, t.Position)));
        Assert.Throws<KeyNotFoundException>(() => store.RemoveTrack(anna.Id));
        Assert.Equal(3, store.AddTrack(session.Id, "Dev").Position);
        Assert.Equal(chloe.Id, store.Tracks(session.Id)[1].Id);
    }

    [Fact]
    public void SessionsTracksTakesAndSpoolRangesSurviveClosingTheFile()
    {
        uint takeId;
        long trackId;
        using (var store = new SessionStore(_db))
        {
            var session = store.CreateSession(new SessionInfo { Name = "Verse", Project = "Album", JoinCode = "BLUE42", TempoCentiBpm = 9700, BeatsPerBar = 6, BeatUnit = 8, CountInBars = 2, ClickSound = 2 });
            var anna = store.AddTrack(session.Id, "Anna");
            store.AddTrack(session.Id, "Ben");
            store.BindTrack(anna.Id, "Anna's box");
            store.SetTrackMix(anna.Id, -6, 0.5, false, true);
            var take = store.CreateTake(session, 1_728_000_000, new DateTime(2026, 3, 1, 12, 0, 0, DateTimeKind.Utc));
            takeId = take.Id;
            trackId = anna.Id;
            store.SaveTakeTrack(new TakeTrackInfo
            {
                TakeId = take.Id, TrackId = anna.Id, TrackName = "Anna", BoxName = "Anna's box", BoxSlot = 3, State = TakeTrackState.Recording,
                LatencySamples = 805, FirstSampleIndex = -119195, Channels = 2, Format = 2, SpoolPath = "/spool/a.pcm", StreamBytes = 1000,
            });
            store.SaveSpoolRanges(take.Id, anna.Id, [new ByteRange(0, 4096), new ByteRange(8192, 10000)]);
            store.SetTakeState(take.Id, TakeState.Collecting, new DateTime(2026, 3, 1, 12, 1, 0, DateTimeKind.Utc));
        }

        using (var store = new SessionStore(_db))
        {
            var session = store.FindSession("verse")!; // names are found regardless of case
            Assert.Equal("Album", session.Project);
            Assert.Equal(9700, session.TempoCentiBpm);
            Assert.Equal((6, 8, 2, 2), (session.BeatsPerBar, session.BeatUnit, session.CountInBars, session.ClickSound));
            var tracks = store.Tracks(session.Id);
            Assert.Equal(["Anna", "Ben"], tracks.Select(t => t.Name));
            Assert.Equal([1, 2], tracks.Select(t => t.Position));
            Assert.Equal("Anna's box", tracks[0].BoxName);
            Assert.Equal((-6.0, 0.5, false, true), (tracks[0].FaderDb, tracks[0].Pan, tracks[0].Mute, tracks[0].Solo));

            var take = store.Take(takeId)!;
            Assert.Equal(TakeState.Collecting, take.State);
            Assert.Equal(1, take.Number);
            Assert.Equal(1_728_000_000, take.OriginSamples);
            Assert.Equal(new DateTime(2026, 3, 1, 12, 1, 0, DateTimeKind.Utc), take.StoppedUtc);
            Assert.Equal(take, store.UnfinishedTake(session.Id));
            var row = Assert.Single(store.TakeTracks(takeId));
            Assert.Equal((3, 805, -119195L, 1000L), (row.BoxSlot, row.LatencySamples, row.FirstSampleIndex, row.StreamBytes));
            Assert.Equal([new ByteRange(0, 4096), new ByteRange(8192, 10000)], store.SpoolRanges(takeId, trackId));

            // the next take gets the next id and number
            var next = store.CreateTake(session, 0, DateTime.UtcNow);
            Assert.Equal(takeId + 1, next.Id);
            Assert.Equal(2, next.Number);
        }
    }

    [Fact]
    public void TheFirstTakeIdOfANewDatabaseComesFromTheClockSoDatabasesDoNotShareIds()
    {
        using var store = new SessionStore(_db);
        var session = store.CreateSession(new SessionInfo { Name = "S", JoinCode = "X" });
        var take = store.CreateTake(session, 0, new DateTime(2026, 3, 1, 0, 0, 0, DateTimeKind.Utc));
        Assert.Equal((uint)(new DateTime(2026, 3, 1, 0, 0, 0, DateTimeKind.Utc) - new DateTime(2020, 1, 1, 0, 0, 0, DateTimeKind.Utc)).TotalSeconds, take.Id);
    }

    [Fact]
    public void BindingABoxToATrackUnbindsItFromAnyOther()
    {
        using var store = new SessionStore(_db);
        var session = store.CreateSession(new SessionInfo { Name = "S", JoinCode = "X" });
        var a = store.AddTrack(session.Id, "A");
        var b = store.AddTrack(session.Id, "B");
        store.BindTrack(a.Id, "box 1");
        store.BindTrack(b.Id, "box 1");
        var tracks = store.Tracks(session.Id);
        Assert.Null(tracks[0].BoxName);
        Assert.Equal("box 1", tracks[1].BoxName);
        store.BindTrack(b.Id, null);
        Assert.Null(store.Tracks(session.Id)[1].BoxName);
    }

    [Fact]
    public void BadSettingsAndClashingNamesAreRefusedWithTheReasonAndNothingIsWritten()
    {
        using var store = new SessionStore(_db);
        var bad = Assert.Throws<ArgumentException>(() => store.CreateSession(new SessionInfo { Name = "S", JoinCode = "has space", TempoCentiBpm = 100, BeatUnit = 3, CountInBars = 9, SampleRate = 12345 }));
        Assert.Contains("join code \"has space\"", bad.Message, StringComparison.Ordinal);
        Assert.Contains("tempo 1 BPM: 30..300 BPM", bad.Message, StringComparison.Ordinal);
        Assert.Contains("the beat unit is 2, 4, 8 or 16", bad.Message, StringComparison.Ordinal);
        Assert.Contains("count-in 9 bars", bad.Message, StringComparison.Ordinal);
        Assert.Contains("sample rate 12345", bad.Message, StringComparison.Ordinal);
        Assert.Empty(store.Sessions());

        var session = store.CreateSession(new SessionInfo { Name = "S", JoinCode = "X" });
        Assert.Contains("exists already", Assert.Throws<ArgumentException>(() => store.CreateSession(new SessionInfo { Name = "s", JoinCode = "X" })).Message, StringComparison.Ordinal);
        store.AddTrack(session.Id, "Anna");
        Assert.Contains("has a track named \"anna\" already", Assert.Throws<ArgumentException>(() => store.AddTrack(session.Id, "anna")).Message, StringComparison.Ordinal);
        Assert.Contains("needs a name", Assert.Throws<ArgumentException>(() => store.AddTrack(session.Id, " ")).Message, StringComparison.Ordinal);
        Assert.Single(store.Tracks(session.Id));
    }

    [Fact]
    public void AFileThatIsNotASessionDatabaseIsAClearError()
    {
        Directory.CreateDirectory(Path.GetDirectoryName(_db)!);
        File.WriteAllText(_db, "this is not SQLite, just text that happens to be here");
        var e = Assert.Throws<InvalidDataException>(() => new SessionStore(_db));
        Assert.Contains(_db, e.Message, StringComparison.Ordinal);
        Assert.Equal("this is not SQLite, just text that happens to be here", File.ReadAllText(_db)); // untouched
    }

    [Fact]
    public void ADatabaseOfAnotherSchemaIsRefused()
    {
        using (var store = new SessionStore(_db))
        {
        }

        using (var connection = new SqliteConnection("Data Source=" + _db + ";Pooling=False"))
        {
            connection.Open();
            using var c = connection.CreateCommand();
            c.CommandText = "UPDATE meta SET value = '99' WHERE key = 'schema'";
            c.ExecuteNonQuery();
        }

        var e = Assert.Throws<InvalidDataException>(() => new SessionStore(_db));
        Assert.Contains("has schema 99; this console reads schema 1", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AnIncompleteLastTakeCountsAsUnfinishedACompleteOneDoesNot()
    {
        using var store = new SessionStore(_db);
        var session = store.CreateSession(new SessionInfo { Name = "S", JoinCode = "X" });
        var take = store.CreateTake(session, 0, DateTime.UtcNow);
        store.SetTakeState(take.Id, TakeState.Incomplete);
        Assert.Equal(take.Id, store.UnfinishedTake(session.Id)!.Id);
        store.SetTakeState(take.Id, TakeState.Complete);
        Assert.Null(store.UnfinishedTake(session.Id));
    }
}
