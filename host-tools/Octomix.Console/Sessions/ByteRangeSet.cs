namespace Octomix.Desk.Sessions;

/// <summary>A half-open byte range [Start, End).</summary>
public readonly record struct ByteRange(long Start, long End)
{
    public long Length => End - Start;

    public override string ToString() => $"[{Start}, {End})";
}

/// <summary>
/// Which byte ranges of a file are present: sorted, disjoint, merged ranges. Adding is
/// O(log n + merged); a take streamed with a few percent loss has a few hundred ranges at most
/// before the gaps are filled. Not thread-safe: one owner (the take's network thread), others
/// get <see cref="Snapshot"/>s.
/// </summary>
public sealed class ByteRangeSet
{
    private readonly List<ByteRange> _ranges = [];

    public ByteRangeSet()
    {
    }

    public ByteRangeSet(IEnumerable<ByteRange> ranges)
    {
        ArgumentNullException.ThrowIfNull(ranges);
        foreach (var r in ranges)
        {
            Add(r.Start, r.End);
        }
    }

    /// <summary>Bytes present.</summary>
    public long Count { get; private set; }

    /// <summary>Disjoint ranges held.</summary>
    public int RangeCount => _ranges.Count;

    /// <summary>Marks [start, end) present. Returns the bytes that were not present before.</summary>
    public long Add(long start, long end)
    {
        if (start < 0 || end < start)
        {
            throw new ArgumentOutOfRangeException(nameof(start), $"bad range [{start}, {end})");
        }

        if (end == start)
        {
            return 0;
        }

        // first range that ends at or after start (touching ranges merge)
        int i = FirstEndingAtOrAfter(start);
        long newStart = start, newEnd = end, covered = 0;
        int j = i;
        while (j < _ranges.Count && _ranges[j].Start <= end)
        {
            var r = _ranges[j];
            covered += Math.Max(0, Math.Min(r.End, end) - Math.Max(r.Start, start));
            newStart = Math.Min(newStart, r.Start);
            newEnd = Math.Max(newEnd, r.End);
            j++;
        }

        long removedBytes = 0;
        for (int k = i; k < j; k++)
        {
            removedBytes += _ranges[k].Length;
        }

        _ranges.RemoveRange(i, j - i);
        _ranges.Insert(i, new ByteRange(newStart, newEnd));
        Count += (newEnd - newStart) - removedBytes;
        return (end - start) - covered;
    }

    /// <summary>Forgets [start, end) (bytes found wrong).</summary>
    public void Remove(long start, long end)
    {
        if (end <= start)
        {
            return;
        }

        var kept = new List<ByteRange>(_ranges.Count + 1);
        foreach (var r in _ranges)
        {
            if (r.End <= start || r.Start >= end)
            {
                kept.Add(r);
                continue;
            }

            if (r.Start < start)
            {
                kept.Add(new ByteRange(r.Start, start));
            }

            if (r.End > end)
            {
                kept.Add(new ByteRange(end, r.End));
            }
        }

        _ranges.Clear();
        _ranges.AddRange(kept);
        Count = _ranges.Sum(r => r.Length);
    }

    public void Clear()
    {
        _ranges.Clear();
        Count = 0;
    }

    /// <summary>True when every byte of [start, end) is present.</summary>
    public bool Contains(long start, long end)
    {
        if (end <= start)
        {
            return true;
        }

        int i = FirstEndingAtOrAfter(start + 1);
        return i < _ranges.Count && _ranges[i].Start <= start && _ranges[i].End >= end;
    }

    /// <summary>The ranges of [start, end) not present, in order.</summary>
    public List<ByteRange> Missing(long start, long end)
    {
        var missing = new List<ByteRange>();
        long at = start;
        int i = FirstEndingAtOrAfter(start + 1);
        for (; i < _ranges.Count && at < end; i++)
        {
            var r = _ranges[i];
            if (r.Start > at)
            {
                missing.Add(new ByteRange(at, Math.Min(r.Start, end)));
            }

            at = Math.Max(at, r.End);
        }

        if (at < end)
        {
            missing.Add(new ByteRange(at, end));
        }

        return missing;
    }

    /// <summary>Bytes of [start, end) present.</summary>
    public long CountIn(long start, long end)
    {
        long total = end - start;
        return total - Missing(start, end).Sum(m => m.Length);
    }

    public ByteRange[] Snapshot() => [.. _ranges];

    private int FirstEndingAtOrAfter(long position)
    {
        int lo = 0, hi = _ranges.Count;
        while (lo < hi)
        {
            int mid = (lo + hi) >>> 1;
            if (_ranges[mid].End < position)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid;
            }
        }

        return lo;
    }
}
