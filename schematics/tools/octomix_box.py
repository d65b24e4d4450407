#!/usr/bin/env python3
"""The Octomix reference box, described once: parts, pins, nets, placement, notes.

Writes schematics/octomix-box/octomix-box.kicad_sch (KiCad 6, version 20211123, symbols embedded),
octomix-box.kicad_pro and bom.csv. The netlist is NOT written from here: kicad_netlist.py reads
the .kicad_sch back, so the netlist (and the tests that read it) check what the schematic draws.

Usage: python3 schematics/tools/octomix_box.py   (standard library only)
"""
import csv
import io
import os
import sys
import uuid

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import symbols as S  # noqa: E402
from sexpr import num, q  # noqa: E402

LIB = 'octomix'
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'octomix-box')
NS = uuid.UUID('6f63746f-6d69-782d-626f-782d6b696361')
TITLE = 'Octomix reference box'
DATE = '2026-12-06'
REV = '0.1 (not built yet)'
POWER_NETS = {'GND': True, '+3V3': False, '+3V3A': False, '+5V': False}  # name -> is ground

PI, PO, PB, PP, PW, PWO, NC, OC = ('input', 'output', 'bidirectional', 'passive', 'power_in',
                                   'power_out', 'no_connect', 'open_collector')

# ---------------------------------------------------------------- symbols (real pinouts)
SYMS = {}


def sym(s, prefix):
    s['prefix'] = prefix
    SYMS[s['name']] = s
    return s


# ESP32-WROVER-E module pads (Espressif datasheet, "Pin Definitions"). Pads 17-22 are the
# WROOM's flash pins (GPIO9/10/11/6/7/8) and 27/28 its GPIO16/17: on the WROVER-E they are NC
# (flash and PSRAM are inside the can). Pad 39 is the exposed ground pad.
sym(S.ic('ESP32-WROVER-E', width=38.1, description='ESP32-WROVER-E module (4/8 MB PSRAM), 39 pads',
         left=[('3', 'EN', PI), ('4', 'SENSOR_VP/IO36', PI), ('5', 'SENSOR_VN/IO39', PI),
               ('6', 'IO34', PI), ('7', 'IO35', PI), ('8', 'IO32', PB), ('9', 'IO33', PB),
               ('10', 'IO25', PB), ('11', 'IO26', PB), ('12', 'IO27', PB), ('13', 'IO14', PB),
               ('14', 'IO12', PB), ('16', 'IO13', PB), None, ('17', 'NC', NC), ('18', 'NC', NC),
               ('19', 'NC', NC), ('20', 'NC', NC), ('21', 'NC', NC), ('22', 'NC', NC)],
         right=[('25', 'IO0', PB), ('35', 'TXD0/IO1', PB), ('24', 'IO2', PB), ('34', 'RXD0/IO3', PB),
                ('26', 'IO4', PB), ('29', 'IO5', PB), ('23', 'IO15', PB), ('30', 'IO18', PB),
                ('31', 'IO19', PB), ('33', 'IO21', PB), ('36', 'IO22', PB), ('37', 'IO23', PB), None,
                ('27', 'NC', NC), ('28', 'NC', NC), ('32', 'NC', NC)],
         top=[('2', '3V3', PW)],
         bottom=[('1', 'GND', PW), ('15', 'GND', PW), ('38', 'GND', PW), ('39', 'GND', PW)]), 'U')

# WM8960 QFN-32 (Cirrus Logic datasheet, pin description; EP = pad 33, ground).
sym(S.ic('WM8960', width=33.02, description='WM8960 stereo codec, QFN-32 5x5 mm',
         left=[('11', 'MCLK', PI), ('12', 'BCLK', PB), ('15', 'ADCLRC/GPIO1', PB), ('16', 'ADCDAT', PO),
               ('13', 'DACLRC', PB), ('14', 'DACDAT', PI), None, ('17', 'SCLK', PI), ('18', 'SDIN', PB),
               None, ('1', 'MICBIAS', PWO), ('27', 'VMID', PP)],
         right=[('4', 'LINPUT1', PI), ('3', 'LINPUT2', PI), ('2', 'LINPUT3/JD2', PI),
                ('5', 'RINPUT1', PI), ('6', 'RINPUT2', PI), ('7', 'RINPUT3/JD3', PI), None,
                ('31', 'HP_L', PO), ('29', 'HP_R', PO), ('30', 'OUT3', PO), None,
                ('25', 'SPK_LP', PO), ('23', 'SPK_LN', PO), ('22', 'SPK_RP', PO), ('19', 'SPK_RN', PO)],
         top=[('32', 'AVDD', PW), ('8', 'DCVDD', PW), ('10', 'DBVDD', PW), ('26', 'SPKVDD1', PW), ('21', 'SPKVDD2', PW)],
         bottom=[('28', 'AGND', PW), ('9', 'DGND', PW), ('24', 'SPKGND1', PW), ('20', 'SPKGND2', PW), ('33', 'EP', PW)]), 'U')

# PCM5102A TSSOP-20 (TI datasheet, pin functions).
sym(S.ic('PCM5102A', width=27.94, description='PCM5102A stereo I2S DAC, TSSOP-20',
         left=[('13', 'BCK', PI), ('15', 'LRCK', PI), ('14', 'DIN', PI), ('12', 'SCK', PI), None,
               ('16', 'FMT', PI), ('17', 'XSMT', PI), ('11', 'FLT', PI), ('10', 'DEMP', PI)],
         right=[('6', 'OUTL', PO), ('7', 'OUTR', PO), None, ('2', 'CAPP', PP), ('4', 'CAPM', PP),
                ('5', 'VNEG', PWO), ('18', 'LDOO', PWO)],
         top=[('8', 'AVDD', PW), ('1', 'CPVDD', PW), ('20', 'DVDD', PW)],
         bottom=[('9', 'AGND', PW), ('3', 'CPGND', PW), ('19', 'DGND', PW)]), 'U')

# TPA6132A2 QFN-16 RTE (TI datasheet, pin functions; EP = 17).
sym(S.ic('TPA6132A2', width=25.4, description='TPA6132A2 DirectPath stereo headphone amplifier, QFN-16 3x3 mm',
         left=[('2', 'INL+', PI), ('1', 'INL-', PI), ('3', 'INR+', PI), ('4', 'INR-', PI), None,
               ('13', 'EN', PI), ('6', 'G0', PI), ('7', 'G1', PI)],
         right=[('16', 'OUTL', PO), ('5', 'OUTR', PO), None, ('11', 'CPP', PP), ('9', 'CPN', PP),
                ('8', 'HPVSS', PWO), ('12', 'HPVDD', PWO)],
         top=[('14', 'VDD', PW)],
         bottom=[('10', 'PGND', PW), ('15', 'SGND', PW), ('17', 'EP', PW)]), 'U')

# TL072H SOIC-8 (both op-amps in one box).
sym(S.ic('TL072H', width=22.86, description='TL072H dual JFET op-amp (4.5-40 V), SOIC-8',
         left=[('3', '+IN_A', PI), ('2', '-IN_A', PI), None, ('5', '+IN_B', PI), ('6', '-IN_B', PI)],
         right=[('1', 'OUT_A', PO), None, None, ('7', 'OUT_B', PO)],
         top=[('8', 'V+', PW)], bottom=[('4', 'V-', PW)]), 'U')

