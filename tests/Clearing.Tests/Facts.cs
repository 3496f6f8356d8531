using PromotionEngine.Clearing.Facts;
using PromotionEngine.Clearing.Ledger;
using PromotionEngine.Clearing.Store;

namespace PromotionEngine.Clearing.Tests;

/// <summary>Facts as the tests build them: one coupon or discount movement, with the dimensions every fact carries.</summary>
internal static class Facts
{
    public const string Cny = "CNY";

    public static ClearingFact Coupon(long seq, string movement, DateTimeOffset at, long merchant = 7, long template = 70, long coupon = 700,
        string channel = Channels.Claim, string? order = null, string? status = null, DateOnly? postingDay = null, DateOnly? originalDay = null) =>
        new(seq, Guid.NewGuid(), 0, movement, at, postingDay ?? DateOnly.FromDateTime(at.UtcDateTime), originalDay, merchant, template, "PLATFORM",
            Cny, "MERCHANT", 0, channel, null, coupon, 1001, order, status, 1, 0, 0, 0, 0, null, null);

    public static ClearingFact Money(long seq, string movement, DateTimeOffset at, long discount, int platformBps = 0, long merchant = 7,
        long template = 70, long coupon = 700, string order = "ord-1", long orderAmount = 0, DateOnly? postingDay = null,
        DateOnly? originalDay = null)
    {
        var platform = Contracts.Events.MerchantAdmin.V1.FundingKinds.PlatformPart(discount, platformBps);
        return new ClearingFact(seq, Guid.NewGuid(), 0, movement, at, postingDay ?? DateOnly.FromDateTime(at.UtcDateTime), originalDay, merchant,
            template, "PLATFORM", Cny, platformBps switch { 0 => "MERCHANT", 10_000 => "PLATFORM", _ => "SPLIT" }, platformBps, Channels.Order,
            order, coupon, 1001, order, null, 0, discount, platform, discount - platform, orderAmount, null, null);
    }

    /// <summary>The facts (seqs in order) with their postings, as one batch.</summary>
    public static FactBatch Batch(IReadOnlyList<ClearingFact> facts) =>
        new(facts[0].Seq, facts[^1].Seq, facts, [.. facts.SelectMany(Posting.For)]);
}
