using Octomix.Drivers.Ui;
using Xunit;

namespace Octomix.Drivers.Tests.Ui;

public class ClickLevelKnobTests
{
    [Fact]
    public void The_first_poll_reports_the_initial_level()
    {
        var k = new FakeKnob { Value = 2048 };
        var knob = new ClickLevelKnob(k, 10);
        Assert.True(knob.Poll(out int level));
        Assert.Equal(50, level);
    }

    [Fact]
    public void The_adc_is_read_only_every_nth_call()
    {
        var k = new FakeKnob { Value = 1000 };
        var knob = new ClickLevelKnob(k, 25);
        for (int i = 0; i < 1000; i++) knob.Poll(out _);
        Assert.Equal(1 + 999 / 25, k.Reads);
    }

    [Fact]
    public void Noise_inside_the_band_reports_nothing()
    {
        var k = new FakeKnob { Value = 2000 };
        var knob = new ClickLevelKnob(k, 1);
        knob.Poll(out _);
        var rng = new Random(5);
        int changes = 0;
        for (int i = 0; i < 10_000; i++)
        {
            k.Value = 2000 + rng.Next(-knob.HysteresisCounts + 1, knob.HysteresisCounts);
            if (knob.Poll(out _)) changes++;
        }
        Assert.Equal(0, changes);
        Assert.Equal(49, knob.LevelPercent);
    }

    [Fact]
    public void A_real_turn_is_reported_and_the_ends_are_exact()
    {
        var k = new FakeKnob { Value = 2000 };
        var knob = new ClickLevelKnob(k, 1);
        knob.Poll(out _);
        k.Value = 3000;
        Assert.True(knob.Poll(out int level));
        Assert.Equal(73, level);
        k.Value = 4095 - 10; // within a band of the top
        Assert.True(knob.Poll(out level));
        Assert.Equal(100, level);
        k.Value = 30;
        Assert.True(knob.Poll(out level));
        Assert.Equal(0, level);
        Assert.False(knob.Poll(out level));
        Assert.Equal(0, level);
        k.Value = 5000; // out-of-range readings are clamped
        Assert.True(knob.Poll(out level));
        Assert.Equal(100, level);
    }

    [Fact]
    public void A_slow_turn_is_reported_in_steps_of_the_band()
    {
        var k = new FakeKnob { Value = 1000 };
        var knob = new ClickLevelKnob(k, 1);
        knob.Poll(out _);
        int changes = 0;
        for (int v = 1000; v <= 3000; v += 5) { k.Value = v; if (knob.Poll(out _)) changes++; }
        Assert.InRange(changes, 2000 / knob.HysteresisCounts - 1, 2000 / knob.HysteresisCounts + 1);
        Assert.InRange(knob.LevelPercent, 71, 73); // within one band of where the knob stopped
    }

    [Fact]
    public void Poll_allocates_nothing()
    {
        var k = new FakeKnob { Value = 1000 };
        var knob = new ClickLevelKnob(k, 3);
        int i = 0, changes = 0;
        Support.Allocation.AssertNone(() =>
        {
            k.Value = (i++ * 7) % 4096;
            if (knob.Poll(out _)) changes++;
        });
        Assert.True(changes > 10);
    }

    [Fact]
    public void Bad_arguments_are_rejected()
    {
        Assert.Throws<ArgumentNullException>(() => new ClickLevelKnob(null!, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new ClickLevelKnob(new FakeKnob(), 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new ClickLevelKnob(new FakeKnob { MaxValue = 0 }, 1));
    }
}
