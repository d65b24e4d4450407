"""Schematic symbols of the Octomix box, drawn for KiCad 6 (lib_symbols of the .kicad_sch).

Every symbol is a dict: name, pins [(number, name, type, x, y, angle, length, hidden)],
graphics [KiCad 6 s-expression text], and flags. Coordinates are the symbol library's (mm,
y up); a pin's (x, y) is its connection point and its angle points from there into the body.
"""
from sexpr import num, q

G = 2.54
FONT = '(effects (font (size 1.27 1.27)))'
STROKE = '(stroke (width 0.254) (type default) (color 0 0 0 0))'
THIN = '(stroke (width 0) (type default) (color 0 0 0 0))'


def rect(x1, y1, x2, y2, fill='background'):
    return '(rectangle (start %s %s) (end %s %s) %s (fill (type %s)))' % (
        num(x1), num(y1), num(x2), num(y2), STROKE, fill)


def poly(points, fill='none', stroke=STROKE):
    pts = ' '.join('(xy %s %s)' % (num(x), num(y)) for x, y in points)
    return '(polyline (pts %s) %s (fill (type %s)))' % (pts, stroke, fill)


def circle(x, y, r, fill='none'):
    return '(circle (center %s %s) (radius %s) %s (fill (type %s)))' % (num(x), num(y), num(r), STROKE, fill)


def ic(name, left=(), right=(), top=(), bottom=(), width=25.4, description=''):
    """A box with pins. Each side lists (number, name, type) or None for a gap, top to bottom /
    left to right. Supplies go on top, grounds at the bottom."""
    rows = max(len(left), len(right), 1)
    h = (rows + 1) * G
    across = max(len(top), len(bottom))
    w = max(width, across * 2 * G + 5 * G)
    w = 2 * G * round(w / (2 * G) + 0.49)
    pins = []
    for side, lst in (('L', left), ('R', right)):
        for k, p in enumerate(lst):
            if p is None:
                continue
            y = h / 2 - (k + 1) * G
            if side == 'L':
                pins.append((p[0], p[1], p[2], -w / 2 - G, y, 0, G, False))
            else:
                pins.append((p[0], p[1], p[2], w / 2 + G, y, 180, G, False))
    for side, lst in (('T', top), ('B', bottom)):
        for k, p in enumerate(lst):
            if p is None:
                continue
            x = (k - (len(lst) - 1) / 2.0) * 2 * G
            if side == 'T':
                pins.append((p[0], p[1], p[2], x, h / 2 + G, 270, G, False))
            else:
                pins.append((p[0], p[1], p[2], x, -h / 2 - G, 90, G, False))
    return dict(name=name, pins=pins, graphics=[rect(-w / 2, h / 2, w / 2, -h / 2)], w=w, h=h,
                show_numbers=True, show_names=True, description=description, power=False)


def two_pin(name, graphics, n1=('1', '~'), n2=('2', '~'), description=''):
    """Horizontal two-pin part: pin n1 on the left, n2 on the right, 7.62 mm apart."""
    pins = [(n1[0], n1[1], 'passive', -3 * 1.27, 0, 0, 1.27, False),
            (n2[0], n2[1], 'passive', 3 * 1.27, 0, 180, 1.27, False)]
    return dict(name=name, pins=pins, graphics=graphics, w=7.62, h=2.54, show_numbers=False,
                show_names=False, description=description, power=False)


def resistor():
    return two_pin('R', [rect(-2.54, 1.016, 2.54, -1.016, 'none')], description='Resistor')


def capacitor(polarised=False):
    g = [poly([(-2.54, 0), (-0.508, 0)], stroke=THIN), poly([(0.508, 0), (2.54, 0)], stroke=THIN),
         poly([(-0.508, 2.032), (-0.508, -2.032)]), poly([(0.508, 2.032), (0.508, -2.032)])]
    if polarised:
        g += [poly([(-2.032, 1.524), (-1.016, 1.524)]), poly([(-1.524, 2.032), (-1.524, 1.016)])]
        return two_pin('CP', g, ('1', '+'), ('2', '-'), 'Polarised capacitor, pin 1 = +')
    return two_pin('C', g, description='Capacitor')


def ferrite():
    return two_pin('FB', [rect(-2.54, 0.889, 2.54, -0.889, 'outline')], description='Ferrite bead')


def fuse():
    return two_pin('F', [rect(-2.54, 0.762, 2.54, -0.762, 'none'), poly([(-2.54, 0), (2.54, 0)], stroke=THIN)],
                   description='Resettable fuse')


def led():
    g = [poly([(-1.27, 1.27), (1.27, 0), (-1.27, -1.27), (-1.27, 1.27)], 'outline'),
         poly([(1.27, 1.27), (1.27, -1.27)]), poly([(-2.54, 0), (-1.27, 0)], stroke=THIN),
         poly([(1.27, 0), (2.54, 0)], stroke=THIN),
         poly([(0, 1.524), (1.016, 2.54)]), poly([(0.762, 1.524), (1.778, 2.54)])]
    return two_pin('LED', g, ('2', 'A'), ('1', 'K'), 'LED, anode left (pin 2), cathode right (pin 1)')


def button():
    g = [circle(-1.524, 0, 0.508), circle(1.524, 0, 0.508), poly([(-2.032, 1.27), (2.032, 1.27)]),
         poly([(0, 1.27), (0, 2.54)]), poly([(-2.54, 0), (-2.032, 0)], stroke=THIN),
         poly([(2.032, 0), (2.54, 0)], stroke=THIN)]
    return two_pin('SW_Push', g, ('1', 'A'), ('2', 'B'), 'Push button, normally open')


