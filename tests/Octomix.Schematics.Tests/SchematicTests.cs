using System.ComponentModel;
using System.Diagnostics;

namespace Octomix.Schematics.Tests;

/// <summary>
/// Issue 13: the checked-in netlist of schematics/octomix-box is the schematic's, the firmware's pin
/// map is the schematic's wiring, and the electrical rules the firmware relies on hold. Each rule
/// also has a test that breaks one side in memory and sees the rule fail.
/// </summary>
public sealed class SchematicTests
{
    private static readonly Lazy<Netlist> Board = new(() => Netlist.Parse(File.ReadAllText(RepoPaths.Box("octomix-box.net"))));
    private static readonly Lazy<string> PinMapSource = new(() => File.ReadAllText(RepoPaths.PinMap));

    private static List<PinMapEntry> PinMap => PinMapFile.Parse(PinMapSource.Value);

    private static void NoProblems(List<string> problems) =>
        Assert.True(problems.Count == 0, string.Join(Environment.NewLine, problems));

    [Fact]
    public Task CheckedInNetlistIsTheOneTheSchematicGives() =>
        RunCheck("kicad_netlist.py", "octomix-box.net");

    [Fact]
    public Task CheckedInPictureIsTheOneTheSchematicGives() =>
        RunCheck("render_svg.py", "octomix-box.svg");

    /// <summary>Runs schematics/tools/SCRIPT on the .kicad_sch with --check against the checked-in file.</summary>
    private static async Task RunCheck(string script, string checkedIn)
    {
        var start = new ProcessStartInfo("python3")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = RepoPaths.Root,
        };
        foreach (var a in new[] { Path.Combine(RepoPaths.Root, "schematics", "tools", script), RepoPaths.Box("octomix-box.kicad_sch"), "--check", RepoPaths.Box(checkedIn) })
        {
            start.ArgumentList.Add(a);
        }

        Process p;
        try
        {
            p = Process.Start(start)!;
        }
        catch (Win32Exception e)
        {
            Assert.Fail($"python3 is not installed, so {checkedIn} cannot be regenerated from the schematic ({e.Message}). "
                + $"Install it: `apt-get install -y python3` (schematics/tools/{script} needs only the standard library).");
            return;
        }

