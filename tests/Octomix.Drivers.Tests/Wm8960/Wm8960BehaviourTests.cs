using Octomix.Drivers.Wm8960;
using Octomix.Hal;
using Xunit;
using Codec = Octomix.Drivers.Wm8960.Wm8960;

namespace Octomix.Drivers.Tests.Wm8960;

/// <summary>Behaviour against the register simulator: shadow, caching, faults, order, conversions.</summary>
public class Wm8960BehaviourTests
{
    private static (Wm8960Simulator sim, Codec codec, List<string> events) Start(Wm8960Config? config = null)
    {
        var sim = new Wm8960Simulator();
        var events = new List<string>();
        var codec = new Codec(sim, ms => events.Add("delay " + ms));
        Assert.Equal(BusStatus.Ok, codec.Initialize(config ?? new Wm8960Config()));
        return (sim, codec, events);
    }

    private static void AssertShadowNeverLies(Codec codec, Wm8960Simulator sim)
    {
        for (int r = 0; r < 56; r++)
        {
            if (r == 15) continue;
            int shadow = codec.ShadowValue(r);
            if (shadow >= 0) Assert.True(shadow == sim.Registers[r], $"R{r}: shadow 0x{shadow:X3}, chip 0x{sim.Registers[r]:X3}");
        }
    }

    [Fact]
    public void After_initialize_the_shadow_equals_the_chip_for_every_listed_register()
    {
        var (sim, codec, _) = Start();
        for (int r = 0; r < 56; r++)
        {
            if (r == 15 || Codec.ResetValue(r) < 0) continue;
            Assert.Equal(sim.Registers[r], codec.ShadowValue(r));
        }
        Assert.Equal(1, sim.ResetCount);
    }

    [Fact]
    public void Write_order_resets_first_brings_up_vmid_and_vref_before_any_block_and_headphones_last()
    {
        var sim = new Wm8960Simulator();
        var log = new List<string>();
        var codec = new Codec(sim, ms => log.Add($"delay@{sim.Writes.Count}"));
        Assert.Equal(BusStatus.Ok, codec.Initialize(new Wm8960Config()));
        var w = sim.Writes;

        Assert.Equal(15, w[0].reg);
        int firstVmid = w.FindIndex(x => x.reg == 25 && (x.value & 0x180) != 0);
        int firstVref = w.FindIndex(x => x.reg == 25 && (x.value & 0x040) != 0);
        Assert.True(firstVmid > 0 && firstVref > firstVmid);
        Assert.Equal(0x080, w[firstVmid].value); // VMID alone first
        Assert.Contains($"delay@{firstVmid + 1}", log); // the pause sits between VMID and VREF

        // No power bit other than VMID/VREF, nothing in R26/R47 before VREF is up.
        for (int i = 0; i < firstVref; i++)
        {
            Assert.False(w[i].reg is 26 or 47, $"write {i} R{w[i].reg} before VREF");
            if (w[i].reg == 25) Assert.Equal(0, w[i].value & 0x03F);
        }
        int adcPower = w.FindIndex(x => x.reg == 25 && (x.value & 0x00C) != 0);
        int mixers = w.FindIndex(x => x.reg == 47 && (x.value & 0x00C) != 0);
        int hpPower = w.FindIndex(x => x.reg == 26 && (x.value & 0x060) != 0);
        Assert.True(adcPower > firstVref && mixers > firstVref);
        Assert.True(hpPower > adcPower && hpPower > mixers, "headphone drivers must come after the ADCs and mixers");
        // Headphone volume only after the drivers are on; R2/R3 are the last two writes.
        Assert.Equal([2, 3], w.Skip(w.Count - 2).Select(x => x.reg));
        Assert.True(w.FindIndex(x => x.reg is 2 or 3) > hpPower);
        // Routing (mixers, bypass) before the power that makes it audible.
        Assert.True(w.FindIndex(x => x.reg == 45) < hpPower);
    }

