using PromotionEngine.Clearing.Facts;

namespace PromotionEngine.Clearing.Tests.Reports;

/// <summary>Facts in domain words: merchant 7's template 1 in CNY unless told otherwise.</summary>
internal static class AFact
{
    private static int _events;

    public static ClearingFact Of(string movement, DateTimeOffset at, long template = 1, string currency = "CNY", string channel = Channels.Order,
        long discount = 0, long platformPart = 0, long orderAmount = 0, long merchant = 7, int coupons = 1, string? status = null) =>
        new(0, Guid.NewGuid(), Interlocked.Increment(ref _events), movement, at, DateOnly.FromDateTime(at.UtcDateTime), null, merchant, template,
            "MERCHANT", currency, platformPart == 0 ? "MERCHANT" : "SPLIT", 0, channel, null, 1, 1, null, status, coupons, discount, platformPart,
            discount - platformPart, orderAmount, null, null);

    public static ClearingFact Claimed(DateTimeOffset at, long template = 1, string currency = "CNY", long merchant = 7) =>
        Of(Movements.Claimed, at, template, currency, Channels.Claim, merchant: merchant);

    public static ClearingFact Distributed(DateTimeOffset at, long template = 1) => Of(Movements.Claimed, at, template,
        channel: Channels.Distribution);

    public static ClearingFact Spent(DateTimeOffset at, long discount, long platformPart, long orderAmount, long template = 1,
        string currency = "CNY") =>
        Of(Movements.DiscountSpent, at, template, currency, discount: discount, platformPart: platformPart, orderAmount: orderAmount, coupons: 0);

    public static ClearingFact Returned(DateTimeOffset at, long discount, long platformPart, long template = 1) =>
        Of(Movements.DiscountReturned, at, template, discount: discount, platformPart: platformPart, coupons: 0);

    public static ClearingFact ClawedBack(DateTimeOffset at, long discount, long platformPart, long template = 1) =>
        Of(Movements.DiscountClawedBack, at, template, discount: discount, platformPart: platformPart, coupons: 0);
}
