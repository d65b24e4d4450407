using Octomix.Drivers.Ui;
using Xunit;

namespace Octomix.Drivers.Tests.Ui;

public class JoinButtonTests
{
    private const long Block = 5333; // µs per 256-frame block at 48 kHz

    /// <summary>Drives the button with a level function of time, polling every block; returns the events with their times.</summary>
    private static List<(long t, ButtonEvent e)> Run(JoinButton b, FakeButton raw, Func<long, bool> level, long untilMicros)
    {
        var events = new List<(long, ButtonEvent)>();
        for (long t = 0; t <= untilMicros; t += Block)
        {
            raw.IsPressed = level(t);
            var e = b.Poll(t);
            if (e != ButtonEvent.None) events.Add((t, e));
        }
        return events;
    }

    private static bool Between(long t, long fromMs, long toMs) => t >= fromMs * 1000 && t < toMs * 1000;

    [Fact]
    public void A_clean_short_press_is_reported_once_on_release()
    {
        var raw = new FakeButton();
        var b = new JoinButton(raw, 30, 1500);
        var ev = Run(b, raw, t => Between(t, 100, 400), 1_000_000);
        var only = Assert.Single(ev);
        Assert.Equal(ButtonEvent.ShortPress, only.e);
        Assert.InRange(only.t, 430_000, 430_000 + 2 * Block); // release at 400 ms + 30 ms debounce, seen up to a block late twice
    }

    [Fact]
    public void Bounces_on_press_and_release_give_one_short_press()
    {
        var raw = new FakeButton();
        var b = new JoinButton(raw, 30, 1500);
        // Contact bounce: 20 ms of chatter (toggling every block) at both edges.
        Func<long, bool> level = t =>
        {
            if (Between(t, 100, 120) || Between(t, 500, 520)) return (t / Block) % 2 == 0;
            return Between(t, 120, 500);
        };
        var ev = Run(b, raw, level, 1_000_000);
        Assert.Equal([ButtonEvent.ShortPress], ev.Select(x => x.e));
    }

    [Fact]
    public void Chatter_shorter_than_the_debounce_is_no_press_at_all()
    {
        var raw = new FakeButton();
        var b = new JoinButton(raw, 30, 1500);
        var ev = Run(b, raw, t => Between(t, 100, 120) || Between(t, 300, 325), 1_000_000);
        Assert.Empty(ev);
    }

    [Fact]
    public void A_long_press_fires_once_at_the_threshold_while_held_and_the_release_is_silent()
    {
        var raw = new FakeButton();
        var b = new JoinButton(raw, 30, 1500);
        var ev = Run(b, raw, t => Between(t, 100, 4000), 5_000_000);
        var only = Assert.Single(ev);
        Assert.Equal(ButtonEvent.LongPress, only.e);
        Assert.InRange(only.t, 1_600_000, 1_600_000 + 2 * Block); // 100 ms + 1500 ms, still held
    }

    [Fact]
    public void Repeated_presses_each_count_and_a_long_press_between_them_does_not_swallow_them()
    {
        var raw = new FakeButton();
        var b = new JoinButton(raw, 30, 1500);
        Func<long, bool> level = t => Between(t, 100, 250) || Between(t, 400, 550) || Between(t, 700, 2600) || Between(t, 2800, 2900);
        var ev = Run(b, raw, level, 4_000_000);
        Assert.Equal([ButtonEvent.ShortPress, ButtonEvent.ShortPress, ButtonEvent.LongPress, ButtonEvent.ShortPress], ev.Select(x => x.e));
    }

    [Fact]
    public void A_press_just_under_the_long_threshold_is_short()
    {
        var raw = new FakeButton();
        var b = new JoinButton(raw, 30, 1500);
        var ev = Run(b, raw, t => Between(t, 100, 1550), 3_000_000);
        Assert.Equal([ButtonEvent.ShortPress], ev.Select(x => x.e));
    }

    [Fact]
    public void A_button_held_at_boot_is_ignored_until_released()
    {
        var raw = new FakeButton();
        var b = new JoinButton(raw, 30, 1500);
        var ev = Run(b, raw, t => t < 3_000_000 || Between(t, 3500, 3700), 4_000_000);
        Assert.Equal([ButtonEvent.ShortPress], ev.Select(x => x.e));
        Assert.True(ev[0].t > 3_700_000);
    }

    [Fact]
    public void Poll_allocates_nothing()
    {
        var raw = new FakeButton();
        var b = new JoinButton(raw, 30, 1500);
        long t = 0;
        int i = 0, events = 0;
        Support.Allocation.AssertNone(() =>
        {
            raw.IsPressed = (i++ / 300) % 2 == 1;
            if (b.Poll(t += Block) != ButtonEvent.None) events++;
        });
        Assert.True(events > 10);
    }

    [Fact]
    public void Bad_arguments_are_rejected()
    {
        Assert.Throws<ArgumentNullException>(() => new JoinButton(null!, 30, 1500));
        Assert.Throws<ArgumentOutOfRangeException>(() => new JoinButton(new FakeButton(), -1, 1500));
        Assert.Throws<ArgumentOutOfRangeException>(() => new JoinButton(new FakeButton(), 30, 30));
        Assert.Throws<ArgumentOutOfRangeException>(() => new JoinButton(new FakeButton(), 30, 60001));
    }
}