    [Fact]
    public void Missing_codec_gives_a_clear_error_naming_the_address_and_nothing_else_is_tried()
    {
        var sim = new Wm8960Simulator { Absent = true };
        var codec = new Codec(sim, _ => { });
        Assert.Equal(BusStatus.AddressNack, codec.Initialize(new Wm8960Config()));
        Assert.Equal(1, sim.Transfers);
        Assert.Contains("0x1A", codec.LastError);
        Assert.Contains("not answering", codec.LastError);
        Assert.Equal(15, codec.LastFailedRegister);
        Assert.False(codec.IsInitialized);
        for (int r = 0; r < 56; r++) Assert.Equal(-1, codec.ShadowValue(r));
        var ex = Assert.Throws<InvalidOperationException>(() => codec.SetClickVolume(50));
        Assert.Contains("not answering", ex.Message);
    }

    public static IEnumerable<object[]> EveryInitTransfer() => Enumerable.Range(1, 24).Select(n => new object[] { n });

    [Theory]
    [MemberData(nameof(EveryInitTransfer))]
    public void A_nack_anywhere_in_initialize_stops_with_a_clear_error_and_a_truthful_shadow(int transfer)
    {
        foreach (bool latched in new[] { false, true })
        {
            var sim = new Wm8960Simulator().FailTransfer(transfer, BusStatus.DataNack, latched);
            var codec = new Codec(sim, _ => { });
            Assert.Equal(BusStatus.DataNack, codec.Initialize(new Wm8960Config()));
            Assert.False(codec.IsInitialized);
            Assert.Equal(transfer, sim.Transfers); // stopped at the failed write
            int failedReg = codec.LastFailedRegister;
            Assert.Contains("R" + failedReg + " ", codec.LastError);
            Assert.Contains("DataNack", codec.LastError);
            Assert.Equal(-1, codec.ShadowValue(failedReg)); // unknown: maybe latched, maybe not
            AssertShadowNeverLies(codec, sim);
            Assert.Throws<InvalidOperationException>(() => codec.Apply());

            // Retrying Initialize recovers completely.
            Assert.Equal(BusStatus.Ok, codec.Initialize(new Wm8960Config()));
            Assert.Equal("", codec.LastError);
            for (int r = 0; r < 56; r++)
                if (r != 15 && Codec.ResetValue(r) >= 0) Assert.Equal(sim.Registers[r], codec.ShadowValue(r));
        }
    }

    [Fact]
    public void Setters_write_only_what_changes()
    {
        var (sim, codec, _) = Start();
        int n = sim.Transfers;
        Assert.Equal(BusStatus.Ok, codec.SetClickVolume(100)); // already 0 dB
        Assert.Equal(BusStatus.Ok, codec.SetHeadphoneVolume(-10));
        Assert.Equal(BusStatus.Ok, codec.SetInputMute(false));
        Assert.Equal(BusStatus.Ok, codec.Apply());
        Assert.Equal(n, sim.Transfers);

        Assert.Equal(BusStatus.Ok, codec.SetClickVolume(50));
        Assert.Equal(n + 2, sim.Transfers);
        Assert.Equal(BusStatus.Ok, codec.SetClickVolume(45)); // same 3 dB step
        Assert.Equal(n + 2, sim.Transfers);
        Assert.Equal(0x0C0, sim.Registers[34]);
    }

    [Fact]
    public void A_failed_setter_leaves_the_register_unknown_and_apply_sends_the_wanted_state()
    {
        var (sim, codec, _) = Start();
        sim.FailTransfer(sim.Transfers + 1, BusStatus.Timeout);
        Assert.Equal(BusStatus.Timeout, codec.SetHeadphoneVolume(-20));
        Assert.Contains("R2 ", codec.LastError);
        Assert.Contains("Timeout", codec.LastError);
        Assert.Equal(-1, codec.ShadowValue(2));
        Assert.Equal(0x16F, sim.Registers[3]); // R3 not reached

        Assert.Equal(BusStatus.Ok, codec.Apply());
        Assert.Equal(0x100 | (121 - 20), sim.Registers[2]);
        Assert.Equal(0x100 | (121 - 20), sim.Registers[3]);
        Assert.Equal("", codec.LastError);
        AssertShadowNeverLies(codec, sim);
        int n = sim.Transfers;
        Assert.Equal(BusStatus.Ok, codec.Apply());
        Assert.Equal(n, sim.Transfers);
    }

