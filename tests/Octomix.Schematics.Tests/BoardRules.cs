namespace Octomix.Schematics.Tests;

/// <summary>
/// The checks of issue 13 on a netlist (and the firmware's pin map). Each returns the problems
/// found, in words that name both sides; an empty list means the rule holds.
/// </summary>
internal static class BoardRules
{
    public const string Esp32 = "ESP32-WROVER-E";

    /// <summary>ESP32-WROVER-E pad of each GPIO (Espressif datasheet, pin definitions).</summary>
    public static readonly IReadOnlyDictionary<int, string> PadOfGpio = new Dictionary<int, string>
    {
        [36] = "4", [39] = "5", [34] = "6", [35] = "7", [32] = "8", [33] = "9", [25] = "10", [26] = "11",
        [27] = "12", [14] = "13", [12] = "14", [13] = "16", [15] = "23", [2] = "24", [0] = "25", [4] = "26",
        [5] = "29", [18] = "30", [19] = "31", [21] = "33", [3] = "34", [1] = "35", [22] = "36", [23] = "37",
    };

    /// <summary>Pads of the WROOM's flash pins (GPIO9, 10, 11, 6, 7, 8) and GPIO16/17: the WROVER's flash and PSRAM.</summary>
    public static readonly IReadOnlyDictionary<string, int> FlashPsramPads = new Dictionary<string, int>
    {
        ["17"] = 9, ["18"] = 10, ["19"] = 11, ["20"] = 6, ["21"] = 7, ["22"] = 8, ["27"] = 16, ["28"] = 17,
    };

    private static readonly string[] Supplies = ["+3V3", "+3V3A", "+5V"];

    public static string EspRef(Netlist n) =>
        n.Components.Single(c => c.Value == Esp32).Ref;

    private static string Describe(Netlist n, Net? net) =>
        net is null ? "no net" : $"net {net.Name} ({string.Join(", ", net.Nodes)})";

    /// <summary>Every PinMap constant's pad is on the net that reaches the part pin its comment names, and back.</summary>
    public static List<string> PinMapMatches(List<PinMapEntry> pinMap, Netlist n)
    {
        var problems = new List<string>();
        var esp = EspRef(n);
        foreach (var e in pinMap)
        {
            if (!PadOfGpio.TryGetValue(e.Gpio, out var pad))
            {
                problems.Add($"{e}: GPIO{e.Gpio} is not a pad of the {Esp32}");
                continue;
            }

            var espNet = n.NetOf(esp, pad);
            var espNode = espNet?.Nodes.First(x => x.Ref == esp && x.Pin == pad);
            if (espNode is not null && !espNode.PinFunction.Split('/').Contains("IO" + e.Gpio))
            {
                problems.Add($"{e}: schematic symbol pad {pad} is named {espNode.PinFunction}, not IO{e.Gpio}");
            }

            var parts = n.PartsNamed(e.Part);
            if (parts.Count != 1)
            {
                problems.Add($"{e}: the schematic has {parts.Count} parts named \"{e.Part}\" (value or Function field)");
                continue;
            }

            var part = parts[0];
            var partNet = n.Nets.FirstOrDefault(net => net.Nodes.Any(x => x.Ref == part.Ref && x.PinFunction.Split('/').Contains(e.PartPin)));
            if (partNet is null)
            {
                problems.Add($"{e}: {part.Ref} ({part.Value}) has no connected pin named {e.PartPin}");
                continue;
            }

            if (!ReferenceEquals(partNet, espNet))
            {
                var partNode = partNet.Nodes.First(x => x.Ref == part.Ref && x.PinFunction.Split('/').Contains(e.PartPin));
                var espOnPartNet = partNet.Nodes.Where(x => x.Ref == esp).Select(x => $"ESP32 pad {x.Pin} ({x.PinFunction})").ToList();
                problems.Add($"{e}: ESP32 pad {pad} (IO{e.Gpio}) is on {Describe(n, espNet)}; but the schematic connects {e.Part} {e.PartPin} "
                    + $"({partNode}) to net {partNet.Name}, which reaches {(espOnPartNet.Count > 0 ? string.Join(", ", espOnPartNet) : "no ESP32 pad")}");
            }
        }

        // back: every ESP32 GPIO pad the schematic uses is in the pin map (UART0 and the GPIO12 strap excepted)
        var claimed = pinMap.Select(e => e.Gpio).ToHashSet();
        foreach (var (gpio, pad) in PadOfGpio)
        {
            var net = n.NetOf(esp, pad);
            if (net is null || net.Nodes.Count < 2 || claimed.Contains(gpio) || gpio is 1 or 3 or 12)
            {
                continue;
            }

            problems.Add($"schematic: ESP32 pad {pad} (IO{gpio}) is wired ({Describe(n, net)}) but no PinMap.cs constant names GPIO{gpio}");
        }

        return problems;
    }

