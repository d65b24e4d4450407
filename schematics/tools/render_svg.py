#!/usr/bin/env python3
"""Renders a KiCad 6 schematic (.kicad_sch) to SVG, for the README (standard library only).

Draws what the file holds: the embedded symbols' graphics and pins (names, numbers), visible
fields, wires, labels, power symbols, no-connect flags, junctions, text notes, the sheet frame
and title. It reads the .kicad_sch, not the Python description that wrote it.

Usage: render_svg.py SCHEMATIC.kicad_sch [OUT.svg]   (default: beside the schematic)
       render_svg.py SCHEMATIC.kicad_sch --check OUT.svg  (exit 1 if OUT.svg differs)
"""
import os
import sys
from xml.sax.saxutils import escape

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from kicad_netlist import prop, transform  # noqa: E402
from sexpr import find, find_all, parse  # noqa: E402

PAPER = {'A4': (297, 210), 'A3': (420, 297), 'A2': (594, 420), 'A1': (841, 594)}
BODY, PIN, WIRE, LABEL, NOTE, POWER, FIELD = '#840000', '#840000', '#008400', '#000000', '#0000c2', '#840000', '#006464'
EM = 1.45   # SVG font-size per KiCad text height


def f(v):
    return ('%.3f' % v).rstrip('0').rstrip('.')


class Svg:
    def __init__(self, w, h):
        self.parts = ['<svg xmlns="http://www.w3.org/2000/svg" width="%smm" height="%smm" viewBox="0 0 %s %s" '
                      'font-family="DejaVu Sans, Arial, sans-serif">\n' % (f(w), f(h), f(w), f(h)),
                      '<rect x="0" y="0" width="%s" height="%s" fill="#ffffff"/>\n' % (f(w), f(h))]

    def line(self, pts, color, width=0.15, fill='none'):
        self.parts.append('<polyline points="%s" fill="%s" stroke="%s" stroke-width="%s" stroke-linecap="round" stroke-linejoin="round"/>\n'
                          % (' '.join('%s,%s' % (f(x), f(y)) for x, y in pts), fill, color, f(width)))

    def circle(self, c, r, color, fill='none', width=0.15):
        self.parts.append('<circle cx="%s" cy="%s" r="%s" fill="%s" stroke="%s" stroke-width="%s"/>\n'
                          % (f(c[0]), f(c[1]), f(r), fill, color, f(width)))

    def text(self, x, y, s, size, color, anchor='start', rotate=0, baseline='auto', weight='normal'):
        tr = ' transform="rotate(%s %s %s)"' % (f(rotate), f(x), f(y)) if rotate else ''
        self.parts.append('<text xml:space="preserve" x="%s" y="%s" font-size="%s" fill="%s" text-anchor="%s" dominant-baseline="%s" font-weight="%s"%s>%s</text>\n'
                          % (f(x), f(y), f(size * EM), color, anchor, baseline, weight, tr, escape(s)))

    def done(self):
        return ''.join(self.parts) + '</svg>\n'


def effects(node):
    e = find(node, 'effects')
    size, hidden, just = 1.27, False, []
    if e:
        font = find(e, 'font')
        sz = find(font, 'size') if font else None
        if sz:
            size = float(sz[1])
        hidden = 'hide' in e
        j = find(e, 'justify')
        just = [str(x) for x in j[1:]] if j else []
    return size, hidden, just


def anchor_of(just):
    return 'start' if 'left' in just else 'end' if 'right' in just else 'middle'


def baseline_of(just):
    return 'hanging' if 'top' in just else 'auto' if 'bottom' in just else 'central'


def draw_symbol(svg, s, lib, at):
    x, y = float(at[1]), float(at[2])
    rot = float(at[3]) if len(at) > 3 else 0.0
    m = find(s, 'mirror')
    mirror = str(m[1]) if m else ''
    is_power = find(lib, 'power') is not None

    def T(px, py):
        return transform(px, py, x, y, rot, mirror)

    pin_names = find(lib, 'pin_names')
    names_hidden = pin_names is not None and 'hide' in pin_names
    offset = float(find(pin_names, 'offset')[1]) if pin_names is not None and find(pin_names, 'offset') else 0.508
    pn = find(lib, 'pin_numbers')
    numbers_hidden = pn is not None and 'hide' in pn
    for unit in find_all(lib, 'symbol'):
        for g in unit[2:]:
            if not isinstance(g, list):
                continue
            fill_node = find(g, 'fill')
            fill_type = str(fill_node[1][1]) if fill_node and isinstance(fill_node[1], list) else 'none'
            fill = '#ffffc2' if fill_type == 'background' else BODY if fill_type == 'outline' else 'none'
            color = POWER if is_power else BODY
            if g[0] == 'rectangle':
                a, b = find(g, 'start'), find(g, 'end')
                p1, p2 = T(float(a[1]), float(a[2])), T(float(b[1]), float(b[2]))
                svg.line([p1, (p2[0], p1[1]), p2, (p1[0], p2[1]), p1], color, 0.254, fill)
            elif g[0] == 'polyline':
                pts = [T(float(p[1]), float(p[2])) for p in find_all(find(g, 'pts'), 'xy')]
                svg.line(pts, color, 0.2, fill)
            elif g[0] == 'circle':
                c, r = find(g, 'center'), float(find(g, 'radius')[1])
                svg.circle(T(float(c[1]), float(c[2])), r, color, fill if fill != '#ffffc2' else 'none', 0.2)
            elif g[0] == 'pin':
                if 'hide' in g:
                    continue
                pa = find(g, 'at')
                px, py, ang = float(pa[1]), float(pa[2]), int(float(pa[3]))
                length = float(find(g, 'length')[1])
                d = {0: (1, 0), 90: (0, 1), 180: (-1, 0), 270: (0, -1)}[ang]
                start, end = T(px, py), T(px + d[0] * length, py + d[1] * length)
                svg.line([start, end], PIN, 0.15)
                name = str(find(g, 'name')[1])
                number = str(find(g, 'number')[1])
                dx, dy = end[0] - start[0], end[1] - start[1]
                horizontal = abs(dx) > abs(dy)
                if not names_hidden and name != '~' and length > 0:
                    npos = T(px + d[0] * (length + offset), py + d[1] * (length + offset))
                    if horizontal:
                        svg.text(npos[0], npos[1], name, 1.1, FIELD, 'start' if dx > 0 else 'end', baseline='central')
                    else:
                        svg.text(npos[0], npos[1], name, 1.1, FIELD, 'end' if dy > 0 else 'start', rotate=-90, baseline='central')
                if not numbers_hidden and length > 0:
                    mx, my = (start[0] + end[0]) / 2, (start[1] + end[1]) / 2
                    if horizontal:
                        svg.text(mx, my - 0.3, number, 0.9, PIN, 'middle')
                    else:
                        svg.text(mx - 0.3, my, number, 0.9, PIN, 'middle', rotate=-90)
    for p in find_all(s, 'property'):
        size, hidden, just = effects(p)
        val = str(p[2])
        if hidden or not val:
            continue
        pa = find(p, 'at')
        color = POWER if is_power else (FIELD if str(p[1]) == 'Reference' else '#000000')
        svg.text(float(pa[1]), float(pa[2]), val, size, color, anchor_of(just), baseline=baseline_of(just))


