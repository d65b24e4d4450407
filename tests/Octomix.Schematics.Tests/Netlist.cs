namespace Octomix.Schematics.Tests;

/// <summary>One pin of a part on a net.</summary>
internal sealed record NetNode(string Ref, string Pin, string PinFunction, string PinType)
{
    public override string ToString() => PinFunction.Length > 0 ? $"{Ref} pin {Pin} ({PinFunction})" : $"{Ref} pin {Pin}";
}

internal sealed record Net(string Name, List<NetNode> Nodes);

internal sealed record Component(string Ref, string Value, string Footprint, Dictionary<string, string> Fields);

/// <summary>A KiCad s-expression netlist ((export (version "E") ...)), as KiCad 6 writes it.</summary>
internal sealed class Netlist
{
    public Netlist(List<Component> components, List<Net> nets)
    {
        Components = components;
        Nets = nets;
    }

    public List<Component> Components { get; }

    public List<Net> Nets { get; }

    public static Netlist Parse(string text)
    {
        var root = SExpr.Parse(text);
        if (root.Head != "export" || root.Value("version") != "E")
        {
            throw new FormatException("not a KiCad netlist: expected (export (version \"E\") ...)");
        }

        var comps = new List<Component>();
        foreach (var c in root.First("components")?.All("comp") ?? [])
        {
            var fields = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var f in c.First("fields")?.All("field") ?? [])
            {
                fields[f.Value("name") ?? ""] = f.Items.Count > 2 ? f.Items[2].Atom ?? "" : "";
            }

            comps.Add(new Component(c.Value("ref") ?? "", c.Value("value") ?? "", c.Value("footprint") ?? "", fields));
        }

        var nets = new List<Net>();
        foreach (var n in root.First("nets")?.All("net") ?? [])
        {
            var nodes = n.All("node")
                .Select(x => new NetNode(x.Value("ref") ?? "", x.Value("pin") ?? "", x.Value("pinfunction") ?? "", x.Value("pintype") ?? ""))
                .ToList();
            nets.Add(new Net(n.Value("name") ?? "", nodes));
        }

        return new Netlist(comps, nets);
    }

    /// <summary>The net a part's pin is on, or null if the pin is on none.</summary>
    public Net? NetOf(string reference, string pin) =>
        Nets.FirstOrDefault(n => n.Nodes.Any(x => x.Ref == reference && x.Pin == pin));

    /// <summary>The part whose value, or whose Function field, is <paramref name="name"/>.</summary>
    public List<Component> PartsNamed(string name) =>
        Components.Where(c => c.Value == name || (c.Fields.TryGetValue("Function", out var f) && f == name)).ToList();

    /// <summary>A deep copy, for tests that change one side in memory.</summary>
    public Netlist Clone() => new(
        Components.Select(c => c with { Fields = new Dictionary<string, string>(c.Fields) }).ToList(),
        Nets.Select(n => n with { Nodes = [.. n.Nodes] }).ToList());

    /// <summary>Moves one pin onto another net (creating it if needed): a schematic edit in memory.</summary>
    public void MovePin(string reference, string pin, string toNet)
    {
        var from = NetOf(reference, pin) ?? throw new InvalidOperationException($"{reference} pin {pin} is on no net");
        var node = from.Nodes.Single(x => x.Ref == reference && x.Pin == pin);
        from.Nodes.Remove(node);
        var to = Nets.FirstOrDefault(n => n.Name == toNet);
        if (to is null)
        {
            to = new Net(toNet, []);
            Nets.Add(to);
        }

        to.Nodes.Add(node);
    }

    /// <summary>Removes a part and its pins: a schematic edit in memory.</summary>
    public void RemovePart(string reference)
    {
        Components.RemoveAll(c => c.Ref == reference);
        foreach (var n in Nets)
        {
            n.Nodes.RemoveAll(x => x.Ref == reference);
        }
    }
}