    [Fact]
    public void A_value_that_looks_unchanged_is_resent_when_its_last_write_failed()
    {
        var (sim, codec, _) = Start();
        sim.FailTransfer(sim.Transfers + 1, BusStatus.DataNack, latched: true);
        Assert.Equal(BusStatus.DataNack, codec.SetClickVolume(30)); // R34 latched but NACKed
        int n = sim.Transfers;
        Assert.Equal(BusStatus.Ok, codec.SetClickVolume(30));
        Assert.Equal(n + 2, sim.Transfers); // R34 resent (unknown), R37 sent
        Assert.Equal(0x0D0, sim.Registers[34]);
        Assert.Equal(0x0D0, sim.Registers[37]);
    }

    [Fact]
    public void Headphone_mute_keeps_the_volume_for_unmute()
    {
        var (sim, codec, _) = Start();
        Assert.Equal(BusStatus.Ok, codec.SetHeadphoneMute(true));
        Assert.Equal(0x100, sim.Registers[2]);
        Assert.Equal(0x100, sim.Registers[3]);
        Assert.Equal(BusStatus.Ok, codec.SetHeadphoneVolume(3));
        Assert.Equal(0x100, sim.Registers[2]);
        Assert.Equal(BusStatus.Ok, codec.SetHeadphoneMute(false));
        Assert.Equal(0x100 | 124, sim.Registers[2]);
        Assert.Equal(0x100 | 124, sim.Registers[3]);
    }

    [Fact]
    public void Input_gain_and_mute_reach_the_pga_and_boost_fields()
    {
        var (sim, codec, _) = Start();
        Assert.Equal(BusStatus.Ok, codec.SetInputGain(Wm8960Input.Instrument, 1200, Wm8960MicBoost.Db20));
        Assert.Equal(0x100 | 39, sim.Registers[0]);          // (1200+1725)/75 = 39 = +12 dB
        Assert.Equal(0x100 | 0x20 | 0x08, sim.Registers[32]); // LMN1, LMICBOOST=10, LMIC2B
        Assert.Equal(BusStatus.Ok, codec.SetInputGain(Wm8960Input.Second, 3000, Wm8960MicBoost.Db29));
        Assert.Equal(0x100 | 0x3F, sim.Registers[1]);
        Assert.Equal(0x100 | 0x30 | 0x08, sim.Registers[33]);
        Assert.Equal(BusStatus.Ok, codec.SetInputMute(true));
        Assert.Equal(0x100 | 0x80 | 39, sim.Registers[0]);
        Assert.Equal(0x100 | 0x80 | 0x3F, sim.Registers[1]);
        // While calibrating, a gain change must not reconnect the PGA to the boost mixer.
        Assert.Equal(BusStatus.Ok, codec.SetCalibrationRouting(true));
        Assert.Equal(BusStatus.Ok, codec.SetInputGain(Wm8960Input.Instrument, 0, Wm8960MicBoost.Db0));
        Assert.Equal(0x100, sim.Registers[32]);
        Assert.Equal(BusStatus.Ok, codec.SetCalibrationRouting(false));
        Assert.Equal(0x108, sim.Registers[32]);
    }

    [Theory]
    [InlineData(16, 0x002)]
    [InlineData(24, 0x00A)]
    [InlineData(32, 0x00E)]
    public void Word_length_sets_r7(int bits, int r7)
    {
        var (sim, _, _) = Start(new Wm8960Config { WordLengthBits = bits });
        Assert.Equal(r7, sim.Registers[7]);
    }

    [Fact]
    public void Config_extremes_map_to_the_documented_codes()
    {
        var (sim, _, _) = Start(new Wm8960Config
        {
            InstrumentGainCentiDb = -1725, SecondInputGainCentiDb = 3000, AdcVolumeCentiDb = -9700,
            MonitorGainDb = -21, HeadphoneVolumeDb = 6, ClickLevelPercent = 1, CalibrationGainDb = 6, MicBias = true,
        });
        Assert.Equal(0x100, sim.Registers[0]);
        Assert.Equal(0x13F, sim.Registers[1]);
        Assert.Equal(0x101, sim.Registers[21]);
        Assert.Equal(0x0F0, sim.Registers[45]);
        Assert.Equal(0x17F, sim.Registers[2]);
        Assert.Equal(0x0F0, sim.Registers[34]);
        Assert.Equal(0x0FE, sim.Registers[25]);

        var (sim2, codec2, _) = Start(new Wm8960Config { AdcVolumeCentiDb = 3000, HeadphoneVolumeDb = -73, CalibrationGainDb = -12, ClickLevelPercent = 0 });
        Assert.Equal(0x1FF, sim2.Registers[22]);
        Assert.Equal(0x130, sim2.Registers[3]);
        Assert.Equal(0, sim2.Registers[34] & 0x080);
        codec2.SetCalibrationRouting(true);
        Assert.Equal(0x010, sim2.Registers[43]);
    }

