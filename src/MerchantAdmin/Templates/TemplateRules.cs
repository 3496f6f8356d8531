namespace PromotionEngine.MerchantAdmin.Templates;

/// <summary>The bounds every template keeps; named so that validation messages and tests agree.</summary>
internal static class TemplateRules
{
    public const int MaxNameLength = 100;
    public const int MaxDescriptionLength = 1000;
    public const int MaxListedIds = 1000;
    public const long MaxAmount = 1_000_000_000_00; // one billion in major units
    public const int MaxPercentOff = 10_000;         // basis points: 100% off
    public const long MaxStock = 1_000_000_000;
    public const int MaxPerUserLimit = 1_000;
    public const int MaxTiers = 10;                  // TIERED_THRESHOLD
    public const int MaxDealQuantity = 99;           // BUY_X_GET_Y: units bought, units discounted, per group
    public const int MaxPriority = 1_000;            // stacking tie-break: higher first
    public const int WholeShareBps = 10_000;         // funding: the platform's share of the discount, in basis points
    public static readonly TimeSpan MaxWindow = TimeSpan.FromDays(3660);
    public static readonly TimeSpan MaxValidityAfterClaim = TimeSpan.FromDays(3660);
    public static readonly TimeSpan MinValidityAfterClaim = TimeSpan.FromMinutes(1);
}