# CH340C SOIC-16 (WCH datasheet; internal oscillator, pins 7/8 NC).
sym(S.ic('CH340C', width=22.86, description='CH340C USB-UART, SOIC-16, internal clock',
         left=[('5', 'UD+', PB), ('6', 'UD-', PB), None, ('9', 'CTS#', PI), ('10', 'DSR#', PI),
               ('11', 'RI#', PI), ('12', 'DCD#', PI), ('15', 'R232', PI), ('7', 'NC', NC), ('8', 'NC', NC)],
         right=[('2', 'TXD', PO), ('3', 'RXD', PI), None, ('13', 'DTR#', PO), ('14', 'RTS#', PO)],
         top=[('16', 'VCC', PW), ('4', 'V3', PW)], bottom=[('1', 'GND', PW)]), 'U')

# TLV75733P SOT-23-5 (TI: 1 IN, 2 GND, 3 EN, 4 NC, 5 OUT).
sym(S.ic('TLV75733P', width=20.32, description='TLV75733P 1 A LDO 3.3 V, SOT-23-5',
         left=[('1', 'IN', PW), None, ('3', 'EN', PI)],
         right=[('5', 'OUT', PWO), None, ('4', 'NC', NC)],
         bottom=[('2', 'GND', PW)]), 'U')

sym(S.ic('USB_B_Micro', width=15.24, description='USB 2.0 micro-B receptacle',
         right=[('1', 'VBUS', PP), ('3', 'D+', PP), ('2', 'D-', PP), ('4', 'ID', PP)],
         bottom=[('5', 'GND', PP), ('6', 'SHIELD', PP)]), 'J')
sym(S.ic('Micro_SD_Card', width=17.78, description='microSD socket (push-push), SD pin names',
         right=[('5', 'CLK', PI), ('3', 'CMD', PB), ('7', 'DAT0', PB), ('8', 'DAT1', PB),
                ('1', 'DAT2', PB), ('2', 'DAT3/CD', PB)],
         top=[('4', 'VDD', PW)], bottom=[('6', 'VSS', PW), ('9', 'SHIELD', PP)]), 'J')
sym(S.ic('Jack_TS', width=12.7, description='Mono jack (tip, sleeve)',
         right=[('T', 'TIP', PP), ('S', 'SLEEVE', PP)]), 'J')
sym(S.ic('Jack_TRS', width=12.7, description='Stereo jack (tip, ring, sleeve)',
         right=[('T', 'TIP', PP), ('R', 'RING', PP), ('S', 'SLEEVE', PP)]), 'J')
for s, p in ((S.resistor(), 'R'), (S.capacitor(), 'C'), (S.capacitor(True), 'C'), (S.ferrite(), 'FB'),
             (S.fuse(), 'F'), (S.led(), 'D'), (S.button(), 'SW'), (S.jumper(), 'JP'), (S.npn(), 'Q'),
             (S.pot(), 'RV')):
    sym(s, p)
for n, gnd in POWER_NETS.items():
    SYMS['PWR:' + n] = S.power(n, gnd)
SYMS['PWR:PWR_FLAG'] = S.pwr_flag()

# ---------------------------------------------------------------- footprints
FP = {
    'R': 'Resistor_SMD:R_0603_1608Metric', 'C': 'Capacitor_SMD:C_0603_1608Metric',
    'C0805': 'Capacitor_SMD:C_0805_2012Metric', 'CP': 'Capacitor_SMD:CP_Elec_6.3x7.7',
    'FB': 'Inductor_SMD:L_0603_1608Metric', 'F': 'Fuse:Fuse_1812_4532Metric', 'LED': 'LED_SMD:LED_0805_2012Metric',
    'SW': 'Button_Switch_THT:SW_PUSH_6mm', 'JP': 'Jumper:SolderJumper-2_P1.3mm_Bridged_RoundedPad1.0x1.5mm',
    'Q': 'Package_TO_SOT_SMD:SOT-23', 'RV': 'Potentiometer_THT:Potentiometer_Alps_RK09K_Single_Vertical',
}

# ---------------------------------------------------------------- parts
PARTS = {}   # ref -> dict
ORDER = []


def part(ref, symname, value, footprint, mfr, mpn, note, nets, at, function=''):
    """nets: {pin number: net name or None for not connected}. Every pin of the symbol must be listed."""
    s = SYMS[symname]
    numbers = [p[0] for p in s['pins']]
    missing = [n for n in numbers if n not in nets]
    extra = [n for n in nets if n not in numbers]
    if missing or extra:
        raise SystemExit('%s: pins missing %s, unknown %s' % (ref, missing, extra))
    PARTS[ref] = dict(ref=ref, sym=s, value=value, footprint=footprint, mfr=mfr, mpn=mpn, note=note,
                      nets=nets, at=at, function=function)
    ORDER.append(ref)


def yageo(value):
    """Yageo RC0603 1 % part number: 10k -> RC0603FR-0710KL, 4.7k -> RC0603FR-074K7L, 330 -> RC0603FR-07330RL."""
    v = value.upper()
    unit = v[-1] if v[-1] in 'KM' else 'R'
    digits = v[:-1] if unit != 'R' else v
    code = digits.replace('.', unit) if '.' in digits else digits + unit
    return 'RC0603FR-07%sL' % code


def R(ref, value, a, b, at, note, mpn=None, function=''):
    part(ref, 'R', value, FP['R'], 'Yageo', mpn or yageo(value), note, {'1': a, '2': b}, at, function)


def C(ref, value, a, b, at, note, fp=None, mpn=None, mfr='Murata'):
    part(ref, 'C', value, fp or FP['C'], mfr, mpn or 'GRM188R71H104KA93D', note, {'1': a, '2': b}, at)


def CP(ref, value, plus, minus, at, note, mpn):
    part(ref, 'CP', value, FP['CP'], 'Panasonic', mpn, note, {'1': plus, '2': minus}, at)


# Block origins (mm, schematic coordinates, y down). Sheet A2 = 594 x 420 mm.
X1, X2, X3 = 20.32, 215.9, 411.48
Y1, Y2 = 38.1, 226.06
ROW = 10.16

# Nets whose power inputs no power output drives (USB through F1, the ferrite FB1, ground): a
# PWR_FLAG on each tells KiCad's ERC they are supplied.
FLAGS = [('+5V', (X2 + 66.04, Y1 + 48.26)), ('+3V3A', (X2 + 66.04, Y1 + 58.42)), ('GND', (X2 + 66.04, Y1 + 68.58))]


def col(x, y, k):
    """Position of the k-th two-pin part in a column starting at (x, y)."""
    return (x, y + k * ROW)


