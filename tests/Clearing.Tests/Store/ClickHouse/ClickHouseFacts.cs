using PromotionEngine.Clearing.Facts;
using PromotionEngine.Clearing.Ledger;
using PromotionEngine.Clearing.Store;

namespace PromotionEngine.Clearing.Tests.Store.ClickHouse;

/// <summary>Facts and their balanced legs in domain words, for the store tests.</summary>
internal static class ClickHouseFacts
{
    public static readonly DateTimeOffset Noon = new(2026, 3, 10, 12, 0, 0, TimeSpan.Zero);

    public static ClearingFact Claimed(long seq, long merchant = 1, long template = 10, DateTimeOffset? at = null) =>
        Fact(seq, Movements.Claimed, merchant, template, at ?? Noon, coupons: 1, channel: Channels.Claim);

    public static ClearingFact Spent(long seq, string order, long userCoupon, long discount, long orderAmount,
        long merchant = 1, long template = 10, DateTimeOffset? at = null) =>
        Fact(seq, Movements.DiscountSpent, merchant, template, at ?? Noon, discount: discount, orderAmount: orderAmount,
            order: order, userCoupon: userCoupon, channel: Channels.Order);

    public static ClearingFact Fact(long seq, string movement, long merchant, long template, DateTimeOffset at,
        int coupons = 0, long discount = 0, long orderAmount = 0, string? order = null, long? userCoupon = null,
        string channel = Channels.Order, string currency = "CNY", DateOnly? postingDay = null, DateOnly? originalDay = null) =>
        new(seq, EventId(seq), 0, movement, at, postingDay ?? DateOnly.FromDateTime(at.UtcDateTime), originalDay,
            merchant, template, "PLATFORM", currency, "SPLIT", 2500, channel, null, userCoupon, 7, order, null,
            coupons, discount, discount / 4, discount - discount / 4, orderAmount, null, null);

    /// <summary>Two legs that balance: Dr <paramref name="debit"/>, Cr <paramref name="credit"/>.</summary>
    public static IEnumerable<LedgerEntry> Posting(ClearingFact fact, string debit, string credit, long amount, string unit = "MONEY") =>
    [
        new(fact.Seq, fact.EventId, fact.Line, 0, fact.PostingDay, fact.OriginalDay, fact.MerchantId, fact.Currency, unit, debit,
            amount, fact.TemplateId, fact.OccurredAt),
        new(fact.Seq, fact.EventId, fact.Line, 1, fact.PostingDay, fact.OriginalDay, fact.MerchantId, fact.Currency, unit, credit,
            -amount, fact.TemplateId, fact.OccurredAt),
    ];

    /// <summary>A batch of claims seqs first..last, each posted Dr coupons.outstanding / Cr coupons.issued.</summary>
    public static FactBatch Claims(long first, long last, long merchant = 1)
    {
        var facts = new List<ClearingFact>();
        var entries = new List<LedgerEntry>();
        for (var seq = first; seq <= last; seq++)
        {
            var fact = Claimed(seq, merchant, at: Noon.AddMinutes(seq));
            facts.Add(fact);
            entries.AddRange(Posting(fact, "coupons.outstanding", "coupons.issued", 1, "COUPONS"));
        }
        return new FactBatch(first, last, facts, entries);
    }

    public static Guid EventId(long seq) => new($"00000000-0000-4000-8000-{seq:D12}");
}
