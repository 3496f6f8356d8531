namespace PromotionEngine.Clearing.Reconciliation;

/// <summary>The sources a reconciliation compares, as discrepancies name them.</summary>
internal static class Sources
{
    /// <summary>The settlement records: the order's state, coupons and discount as the engine settled them.</summary>
    public const string Engine = "ENGINE";
    /// <summary>The engine's user coupons: which coupon is consumed by which order.</summary>
    public const string EngineCoupons = "ENGINE_COUPONS";
    /// <summary>The clearing facts in the analytic store.</summary>
    public const string Clearing = "CLEARING";
    /// <summary>The order system's record, uploaded.</summary>
    public const string Orders = "ORDERS";
}

internal static class DiscrepancyKinds
{
    public const string MissingInEngine = "MISSING_IN_ENGINE";
    public const string MissingInClearing = "MISSING_IN_CLEARING";
    public const string MissingInOrders = "MISSING_IN_ORDERS";
    public const string AmountMismatch = "AMOUNT_MISMATCH";
    public const string StatusMismatch = "STATUS_MISMATCH";
    public const string DuplicatedOrderLine = "DUPLICATED_ORDER_LINE";
    public const string CouponUsedTwice = "COUPON_USED_TWICE";

    public static readonly string[] All =
        [MissingInEngine, MissingInClearing, MissingInOrders, AmountMismatch, StatusMismatch, DuplicatedOrderLine, CouponUsedTwice];
}

/// <summary>What an order is, for the reconciliation: paid (wholly or partly refunded still counts as paid) or refunded whole.</summary>
internal static class OrderStatuses
{
    public const string Paid = "PAID";
    public const string Refunded = "REFUNDED";
    /// <summary>The engine's user coupon is not consumed by the order (only in a discrepancy's values).</summary>
    public const string NotConsumed = "NOT_CONSUMED";
    public const string Consumed = "CONSUMED";
}

/// <summary>
/// One thing the sources disagree on: its kind, the order (and the coupon when it is about one coupon), the sources involved
/// (comma-separated), and what each of them holds ("ENGINE=PAID; CLEARING=PAID; ORDERS=REFUNDED").
/// </summary>
internal sealed record Discrepancy(string Kind, string OrderId, long? CouponId, string Sources, string Values);
