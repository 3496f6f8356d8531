namespace PromotionEngine.Distribution.Recipients;

/// <summary>
/// The user ids seen so far in one file, to find repeated rows: an open-addressing set of positive longs
/// (0 marks a free slot), 8 bytes a slot at most 60 % full, so five million ids take about 64 MB.
/// </summary>
internal sealed class SeenUsers
{
    private long[] _slots = new long[1024];
    private int _count;

    public int Count => _count;

    /// <summary>Adds the id; false when it was already there.</summary>
    public bool Add(long userId)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(userId, 1);
        if ((_count + 1) * 10L > _slots.Length * 6L) Grow();
        if (!Insert(_slots, userId)) return false;
        _count++;
        return true;
    }

    private static bool Insert(long[] slots, long value)
    {
        var mask = slots.Length - 1;
        // Fibonacci hashing spreads sequential ids (the common case) across the table.
        var i = (int)(((ulong)value * 11400714819323198485UL) >> 33) & mask;
        while (true)
        {
            var slot = slots[i];
            if (slot == value) return false;
            if (slot == 0)
            {
                slots[i] = value;
                return true;
            }
            i = (i + 1) & mask;
        }
    }

    private void Grow()
    {
        var bigger = new long[_slots.Length * 2];
        foreach (var value in _slots)
        {
            if (value != 0) Insert(bigger, value);
        }
        _slots = bigger;
    }
}