# --- MCU ---------------------------------------------------------------------------------
U1 = {'3': 'EN', '4': 'JOIN_BTN', '5': None, '6': 'CLICK_KNOB', '7': 'I2S1_DIN', '8': 'I2S2_WS',
      '9': 'I2S2_DOUT', '10': 'I2S1_WS', '11': None, '12': 'I2S2_BCK', '13': 'SD_CLK', '14': 'GPIO12_STRAP',
      '16': None, '17': None, '18': None, '19': None, '20': None, '21': None, '22': None,
      '25': 'I2S1_MCLK', '35': 'UART_TXD0', '24': 'SD_D0', '34': 'UART_RXD0', '26': None, '29': 'I2S1_BCK',
      '23': 'SD_CMD', '30': 'I2C_SDA', '31': 'LED_LINK', '33': 'LED_RECORD', '36': 'LED_BEAT', '37': 'I2C_SCL',
      '27': None, '28': None, '32': None, '2': '+3V3', '1': 'GND', '15': 'GND', '38': 'GND', '39': 'GND'}
part('U1', 'ESP32-WROVER-E', 'ESP32-WROVER-E', 'RF_Module:ESP32-WROVER-E', 'Espressif', 'ESP32-WROVER-E-N4R8',
     'The box: nanoFramework ESP32_PSRAM_REV3. WROVER, not WROOM: PSRAM is the managed heap. N4R8 or N8R8.',
     U1, (X1 + 60.96, Y1 + 88.9))
mx = X1 + 160.02
C('C1', '10u', '+3V3', 'GND', col(mx, Y1 + 20.32, 0), 'ESP32 bulk, at the module 3V3 pad (Wi-Fi TX bursts)', FP['C0805'], 'GRM21BR61A106KE19L')
C('C2', '100n', '+3V3', 'GND', col(mx, Y1 + 20.32, 1), 'ESP32 decoupling, at pad 2')
R('R1', '10k', '+3V3', 'I2S1_MCLK', col(mx, Y1 + 20.32, 3), 'GPIO0 strap: pull-up, high at reset = normal boot; auto-reset or BOOT pulls it low to flash')
R('R2', '10k', 'GPIO12_STRAP', 'GND', col(mx, Y1 + 20.32, 4), 'GPIO12 (MTDI) strap: held low = 3.3 V flash. High at reset would select 1.8 V and brown out the flash/PSRAM')
R('R3', '10k', '+3V3', 'EN', col(mx, Y1 + 20.32, 6), 'EN pull-up (with C3: power-on reset delay)')
C('C3', '1u', 'EN', 'GND', col(mx, Y1 + 20.32, 7), 'EN delay: 10 k x 1 uF, Espressif recommends >= 1 uF', mpn='GRM188R71C105KA12D')
part('SW1', 'SW_Push', 'RESET', FP['SW'], 'C&K', 'PTS645SL43-2 LFS', 'EN to GND: reset', {'1': 'EN', '2': 'GND'}, col(mx, Y1 + 20.32, 9), 'reset button')
part('SW2', 'SW_Push', 'BOOT', FP['SW'], 'C&K', 'PTS645SL43-2 LFS', 'GPIO0 to GND: hold while pressing RESET for the ROM bootloader (if the auto-reset fails)',
     {'1': 'I2S1_MCLK', '2': 'GND'}, col(mx, Y1 + 20.32, 10), 'boot button')

# --- USB, power, auto-reset ------------------------------------------------------------------
part('J1', 'USB_B_Micro', 'USB micro-B', 'Connector_USB:USB_Micro-B_Molex-105017-0001', 'Molex', '105017-0001',
     'Power (5 V, >= 1 A supply) and the serial port for nanoff', {'1': 'VBUS', '3': 'USB_DP', '2': 'USB_DM', '4': None, '5': 'GND', '6': 'GND'},
     (X2 + 20.32, Y1 + 25.4))
part('F1', 'F', '1.1A', FP['F'], 'Bourns', 'MF-MSMF110-2', 'Resettable fuse, VBUS to +5V (1.1 A hold)',
     {'1': 'VBUS', '2': '+5V'}, (X2 + 60.96, Y1 + 17.78))
part('U2', 'TLV75733P', 'TLV75733P', 'Package_TO_SOT_SMD:SOT-23-5', 'Texas Instruments', 'TLV75733PDBVR',
     '3.3 V, 1 A LDO: the ESP32 draws ~500 mA peaks in Wi-Fi TX plus codec/DAC/card; 1 A leaves margin, dropout 425 mV at 1 A still regulates from a 4.75 V USB supply. (An AMS1117 needs 1.1-1.3 V headroom; an AP2112K is only 600 mA.)',
     {'1': '+5V', '3': '+5V', '5': '+3V3', '4': None, '2': 'GND'}, (X2 + 111.76, Y1 + 22.86))
px = X2 + 165.1
C('C4', '10u', '+5V', 'GND', col(px, Y1 + 12.7, 0), 'LDO input', FP['C0805'], 'GRM21BR61A106KE19L')
C('C5', '22u', '+3V3', 'GND', col(px, Y1 + 12.7, 1), 'LDO output bulk (Wi-Fi bursts)', FP['C0805'], 'GRM21BR61A226ME44L')
part('FB1', 'FB', '220R', FP['FB'], 'Murata', 'BLM18PG221SN1D', 'Ferrite: +3V3 to the analog rail +3V3A (codec AVDD, DAC AVDD/CPVDD)',
     {'1': '+3V3', '2': '+3V3A'}, col(px, Y1 + 12.7, 2))
C('C6', '10u', '+3V3A', 'GND', col(px, Y1 + 12.7, 3), 'Analog rail bulk', FP['C0805'], 'GRM21BR61A106KE19L')
part('U3', 'CH340C', 'CH340C', 'Package_SO:SOIC-16_3.9x9.9mm_P1.27mm', 'WCH', 'CH340C',
     'USB-UART for nanoff, internal oscillator; run at 3.3 V (VCC = V3 = 3V3) so its I/O matches the ESP32',
     {'5': 'USB_DP', '6': 'USB_DM', '9': None, '10': None, '11': None, '12': None, '15': None, '7': None, '8': None,
      '2': 'UART_RXD0', '3': 'UART_TXD0', '13': 'DTR', '14': 'RTS', '16': '+3V3', '4': '+3V3', '1': 'GND'},
     (X2 + 45.72, Y1 + 99.06))
C('C7', '100n', '+3V3', 'GND', col(px, Y1 + 50.8, 0), 'CH340C VCC/V3 decoupling')
R('R4', '10k', 'DTR', 'Q1_B', col(px, Y1 + 50.8, 2), 'Auto-reset: DTR to Q1 base')
R('R5', '10k', 'RTS', 'Q2_B', col(px, Y1 + 50.8, 3), 'Auto-reset: RTS to Q2 base')
part('Q1', 'Q_NPN_BEC', 'MMBT3904', FP['Q'], 'onsemi', 'MMBT3904LT1G',
     'Auto-reset: pulls EN low when RTS=0, DTR=1 (esptool/nanoff sequence)', {'1': 'Q1_B', '2': 'RTS', '3': 'EN'}, (X2 + 111.76, Y1 + 99.06))
part('Q2', 'Q_NPN_BEC', 'MMBT3904', FP['Q'], 'onsemi', 'MMBT3904LT1G',
     'Auto-reset: pulls GPIO0 low when DTR=0, RTS=1; both idle = both off, GPIO0 free for MCLK', {'1': 'Q2_B', '2': 'DTR', '3': 'I2S1_MCLK'}, (X2 + 111.76, Y1 + 142.24))

