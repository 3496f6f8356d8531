using System.ComponentModel.DataAnnotations;

namespace PromotionEngine.Settlement;

/// <summary>The settlement's settings (section "Settlement"), validated at start.</summary>
internal sealed class SettlementOptions
{
    public const string Section = "Settlement";

    /// <summary>How long a quote may be locked; never beyond the end of a coupon it selected.</summary>
    [Range(typeof(TimeSpan), "00:00:10", "1.00:00:00")]
    public TimeSpan QuoteTtl { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>Coupons that ended this long ago still show in a quote (as EXPIRED); older ones are left out.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "90.00:00:00")]
    public TimeSpan ExpiredLookback { get; set; } = TimeSpan.FromDays(7);

    /// <summary>The payment timeout of an order event that names none: its coupons are held this long, then come back by themselves.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "7.00:00:00")]
    public TimeSpan LockTtl { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>The most wallet coupons one quote considers (soonest to end first).</summary>
    [Range(1, 1000)]
    public int MaxWalletCoupons { get; set; } = 500;
}
