using System.Numerics;

namespace Octomix.Desk.Monitor;

/// <summary>
/// One bit per slot of a power-of-two ring, with range operations that work a 64-bit word at a
/// time (a packet of 128..342 frames touches a handful of words, not hundreds of bools).
/// Slot ranges may wrap around the end of the ring.
/// </summary>
internal sealed class RingBitmap
{
    private readonly ulong[] _words;
    private readonly int _mask;

    public RingBitmap(int capacity)
    {
        if (capacity < 64 || !BitOperations.IsPow2(capacity))
        {
            throw new ArgumentOutOfRangeException(nameof(capacity), capacity, "capacity must be a power of two >= 64");
        }

        _words = new ulong[capacity / 64];
        _mask = capacity - 1;
    }

    public int Capacity => _mask + 1;

    public bool Get(long index)
    {
        int slot = (int)(index & _mask);
        return (_words[slot >> 6] & (1UL << slot)) != 0;
    }

    public void Set(long index)
    {
        int slot = (int)(index & _mask);
        _words[slot >> 6] |= 1UL << slot;
    }

    public void Clear(long index)
    {
        int slot = (int)(index & _mask);
        _words[slot >> 6] &= ~(1UL << slot);
    }

    public void ClearAll() => Array.Clear(_words);

    /// <summary>Sets (<paramref name="value"/> true) or clears <paramref name="count"/> slots from <paramref name="index"/>.</summary>
    public void Fill(long index, int count, bool value)
    {
        if (count > Capacity)
        {
            throw new ArgumentOutOfRangeException(nameof(count));
        }

        int slot = (int)(index & _mask);
        while (count > 0)
        {
            int run = Math.Min(count, Capacity - slot);
            FillLinear(slot, run, value);
            count -= run;
            slot = 0;
        }
    }

    /// <summary>Number of set slots among <paramref name="count"/> slots from <paramref name="index"/>.</summary>
    public int CountSet(long index, int count)
    {
        int slot = (int)(index & _mask);
        int total = 0;
        while (count > 0)
        {
            int run = Math.Min(count, Capacity - slot);
            total += CountLinear(slot, run);
            count -= run;
            slot = 0;
        }

        return total;
    }

    public bool AllSet(long index, int count) => CountSet(index, count) == count;

    public bool AnySet(long index, int count) => CountSet(index, count) != 0;

    /// <summary>
    /// First index in [<paramref name="from"/>, <paramref name="to"/>) whose bit equals
    /// <paramref name="value"/>, or <paramref name="to"/> when there is none.
    /// </summary>
    public long FindNext(long from, long to, bool value)
    {
        long index = from;
        while (index < to)
        {
            int slot = (int)(index & _mask);
            int bit = slot & 63;
            ulong word = _words[slot >> 6];
            if (!value)
            {
                word = ~word;
            }

            word >>= bit;
            if (word != 0)
            {
                long found = index + BitOperations.TrailingZeroCount(word);
                return Math.Min(found, to);
            }

            index += 64 - bit;
        }

        return to;
    }

    private void FillLinear(int slot, int count, bool value)
    {
        while (count > 0)
        {
            int bit = slot & 63;
            int run = Math.Min(count, 64 - bit);
            ulong bits = (run == 64 ? ulong.MaxValue : ((1UL << run) - 1)) << bit;
            if (value)
            {
                _words[slot >> 6] |= bits;
            }
            else
            {
                _words[slot >> 6] &= ~bits;
            }

            slot += run;
            count -= run;
        }
    }

    private int CountLinear(int slot, int count)
    {
        int total = 0;
        while (count > 0)
        {
            int bit = slot & 63;
            int run = Math.Min(count, 64 - bit);
            ulong bits = (run == 64 ? ulong.MaxValue : ((1UL << run) - 1)) << bit;
            total += BitOperations.PopCount(_words[slot >> 6] & bits);
            slot += run;
            count -= run;
        }

        return total;
    }
}