def jumper():
    g = [poly([(-1.778, 1.016), (-0.254, 1.016), (-0.254, -1.016), (-1.778, -1.016), (-1.778, 1.016)], 'outline'),
         poly([(0.254, 1.016), (1.778, 1.016), (1.778, -1.016), (0.254, -1.016), (0.254, 1.016)], 'outline'),
         poly([(-0.254, 0), (0.254, 0)]), poly([(-2.54, 0), (-1.778, 0)], stroke=THIN),
         poly([(1.778, 0), (2.54, 0)], stroke=THIN)]
    return two_pin('Jumper_NC', g, description='Solder jumper, bridged (normally closed): cut to open')


def npn():
    pins = [('1', 'B', 'passive', -5.08, 0, 0, 3.81, False),
            ('3', 'C', 'passive', 2.54, 5.08, 270, 2.54, False),
            ('2', 'E', 'passive', 2.54, -5.08, 90, 2.54, False)]
    g = [circle(1.27, 0, 2.794), poly([(0.635, 1.905), (0.635, -1.905)], fill='none'),
         poly([(0.635, 0.635), (2.54, 2.54)]), poly([(0.635, -0.635), (2.54, -2.54)]),
         poly([(1.778, -2.286), (2.286, -1.778), (2.54, -2.54), (1.778, -2.286)], 'outline')]
    return dict(name='Q_NPN_BEC', pins=pins, graphics=g, w=5.08, h=5.08, show_numbers=False,
                show_names=False, description='NPN transistor (SOT-23: 1 B, 2 E, 3 C)', power=False)


def pot():
    pins = [('1', 'END_A', 'passive', -5.08, 0, 0, 2.54, False),
            ('3', 'END_B', 'passive', 5.08, 0, 180, 2.54, False),
            ('2', 'WIPER', 'passive', 0, -3.81, 90, 1.27, False)]
    g = [rect(-2.54, 1.016, 2.54, -1.016, 'none'),
         poly([(0, -2.54), (0, -1.016)]), poly([(-0.508, -1.778), (0, -1.016), (0.508, -1.778)])]
    return dict(name='R_Potentiometer', pins=pins, graphics=g, w=7.62, h=2.54, show_numbers=False,
                show_names=False, description='Potentiometer: END_A, WIPER, END_B', power=False)


def power(name, ground=False):
    if ground:
        g = [poly([(0, 0), (0, -1.27), (1.27, -1.27), (0, -2.54), (-1.27, -1.27), (0, -1.27)])]
        pins = [('1', name, 'power_in', 0, 0, 270, 0, True)]
    else:
        g = [poly([(-0.762, 1.27), (0, 2.54)]), poly([(0, 0), (0, 2.54)]), poly([(0, 2.54), (0.762, 1.27)])]
        pins = [('1', name, 'power_in', 0, 0, 90, 0, True)]
    return dict(name=name, pins=pins, graphics=g, w=2.54, h=2.54, show_numbers=False, show_names=False,
                description='Power symbol: creates a global net named ' + name, power=True, ground=ground)


def pwr_flag():
    """KiCad's PWR_FLAG (a power output for ERC), drawn below its pin."""
    g = [poly([(0, 0), (0, -1.27), (-1.016, -1.905), (0, -2.54), (1.016, -1.905), (0, -1.27)])]
    pins = [('1', 'pwr', 'power_out', 0, 0, 270, 0, True)]
    return dict(name='PWR_FLAG', pins=pins, graphics=g, w=2.54, h=2.54, show_numbers=False, show_names=False,
                description='Marks a net as driven by a power source, for the electrical rules check', power=True, ground=True)


def lib_symbol_text(lib, sym):
    """The (symbol ...) block for lib_symbols."""
    name = sym['name']
    full = '%s:%s' % (lib, name)
    out = ['    (symbol %s' % q(full)]
    if sym['power']:
        out.append(' (power)')
    if not sym['show_numbers']:
        out.append(' (pin_numbers hide)')
    out.append(' (pin_names (offset 0.508)%s)' % ('' if sym['show_names'] else ' hide'))
    out.append(' (in_bom %s) (on_board %s)\n' % (('no', 'no') if sym['power'] else ('yes', 'yes')))
    ref = '#PWR' if sym['power'] else sym.get('prefix', 'U')
    hide = ' hide' if sym['power'] else ''
    out.append('      (property "Reference" %s (id 0) (at 0 %s 0)\n        (effects (font (size 1.27 1.27))%s))\n'
               % (q(ref), num(sym['h'] / 2 + 1.27), hide))
    out.append('      (property "Value" %s (id 1) (at 0 %s 0)\n        %s)\n'
               % (q(name), num(-sym['h'] / 2 - 1.27 if not sym['power'] else (-3.81 if sym.get('ground') else 3.556)), FONT))
    out.append('      (property "Footprint" "" (id 2) (at 0 0 0)\n        (effects (font (size 1.27 1.27)) hide))\n')
    out.append('      (property "Datasheet" "" (id 3) (at 0 0 0)\n        (effects (font (size 1.27 1.27)) hide))\n')
    out.append('      (property "ki_description" %s (id 4) (at 0 0 0)\n        (effects (font (size 1.27 1.27)) hide))\n'
               % q(sym['description']))
    out.append('      (symbol %s\n' % q(name + '_0_1'))
    for g in sym['graphics']:
        out.append('        %s\n' % g)
    out.append('      )\n')
    out.append('      (symbol %s\n' % q(name + '_1_1'))
    for (number, pname, ptype, x, y, ang, length, hidden) in sym['pins']:
        out.append('        (pin %s line (at %s %s %d) (length %s)%s\n          (name %s %s)\n          (number %s %s))\n'
                   % (ptype, num(x), num(y), ang, num(length), ' hide' if hidden else '', q(pname), FONT, q(number), FONT))
    out.append('      )\n    )\n')
    return ''.join(out)
