namespace PromotionEngine.Engine.Coupons;

/// <summary>The wire and storage names of coupon statuses.</summary>
internal static class CouponStatusNames
{
    public static string Of(CouponStatus status) => status switch
    {
        CouponStatus.Available => "AVAILABLE",
        CouponStatus.Locked => "LOCKED",
        CouponStatus.Consumed => "CONSUMED",
        CouponStatus.Expired => "EXPIRED",
        _ => throw new ArgumentOutOfRangeException(nameof(status)),
    };

    public static bool TryParse(string? name, out CouponStatus status)
    {
        foreach (var candidate in Enum.GetValues<CouponStatus>())
        {
            if (Of(candidate) == name)
            {
                status = candidate;
                return true;
            }
        }
        status = default;
        return false;
    }

    public static CouponStatus Parse(string name) =>
        TryParse(name, out var status) ? status : throw new FormatException($"Unknown coupon status '{name}'.");
}
