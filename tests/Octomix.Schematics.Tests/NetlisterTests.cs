using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace Octomix.Schematics.Tests;

/// <summary>
/// schematics/tools/kicad_netlist.py on small schematics written here (real files in a temp
/// folder): nets come from the drawing — wire chains, labels of one name, power symbols,
/// no-connect flags — not from the generator's description.
/// </summary>
public sealed class NetlisterTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("octomix-netlister-").FullName;

    public void Dispose() => Directory.Delete(_dir, true);

    private const string Header = """
        (kicad_sch (version 20211123) (generator eeschema)
          (uuid 00000000-0000-0000-0000-000000000001)
          (paper "A4")
          (lib_symbols
            (symbol "t:R" (in_bom yes) (on_board yes)
              (property "Reference" "R" (id 0) (at 0 2 0) (effects (font (size 1.27 1.27))))
              (property "Value" "R" (id 1) (at 0 -2 0) (effects (font (size 1.27 1.27))))
              (symbol "R_1_1"
                (pin passive line (at -3.81 0 0) (length 1.27) (name "~" (effects (font (size 1.27 1.27)))) (number "1" (effects (font (size 1.27 1.27)))))
                (pin passive line (at 3.81 0 180) (length 1.27) (name "~" (effects (font (size 1.27 1.27)))) (number "2" (effects (font (size 1.27 1.27)))))))
            (symbol "power:GND" (power) (in_bom no) (on_board no)
              (property "Reference" "#PWR" (id 0) (at 0 0 0) (effects (font (size 1.27 1.27)) hide))
              (property "Value" "GND" (id 1) (at 0 -3 0) (effects (font (size 1.27 1.27))))
              (symbol "GND_1_1"
                (pin power_in line (at 0 0 270) (length 0) hide (name "GND" (effects (font (size 1.27 1.27)))) (number "1" (effects (font (size 1.27 1.27))))))))

        """;

    private static string Resistor(string reference, double x, double y, int n) => string.Create(CultureInfo.InvariantCulture, $"""
          (symbol (lib_id "t:R") (at {x} {y} 0) (unit 1) (in_bom yes) (on_board yes)
            (uuid 00000000-0000-0000-0001-{n:D12})
            (property "Reference" "{reference}" (id 0) (at {x} {y} 0) (effects (font (size 1.27 1.27))))
            (property "Value" "1k" (id 1) (at {x} {y} 0) (effects (font (size 1.27 1.27))))
            (property "Footprint" "" (id 2) (at {x} {y} 0) (effects (font (size 1.27 1.27)) hide)))

        """);

    private static string Wire(double x1, double y1, double x2, double y2) => string.Create(CultureInfo.InvariantCulture,
        $"  (wire (pts (xy {x1} {y1}) (xy {x2} {y2})) (stroke (width 0) (type default) (color 0 0 0 0)) (uuid 00000000-0000-0000-0002-{(int)(x1 * 7 + y1 * 13 + x2 * 17 + y2 * 19):D12}))\n");

    private static string Label(string name, double x, double y) => string.Create(CultureInfo.InvariantCulture,
        $"  (label \"{name}\" (at {x} {y} 0) (effects (font (size 1.27 1.27)) (justify left bottom)) (uuid 00000000-0000-0000-0003-{(int)(x * 7 + y * 13):D12}))\n");

    private (Netlist Net, string Stderr, int Exit) Run(string body)
    {
        var sch = Path.Combine(_dir, "t.kicad_sch");
        File.WriteAllText(sch, Header + body + ")\n", new UTF8Encoding(false));
        var start = new ProcessStartInfo("python3")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Path.Combine(RepoPaths.Root, "schematics", "tools", "kicad_netlist.py"));
        start.ArgumentList.Add(sch);
        using var p = Process.Start(start)!;
        p.StandardOutput.ReadToEnd();
        var err = p.StandardError.ReadToEnd();
        p.WaitForExit();
        return (Netlist.Parse(File.ReadAllText(Path.Combine(_dir, "t.net"))), err, p.ExitCode);
    }

    private static string[] Pins(Net net) => net.Nodes.Select(x => $"{x.Ref}.{x.Pin}").Order(StringComparer.Ordinal).ToArray();

    [Fact]
    public void WireChainsLabelsAndPowerSymbolsMakeTheNets()
    {
        // R1 at (100,100): pins at (96.19,100) and (103.81,100). R2 at (130,100): (126.19,100), (133.81,100).
        // R1.2 -> two wires with a corner -> R2.1; R3.1 and R2.2 carry label "SIG" (one net, no wire between them);
        // R1.1 and R3.2 sit on GND power symbols.
        var body = Resistor("R1", 100, 100, 1) + Resistor("R2", 130, 100, 2) + Resistor("R3", 160, 120, 3)
            + Wire(103.81, 100, 110, 100) + Wire(110, 100, 126.19, 100)
            + Wire(133.81, 100, 140, 100) + Label("SIG", 140, 100)
            + Wire(156.19, 120, 150, 120) + Label("SIG", 150, 120)
            + """
              (symbol (lib_id "power:GND") (at 96.19 100 0) (unit 1) (in_bom no) (on_board no) (uuid 00000000-0000-0000-0004-000000000001)
                (property "Reference" "#PWR01" (id 0) (at 0 0 0) (effects (font (size 1.27 1.27)) hide))
                (property "Value" "GND" (id 1) (at 0 0 0) (effects (font (size 1.27 1.27)))))
              (symbol (lib_id "power:GND") (at 163.81 120 0) (unit 1) (in_bom no) (on_board no) (uuid 00000000-0000-0000-0004-000000000002)
                (property "Reference" "#PWR02" (id 0) (at 0 0 0) (effects (font (size 1.27 1.27)) hide))
                (property "Value" "GND" (id 1) (at 0 0 0) (effects (font (size 1.27 1.27)))))

            """;
        var (n, err, exit) = Run(body);

        Assert.Equal(0, exit);
        Assert.Equal("", err);
        Assert.Equal(["R1", "R2", "R3"], n.Components.Select(c => c.Ref).ToArray());
        Assert.Equal(["R1.1", "R3.2"], Pins(n.Nets.Single(x => x.Name == "GND")));
        Assert.Equal(["R2.2", "R3.1"], Pins(n.Nets.Single(x => x.Name == "/SIG")));
        Assert.Equal(["R1.2", "R2.1"], Pins(n.Nets.Single(x => x.Name == "Net-(R1-Pad2)")));
        Assert.Equal(3, n.Nets.Count);
    }

    [Fact]
    public void AWireThatMissesAPinConnectsNothingAndAnOpenPinIsReported()
    {
        // the wire ends 0.5 mm short of R2.1: R1.2 and R2.1 stay apart; R2.2 has no flag
        var body = Resistor("R1", 100, 100, 1) + Resistor("R2", 130, 100, 2) + Wire(103.81, 100, 125.69, 100)
            + "  (no_connect (at 96.19 100) (uuid 00000000-0000-0000-0005-000000000001))\n";
        var (n, err, exit) = Run(body);

        Assert.Equal(1, exit);
        Assert.Contains("R2 pin 1", err, StringComparison.Ordinal);
        Assert.Contains("R2 pin 2", err, StringComparison.Ordinal);
        Assert.DoesNotContain("R1 pin 1", err, StringComparison.Ordinal);
        Assert.Equal(4, n.Nets.Count);
        Assert.All(n.Nets, x => Assert.Single(x.Nodes));
        Assert.Contains(n.Nets, x => x.Name == "unconnected-(R1-Pad1)");
    }
}