        using (p)
        {
            var stdout = p.StandardOutput.ReadToEndAsync();
            var stderr = p.StandardError.ReadToEndAsync();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            await p.WaitForExitAsync(timeout.Token);
            var err = await stderr;
            Assert.True(p.ExitCode == 0, $"{script} --check exited {p.ExitCode}: {err}{await stdout}"
                + $" — regenerate with: python3 schematics/tools/{script} schematics/octomix-box/octomix-box.kicad_sch");
            Assert.Equal("", err);
        }
    }

    [Fact]
    public void NetlistHasTheWholeBox()
    {
        var n = Board.Value;
        foreach (var part in new[] { BoardRules.Esp32, "WM8960", "PCM5102A", "TPA6132A2", "TL072H", "CH340C", "TLV75733P", "microSD" })
        {
            Assert.Single(n.PartsNamed(part));
        }

        Assert.Equal(17, PinMap.Count);
        Assert.True(n.Components.Count > 90, $"{n.Components.Count} parts");
    }

    [Fact]
    public void EveryPinMapConstantIsWiredToThePartPinItsCommentNames() =>
        NoProblems(BoardRules.PinMapMatches(PinMap, Board.Value));

    [Fact]
    public void PinMapChangedAloneFailsNamingBothSides()
    {
        var changed = PinMapSource.Value.Replace("CaptureBck = 5;", "CaptureBck = 4;", StringComparison.Ordinal);
        Assert.NotEqual(PinMapSource.Value, changed);

        var problems = BoardRules.PinMapMatches(PinMapFile.Parse(changed), Board.Value);

        Assert.Equal(2, problems.Count);
        var p = problems[0];
        Assert.Contains("PinMap.cs CaptureBck = 4", p, StringComparison.Ordinal);
        Assert.Contains("ESP32 pad 26 (IO4)", p, StringComparison.Ordinal);
        Assert.Contains("WM8960 BCLK", p, StringComparison.Ordinal);
        Assert.Contains("ESP32 pad 29 (IO5)", p, StringComparison.Ordinal);
        Assert.Contains("ESP32 pad 29 (IO5) is wired", problems[1], StringComparison.Ordinal);
        Assert.Contains("no PinMap.cs constant names GPIO5", problems[1], StringComparison.Ordinal);
    }

    [Fact]
    public void SchematicChangedAloneFailsNamingBothSides()
    {
        var n = Board.Value.Clone();
        var codec = n.PartsNamed("WM8960").Single().Ref;
        var esp = BoardRules.EspRef(n);
        n.MovePin(codec, "12", n.NetOf(esp, "26")!.Name);        // WM8960 BCLK rewired from IO5 to IO4

        var problems = BoardRules.PinMapMatches(PinMap, n);

        Assert.Contains(problems, p => p.Contains("PinMap.cs CaptureBck = 5", StringComparison.Ordinal)
            && p.Contains("WM8960 BCLK", StringComparison.Ordinal) && p.Contains("ESP32 pad 26 (IO4)", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("pad 26 (IO4) is wired", StringComparison.Ordinal));
    }

    [Fact]
    public void PinMapCommentWithoutAPartPinIsRejected()
    {
        var broken = PinMapSource.Value.Replace("SD CLK → microSD CLK.", "SD CLK.", StringComparison.Ordinal);
        Assert.NotEqual(PinMapSource.Value, broken);
        var e = Assert.Throws<FormatException>(() => PinMapFile.Parse(broken));
        Assert.Contains("SdClock", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void I2cAndSdLinesHaveTheirPullUps() => NoProblems(BoardRules.PullUps(PinMap, Board.Value));

    [Fact]
    public void MissingPullUpFails()
    {
        var n = Board.Value.Clone();
        var sda = n.NetOf(BoardRules.EspRef(n), BoardRules.PadOfGpio[18])!;
        foreach (var r in sda.Nodes.Where(x => x.Ref.StartsWith('R')).Select(x => x.Ref).ToList())
        {
            n.RemovePart(r);
        }

        var p = Assert.Single(BoardRules.PullUps(PinMap, n));
        Assert.Contains("CodecI2cData (GPIO18)", p, StringComparison.Ordinal);
    }

    [Fact]
    public void Gpio12IsHeldLowAtReset() => NoProblems(BoardRules.Gpio12LowAtReset(Board.Value));

    [Fact]
    public void Gpio12PulledUpOrFloatingFails()
    {
        var n = Board.Value.Clone();
        var net = n.NetOf(BoardRules.EspRef(n), "14")!;
        var pullDown = net.Nodes.Single(x => x.Ref.StartsWith('R'));
        var otherPin = pullDown.Pin == "1" ? "2" : "1";
        n.MovePin(pullDown.Ref, otherPin, "+3V3");
        Assert.Contains(BoardRules.Gpio12LowAtReset(n), p => p.Contains("pulled up to +3V3", StringComparison.Ordinal));

        n.RemovePart(pullDown.Ref);
        Assert.NotEmpty(BoardRules.Gpio12LowAtReset(n));
    }

    [Fact]
    public void Gpio34To39AreUsedOnlyAsInputs() => NoProblems(BoardRules.InputOnlyPins(PinMap, Board.Value));

    [Fact]
    public void LedOnAnInputOnlyPinFails()
    {
        var n = Board.Value.Clone();
        var led = n.PartsNamed("link LED").Single().Ref;
        n.MovePin(led, "2", n.NetOf(BoardRules.EspRef(n), "6")!.Name);   // link LED anode onto GPIO34
        Assert.Contains(BoardRules.InputOnlyPins(PinMap, n), p => p.Contains("GPIO34", StringComparison.Ordinal) && p.Contains("LED", StringComparison.Ordinal));
    }

    [Fact]
    public void NoTwoOutputsDriveOneNet() => NoProblems(BoardRules.OneDriverPerNet(Board.Value));

    [Fact]
    public void TwoOutputsOnOneNetFail()
    {
        var n = Board.Value.Clone();
        var dac = n.PartsNamed("PCM5102A").Single().Ref;
        n.MovePin(dac, "6", n.NetOf(dac, "7")!.Name);             // OUTL shorted to OUTR
        var p = Assert.Single(BoardRules.OneDriverPerNet(n));
        Assert.Contains("OUTL", p, StringComparison.Ordinal);
        Assert.Contains("OUTR", p, StringComparison.Ordinal);
    }

    [Fact]
    public void EveryIcHasPowerGroundAndDecoupling() => NoProblems(BoardRules.IcPowerAndDecoupling(Board.Value));

    [Fact]
    public void IcWithoutDecouplingOrGroundFails()
    {
        var n = Board.Value.Clone();
        foreach (var c in n.Nets.Single(x => x.Name == "+5V").Nodes.Where(x => x.Ref.StartsWith('C')).Select(x => x.Ref).ToList())
        {
            n.RemovePart(c);
        }

        var amp = n.PartsNamed("TPA6132A2").Single().Ref;
        Assert.Contains(BoardRules.IcPowerAndDecoupling(n), p => p.StartsWith(amp + " (TPA6132A2) is supplied from +5V", StringComparison.Ordinal));

        var buffer = n.PartsNamed("TL072H").Single().Ref;
        n.MovePin(buffer, "4", "/FLOATING");
        Assert.Contains(BoardRules.IcPowerAndDecoupling(n), p => p.Contains(buffer + " (TL072H) has no power-input pin on GND", StringComparison.Ordinal));
    }

    [Fact]
    public void FlashAndPsramPadsAreNotUsed() => NoProblems(BoardRules.FlashPinsUnused(Board.Value));

    [Fact]
    public void WiringAPsramPadFails()
    {
        var n = Board.Value.Clone();
        var esp = BoardRules.EspRef(n);
        n.MovePin(esp, "27", n.NetOf(esp, "31")!.Name);           // pad 27 (GPIO16 on a WROOM) onto the link LED
        Assert.Contains(BoardRules.FlashPinsUnused(n), p => p.Contains("pad 27 (GPIO16", StringComparison.Ordinal));
    }

    [Fact]
    public void BomListsExactlyTheSchematicsReferences()
    {
        var (header, rows) = BomFile.Parse(File.ReadAllText(RepoPaths.Box("bom.csv")));
        Assert.Equal(BomFile.Header, header);

        var bomRefs = rows.SelectMany(r => r.References).ToList();
        Assert.Equal(bomRefs.Count, bomRefs.Distinct(StringComparer.Ordinal).Count());
        var schematic = Board.Value.Components.Select(c => c.Ref).ToHashSet(StringComparer.Ordinal);
        Assert.True(schematic.SetEquals(bomRefs),
            $"in the schematic only: {string.Join(" ", schematic.Except(bomRefs))}; in the BOM only: {string.Join(" ", bomRefs.Except(schematic))}");

        foreach (var r in rows)
        {
            var what = string.Join(" ", r.References);
            Assert.True(r.Quantity == r.References.Length, $"{what}: quantity {r.Quantity}");
            Assert.False(string.IsNullOrWhiteSpace(r.Value) || string.IsNullOrWhiteSpace(r.Footprint) || string.IsNullOrWhiteSpace(r.Manufacturer)
                || string.IsNullOrWhiteSpace(r.Mpn) || string.IsNullOrWhiteSpace(r.Note), $"{what}: a blank field");
            foreach (var reference in r.References)
            {
                var c = Board.Value.Components.Single(x => x.Ref == reference);
                Assert.True(c.Value == r.Value && c.Footprint == r.Footprint, $"{reference}: BOM says {r.Value} / {r.Footprint}, schematic {c.Value} / {c.Footprint}");
            }
        }
    }
}
