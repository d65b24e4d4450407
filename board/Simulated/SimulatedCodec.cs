using Octomix.Drivers.Wm8960;
using Octomix.Hal;

namespace Octomix.Board.Simulated;

/// <summary>
/// A WM8960 on the simulated I2C bus: every two-byte write <c>(reg &lt;&lt; 1 | d8), d7..d0</c> is
/// decoded into a register file (the part is write-only, as the real one). The simulated analog
/// path asks it whether the calibration routing is on: R43 LIN3BOOST (bits 6:4) non-zero means
/// LINPUT3 — the click DAC — feeds the left ADC. Faults can be injected: a missing part (address
/// NACK), or every write failing from the N-th on.
/// </summary>
public sealed class SimulatedCodec : IRegisterBus
{
    private readonly int[] registers = new int[Wm8960.RegisterCount];

    public SimulatedCodec(bool present)
    {
        Present = present;
    }

    public int Address => Wm8960.I2cAddress;

    /// <summary>False: nothing acknowledges the address (codec unpowered or miswired).</summary>
    public bool Present { get; set; }

    /// <summary>Writes accepted so far.</summary>
    public int Writes { get; private set; }

    /// <summary>When ≥ 0, the write with this index and all after it fail with a data NACK.</summary>
    public int FailFromWrite { get; set; } = -1;

    public int Register(int register) => registers[register];

    public bool CalibrationRouting => ((registers[(int)Wm8960Register.InputBoostMixer1] >> 4) & 7) != 0;

    public BusStatus Write(byte[] buffer, int offset, int count)
    {
        if (!Present)
        {
            return BusStatus.AddressNack;
        }

        if (FailFromWrite >= 0 && Writes >= FailFromWrite)
        {
            return BusStatus.DataNack;
        }

        if (count != 2)
        {
            return BusStatus.DataNack; // the WM8960 takes exactly register + 9-bit value
        }

        int register = buffer[offset] >> 1;
        int value = ((buffer[offset] & 1) << 8) | buffer[offset + 1];
        if (register >= registers.Length)
        {
            return BusStatus.DataNack;
        }

        if (register == (int)Wm8960Register.Reset)
        {
            for (int r = 0; r < registers.Length; r++)
            {
                registers[r] = Math.Max(0, Wm8960.ResetValue(r));
            }
        }
        else
        {
            registers[register] = value;
        }

        Writes++;
        return BusStatus.Ok;
    }

    public BusStatus Read(byte[] buffer, int offset, int count) => Present ? BusStatus.DataNack : BusStatus.AddressNack;

    public BusStatus WriteRead(byte[] write, int writeOffset, int writeCount, byte[] read, int readOffset, int readCount)
        => Present ? BusStatus.DataNack : BusStatus.AddressNack;
}
