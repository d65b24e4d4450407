using Octomix.Drivers.Wm8960;
using Octomix.Hal;
using Xunit;
using Codec = Octomix.Drivers.Wm8960.Wm8960;

namespace Octomix.Drivers.Tests.Wm8960;

/// <summary>The driver as the box sees it: <see cref="IAudioCodec"/> (the board provides it).</summary>
public class Wm8960CodecSeamTests
{
    [Theory]
    [InlineData(16, 100)]
    [InlineData(24, 40)]
    [InlineData(24, 0)]
    public void Configure_writes_what_Initialize_writes_with_that_word_length_and_click_level(int bits, int click)
    {
        var viaConfig = new Wm8960Simulator();
        var config = new Wm8960Config { WordLengthBits = bits, ClickLevelPercent = click };
        Assert.Equal(BusStatus.Ok, new Codec(viaConfig, _ => { }).Initialize(config));

        var viaSeam = new Wm8960Simulator();
        IAudioCodec codec = new Codec(viaSeam, _ => { });
        Assert.Equal(BusStatus.Ok, codec.Configure(bits, click));

        Assert.True(codec.IsInitialized);
        Assert.Equal(viaConfig.Writes, viaSeam.Writes);
        Assert.Equal(viaConfig.Registers, viaSeam.Registers);
    }

    [Fact]
    public void Configure_with_an_invalid_word_length_throws_before_writing()
    {
        var sim = new Wm8960Simulator();
        IAudioCodec codec = new Codec(sim, _ => { });
        Assert.ThrowsAny<ArgumentException>(() => codec.Configure(12, 50));
        Assert.Empty(sim.Writes);
    }

    [Fact]
    public void PowerDown_resets_every_power_register_to_off_and_a_new_Configure_powers_up_again()
    {
        var sim = new Wm8960Simulator();
        IAudioCodec codec = new Codec(sim, _ => { });
        Assert.Equal(BusStatus.Ok, codec.Configure(24, 50));
        Assert.NotEqual(0, sim.Registers[25]);

        Assert.Equal(BusStatus.Ok, codec.PowerDown());
        Assert.False(codec.IsInitialized);
        Assert.Equal(15, sim.Writes[^1].reg);
        Assert.Equal(0, sim.Registers[25]);
        Assert.Equal(0, sim.Registers[26]);
        Assert.Equal(0, sim.Registers[47]);

        Assert.Equal(BusStatus.Ok, codec.Configure(24, 50));
        Assert.True(codec.IsInitialized);
        Assert.NotEqual(0, sim.Registers[25]);
    }

    [Fact]
    public void A_codec_that_does_not_answer_says_so_through_the_seam()
    {
        var sim = new Wm8960Simulator { Absent = true };
        IAudioCodec codec = new Codec(sim, _ => { });
        Assert.Equal(BusStatus.AddressNack, codec.Configure(16, 50));
        Assert.False(codec.IsInitialized);
        Assert.Contains("not answering", codec.LastError, StringComparison.Ordinal);
    }
}
