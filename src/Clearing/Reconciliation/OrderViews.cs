namespace PromotionEngine.Clearing.Reconciliation;

/// <summary>A coupon on an order with its discount in minor units (null when the source does not know it per coupon).</summary>
internal readonly record struct CouponShare(long CouponId, long? Discount);

/// <summary>An order as the settlement records hold it: paid that day, its status, total discount and coupons.</summary>
internal sealed record EngineOrder(string OrderId, DateTimeOffset PaidAt, string Status, long Discount, IReadOnlyList<CouponShare> Coupons);

/// <summary>A user coupon the engine holds as consumed by an order.</summary>
internal sealed record EngineCouponUse(long CouponId, string OrderId, long MerchantId);

/// <summary>One record of the order system's file: its row number, the order, when it was paid, its coupons, discount and status.</summary>
internal sealed record OrderLine(long Row, string OrderId, DateTimeOffset PaidAt, IReadOnlyList<long> CouponIds, long Discount, string Status);