    [Fact]
    public void An_invalid_config_is_rejected_before_anything_is_written()
    {
        var sim = new Wm8960Simulator();
        var codec = new Codec(sim, _ => { });
        var bad = new Wm8960Config[]
        {
            new() { WordLengthBits = 20 }, new() { InstrumentGainCentiDb = 3001 }, new() { SecondInputGainCentiDb = -1800 },
            new() { AdcVolumeCentiDb = -9800 }, new() { MonitorGainDb = 3 }, new() { HeadphoneVolumeDb = 7 },
            new() { ClickLevelPercent = 101 }, new() { CalibrationGainDb = -15 }, new() { InstrumentBoost = (Wm8960MicBoost)4 },
        };
        foreach (var c in bad)
        {
            var ex = Assert.Throws<ArgumentException>(() => codec.Initialize(c));
            Assert.False(string.IsNullOrEmpty(ex.ParamName));
            Assert.Contains(ex.ParamName!, ex.Message); // the message names the bad setting
        }
        Assert.Equal(0, sim.Transfers);
        Assert.Throws<ArgumentNullException>(() => codec.Initialize(null!));
    }

    [Fact]
    public void Out_of_range_setter_arguments_throw_and_write_nothing()
    {
        var (sim, codec, _) = Start();
        int n = sim.Transfers;
        Assert.Throws<ArgumentOutOfRangeException>(() => codec.SetHeadphoneVolume(7));
        Assert.Throws<ArgumentOutOfRangeException>(() => codec.SetHeadphoneVolume(-74));
        Assert.Throws<ArgumentOutOfRangeException>(() => codec.SetClickVolume(-1));
        Assert.Throws<ArgumentOutOfRangeException>(() => codec.SetClickVolume(101));
        Assert.Throws<ArgumentOutOfRangeException>(() => codec.SetInputGain(Wm8960Input.Instrument, 3100, Wm8960MicBoost.Db0));
        Assert.Throws<ArgumentOutOfRangeException>(() => codec.SetInputGain((Wm8960Input)5, 0, Wm8960MicBoost.Db0));
        Assert.Throws<ArgumentOutOfRangeException>(() => codec.SetInputGain(Wm8960Input.Second, 0, (Wm8960MicBoost)9));
        Assert.Equal(n, sim.Transfers);
    }

    [Fact]
    public void Null_bus_setters_before_initialize_and_use_after_dispose_are_rejected()
    {
        Assert.Throws<ArgumentNullException>(() => new Codec(null!));
        var sim = new Wm8960Simulator();
        var codec = new Codec(sim, _ => { });
        Assert.Throws<InvalidOperationException>(() => codec.SetHeadphoneVolume(0));
        Assert.Throws<InvalidOperationException>(() => codec.SetCalibrationRouting(true));
        Assert.Equal(BusStatus.Ok, codec.Reset());
        Assert.Equal(0x097, codec.ShadowValue(0)); // reset values known after a reset
        codec.Dispose();
        Assert.Throws<ObjectDisposedException>(() => codec.Reset());
        Assert.Throws<ObjectDisposedException>(() => codec.Initialize(new Wm8960Config()));
    }

    [Fact]
    public void Calibration_routing_leaves_only_the_click_in_the_adc_path()
    {
        var (sim, codec, _) = Start();
        Assert.Equal(BusStatus.Ok, codec.SetCalibrationRouting(true));
        Assert.Equal(0, sim.Registers[32] & 0x008);   // LMIC2B off
        Assert.Equal(0, sim.Registers[33] & 0x008);
        Assert.Equal(0x030, sim.Registers[43]);       // LIN3BOOST -6 dB
        Assert.Equal(0x030, sim.Registers[44]);
        Assert.Equal(0, sim.Registers[45] & 0x080);   // bypass off
        Assert.Equal(0x080, sim.Registers[34] & 0x080); // the click still in the ears
        Assert.Equal(BusStatus.Ok, codec.SetCalibrationRouting(false));
        Assert.Equal(0, sim.Registers[43]);
        Assert.Equal(0x080, sim.Registers[45]);
    }
}
