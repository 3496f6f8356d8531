using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using PromotionEngine.Contracts.Http;
using PromotionEngine.Contracts.Http.Engine;
using PromotionEngine.Engine.Coupons;
using PromotionEngine.Engine.Http;
using PromotionEngine.Kernel;
using PromotionEngine.Kernel.Validation;

namespace PromotionEngine.Engine.Wallet;

/// <summary>The caller's own coupons. Another user's coupon is answered as not found.</summary>
internal static class WalletEndpoints
{
    private const int DefaultPageSize = 20;
    private const int MaxPageSize = 100;

    public static void MapWalletEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/me/coupons").WithTags("Wallet").RequireAuthorization(EnginePolicies.User);
        group.MapGet("", ListAsync).WithName("ListMyCoupons");
        group.MapGet(RouteIds.CouponId, GetAsync).WithName("GetMyCoupon");
    }

    private static async Task<IResult> ListAsync(HttpContext http, IUserCoupons coupons, TimeProvider clock,
        string? status, string? cursor, int? limit, CancellationToken ct)
    {
        var user = EnginePolicies.UserOf(http);
        CouponStatus? filter = null;
        var errors = new FieldErrors()
            .When(limit is < 1 or > MaxPageSize, "limit", $"From 1 to {MaxPageSize}.")
            .When(!Cursor.TryDecode(cursor, out var after), "cursor", "Not a cursor this API returned.");
        if (status is not null)
        {
            if (CouponStatusNames.TryParse(status, out var parsed)) filter = parsed;
            else errors.Add("status", "One of AVAILABLE, LOCKED, CONSUMED, EXPIRED.");
        }
        if (!errors.IsEmpty) return ProblemResults.Invalid(errors);

        var size = limit ?? DefaultPageSize;
        var now = clock.GetUtcNow();
        var page = await coupons.ListAsync(user, filter, after, size + 1, now, ct);
        var items = page.Take(size).ToList();
        return TypedResults.Ok(new Page<UserCouponResponse>(items.Select(c => c.ToResponse(now)).ToList(),
            page.Count > size ? Cursor.Encode(items[^1].Id.Value) : null));
    }

    private static async Task<IResult> GetAsync(long couponId, HttpContext http, IUserCoupons coupons, TimeProvider clock, CancellationToken ct)
    {
        var user = EnginePolicies.UserOf(http);
        var coupon = await coupons.FindAsync(new UserCouponId(couponId), ct);
        return coupon is null || coupon.User != user
            ? ProblemResults.From(new Refusal(RefusalKind.NotFound, "COUPON_NOT_FOUND", $"You hold no coupon {couponId}."))
            : TypedResults.Ok(coupon.ToResponse(clock.GetUtcNow()));
    }
}