# --- microSD + UI ------------------------------------------------------------------------------
part('J2', 'Micro_SD_Card', 'microSD', 'Connector_Card:microSD_HC_Hirose_DM3AT-SF-PEJM5', 'Hirose', 'DM3AT-SF-PEJM5',
     'SDMMC slot 1, 1-bit mode (CLK/CMD/D0 on the IO_MUX pins 14/15/2). No level shifter.',
     {'5': 'SD_CLK', '3': 'SD_CMD', '7': 'SD_D0', '8': 'SD_D1', '1': 'SD_D2', '2': 'SD_D3', '4': '+3V3', '6': 'GND', '9': 'GND'},
     (X3 + 30.48, Y1 + 38.1), 'microSD')
sx = X3 + 104.14
R('R6', '10k', '+3V3', 'SD_CLK', col(sx, Y1 + 12.7, 0), 'SD CLK pull-up (idle level)')
R('R7', '10k', '+3V3', 'SD_CMD', col(sx, Y1 + 12.7, 1), 'SD CMD pull-up, needed by SD mode; also GPIO15 (MTDO) strap: high = boot log on UART0')
R('R8', '10k', 'SD_D0_PU', 'SD_D0', col(sx, Y1 + 12.7, 2), 'SD D0 pull-up, through JP1')
part('JP1', 'Jumper_NC', 'D0 PULL-UP', 'Connector_PinHeader_2.54mm:PinHeader_1x02_P2.54mm_Vertical', 'Wurth Elektronik', '61300211121',
     '2-pin header with a shunt (Wurth 60900213421) fitted. Pull the shunt to flash nanoCLR with the ROM bootloader (GPIO2 must be low or floating at reset), refit it afterwards.',
     {'1': '+3V3', '2': 'SD_D0_PU'}, col(sx, Y1 + 12.7, 3), 'D0 pull-up jumper')
R('R9', '10k', '+3V3', 'SD_D1', col(sx, Y1 + 12.7, 4), 'SD D1 pull-up (unused in 1-bit mode, must not float)')
R('R10', '10k', '+3V3', 'SD_D2', col(sx, Y1 + 12.7, 5), 'SD D2 pull-up (unused in 1-bit mode, must not float)')
R('R11', '10k', '+3V3', 'SD_D3', col(sx, Y1 + 12.7, 6), 'SD D3 pull-up: the card stays in SD mode (low at CMD0 = SPI mode)')
C('C8', '10u', '+3V3', 'GND', col(sx, Y1 + 12.7, 7), 'microSD supply bulk (write bursts up to ~100 mA)', FP['C0805'], 'GRM21BR61A106KE19L')
C('C9', '100n', '+3V3', 'GND', col(sx, Y1 + 12.7, 8), 'microSD decoupling')
ux = X3 + 30.48
uy = Y1 + 78.74
lx = X3 + 104.14
ly = Y1 + 104.14
part('SW3', 'SW_Push', 'JOIN', FP['SW'], 'C&K', 'PTS645SL43-2 LFS', 'Join button: GPIO36 to GND, pressed = low',
     {'1': 'JOIN_BTN', '2': 'GND'}, col(ux, uy, 0), 'join button')
R('R12', '10k', '+3V3', 'JOIN_BTN', col(ux, uy, 1), 'Join button pull-up: GPIO36 has no internal pull-up')
part('D1', 'LED', 'green', FP['LED'], 'Kingbright', 'APT2012LZGCK', 'Link LED', {'2': 'LED_LINK', '1': 'LED_LINK_K'}, col(lx, ly, 0), 'link LED')
R('R13', '330', 'LED_LINK_K', 'GND', col(lx, ly, 1), 'Link LED current (~3 mA)')
part('D2', 'LED', 'red', FP['LED'], 'Kingbright', 'APT2012EC', 'Record LED', {'2': 'LED_RECORD', '1': 'LED_RECORD_K'}, col(lx, ly, 2), 'record LED')
R('R14', '330', 'LED_RECORD_K', 'GND', col(lx, ly, 3), 'Record LED current (~4 mA)')
part('D3', 'LED', 'yellow', FP['LED'], 'Kingbright', 'APT2012SYCK', 'Beat LED', {'2': 'LED_BEAT', '1': 'LED_BEAT_K'}, col(lx, ly, 4), 'beat LED')
R('R15', '330', 'LED_BEAT_K', 'GND', col(lx, ly, 5), 'Beat LED current (~4 mA)')
part('RV1', 'R_Potentiometer', '10k lin', FP['RV'], 'Alps Alpine', 'RK09K1130AP5', 'Click level: ends on 3.3 V and GND, wiper to GPIO34 (ADC1 ch 6)',
     {'1': '+3V3', '2': 'CLICK_KNOB', '3': 'GND'}, (ux, uy + 3 * ROW), 'click-level pot')
C('C10', '100n', 'CLICK_KNOB', 'GND', col(ux, uy, 5), 'ADC sample-and-hold reservoir on the wiper')

# --- capture codec --------------------------------------------------------------------------
part('U4', 'WM8960', 'WM8960', 'Package_DFN_QFN:QFN-32-1EP_5x5mm_P0.5mm_EP3.45x3.45mm', 'Cirrus Logic', 'WM8960CGEFL/RV',
     'Capture codec, I2S slave of the ESP32 (bus 1), I2C 0x1A; its headphone amp is the zero-latency monitor',
     {'11': 'I2S1_MCLK', '12': 'I2S1_BCK', '15': 'I2S1_WS', '16': 'I2S1_DIN', '13': None, '14': None,
      '17': 'I2C_SCL', '18': 'I2C_SDA', '1': 'MICBIAS', '27': 'VMID',
      '4': 'LIN1', '3': None, '2': 'LIN3', '5': 'RIN1', '6': None, '7': 'RIN3',
      '31': 'HP1_L_DC', '29': 'HP1_R_DC', '30': None, '25': None, '23': None, '22': None, '19': None,
      '32': '+3V3A', '8': '+3V3', '10': '+3V3', '26': '+5V', '21': '+5V',
      '28': 'GND', '9': 'GND', '24': 'GND', '20': 'GND', '33': 'GND'},
     (X1 + 55.88, Y2 + 60.96))
