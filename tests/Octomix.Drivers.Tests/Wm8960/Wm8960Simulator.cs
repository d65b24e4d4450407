using Octomix.Hal;

namespace Octomix.Drivers.Tests.Wm8960;

/// <summary>
/// Behaviour model of a WM8960 on the bus: decodes two-byte writes into 56 9-bit registers,
/// R15 resets them to the datasheet defaults (a table of its own, typed from the datasheet's
/// register map, not taken from the driver), reads are impossible. Faults: the N-th transfer
/// answers with a status and is NOT latched (or latched, to model a NACK on the last byte after
/// the chip took it); "absent" answers AddressNack to everything.
/// </summary>
public sealed class Wm8960Simulator : IRegisterBus
{
    public static readonly int[] DatasheetDefaults = Defaults();

    public readonly int[] Registers = new int[56];
    public readonly List<(int reg, int value)> Writes = new();
    private readonly Dictionary<int, (BusStatus status, bool latched)> _faults = new();
    private int _transfers;

    public Wm8960Simulator()
    {
        // Power-on contents: junk, so a test cannot pass on values nobody wrote (Zephyr emulator habit).
        for (int i = 0; i < Registers.Length; i++) Registers[i] = 0x1FF;
    }

    public int Address => 0x1A;
    public bool Absent { get; set; }
    public int Transfers => _transfers;
    public int ResetCount { get; private set; }

    public Wm8960Simulator FailTransfer(int transfer, BusStatus status, bool latched = false)
    {
        _faults[transfer] = (status, latched);
        return this;
    }

    public BusStatus Write(byte[] buffer, int offset, int count)
    {
        _transfers++;
        if (Absent) return BusStatus.AddressNack;
        if (count != 2) throw new InvalidOperationException($"WM8960 writes are two bytes, got {count}");
        int reg = buffer[offset] >> 1;
        int value = ((buffer[offset] & 1) << 8) | buffer[offset + 1];
        bool fault = _faults.TryGetValue(_transfers, out var f);
        if (!fault || f.latched) Latch(reg, value);
        return fault ? f.status : BusStatus.Ok;
    }

    private void Latch(int reg, int value)
    {
        Writes.Add((reg, value));
        if (reg == 15)
        {
            ResetCount++;
            Array.Copy(DatasheetDefaults, Registers, Registers.Length);
            return;
        }
        Registers[reg] = value;
    }

    public BusStatus Read(byte[] buffer, int offset, int count) => BusStatus.Other;

    public BusStatus WriteRead(byte[] write, int writeOffset, int writeCount, byte[] read, int readOffset, int readCount) => BusStatus.Other;

    private static int[] Defaults()
    {
        // WM8960 datasheet Rev 4.2, register map "default" column (R12-14, R30, R31, R35, R36, R50: not listed, 0 here).
        var d = new int[56];
        (int r, int v)[] table =
        {
            (0, 0x097), (1, 0x097), (2, 0x000), (3, 0x000), (4, 0x000), (5, 0x008), (6, 0x000), (7, 0x00A),
            (8, 0x1C0), (9, 0x000), (10, 0x0FF), (11, 0x0FF), (16, 0x000), (17, 0x07B), (18, 0x100), (19, 0x032),
            (20, 0x000), (21, 0x0C3), (22, 0x0C3), (23, 0x1C0), (24, 0x000), (25, 0x000), (26, 0x000), (27, 0x000),
            (28, 0x000), (29, 0x000), (32, 0x100), (33, 0x100), (34, 0x050), (37, 0x050), (38, 0x000), (39, 0x000),
            (40, 0x000), (41, 0x000), (42, 0x040), (43, 0x000), (44, 0x000), (45, 0x050), (46, 0x050), (47, 0x000),
            (48, 0x002), (49, 0x037), (51, 0x080), (52, 0x008), (53, 0x031), (54, 0x026), (55, 0x0E9),
        };
        foreach (var (r, v) in table) d[r] = v;
        return d;
    }
}
