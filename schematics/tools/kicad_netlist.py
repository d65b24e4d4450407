#!/usr/bin/env python3
"""Computes the netlist of a KiCad 6 schematic (.kicad_sch) and writes it in KiCad's
s-expression netlist format (export (version "E") ...), as Eeschema's "Export netlist" would.

KiCad 6 has no command-line netlist exporter, so this reads the schematic itself (standard
library only): pin positions from the embedded lib_symbols and each symbol's position,
rotation and mirror; wires (connected at their ends, and at a junction on a wire's middle);
local labels (connect what they touch, and every label of the same name); power symbols
(global nets named after their power-input pin; a PWR_FLAG only connects); no_connect markers.

Usage: kicad_netlist.py SCHEMATIC.kicad_sch [-o OUT.net]   (default: beside the schematic)
       kicad_netlist.py SCHEMATIC.kicad_sch --check OUT.net  (exit 1 if OUT.net differs)
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from sexpr import find, find_all, num, parse, q  # noqa: E402

EPS = 1e-3


def fl(v):
    return float(v)


def transform(px, py, x, y, rot, mirror):
    """Library point (y up) -> schematic point (y down) for a symbol at (x, y)."""
    sx, sy = px, -py
    if mirror == 'x':        # mirror about the X axis (vertical flip)
        sy = -sy
    elif mirror == 'y':      # mirror about the Y axis (horizontal flip)
        sx = -sx
    r = int(round(rot)) % 360
    if r == 90:
        sx, sy = sy, -sx
    elif r == 180:
        sx, sy = -sx, -sy
    elif r == 270:
        sx, sy = -sy, sx
    return (round(x + sx, 4), round(y + sy, 4))


def prop(node, name):
    for p in find_all(node, 'property'):
        if p[1] == name:
            return str(p[2])
    return ''


def lib_pins(libsym):
    """[(number, name, type, x, y)] over all units of a library symbol (unit 0 and 1 here)."""
    pins = []
    for unit in find_all(libsym, 'symbol'):
        for p in find_all(unit, 'pin'):
            at = find(p, 'at')
            pins.append((str(find(p, 'number')[1]), str(find(p, 'name')[1]), str(p[1]), fl(at[1]), fl(at[2])))
    return pins


def on_segment(pt, a, b):
    (x, y), (x1, y1), (x2, y2) = pt, a, b
    if abs((x2 - x1) * (y - y1) - (y2 - y1) * (x - x1)) > EPS:
        return False
    return min(x1, x2) - EPS <= x <= max(x1, x2) + EPS and min(y1, y2) - EPS <= y <= max(y1, y2) + EPS


def same(a, b):
    return abs(a[0] - b[0]) < EPS and abs(a[1] - b[1]) < EPS


class Sets:
    def __init__(self):
        self.parent = {}

    def find(self, a):
        self.parent.setdefault(a, a)
        while self.parent[a] != a:
            self.parent[a] = self.parent[self.parent[a]]
            a = self.parent[a]
        return a

    def union(self, a, b):
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)


def natural(ref):
    i = 0
    while i < len(ref) and not ref[i].isdigit():
        i += 1
    return (ref[:i], int(ref[i:]) if ref[i:].isdigit() else 0, ref)


def netlist(path):
    sch = parse(open(path, encoding='utf-8').read())[0]
    if sch[0] != 'kicad_sch':
        raise SystemExit('%s: not a KiCad schematic' % path)
    libs = {str(s[1]): s for s in find_all(find(sch, 'lib_symbols'), 'symbol')}
    instances = {}
    for si in find_all(find(sch, 'symbol_instances') or [], 'path'):
        instances[str(si[1]).strip('/')] = str(find(si, 'reference')[1])

    sets = Sets()
    pins = []          # (item id, point, ref, number, name, type, is_power, power_name)
    comps = []
    for s in find_all(sch, 'symbol'):
        lib_id = str(find(s, 'lib_id')[1])
        at = find(s, 'at')
        x, y, rot = fl(at[1]), fl(at[2]), fl(at[3]) if len(at) > 3 else 0.0
        m = find(s, 'mirror')
        mirror = str(m[1]) if m else ''
        u = str(find(s, 'uuid')[1])
        ref = instances.get(u, prop(s, 'Reference'))
        lib = libs[lib_id]
        is_power = find(lib, 'power') is not None
        for (number, name, ptype, px, py) in lib_pins(lib):
            pt = transform(px, py, x, y, rot, mirror)
            pid = ('pin', ref, number)
            sets.find(pid)
            # a power symbol's power input names a global net; a PWR_FLAG's power output only connects
            pins.append((pid, pt, ref, number, name, ptype, is_power, name if is_power and ptype == 'power_in' else None))
        if not is_power and str((find(s, 'in_bom') or ['', 'yes'])[1]) == 'yes':
            comps.append(dict(ref=ref, value=prop(s, 'Value'), footprint=prop(s, 'Footprint'), lib_id=lib_id, uuid=u,
                              fields=[(str(p[1]), str(p[2])) for p in find_all(s, 'property')
                                      if str(p[1]) not in ('Reference', 'Value', 'Footprint', 'Datasheet') and str(p[2])]))

    wires = []
    for k, wnode in enumerate(find_all(sch, 'wire')):
        pts = [(round(fl(p[1]), 4), round(fl(p[2]), 4)) for p in find_all(find(wnode, 'pts'), 'xy')]
        wires.append((('wire', k), pts[0], pts[-1]))
        sets.find(('wire', k))
    junctions = [(round(fl(find(j, 'at')[1]), 4), round(fl(find(j, 'at')[2]), 4)) for j in find_all(sch, 'junction')]
    labels = []
    for k, l in enumerate(find_all(sch, 'label')):
        at = find(l, 'at')
        labels.append((('label', k), (round(fl(at[1]), 4), round(fl(at[2]), 4)), str(l[1])))
        sets.find(('label', k))
    nc_points = [(round(fl(find(n, 'at')[1]), 4), round(fl(find(n, 'at')[2]), 4)) for n in find_all(sch, 'no_connect')]

    # wires to wires: shared ends, or an end on another wire's middle where a junction is
    for i, (wi, a1, b1) in enumerate(wires):
        for wj, a2, b2 in wires[i + 1:]:
            if any(same(p, r) for p in (a1, b1) for r in (a2, b2)):
                sets.union(wi, wj)
                continue
            for p, (sa, sb) in ((a1, (a2, b2)), (b1, (a2, b2)), (a2, (a1, b1)), (b2, (a1, b1))):
                if on_segment(p, sa, sb) and any(same(p, j) for j in junctions):
                    sets.union(wi, wj)
    # pins to wire ends (or a wire's middle at a junction), and to other pins at the same point
    for (pid, pt, *_rest) in pins:
        for (wid, a, b) in wires:
            if same(pt, a) or same(pt, b) or (on_segment(pt, a, b) and any(same(pt, j) for j in junctions)):
                sets.union(pid, wid)
    by_point = {}
    for (pid, pt, *_rest) in pins:
        by_point.setdefault((round(pt[0], 2), round(pt[1], 2)), []).append(pid)
    for group in by_point.values():
        for other in group[1:]:
            sets.union(group[0], other)
    # labels: anywhere on a wire, or on a pin; and all labels of one name are one net
    by_name = {}
    for (lid, pt, name) in labels:
        for (wid, a, b) in wires:
            if on_segment(pt, a, b):
                sets.union(lid, wid)
        for (pid, ppt, *_rest) in pins:
            if same(pt, ppt):
                sets.union(lid, pid)
        by_name.setdefault(name, []).append(lid)
    for group in by_name.values():
        for other in group[1:]:
            sets.union(group[0], other)
    # power pins: one global net per name
    power_by_name = {}
    for (pid, pt, ref, number, name, ptype, is_power, pname) in pins:
        if pname:
            power_by_name.setdefault(pname, []).append(pid)
    for group in power_by_name.values():
        for other in group[1:]:
            sets.union(group[0], other)

    # name the nets
    names = {}
    for (pid, pt, ref, number, name, ptype, is_power, pname) in pins:
        if pname:
            names.setdefault(sets.find(pid), set()).add(pname)
    label_names = {}
    for (lid, pt, name) in labels:
        label_names.setdefault(sets.find(lid), set()).add('/' + name)
    nets = {}
    for (pid, pt, ref, number, name, ptype, is_power, pname) in pins:
        if is_power:
            continue
        root = sets.find(pid)
        nets.setdefault(root, []).append((ref, number, name, ptype, pt))
    result = []
    problems = []
    for root, nodes in nets.items():
        candidates = sorted(names.get(root, set())) or sorted(label_names.get(root, set()))
        if len(candidates) > 1:
            problems.append('one net has several names: %s' % ', '.join(candidates))
        if candidates:
            name = candidates[0]
        elif len(nodes) == 1:
            ref, number, pin_name, ptype, pt = nodes[0]
            if not any(same(pt, n) for n in nc_points):
                problems.append('%s pin %s (%s) is connected to nothing and has no no-connect flag' % (ref, number, pin_name))
            name = 'unconnected-(%s-Pad%s)' % (ref, number)
        else:
            ref, number = sorted((natural(n[0]), n[1]) for n in nodes)[0]
            name = 'Net-(%s-Pad%s)' % (ref[2], number)
        result.append((name, sorted(nodes, key=lambda n: (natural(n[0]), natural(n[1])))))
    result.sort(key=lambda r: r[0])
    return sch, comps, libs, result, problems


def title_value(sch, key):
    tb = find(sch, 'title_block')
    node = find(tb, key) if tb else None
    return str(node[1]) if node else ''


def write(path, out_path=None):
    sch, comps, libs, nets, problems = netlist(path)
    src = os.path.basename(path)
    o = ['(export (version "E")\n  (design\n    (source %s)\n    (date %s)\n    (tool "schematics/tools/kicad_netlist.py (KiCad 6 netlist format)")\n'
         % (q(src), q(title_value(sch, 'date')))]
    o.append('    (sheet (number "1") (name "/") (tstamps "/")\n      (title_block\n        (title %s)\n        (company %s)\n        (rev %s)\n        (date %s)\n        (source %s)))\n  )\n'
             % tuple(q(v) for v in (title_value(sch, 'title'), title_value(sch, 'company'), title_value(sch, 'rev'),
                                    title_value(sch, 'date'), src)))
    o.append('  (components\n')
    for c in sorted(comps, key=lambda c: natural(c['ref'])):
        lib, part = c['lib_id'].split(':', 1)
        desc = prop(libs[c['lib_id']], 'ki_description')
        o.append('    (comp (ref %s)\n      (value %s)\n      (footprint %s)\n' % (q(c['ref']), q(c['value']), q(c['footprint'])))
        if c['fields']:
            o.append('      (fields\n%s)\n' % '\n'.join('        (field (name %s) %s)' % (q(k), q(v)) for k, v in c['fields']))
        o.append('      (libsource (lib %s) (part %s) (description %s))\n' % (q(lib), q(part), q(desc)))
        o.append('      (sheetpath (names "/") (tstamps "/"))\n      (tstamps %s))\n' % q(c['uuid']))
    o.append('  )\n  (libparts\n')
    used = sorted({c['lib_id'] for c in comps})
    for lib_id in used:
        lib, part = lib_id.split(':', 1)
        ls = libs[lib_id]
        o.append('    (libpart (lib %s) (part %s)\n      (description %s)\n      (pins\n' % (q(lib), q(part), q(prop(ls, 'ki_description'))))
        for (number, name, ptype, px, py) in sorted(lib_pins(ls), key=lambda p: natural(p[0])):
            o.append('        (pin (num %s) (name %s) (type %s))\n' % (q(number), q(name), q(ptype)))
        o.append('      ))\n')
    o.append('  )\n  (nets\n')
    for code, (name, nodes) in enumerate(nets, 1):
        o.append('    (net (code %s) (name %s)\n' % (q(str(code)), q(name)))
        for (ref, number, pin_name, ptype, pt) in nodes:
            fn = '' if pin_name == '~' else ' (pinfunction %s)' % q(pin_name)
            o.append('      (node (ref %s) (pin %s)%s (pintype %s))\n' % (q(ref), q(number), fn, q(ptype)))
        o.append('    )\n')
    o.append('  )\n)\n')
    text = ''.join(o)
    return text, problems


def main(argv):
    if len(argv) < 2:
        print(__doc__)
        return 2
    sch = argv[1]
    text, problems = write(sch)
    for p in problems:
        print('warning: ' + p, file=sys.stderr)
    if len(argv) >= 4 and argv[2] == '--check':
        old = open(argv[3], encoding='utf-8').read()
        if old != text:
            print('%s is not the netlist of %s: run schematics/tools/kicad_netlist.py %s' % (argv[3], sch, sch), file=sys.stderr)
            return 1
        print('%s matches %s' % (argv[3], sch))
        return 0
    out = argv[3] if len(argv) >= 4 and argv[2] == '-o' else os.path.splitext(sch)[0] + '.net'
    with open(out, 'w', newline='\n', encoding='utf-8') as f:
        f.write(text)
    print('wrote %s (%d nets)%s' % (out, text.count('(net (code'), '; %d warnings' % len(problems) if problems else ''))
    return 1 if problems else 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