cx = X1 + 121.92
cy = Y2 + 10.16
cx2 = X1 + 165.1
R('R16', '4.7k', '+3V3', 'I2C_SDA', col(cx, cy, 0), 'I2C SDA pull-up')
R('R17', '4.7k', '+3V3', 'I2C_SCL', col(cx, cy, 1), 'I2C SCL pull-up')
C('C11', '10u', '+3V3A', 'GND', col(cx, cy, 2), 'WM8960 AVDD bulk', FP['C0805'], 'GRM21BR61A106KE19L')
C('C12', '100n', '+3V3A', 'GND', col(cx, cy, 3), 'WM8960 AVDD decoupling')
C('C13', '100n', '+3V3', 'GND', col(cx, cy, 4), 'WM8960 DCVDD decoupling')
C('C14', '100n', '+3V3', 'GND', col(cx, cy, 5), 'WM8960 DBVDD decoupling')
C('C15', '1u', '+5V', 'GND', col(cx, cy, 6), 'WM8960 SPKVDD1/2 decoupling (speakers unused, supply still required)', mpn='GRM188R61C105KA93D')
C('C16', '4.7u', 'VMID', 'GND', col(cx, cy, 7), 'WM8960 VMID reference', mpn='GRM188R61A475KE15D')
C('C17', '100n', 'VMID', 'GND', col(cx, cy, 8), 'WM8960 VMID, HF')
C('C18', '4.7u', 'MICBIAS', 'GND', col(cx, cy, 9), 'WM8960 MICBIAS decoupling', mpn='GRM188R61A475KE15D')
C('C19', '1u', 'BUF_OUT', 'LIN1', col(cx2, cy, 0), 'Instrument buffer into LINPUT1 (AC coupling)', mpn='GRM188R71C105KA12D')
C('C20', '1u', 'IN2_TIP', 'RIN1', col(cx2, cy, 1), 'Second input into RINPUT1 (AC coupling)', mpn='GRM188R71C105KA12D')
C('C21', '1u', 'CLICK_L_DIV', 'LIN3', col(cx2, cy, 2), 'Click (left) into LINPUT3', mpn='GRM188R71C105KA12D')
C('C22', '1u', 'CLICK_R_DIV', 'RIN3', col(cx2, cy, 3), 'Click (right) into RINPUT3', mpn='GRM188R71C105KA12D')
R('R18', '2.2k', 'MICBIAS_J', 'IN2_TIP', col(cx2, cy, 4), 'Electret bias from MICBIAS (through JP2)')
part('JP2', 'Jumper_NC', 'MIC BIAS', FP['JP'], 'PCB feature', 'none (solder jumper)', 'Bridged: electret mic on J4. Cut for a line source (no DC on the input).',
     {'1': 'MICBIAS', '2': 'MICBIAS_J'}, col(cx2, cy, 5), 'mic bias jumper')
CP('C23', '220u', 'HP1_L_DC', 'HP1_L', col(cx2, cy, 6), 'Headphone L AC coupling (16-32 ohm: fc 20-45 Hz)', 'EEE-FK1A221P')
CP('C24', '220u', 'HP1_R_DC', 'HP1_R', col(cx2, cy, 7), 'Headphone R AC coupling', 'EEE-FK1A221P')
part('J3', 'Jack_TRS', 'PHONES', 'Connector_Audio:Jack_3.5mm_CUI_SJ-3523-SMT_Horizontal', 'CUI Devices', 'SJ-3523-SMT',
     'Monitor headphones: instrument left, second input right, click both (zero latency)',
     {'T': 'HP1_L', 'R': 'HP1_R', 'S': 'GND'}, (cx2 + 2.54, cy + 10 * ROW), 'monitor headphones')

# --- instrument buffer + second input ----------------------------------------------------------
bx = X2 + 20.32
by = Y2 + 20.32
part('J4', 'Jack_TRS', 'MIC/LINE IN', 'Connector_Audio:Jack_3.5mm_CUI_SJ-3523-SMT_Horizontal', 'CUI Devices', 'SJ-3523-SMT',
     'Second input (mic or line), mono on the tip', {'T': 'IN2_TIP', 'R': None, 'S': 'GND'}, (bx, by), 'second input')
part('J5', 'Jack_TS', 'INSTRUMENT', 'Connector_Audio:Jack_6.35mm_Neutrik_NMJ6HCD2_Horizontal', 'Neutrik', 'NMJ6HCD2',
     'Instrument input (guitar, bass): 6.35 mm mono', {'T': 'INST_TIP', 'S': 'GND'}, (bx, by + 25.4), 'instrument input')
part('U5', 'TL072H', 'TL072H', 'Package_SO:SOIC-8_3.9x4.9mm_P1.27mm', 'Texas Instruments', 'TL072HIDR',
     'Hi-Z instrument buffer (1 M input), unity gain, single 5 V supply around VBIAS. The H version runs from 4.5 V (the old TL072 needs ~10 V).',
     {'3': 'BUF_INP', '2': 'BUF_OUT', '1': 'BUF_OUT', '5': 'VBIAS', '6': 'OPB_OUT', '7': 'OPB_OUT', '8': '+5V', '4': 'GND'},
     (bx + 76.2, by + 35.56))
ix = X2 + 160.02
R('R19', '1k', 'INST_TIP', 'INST_R', col(ix, by, 0), 'Instrument input stopper (ESD/RF, with the op-amp input capacitance)')
C('C25', '100n', 'INST_R', 'BUF_INP', col(ix, by, 1), 'Instrument coupling, C0G (not microphonic like X7R): with 1 M, fc = 1.6 Hz', FP['C0805'], 'GRM21B5C1H104JA01L')
R('R20', '1M', 'BUF_INP', 'VBIAS', col(ix, by, 2), 'Instrument input impedance 1 M (to VBIAS)')
R('R21', '100k', '+5V', 'VBIAS', col(ix, by, 4), 'VBIAS divider top (2.5 V)')
R('R22', '100k', 'VBIAS', 'GND', col(ix, by, 5), 'VBIAS divider bottom')
C('C26', '10u', 'VBIAS', 'GND', col(ix, by, 6), 'VBIAS filter', FP['C0805'], 'GRM21BR61A106KE19L')
C('C27', '100n', '+5V', 'GND', col(ix, by, 7), 'TL072H decoupling')
R('R23', '10M', 'INST_TIP', 'GND', col(ix, by, 8), 'Keeps the jack side at 0 V (no pop when plugging in); 10 M so the input stays ~0.9 M with R20')

# --- click DAC + headphone amp --------------------------------------------------------------------
part('U6', 'PCM5102A', 'PCM5102A', 'Package_SO:TSSOP-20_4.4x6.5mm_P0.65mm', 'Texas Instruments', 'PCM5102APWR',
     'Click/playback DAC on I2S bus 2 (ESP32 master). SCK to GND: clock from BCK. FMT low = I2S, XSMT high = unmuted.',
     {'13': 'I2S2_BCK', '15': 'I2S2_WS', '14': 'I2S2_DOUT', '12': 'GND', '16': 'GND', '17': 'DAC_XSMT', '11': 'GND', '10': 'GND',
      '6': 'DAC_OUTL', '7': 'DAC_OUTR', '2': 'DAC_CAPP', '4': 'DAC_CAPM', '5': 'DAC_VNEG', '18': 'DAC_LDOO',
      '8': '+3V3A', '1': '+3V3A', '20': '+3V3', '9': 'GND', '3': 'GND', '19': 'GND'},
     (X3 + 38.1, Y2 + 40.64))
