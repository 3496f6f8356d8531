using PromotionEngine.Clearing.Facts;
using PromotionEngine.Clearing.Store;
using PromotionEngine.Contracts.Http.Clearing;

namespace PromotionEngine.Clearing.Reports;

/// <summary>
/// Sums of the store's activity rows of one currency into the campaign figures (docs/clearing.md, "Campaign analytics", defines
/// each). Movements that are no figure of their own (RELEASED to AVAILABLE, TERMINATED, DISCOUNT_ALLOCATED) are not counted; a
/// coupon RELEASED or RESTORED to EXPIRED (its hold or refund ended after its validity) counts as expired.
/// </summary>
internal sealed class Tally
{
    private const string ExpiredStatus = "EXPIRED";

    private long _issued, _claimed, _distributed, _locked, _used, _expired, _refunded;
    private long _spent, _returned, _clawedBack, _merchantSpent, _platformSpent, _merchantBack, _platformBack;
    private long _orders, _orderValue;

    public long Issued => _issued;
    public long Claimed => _claimed;
    public long Distributed => _distributed;
    public long Locked => _locked;
    public long Used => _used;

    public Tally Add(ActivityRow row)
    {
        switch (row.Movement)
        {
            case Movements.Claimed:
                _issued += row.Coupons;
                if (row.Channel == Channels.Claim) _claimed += row.Coupons;
                else if (row.Channel == Channels.Distribution) _distributed += row.Coupons;
                break;
            case Movements.Locked: _locked += row.Coupons; break;
            case Movements.Consumed: _used += row.Coupons; break;
            case Movements.Expired: _expired += row.Coupons; break;
            case Movements.Released when row.Status == ExpiredStatus: _expired += row.Coupons; break; // the hold outlived the validity
            case Movements.Restored:
                _refunded += row.Coupons;
                if (row.Status == ExpiredStatus) _expired += row.Coupons; // refunded after the validity: it went straight to expired
                break;
            case Movements.DiscountSpent:
                _spent += row.Discount;
                (_merchantSpent, _platformSpent) = (_merchantSpent + row.MerchantPart, _platformSpent + row.PlatformPart);
                (_orders, _orderValue) = (_orders + row.Facts, _orderValue + row.OrderAmount);
                break;
            case Movements.DiscountReturned:
                _returned += row.Discount;
                (_merchantBack, _platformBack) = (_merchantBack + row.MerchantPart, _platformBack + row.PlatformPart);
                break;
            case Movements.DiscountClawedBack:
                _clawedBack += row.Discount;
                (_merchantBack, _platformBack) = (_merchantBack + row.MerchantPart, _platformBack + row.PlatformPart);
                break;
        }
        return this;
    }

    public CampaignFigures ToFigures() => new(
        _issued, _claimed, _distributed, _locked, _used, _expired, _refunded, Rate(_used, _issued),
        _spent, _returned, _clawedBack, _spent - _returned - _clawedBack, _merchantSpent - _merchantBack, _platformSpent - _platformBack,
        _orders, _orderValue, Average(_orderValue, _orders));

    /// <summary><paramref name="part"/> / <paramref name="whole"/> to 4 decimals (half away from zero); null when whole is 0.</summary>
    public static decimal? Rate(long part, long whole) =>
        whole == 0 ? null : Math.Round((decimal)part / whole, 4, MidpointRounding.AwayFromZero);

    /// <summary>The mean to a minor unit (half away from zero); null over nothing.</summary>
    public static long? Average(long total, long count) =>
        count == 0 ? null : (long)Math.Round((decimal)total / count, 0, MidpointRounding.AwayFromZero);
}