    /// <summary>The nets the firmware expects pulled up to 3.3 V: I2C, and SD CMD, D0 and D3.</summary>
    public static List<string> PullUps(List<PinMapEntry> pinMap, Netlist n)
    {
        var problems = new List<string>();
        var esp = EspRef(n);
        var wanted = new List<(string What, Net? Net)>();
        foreach (var name in new[] { "CodecI2cData", "CodecI2cClock", "SdCommand", "SdData0" })
        {
            var e = pinMap.Single(x => x.Name == name);
            wanted.Add(($"{name} (GPIO{e.Gpio})", n.NetOf(esp, PadOfGpio[e.Gpio])));
        }

        var card = n.PartsNamed("microSD").Single();
        var d3 = n.Nets.FirstOrDefault(net => net.Nodes.Any(x => x.Ref == card.Ref && x.PinFunction.StartsWith("DAT3", StringComparison.Ordinal)));
        wanted.Add(("microSD DAT3", d3));
        foreach (var (what, net) in wanted)
        {
            if (net is null || !HasResistorTo(n, net, "+3V3", throughJumper: true))
            {
                problems.Add($"{what}: {Describe(n, net)} has no pull-up resistor to +3V3");
            }
        }

        return problems;
    }

    /// <summary>GPIO12 (MTDI) selects the flash voltage: it must be pulled low and driven by nothing else.</summary>
    public static List<string> Gpio12LowAtReset(Netlist n)
    {
        var esp = EspRef(n);
        var net = n.NetOf(esp, PadOfGpio[12]);
        if (net is null || net.Nodes.Count == 1)
        {
            return ["GPIO12 is unconnected: the board relies on the internal pull-down alone; fit a pull-down resistor"];
        }

        var problems = new List<string>();
        if (!HasResistorTo(n, net, "GND", throughJumper: false))
        {
            problems.Add($"GPIO12: {Describe(n, net)} has no pull-down resistor to GND");
        }

        foreach (var s in Supplies)
        {
            if (HasResistorTo(n, net, s, throughJumper: true))
            {
                problems.Add($"GPIO12: {Describe(n, net)} is pulled up to {s}: it must be low at reset (3.3 V flash)");
            }
        }

        foreach (var x in net.Nodes.Where(x => x.Ref != esp && x.PinType is "output" or "bidirectional" or "power_out" or "tri_state"))
        {
            problems.Add($"GPIO12: {x} ({x.PinType}) can drive the strapping pin at reset");
        }

        return problems;
    }

    /// <summary>GPIO34–39 have no output driver: their nets must be driven by another part, and the symbol must say input.</summary>
    public static List<string> InputOnlyPins(List<PinMapEntry> pinMap, Netlist n)
    {
        var problems = new List<string>();
        var esp = EspRef(n);
        foreach (var gpio in new[] { 34, 35, 36, 37, 38, 39 })
        {
            if (!PadOfGpio.TryGetValue(gpio, out var pad))
            {
                continue;   // GPIO37/38 are not bonded out on the module
            }

            var net = n.NetOf(esp, pad);
            if (net is null)
            {
                continue;
            }

            var espNode = net.Nodes.First(x => x.Ref == esp && x.Pin == pad);
            if (espNode.PinType != "input")
            {
                problems.Add($"ESP32 pad {pad} (GPIO{gpio}) is {espNode.PinType} in the symbol; GPIO34–39 are input-only");
            }

            foreach (var x in net.Nodes.Where(x => x.Ref != esp && x.PinType == "input"))
            {
                problems.Add($"GPIO{gpio} is input-only but {Describe(n, net)} needs a driver for {x} (an input)");
            }

            foreach (var x in net.Nodes.Where(x => x.Ref != esp && x.Ref.StartsWith('D')))
            {
                problems.Add($"GPIO{gpio} is input-only but drives {x}, an LED");
            }
        }

        foreach (var e in pinMap.Where(e => e.Gpio is >= 34 and <= 39))
        {
            var part = n.PartsNamed(e.Part).FirstOrDefault();
            var node = part is null ? null : n.Nets.SelectMany(x => x.Nodes).FirstOrDefault(x => x.Ref == part.Ref && x.PinFunction.Split('/').Contains(e.PartPin));
            if (node is not null && node.PinType == "input")
            {
                problems.Add($"{e}: GPIO{e.Gpio} is input-only but {e.Part} {e.PartPin} ({node}) is an input the ESP32 would have to drive");
            }
        }

        return problems;
    }