dx = X3 + 96.52
dy = Y2 + 10.16
dx2 = X3 + 139.7
R('R24', '10k', '+3V3', 'DAC_XSMT', col(dx, dy, 0), 'XSMT high: unmuted (soft-mute if pulled low)')
C('C28', '2.2u', 'DAC_CAPP', 'DAC_CAPM', col(dx, dy, 1), 'PCM5102A charge-pump flying cap', mpn='GRM188R61A225KE34D')
C('C29', '2.2u', 'DAC_VNEG', 'GND', col(dx, dy, 2), 'PCM5102A VNEG', mpn='GRM188R61A225KE34D')
C('C30', '1u', 'DAC_LDOO', 'GND', col(dx, dy, 3), 'PCM5102A LDOO (1.8 V core)', mpn='GRM188R71C105KA12D')
C('C31', '10u', '+3V3A', 'GND', col(dx, dy, 4), 'PCM5102A AVDD bulk', FP['C0805'], 'GRM21BR61A106KE19L')
C('C32', '100n', '+3V3A', 'GND', col(dx, dy, 5), 'PCM5102A AVDD/CPVDD decoupling')
C('C33', '100n', '+3V3', 'GND', col(dx, dy, 6), 'PCM5102A DVDD decoupling')
R('R25', '470', 'DAC_OUTL', 'CLICK_L', col(dx2, dy, 0), 'Output RC filter (datasheet: 470 ohm + 2.2 nF)')
C('C34', '2.2n', 'CLICK_L', 'GND', col(dx2, dy, 1), 'Output RC filter, left', mpn='GRM1885C1H222JA01D')
R('R26', '470', 'DAC_OUTR', 'CLICK_R', col(dx2, dy, 2), 'Output RC filter')
C('C35', '2.2n', 'CLICK_R', 'GND', col(dx2, dy, 3), 'Output RC filter, right', mpn='GRM1885C1H222JA01D')
R('R27', '18k', 'CLICK_L', 'CLICK_L_DIV', col(dx2, dy, 5), 'Click divider to the codec, about -9 dB')
R('R28', '10k', 'CLICK_L_DIV', 'GND', col(dx2, dy, 6), 'Click divider')
R('R29', '18k', 'CLICK_R', 'CLICK_R_DIV', col(dx2, dy, 7), 'Click divider')
R('R30', '10k', 'CLICK_R_DIV', 'GND', col(dx2, dy, 8), 'Click divider')
part('U7', 'TPA6132A2', 'TPA6132A2', 'Package_DFN_QFN:QFN-16-1EP_3x3mm_P0.5mm_EP1.7x1.7mm', 'Texas Instruments', 'TPA6132A2RTER',
     'Headphone amp for the click/playback output (a second pair, e.g. the drummer). G0=G1=0: -6 dB. Ground-centred outputs, no output caps.',
     {'2': 'AMP_INL', '1': 'AMP_INL_N', '3': 'AMP_INR', '4': 'AMP_INR_N', '13': 'AMP_EN', '6': 'GND', '7': 'GND',
      '16': 'HP2_L', '5': 'HP2_R', '11': 'AMP_CPP', '9': 'AMP_CPN', '8': 'AMP_HPVSS', '12': 'AMP_HPVDD',
      '14': '+5V', '10': 'GND', '15': 'GND', '17': 'GND'},
     (X3 + 38.1, Y2 + 111.76))
ax = X3 + 96.52
ay = Y2 + 81.28
C('C36', '1u', 'CLICK_L', 'AMP_INL', col(ax, ay, 0), 'Amp input coupling L+', mpn='GRM188R71C105KA12D')
C('C37', '1u', 'AMP_INL_N', 'GND', col(ax, ay, 1), 'Amp L- to ground through the same value (single-ended use)', mpn='GRM188R71C105KA12D')
C('C38', '1u', 'CLICK_R', 'AMP_INR', col(ax, ay, 2), 'Amp input coupling R+', mpn='GRM188R71C105KA12D')
C('C39', '1u', 'AMP_INR_N', 'GND', col(ax, ay, 3), 'Amp R- to ground through the same value', mpn='GRM188R71C105KA12D')
C('C40', '1u', 'AMP_CPP', 'AMP_CPN', col(ax, ay, 4), 'Amp charge-pump flying cap', mpn='GRM188R71C105KA12D')
C('C41', '2.2u', 'AMP_HPVSS', 'GND', col(ax, ay, 5), 'Amp HPVSS (negative rail)', mpn='GRM188R61A225KE34D')
C('C42', '2.2u', 'AMP_HPVDD', 'GND', col(ax, ay, 6), 'Amp HPVDD (internal rail: bypass only, never power it)', mpn='GRM188R61A225KE34D')
C('C43', '2.2u', '+5V', 'GND', col(dx2, dy, 10), 'Amp VDD decoupling', mpn='GRM188R61A225KE34D')
R('R31', '100k', '+3V3', 'AMP_EN', col(dx2, dy, 11), 'Amp enabled (EN high). A later board can gate it from spare GPIO26 against power-up thumps')
part('J6', 'Jack_TRS', 'CLICK PHONES', 'Connector_Audio:Jack_3.5mm_CUI_SJ-3523-SMT_Horizontal', 'CUI Devices', 'SJ-3523-SMT',
     'Click/playback headphones (TPA6132A2)', {'T': 'HP2_L', 'R': 'HP2_R', 'S': 'GND'}, (X3 + 60.96, Y2 + 147.32), 'click headphones')

# ---------------------------------------------------------------- notes on the sheet
NOTES = [
    ((X1, Y1 - 17.78), 'MCU: ESP32-WROVER-E (nanoFramework ESP32_PSRAM_REV3). Pin truth: board/Esp32Reference/PinMap.cs', 2.0),
    ((X2, Y1 - 17.78), 'USB, 5 V to 3.3 V, USB-UART with the two-transistor auto-reset (nanoff / esptool)', 2.0),
    ((X3, Y1 - 17.78), 'microSD (SDMMC 1-bit) and user interface', 2.0),
    ((X1, Y2 - 17.78), 'Capture codec WM8960 (I2S bus 1, I2C 0x1A), monitor headphones', 2.0),
    ((X2, Y2 - 17.78), 'Inputs: Hi-Z instrument buffer, mic/line', 2.0),
    ((X3, Y2 - 17.78), 'Click DAC PCM5102A (I2S bus 2) and click headphone amp', 2.0),
    ((X1, Y1 + 137.16), '\n'.join([
        'STRAPPING PINS (sampled at reset) and what the board does:',
        '  GPIO0  (I2S1 MCLK): R1 10k pull-up = normal boot. Q2 (auto-reset) or SW2 BOOT pull it low to flash.',
        '                      The WM8960 MCLK input is high-impedance at reset, so the pull-up wins.',
        '  GPIO2  (SD D0):     must be low/floating to enter the ROM bootloader; the card\'s pull-up R8 holds it high,',
        '                      so R8 goes through JP1: pull the JP1 shunt to flash nanoCLR, refit it afterwards.',
        '                      (A GPIO0-GPIO2 link is impossible: GPIO0 carries MCLK.) Deploying apps needs no bootloader.',
        '  GPIO5  (I2S1 BCK):  SDIO slave timing; internal pull-up, WM8960 BCLK is an input at reset. Nothing fitted.',
        '  GPIO12 (MTDI):      flash voltage. R2 10k pull-down: 3.3 V flash/PSRAM. Not used for anything else.',
        '  GPIO15 (SD CMD):    R7 10k pull-up (SD mode needs it) = boot messages on UART0, default timing.',
        'Never used: GPIO6-11 (flash) and GPIO16/17 (PSRAM) - pads 17-22, 27, 28 are NC on the WROVER-E.',
        'GPIO34-39 are inputs only: IO34 knob wiper, IO35 WM8960 ADCDAT, IO36 join button (pull-up R12).',
        'Spare: GPIO4, GPIO13, GPIO26, GPIO39.']), 1.27),
]