def render(path):
    sch = parse(open(path, encoding='utf-8').read())[0]
    paper = str(find(sch, 'paper')[1])
    w, h = PAPER.get(paper, (594, 420))
    svg = Svg(w, h)
    svg.line([(10, 10), (w - 10, 10), (w - 10, h - 10), (10, h - 10), (10, 10)], BODY, 0.3)
    tb = find(sch, 'title_block')
    if tb:
        bx, by = w - 120, h - 32
        svg.line([(bx, h - 10), (bx, by), (w - 10, by)], BODY, 0.3)
        svg.text(bx + 2, by + 6, str(find(tb, 'title')[1]), 2.5, '#000000', weight='bold')
        svg.text(bx + 2, by + 11, 'Date: %s   Rev: %s' % (find(tb, 'date')[1], find(tb, 'rev')[1]), 1.4, '#000000')
        lines = [str(c[2]) for c in find_all(tb, 'comment')]
        for k, c in enumerate(lines):
            svg.text(bx + 2, by + 15 + 3 * k, c, 1.1, '#000000')
        svg.text(bx + 2, h - 12, 'Sheet: / (%s, KiCad 6 format)' % os.path.basename(path), 1.1, '#000000')
    libs = {str(s[1]): s for s in find_all(find(sch, 'lib_symbols'), 'symbol')}
    for wnode in find_all(sch, 'wire'):
        pts = [(float(p[1]), float(p[2])) for p in find_all(find(wnode, 'pts'), 'xy')]
        svg.line(pts, WIRE, 0.2)
    for j in find_all(sch, 'junction'):
        a = find(j, 'at')
        svg.circle((float(a[1]), float(a[2])), 0.5, WIRE, WIRE)
    for n in find_all(sch, 'no_connect'):
        a = find(n, 'at')
        x, y, r = float(a[1]), float(a[2]), 0.635
        svg.line([(x - r, y - r), (x + r, y + r)], '#0000c8', 0.15)
        svg.line([(x - r, y + r), (x + r, y - r)], '#0000c8', 0.15)
    for s in find_all(sch, 'symbol'):
        draw_symbol(svg, s, libs[str(find(s, 'lib_id')[1])], find(s, 'at'))
    for l in find_all(sch, 'label'):
        a = find(l, 'at')
        x, y, ang = float(a[1]), float(a[2]), int(float(a[3]))
        size, _, _ = effects(l)
        if ang == 0:
            svg.text(x + 0.3, y - 0.3, str(l[1]), size, LABEL, 'start')
        elif ang == 180:
            svg.text(x - 0.3, y - 0.3, str(l[1]), size, LABEL, 'end')
        elif ang == 90:
            svg.text(x - 0.3, y - 0.3, str(l[1]), size, LABEL, 'start', rotate=-90)
        else:
            svg.text(x - 0.3, y + 0.3, str(l[1]), size, LABEL, 'end', rotate=-90)
    for t in find_all(sch, 'text'):
        a = find(t, 'at')
        size, _, just = effects(t)
        lines = str(t[1]).split('\n')
        step = size * 1.6
        # bottom-justified text grows upwards from its anchor, top-justified text hangs down
        y0 = float(a[2]) + (size if 'top' in just else -(len(lines) - 1) * step if 'bottom' in just else 0)
        for k, line in enumerate(lines):
            svg.text(float(a[1]), y0 + k * step, line, size, NOTE, anchor_of(just),
                     weight='bold' if size > 1.5 else 'normal')
    return svg.done()


def main(argv):
    if len(argv) < 2:
        print(__doc__)
        return 2
    text = render(argv[1])
    if len(argv) > 3 and argv[2] == '--check':
        if open(argv[3], encoding='utf-8').read() != text:
            print('%s is not the picture of %s: run schematics/tools/render_svg.py %s' % (argv[3], argv[1], argv[1]), file=sys.stderr)
            return 1
        print('%s matches %s' % (argv[3], argv[1]))
        return 0
    out = argv[2] if len(argv) > 2 else os.path.splitext(argv[1])[0] + '.svg'
    with open(out, 'w', newline='\n', encoding='utf-8') as fh:
        fh.write(text)
    print('wrote ' + out)
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
