using System.Globalization;
using Octomix.Drivers.Wm8960;
using Octomix.Hal;
using Xunit;
using Codec = Octomix.Drivers.Wm8960.Wm8960;

namespace Octomix.Drivers.Tests.Wm8960;

/// <summary>The exact I2C traffic, asserted against the tables of drivers/Wm8960/README.md.</summary>
public class Wm8960SequenceTests
{
    private static byte[] Encode(int reg, int value) => [(byte)((reg << 1) | (value >> 8)), (byte)(value & 0xFF)];

    [Theory]
    [InlineData("initialize")]
    [InlineData("calibration-on")]
    [InlineData("calibration-off")]
    public void Readme_rows_are_numbered_and_their_bytes_match_register_and_value(string table)
    {
        var steps = ReadmeTables.Sequence(table);
        Assert.NotEmpty(steps);
        for (int i = 0; i < steps.Count; i++)
        {
            var s = steps[i];
            Assert.Equal(i + 1, s.Step);
            if (s.IsDelay) continue;
            Assert.InRange(s.Register, 0, 55);
            Assert.InRange(s.Value, 0, 0x1FF);
            Assert.True(Encode(s.Register, s.Value).SequenceEqual(s.Bytes), $"{table} step {s.Step}: bytes {Convert.ToHexString(s.Bytes)} do not encode R{s.Register} = 0x{s.Value:X3}");
        }
    }

    private static ExpectationBus Expect(ExpectationBus bus, string table)
    {
        foreach (var s in ReadmeTables.Sequence(table))
        {
            if (s.IsDelay) bus.ExpectDelay(s.DelayMs, $"{table} step {s.Step}");
            else bus.ExpectWrite(s.Bytes, $"{table} step {s.Step}: {s.Text}");
        }
        return bus;
    }

    [Fact]
    public void Initialize_sends_exactly_the_readme_sequence()
    {
        var bus = Expect(new ExpectationBus(), "initialize");
        var codec = new Codec(bus, bus.Delay);
        Assert.Equal(BusStatus.Ok, codec.Initialize(new Wm8960Config()));
        bus.Done();
        Assert.True(codec.IsInitialized);
        Assert.Equal("", codec.LastError);
    }

    [Fact]
    public void Calibration_on_and_off_send_exactly_the_readme_sequences()
    {
        var bus = Expect(Expect(Expect(new ExpectationBus(), "initialize"), "calibration-on"), "calibration-off");
        var codec = new Codec(bus, bus.Delay);
        Assert.Equal(BusStatus.Ok, codec.Initialize(new Wm8960Config()));
        Assert.Equal(BusStatus.Ok, codec.SetCalibrationRouting(true));
        Assert.True(codec.CalibrationRouting);
        Assert.Equal(BusStatus.Ok, codec.SetCalibrationRouting(true)); // already on: no traffic
        Assert.Equal(BusStatus.Ok, codec.SetCalibrationRouting(false));
        Assert.Equal(BusStatus.Ok, codec.SetCalibrationRouting(false));
        bus.Done();
    }

    [Fact]
    public void The_expectation_bus_fails_on_the_first_wrong_byte()
    {
        // Guard for the guard: a sequence with one byte changed must be caught at that step.
        var steps = ReadmeTables.Sequence("initialize");
        var bus = new ExpectationBus();
        foreach (var s in steps)
        {
            if (s.IsDelay) { bus.ExpectDelay(s.DelayMs); continue; }
            var b = s.Bytes.ToArray();
            if (s.Step == 9) b[1] ^= 0x01;
            bus.ExpectWrite(b, "step " + s.Step);
        }
        var codec = new Codec(bus, bus.Delay);
        var ex = Assert.Throws<UnexpectedBusTraffic>(() => codec.Initialize(new Wm8960Config()));
        Assert.Contains("step 9", ex.Message);
    }

    [Fact]
    public void Done_reports_unused_expectations()
    {
        var bus = Expect(new ExpectationBus(), "initialize").ExpectWrite([0x1E, 0x00], "one more reset");
        var codec = new Codec(bus, bus.Delay);
        codec.Initialize(new Wm8960Config());
        Assert.Throws<UnexpectedBusTraffic>(bus.Done);
    }

    [Fact]
    public void Click_volume_table_of_the_readme_holds_at_every_boundary()
    {
        var sim = new Wm8960Simulator();
        var codec = new Codec(sim, _ => { });
        Assert.Equal(BusStatus.Ok, codec.Initialize(new Wm8960Config()));
        foreach (var cells in ReadmeTables.Rows("click-volume"))
        {
            if (cells[0] == "0")
            {
                int before = sim.Registers[34] & 0x070;
                Assert.Equal(BusStatus.Ok, codec.SetClickVolume(0));
                Assert.Equal(before, sim.Registers[34]); // LI2LO=0, LI2LOVOL unchanged
                Assert.Equal(before, sim.Registers[37]);
                continue;
            }
            var range = cells[0].Split('–').Select(x => int.Parse(x, CultureInfo.InvariantCulture)).ToArray();
            int expected = Convert.ToInt32(cells[3].Replace("0x", "", StringComparison.Ordinal), 16);
            for (int p = range[0]; p <= range[1]; p++)
            {
                Assert.Equal(BusStatus.Ok, codec.SetClickVolume(p));
                Assert.True(expected == sim.Registers[34], $"{p} %: R34 = 0x{sim.Registers[34]:X3}, README says 0x{expected:X3}");
                Assert.Equal(expected, sim.Registers[37]);
            }
        }
    }

    [Fact]
    public void Readme_reset_table_matches_the_driver_and_the_simulator()
    {
        string text = File.ReadAllText(ReadmeTables.ReadmePath);
        int start = text.IndexOf("## Register reset values", StringComparison.Ordinal);
        int end = text.IndexOf("## Known limits", StringComparison.Ordinal);
        int checkedCount = 0;
        foreach (var line in text[start..end].Split('\n').Where(l => l.StartsWith("| ", StringComparison.Ordinal)))
        {
            var cells = line.Trim('|').Split('|').Select(c => c.Trim()).ToArray();
            for (int i = 0; i + 2 < cells.Length; i += 3)
            {
                if (!int.TryParse(cells[i], out int reg)) continue;
                int value = Convert.ToInt32(cells[i + 2].Replace("0x", "", StringComparison.Ordinal), 16);
                Assert.Equal(value, Codec.ResetValue(reg));
                Assert.Equal(value, Wm8960Simulator.DatasheetDefaults[reg]);
                checkedCount++;
            }
        }
        Assert.True(checkedCount == 47, $"only {checkedCount} reset values found in the README");
    }
}
