using System.Diagnostics;

namespace Octomix.Server.Rooms;

/// <summary>
/// Token buckets of join attempts per source IP address (the port does not matter: one host
/// trying many ports is one source). A fixed open-addressed table, allocated once: when a
/// probe run is full the least recently seen entry is reused, so a flood of spoofed addresses
/// costs memory nothing and only resets other buckets to full. One owner (the room thread).
/// </summary>
internal sealed unsafe class JoinRateLimiter
{
    private const int TableSize = 1024;
    private const int Probe = 8;

    private readonly ulong[] keyHigh = new ulong[TableSize];
    private readonly ulong[] keyLow = new ulong[TableSize];
    private readonly bool[] used = new bool[TableSize];
    private readonly double[] tokens = new double[TableSize];
    private readonly long[] lastSeen = new long[TableSize];
    private readonly double ratePerTick;
    private readonly double burst;

    public JoinRateLimiter(double ratePerSecond, int burst)
    {
        ratePerTick = ratePerSecond / Stopwatch.Frequency;
        this.burst = burst;
    }

    /// <summary>Takes one attempt from the bucket of the address; false when it is empty.</summary>
    public bool TryTake(byte* sockaddr, int length, long now)
    {
        Key(sockaddr, length, out ulong high, out ulong low);
        int start = (int)(Mix(high ^ (low * 0x9E3779B97F4A7C15UL)) & (TableSize - 1));
        int victim = start;
        for (int k = 0; k < Probe; k++)
        {
            int i = (start + k) & (TableSize - 1);
            if (!used[i])
            {
                victim = i;
                break;
            }

            if (keyHigh[i] == high && keyLow[i] == low)
            {
                double t = Math.Min(burst, tokens[i] + ((now - lastSeen[i]) * ratePerTick));
                lastSeen[i] = now;
                if (t < 1)
                {
                    tokens[i] = t;
                    return false;
                }

                tokens[i] = t - 1;
                return true;
            }

            if (lastSeen[i] < lastSeen[victim])
            {
                victim = i;
            }
        }

        used[victim] = true;
        keyHigh[victim] = high;
        keyLow[victim] = low;
        lastSeen[victim] = now;
        tokens[victim] = burst - 1;
        return true;
    }

    /// <summary>The IP address of a raw sockaddr as 128 bits (IPv4 in the low word, tagged).</summary>
    private static void Key(byte* a, int length, out ulong high, out ulong low)
    {
        // sockaddr_in (16 bytes) has the address at 4, sockaddr_in6 (28) at 8, on every platform
        if (length >= 24)
        {
            high = *(ulong*)(a + 8);
            low = *(ulong*)(a + 16);
        }
        else if (length >= 8)
        {
            high = 0xFFFF_0000_0000_0000UL;
            low = *(uint*)(a + 4);
        }
        else
        {
            high = 0;
            low = 0;
        }
    }

    private static ulong Mix(ulong x)
    {
        x ^= x >> 33;
        x *= 0xff51afd7ed558ccdUL;
        x ^= x >> 33;
        return x;
    }
}
