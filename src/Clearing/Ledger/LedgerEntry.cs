namespace PromotionEngine.Clearing.Ledger;

/// <summary>What a ledger account counts: coupons, or money in minor units of the entry's currency.</summary>
internal static class LedgerUnits
{
    public const string Coupons = "COUPONS";
    public const string Money = "MONEY";
}

/// <summary>
/// One leg of a balanced posting: a debit is positive, a credit negative, and the legs of one fact's posting add up to zero per
/// unit, so the trial balance of every merchant, day, currency and unit is zero. Keyed by (EventId, Line, Leg).
/// </summary>
internal sealed record LedgerEntry(
    long Seq, Guid EventId, int Line, int Leg, DateOnly PostingDay, DateOnly? OriginalDay, long MerchantId, string Currency,
    string Unit, string Account, long Amount, long TemplateId, DateTimeOffset OccurredAt);