# ---------------------------------------------------------------- emit
def uid(*key):
    return str(uuid.uuid5(NS, '/'.join(key)))


def pin_point(at, px, py):
    """Schematic position of a library point for a symbol placed at `at`, rotation 0, no mirror."""
    return (at[0] + px, at[1] - py)


STUB = 2.54
DIRS = {0: (-1, 0), 180: (1, 0), 90: (0, 1), 270: (0, -1)}   # lib pin angle -> outward direction (schematic)


def emit():
    out = []
    w = out.append
    w('(kicad_sch (version 20211123) (generator eeschema)\n\n  (uuid %s)\n\n  (paper "A2")\n\n' % uid('sheet'))
    w('  (title_block\n    (title %s)\n    (date %s)\n    (rev %s)\n    (company "Octomix")\n'
      '    (comment 1 "Generated by schematics/tools/octomix_box.py - edit the script, not this file")\n'
      '    (comment 2 "Netlist: schematics/tools/kicad_netlist.py; picture: schematics/tools/render_svg.py")\n  )\n\n'
      % (q(TITLE), q(DATE), q(REV)))
    w('  (lib_symbols\n')
    used = sorted({p['sym']['name'] for p in PARTS.values()})
    for n in used:
        w(S.lib_symbol_text(LIB, SYMS[n]))
    for n in POWER_NETS:
        w(S.lib_symbol_text('power', SYMS['PWR:' + n]))
    w(S.lib_symbol_text('power', SYMS['PWR:PWR_FLAG']))
    w('  )\n\n')

    items = []       # wires, labels, no-connects
    powers = []      # (net, x, y)
    instances = []
    for ref in ORDER:
        p = PARTS[ref]
        s = p['sym']
        at = p['at']
        for (number, pname, ptype, x, y, ang, length, hidden) in s['pins']:
            net = p['nets'][number]
            cx, cy = pin_point(at, x, y)
            if net is None:
                items.append('  (no_connect (at %s %s) (uuid %s))\n' % (num(cx), num(cy), uid(ref, number, 'nc')))
                continue
            dx, dy = DIRS[ang]
            ex, ey = cx + dx * STUB, cy + dy * STUB
            items.append('  (wire (pts (xy %s %s) (xy %s %s))\n    (stroke (width 0) (type default) (color 0 0 0 0))\n    (uuid %s)\n  )\n'
                         % (num(cx), num(cy), num(ex), num(ey), uid(ref, number, 'wire')))
            if net in POWER_NETS:
                # grounds on the side pins of an IC stack 2.54 mm apart: their names would overlap
                quiet = POWER_NETS[net] and dy == 0 and s['prefix'] in ('U', 'J')
                powers.append((net, ex, ey, ref + '.' + number, quiet))
            else:
                lang, just = {(-1, 0): (180, 'right'), (1, 0): (0, 'left'), (0, -1): (90, 'left'), (0, 1): (270, 'right')}[(dx, dy)]
                items.append('  (label %s (at %s %s %d)\n    (effects (font (size 1.27 1.27)) (justify %s bottom))\n    (uuid %s)\n  )\n'
                             % (q(net), num(ex), num(ey), lang, just, uid(ref, number, 'label')))
        instances.append(p)
    for net, (x, y) in FLAGS:
        items.append('  (wire (pts (xy %s %s) (xy %s %s))\n    (stroke (width 0) (type default) (color 0 0 0 0))\n    (uuid %s)\n  )\n'
                     % (num(x), num(y), num(x + 5.08), num(y), uid('flag', net, 'wire')))
        powers.append((net, x, y, 'flag.' + net, False))
    for ((x, y), text, size) in NOTES:
        # multi-line notes hang down from their anchor (KiCad grows bottom-justified text upwards)
        v = 'top' if '\n' in text else 'bottom'
        items.append('  (text %s (at %s %s 0)\n    (effects (font (size %s %s)) (justify left %s))\n    (uuid %s)\n  )\n'
                     % (q(text), num(x), num(y), num(size), num(size), v, uid('note', text[:40])))
    out.extend(items)
    w('\n')
    sym_inst = []
    for p in instances:
        s = p['sym']
        u = uid(p['ref'], 'symbol')
        x, y = p['at']
        w('  (symbol (lib_id %s) (at %s %s 0) (unit 1)\n    (in_bom yes) (on_board yes)\n    (uuid %s)\n'
          % (q(LIB + ':' + s['name']), num(x), num(y), u))
        if s['prefix'] in ('U', 'J'):
            ry, vy, just = y - s['h'] / 2 - 1.27, y + s['h'] / 2 + 1.27, ' (justify left bottom)'
            rx = vx = x - s['w'] / 2
            vjust = ' (justify left top)'
        else:
            rx = vx = x
            ry, vy, just, vjust = y - 2.54 - (1.27 if s['name'] == 'LED' else 0), y + 3.81, '', ''
            if s['name'] == 'Q_NPN_BEC':
                rx, ry, vx, vy, just, vjust = x + 5.08, y - 1.27, x + 5.08, y + 1.27, ' (justify left)', ' (justify left)'
            if s['name'] == 'R_Potentiometer':
                vx, vy = x + 8.89, y + 3.81
        w('    (property "Reference" %s (id 0) (at %s %s 0)\n      (effects (font (size 1.27 1.27))%s))\n' % (q(p['ref']), num(rx), num(ry), just))
        w('    (property "Value" %s (id 1) (at %s %s 0)\n      (effects (font (size 1.27 1.27))%s))\n' % (q(p['value']), num(vx), num(vy), vjust))
        w('    (property "Footprint" %s (id 2) (at %s %s 0)\n      (effects (font (size 1.27 1.27)) hide))\n' % (q(p['footprint']), num(x), num(y)))
        w('    (property "Datasheet" "~" (id 3) (at %s %s 0)\n      (effects (font (size 1.27 1.27)) hide))\n' % (num(x), num(y)))
        fid = 4
        for key, val in (('Manufacturer', p['mfr']), ('MPN', p['mpn']), ('Function', p['function'])):
            if val:
                w('    (property %s %s (id %d) (at %s %s 0)\n      (effects (font (size 1.27 1.27)) hide))\n' % (q(key), q(val), fid, num(x), num(y)))
                fid += 1
        for pin in s['pins']:
            w('    (pin %s (uuid %s))\n' % (q(pin[0]), uid(p['ref'], pin[0], 'pin')))
        w('  )\n\n')
        sym_inst.append((u, p['ref'], p['value'], p['footprint']))
    placed = []
    for k, (net, x, y, key, quiet) in enumerate(powers):
        ref = '#PWR%03d' % (k + 1)
        u = uid(key, 'power')
        ground = POWER_NETS[net]
        vy = y + 3.81 if ground else y - 3.81
        while not quiet and any(abs(px - x) < 6.5 and abs(py - vy) < 1.5 for px, py in placed):
            vy += 2.54 if ground else -2.54      # stagger neighbouring power names
        if not quiet:
            placed.append((x, vy))
        w('  (symbol (lib_id %s) (at %s %s 0) (unit 1)\n    (in_bom no) (on_board no)\n    (uuid %s)\n'
          % (q('power:' + net), num(x), num(y), u))
        w('    (property "Reference" %s (id 0) (at %s %s 0)\n      (effects (font (size 1.27 1.27)) hide))\n' % (q(ref), num(x), num(y)))
        w('    (property "Value" %s (id 1) (at %s %s 0)\n      (effects (font (size 1.27 1.27))%s))\n' % (q(net), num(x), num(vy), ' hide' if quiet else ''))
        w('    (property "Footprint" "" (id 2) (at %s %s 0)\n      (effects (font (size 1.27 1.27)) hide))\n' % (num(x), num(y)))
        w('    (property "Datasheet" "" (id 3) (at %s %s 0)\n      (effects (font (size 1.27 1.27)) hide))\n' % (num(x), num(y)))
        w('    (pin "1" (uuid %s))\n  )\n\n' % uid(key, 'power', 'pin'))
        sym_inst.append((u, ref, net, ''))
    for k, (net, (x, y)) in enumerate(FLAGS):
        ref = '#FLG%02d' % (k + 1)
        u = uid('flag', net)
        w('  (symbol (lib_id "power:PWR_FLAG") (at %s %s 0) (unit 1)\n    (in_bom no) (on_board no)\n    (uuid %s)\n'
          % (num(x + 5.08), num(y), u))
        w('    (property "Reference" %s (id 0) (at %s %s 0)\n      (effects (font (size 1.27 1.27)) hide))\n' % (q(ref), num(x + 5.08), num(y)))
        w('    (property "Value" "PWR_FLAG" (id 1) (at %s %s 0)\n      (effects (font (size 1.27 1.27)) (justify left)))\n' % (num(x + 6.35), num(y + 1.905)))
        w('    (property "Footprint" "" (id 2) (at %s %s 0)\n      (effects (font (size 1.27 1.27)) hide))\n' % (num(x), num(y)))
        w('    (property "Datasheet" "" (id 3) (at %s %s 0)\n      (effects (font (size 1.27 1.27)) hide))\n' % (num(x), num(y)))
        w('    (pin "1" (uuid %s))\n  )\n\n' % uid('flag', net, 'pin'))
        sym_inst.append((u, ref, 'PWR_FLAG', ''))
    w('  (sheet_instances\n    (path "/" (page "1"))\n  )\n\n  (symbol_instances\n')
    for (u, ref, value, fp) in sorted(sym_inst, key=lambda t: t[0]):
        w('    (path %s\n      (reference %s) (unit 1) (value %s) (footprint %s)\n    )\n' % (q('/' + u), q(ref), q(value), q(fp)))
    w('  )\n)\n')
    return ''.join(out)


