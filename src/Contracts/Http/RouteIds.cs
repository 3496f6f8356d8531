namespace PromotionEngine.Contracts.Http;

/// <summary>
/// Ids in routes are plain ASCII digits that fit a long: "{id:long}" alone also takes "+5", " 5" and "5 " (long.TryParse
/// allows a sign and white space), so one id would have many URLs. Anything else matches no route (404 NOT_FOUND).
/// </summary>
public static class RouteIds
{
    public const string Id = "{id:long:regex(^[0-9]+$)}";
    public const string CouponId = "{couponId:long:regex(^[0-9]+$)}";
}
