using System.ComponentModel;
using System.ComponentModel.DataAnnotations;

namespace PromotionEngine.Contracts.Http.Clearing;

// POST /api/v1/operator/clearing/reconciliations is multipart/form-data: day (yyyy-MM-dd, a UTC day), optional merchantId, and
// file: the order system's record of the day (CSV with a header row, or .xlsx) with the columns order_id, paid_at, coupon_ids,
// discount, status (docs/clearing.md, "Reconciliation"). Ids travel as strings in responses.

/// <summary>A finished reconciliation: what each source gave, and the discrepancies found per kind.</summary>
public sealed record ReconciliationResponse(
    string Id,
    [property: Description("The UTC day compared, yyyy-MM-dd.")] string Day,
    [property: Description("Only this merchant's coupons were compared; null: every merchant.")] string? MerchantId,
    string FileName,
    [property: AllowedValues("CSV", "XLSX")] string FileFormat,
    [property: Description("Settlement records of orders paid that day.")] long EngineOrders,
    [property: Description("User coupons the engine holds as consumed that day.")] long EngineCoupons,
    [property: Description("Coupons the clearing facts show spent on orders paid that day.")] long ClearedCoupons,
    [property: Description("Order lines of the file paid that day (compared).")] long OrderLines,
    [property: Description("Order lines of the file paid another day (left out).")] long OrderLinesOtherDay,
    [property: Description("Discrepancies found, all kinds.")] long Discrepancies,
    [property: Description("Discrepancies per kind; every kind is listed, 0 when none.")] IReadOnlyDictionary<string, long> Counts,
    DateTimeOffset StartedAt,
    DateTimeOffset FinishedAt);

/// <summary>One thing the sources disagree on.</summary>
public sealed record DiscrepancyResponse(
    [property: Description("Its place in the run's list (the paging key).")] long Seq,
    [property: AllowedValues("MISSING_IN_ENGINE", "MISSING_IN_CLEARING", "MISSING_IN_ORDERS", "AMOUNT_MISMATCH", "STATUS_MISMATCH",
        "DUPLICATED_ORDER_LINE", "COUPON_USED_TWICE")]
    string Kind,
    string OrderId,
    [property: Description("The user coupon, when the discrepancy is about one coupon of the order.")] string? CouponId,
    [property: Description("The sources involved, comma-separated: ENGINE, ENGINE_COUPONS, CLEARING, ORDERS.")] string Sources,
    [property: Description("What each source holds, e.g. ENGINE=REFUNDED; CLEARING=REFUNDED; ORDERS=PAID.")] string Values);

/// <summary>
/// POST /api/v1/operator/clearing/reconciliations, multipart/form-data. The endpoint streams the form itself (the file is never
/// held in memory): this record describes its parts for the OpenAPI document.
/// </summary>
public sealed record ReconciliationRequestForm(
    [property: Required, Description("The UTC day to reconcile, yyyy-MM-dd (begun already).")] string Day,
    [property: Description("Only this merchant's coupons; absent: every merchant.")] string? MerchantId,
    [property: Required, Description("The order system's record of the day: CSV (UTF-8, a header row) or .xlsx (first sheet), with the "
        + "columns order_id, paid_at, coupon_ids, discount, status; at most Clearing:Reconciliation:MaxFileBytes (1 GiB).")]
    Stream File);