def natural(ref):
    i = 0
    while i < len(ref) and not ref[i].isdigit():
        i += 1
    return (ref[:i], int(ref[i:] or 0))


def bom():
    groups = {}
    for ref in ORDER:
        p = PARTS[ref]
        key = (p['value'], p['footprint'], p['mfr'], p['mpn'])
        groups.setdefault(key, []).append(ref)
    rows = []
    for key, refs in groups.items():
        refs.sort(key=natural)
        if len(refs) == 1:
            note = PARTS[refs[0]]['note']
        else:
            note = '; '.join('%s: %s' % (r, PARTS[r]['note']) for r in refs)
        rows.append((refs, key, note))
    rows.sort(key=lambda r: natural(r[0][0]))
    buf = io.StringIO()
    wr = csv.writer(buf, lineterminator='\n')
    wr.writerow(['reference', 'value', 'footprint', 'manufacturer', 'mpn', 'quantity', 'note'])
    for refs, (value, fp, mfr, mpn), note in rows:
        wr.writerow([' '.join(refs), value, fp, mfr, mpn, len(refs), note])
    return buf.getvalue()


PRO = '''{
  "board": {
    "design_settings": {},
    "layer_presets": []
  },
  "boards": [],
  "libraries": {
    "pinned_footprint_libs": [],
    "pinned_symbol_libs": []
  },
  "meta": {
    "filename": "octomix-box.kicad_pro",
    "version": 1
  },
  "net_settings": {
    "classes": [
      {
        "bus_width": 12.0,
        "clearance": 0.2,
        "diff_pair_gap": 0.25,
        "diff_pair_via_gap": 0.25,
        "diff_pair_width": 0.2,
        "line_style": 0,
        "microvia_diameter": 0.3,
        "microvia_drill": 0.1,
        "name": "Default",
        "pcb_color": "rgba(0, 0, 0, 0.000)",
        "schematic_color": "rgba(0, 0, 0, 0.000)",
        "track_width": 0.25,
        "via_diameter": 0.8,
        "via_drill": 0.4,
        "wire_width": 6.0
      }
    ],
    "meta": {
      "version": 2
    },
    "net_colors": null
  },
  "pcbnew": {
    "last_paths": {},
    "page_layout_descr_file": ""
  },
  "schematic": {
    "drawing": {
      "default_line_thickness": 6.0,
      "default_text_size": 50.0,
      "field_names": [
        {"name": "Manufacturer", "visible": false},
        {"name": "MPN", "visible": false},
        {"name": "Function", "visible": false}
      ],
      "intersheets_ref_own_page": false,
      "intersheets_ref_prefix": "",
      "intersheets_ref_short": false,
      "intersheets_ref_show": false,
      "intersheets_ref_suffix": "",
      "junction_size_choice": 3,
      "label_size_ratio": 0.375,
      "pin_symbol_size": 25.0,
      "text_offset_ratio": 0.15
    },
    "legacy_lib_dir": "",
    "legacy_lib_list": [],
    "meta": {
      "version": 1
    },
    "net_format_name": "",
    "page_layout_descr_file": "",
    "plot_directory": "",
    "spice_adjust_passive_values": false,
    "spice_external_command": "spice \\"%I\\"",
    "subpart_first_id": 65,
    "subpart_id_separator": 0
  },
  "sheets": [
    [
      "%s",
      ""
    ]
  ],
  "text_variables": {}
}
'''


def main():
    os.makedirs(OUT, exist_ok=True)
    with open(os.path.join(OUT, 'octomix-box.kicad_sch'), 'w', newline='\n') as f:
        f.write(emit())
    with open(os.path.join(OUT, 'octomix-box.kicad_pro'), 'w', newline='\n') as f:
        f.write(PRO.replace('%s', uid('sheet')))
    with open(os.path.join(OUT, 'bom.csv'), 'w', newline='\n') as f:
        f.write(bom())
    print('wrote octomix-box.kicad_sch (%d parts), octomix-box.kicad_pro, bom.csv' % len(PARTS))


if __name__ == '__main__':
    main()
