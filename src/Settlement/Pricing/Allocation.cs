namespace PromotionEngine.Settlement.Pricing;

/// <summary>
/// Splits a discount over lines in proportion to what is left of each (largest-remainder rounding): whole minor
/// units that add up exactly, no line below zero. Ties between equal remainders go to the lower line index.
/// </summary>
internal static class Allocation
{
    /// <param name="discount">At most the sum of <paramref name="remaining"/> over <paramref name="lines"/>.</param>
    /// <returns>The share of each listed line, in the order of <paramref name="lines"/>.</returns>
    public static long[] Split(long discount, long[] remaining, int[] lines)
    {
        var shares = new long[lines.Length];
        if (discount == 0 || lines.Length == 0) return shares;
        long total = 0;
        foreach (var i in lines) total += remaining[i];
        if (discount >= total)
        {
            for (var k = 0; k < lines.Length; k++) shares[k] = remaining[lines[k]];
            return shares;
        }
        var remainders = new long[lines.Length];
        long given = 0;
        for (var k = 0; k < lines.Length; k++)
        {
            var amount = remaining[lines[k]];
            var high = Math.BigMul(discount, amount, out long low);
            if (high == 0 && low >= 0)
            {
                (shares[k], remainders[k]) = Math.DivRem(low, total); // the usual case: the product fits in 64 bits
            }
            else
            {
                var exact = (Int128)discount * amount;
                shares[k] = (long)(exact / total);
                remainders[k] = (long)(exact % total);
            }
            given += shares[k];
        }
        var left = discount - given; // fewer than the lines with a remainder
        if (left == 0) return shares;
        // The `left` largest remainders (ties: lower line index) get one unit each.
        if (left > 4)
        {
            var order = new int[lines.Length];
            for (var k = 0; k < order.Length; k++) order[k] = k;
            Array.Sort(order, (a, b) => remainders[a] != remainders[b] ? remainders[b].CompareTo(remainders[a]) : lines[a].CompareTo(lines[b]));
            for (var k = 0; k < left; k++) shares[order[k]]++;
            return shares;
        }
        for (var n = 0; n < left; n++) // a few units: pick them one by one rather than sort
        {
            var pick = -1;
            for (var k = 0; k < lines.Length; k++)
            {
                if (remainders[k] <= 0) continue;
                if (pick < 0 || remainders[k] > remainders[pick] || (remainders[k] == remainders[pick] && lines[k] < lines[pick])) pick = k;
            }
            shares[pick]++;
            remainders[pick] = 0;
        }
        return shares;
    }
}
