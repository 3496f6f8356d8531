namespace PromotionEngine.Settlement.Pricing;

/// <summary>
/// The total order on combinations, so the best is one and the same every time: the larger discount; then fewer
/// coupons (keep the rest for later); then the larger sum of template priorities; then the combination holding the
/// smallest coupon id the two do not share (coupons claimed earlier go first). Every criterion but the discount
/// is decided coupon by coupon, which is what lets the search decide shops one at a time. A GIFT coupon is not counted (it takes
/// nothing off and keeps nothing for later worth keeping): adding one never makes a combination worse, so the best holds a gift.
/// </summary>
internal readonly record struct Rank(long Discount, int Count, long Priority, long[] Ids) : IComparable<Rank>
{
    public static Rank Of(long discount, IReadOnlyCollection<Offer> coupons) =>
        new(discount, coupons.Count(c => c.Slot != Slot.Gift), coupons.Sum(c => (long)c.Terms.Priority),
            coupons.Select(c => c.Id.Value).Order().ToArray());

    /// <summary>Positive when this is better.</summary>
    public int CompareTo(Rank other)
    {
        if (Discount != other.Discount) return Discount.CompareTo(other.Discount);
        return CompareTies(Count, Priority, Ids, other.Count, other.Priority, other.Ids);
    }

    /// <summary>The tie-breaks alone (count, priority, ids; <paramref name="ids"/> sorted ascending). Positive when the first is better.</summary>
    public static int CompareTies(int count, long priority, long[] ids, int otherCount, long otherPriority, long[] otherIds)
    {
        if (count != otherCount) return otherCount.CompareTo(count);
        if (priority != otherPriority) return priority.CompareTo(otherPriority);
        int i = 0, j = 0;
        while (i < ids.Length && j < otherIds.Length)
        {
            if (ids[i] == otherIds[j]) { i++; j++; continue; }
            return ids[i] < otherIds[j] ? 1 : -1; // the smallest id not shared decides: its holder wins
        }
        return i < ids.Length ? 1 : j < otherIds.Length ? -1 : 0;
    }

    public bool IsBetterThan(Rank other) => CompareTo(other) > 0;
}