    /// <summary>No net has two pins that drive it (output or power output).</summary>
    public static List<string> OneDriverPerNet(Netlist n)
    {
        var problems = new List<string>();
        foreach (var net in n.Nets)
        {
            var drivers = net.Nodes.Where(x => x.PinType is "output" or "power_out").ToList();
            if (drivers.Count > 1)
            {
                problems.Add($"net {net.Name} has {drivers.Count} drivers: {string.Join(", ", drivers.Select(d => $"{d} {d.PinType}"))}");
            }
        }

        return problems;
    }

    /// <summary>Every IC (U*) has a supply, a ground, and a capacitor from each of its supplies to GND.</summary>
    public static List<string> IcPowerAndDecoupling(Netlist n)
    {
        var problems = new List<string>();
        foreach (var ic in n.Components.Where(c => c.Ref.StartsWith('U')))
        {
            var powerPins = n.Nets.SelectMany(net => net.Nodes.Where(x => x.Ref == ic.Ref && x.PinType == "power_in").Select(x => (net, x))).ToList();
            var supplies = powerPins.Where(p => Supplies.Contains(p.net.Name)).Select(p => p.net).Distinct().ToList();
            if (supplies.Count == 0)
            {
                problems.Add($"{ic.Ref} ({ic.Value}) has no power-input pin on a supply ({string.Join(", ", Supplies)})");
            }

            if (!powerPins.Any(p => p.net.Name == "GND"))
            {
                problems.Add($"{ic.Ref} ({ic.Value}) has no power-input pin on GND");
            }

            foreach (var (net, pin) in powerPins.Where(p => p.net.Name != "GND"))
            {
                if (!Supplies.Contains(net.Name))
                {
                    problems.Add($"{ic.Ref} ({ic.Value}) power pin {pin} is on {net.Name}, not a supply");
                }
            }

            foreach (var s in supplies)
            {
                var caps = s.Nodes.Where(x => x.Ref.StartsWith('C') && OtherPinNet(n, x)?.Name == "GND").ToList();
                if (caps.Count == 0)
                {
                    problems.Add($"{ic.Ref} ({ic.Value}) is supplied from {s.Name}, which has no capacitor to GND");
                }
            }
        }

        return problems;
    }

    /// <summary>The WROVER's flash and PSRAM pads (GPIO6–11, 16, 17) are connected to nothing.</summary>
    public static List<string> FlashPinsUnused(Netlist n)
    {
        var esp = EspRef(n);
        var problems = new List<string>();
        foreach (var (pad, gpio) in FlashPsramPads)
        {
            var net = n.NetOf(esp, pad);
            if (net is not null && net.Nodes.Count > 1)
            {
                problems.Add($"ESP32 pad {pad} (GPIO{gpio}, flash/PSRAM) is wired: {Describe(n, net)}");
            }
        }

        foreach (var net in n.Nets)
        {
            foreach (var x in net.Nodes.Where(x => x.Ref == esp))
            {
                foreach (var g in new[] { 6, 7, 8, 9, 10, 11, 16, 17 })
                {
                    if (x.PinFunction.Split('/').Contains("IO" + g) && net.Nodes.Count > 1)
                    {
                        problems.Add($"ESP32 {x} is GPIO{g} (flash/PSRAM) and is wired: {Describe(n, net)}");
                    }
                }
            }
        }

        return problems;
    }

    private static Net? OtherPinNet(Netlist n, NetNode node)
    {
        var other = n.Nets.SelectMany(net => net.Nodes.Where(x => x.Ref == node.Ref && x.Pin != node.Pin).Select(_ => net)).ToList();
        return other.Count == 1 ? other[0] : null;
    }

    /// <summary>A resistor with one pin on <paramref name="net"/> and the other on <paramref name="target"/> (optionally through a jumper).</summary>
    private static bool HasResistorTo(Netlist n, Net net, string target, bool throughJumper)
    {
        foreach (var r in net.Nodes.Where(x => x.Ref.StartsWith('R')))
        {
            var other = OtherPinNet(n, r);
            if (other is null)
            {
                continue;
            }

            if (other.Name == target)
            {
                return true;
            }

            if (throughJumper && other.Nodes.Any(j => j.Ref.StartsWith("JP", StringComparison.Ordinal) && OtherPinNet(n, j)?.Name == target))
            {
                return true;
            }
        }

        return false;
    }
}
