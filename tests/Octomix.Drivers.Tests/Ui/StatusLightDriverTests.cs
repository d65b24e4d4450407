using System.Text.RegularExpressions;
using Octomix.Drivers.Tests.Support;
using Octomix.Drivers.Ui;
using Octomix.Hal;
using Xunit;

namespace Octomix.Drivers.Tests.Ui;

public class StatusLightDriverTests
{
    private static string Readme => RepoPaths.File_("drivers", "Ui", "README.md");

    /// <summary>What the README says one LED does at <paramref name="ms"/> after the pattern started.</summary>
    private static bool ReadmeLed(string spec, long ms, long msSinceBeat, bool accent, int errorCode)
    {
        if (spec == "on") return true;
        if (spec == "off") return false;
        if (spec == "beat") return msSinceBeat >= 0 && msSinceBeat < (accent ? 150 : 60);
        if (spec == "code")
        {
            long cycle = errorCode * 500 + 1500;
            long t = ms % cycle;
            return t < errorCode * 500 && t % 500 < 200;
        }
        var m = Regex.Match(spec, @"^blink (\d+)/(\d+)$");
        Assert.True(m.Success, "unknown LED spec in README: " + spec);
        return ms % int.Parse(m.Groups[1].Value) < int.Parse(m.Groups[2].Value);
    }

    public static IEnumerable<object[]> Patterns() =>
        MarkdownTable.Rows(Readme, "patterns").Select(r => new object[] { r[0] });

    [Theory]
    [MemberData(nameof(Patterns))]
    public void Every_pattern_matches_the_readme_table_over_time(string name)
    {
        var row = MarkdownTable.Rows(Readme, "patterns").Single(r => r[0] == name);
        var pattern = Enum.Parse<LightPattern>(name);
        int[] codes = pattern == LightPattern.Error ? Enumerable.Range(1, 9).ToArray() : [0];
        foreach (int code in codes)
        {
            var lights = new FakeLights();
            var d = new StatusLightDriver(lights);
            long t0 = 7_777_777; // arbitrary start: phases are relative to the first Update
            d.Show(pattern, code);
            long beatAt = t0 + 2_000_000;
            bool accent = true;
            for (long ms = 0; ms < 12_000; ms += 7)
            {
                long now = t0 + ms * 1000;
                if (now >= beatAt && now - 7000 < beatAt) d.Beat(beatAt, accent);
                if (ms == 4000) { beatAt = now; accent = false; d.Beat(now, false); }
                d.Update(now);
                long sinceBeat = ms < 2000 ? -1 : (now - beatAt) / 1000;
                int expected = (ReadmeLed(row[1], ms, sinceBeat, accent, code) ? StatusLight.Link : 0)
                    | (ReadmeLed(row[2], ms, sinceBeat, accent, code) ? StatusLight.Record : 0)
                    | (ReadmeLed(row[3], ms, sinceBeat, accent, code) ? StatusLight.Beat : 0);
                Assert.True(expected == lights.Last, $"{name} code {code} at {ms} ms: README mask {expected}, driver {lights.Last}");
            }
        }
    }

    [Fact]
    public void The_readme_covers_every_pattern_and_every_error_code()
    {
        var names = MarkdownTable.Rows(Readme, "patterns").Select(r => r[0]).ToHashSet();
        Assert.Equal(Enum.GetNames<LightPattern>().ToHashSet(), names);
        var codes = MarkdownTable.Rows(Readme, "error-codes");
        Assert.Equal(Enumerable.Range(1, 10), codes.Select(r => int.Parse(r[0])));
        foreach (var r in codes)
        {
            var field = typeof(BoxErrorCode).GetField(r[1]);
            Assert.NotNull(field);
            Assert.Equal(int.Parse(r[0]), (int)field!.GetValue(null)!);
            Assert.NotEqual("unknown error code", BoxErrorCode.Describe(int.Parse(r[0])));
        }
    }

    [Fact]
    public void Lights_are_written_only_when_the_mask_changes()
    {
        var lights = new FakeLights();
        var d = new StatusLightDriver(lights);
        d.Show(LightPattern.Recording, 0);
        for (long t = 0; t < 10_000_000; t += 5333) d.Update(t);
        Assert.Equal([StatusLight.Link | StatusLight.Record], lights.Shown);
        d.Beat(10_000_000, false);
        for (long t = 10_000_000; t < 11_000_000; t += 5333) d.Update(t);
        Assert.Equal(3, lights.Shown.Count); // beat on, beat off
        // NoNetwork blinks at 4 Hz: 8 changes per second, not one write per block.
        d.Show(LightPattern.NoNetwork, 0);
        int before = lights.Shown.Count;
        for (long t = 11_000_000; t < 12_000_000; t += 5333) d.Update(t);
        Assert.InRange(lights.Shown.Count - before, 8, 9);
    }

    [Fact]
    public void Showing_the_same_pattern_again_keeps_the_phase()
    {
        var lights = new FakeLights();
        var d = new StatusLightDriver(lights);
        d.Show(LightPattern.NoServer, 0);
        d.Update(0);
        d.Update(600_000); // off half of the 1 s blink
        Assert.Equal(0, lights.Last);
        d.Show(LightPattern.NoServer, 0);
        d.Update(610_000);
        Assert.Equal(0, lights.Last);
        d.Show(LightPattern.NoNetwork, 0); // a new pattern restarts the phase: on at once
        d.Update(620_000);
        Assert.Equal(StatusLight.Link, lights.Last);
    }

    [Fact]
    public void Update_and_beat_allocate_nothing()
    {
        var lights = new FakeLights(keepHistory: false);
        var d = new StatusLightDriver(lights);
        d.Show(LightPattern.Error, 7);
        long t = 0;
        for (int i = 0; i < 1000; i++) d.Update(t += 5333);
        d.Show(LightPattern.Recording, 0);
        int n = 0;
        Allocation.AssertNone(() =>
        {
            if (n % 90 == 0) d.Beat(t, n % 360 == 0);
            n++;
            d.Update(t += 5333);
        });
        Assert.True(lights.Calls > 200); // the beat LED really flashed
    }

    [Fact]
    public void Bad_patterns_and_codes_are_rejected()
    {
        Assert.Throws<ArgumentNullException>(() => new StatusLightDriver(null!));
        var d = new StatusLightDriver(new FakeLights());
        Assert.Throws<ArgumentOutOfRangeException>(() => d.Show(LightPattern.Error, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => d.Show(LightPattern.Error, BoxErrorCode.Max + 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => d.Show(LightPattern.Idle, 3));
        Assert.Throws<ArgumentOutOfRangeException>(() => d.Show((LightPattern)99, 0));
        Assert.Equal(LightPattern.Booting, d.Pattern);
    }
}
