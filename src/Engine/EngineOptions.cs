using System.ComponentModel.DataAnnotations;

namespace PromotionEngine.Engine;

/// <summary>The engine's settings (section "Engine"), validated at start.</summary>
internal sealed class EngineOptions
{
    public const string Section = "Engine";

    /// <summary>How often lapsed holds are released and ended coupons expired in storage.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan SweepInterval { get; set; } = TimeSpan.FromSeconds(30);

    [Range(1, 10_000)]
    public int SweepBatchSize { get; set; } = 500;

    /// <summary>The longest an order may hold coupons while the user pays.</summary>
    [Range(1, 7 * 24 * 3600)]
    public int MaxLockTtlSeconds { get; set; } = 24 * 3600;

    /// <summary>How many coupons one order may lock at once.</summary>
    [Range(1, 1000)]
    public int MaxCouponsPerOrder { get; set; } = 50;
}
