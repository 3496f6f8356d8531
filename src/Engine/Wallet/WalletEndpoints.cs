using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
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
    public static void MapWalletEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/me/coupons").WithTags("Wallet").RequireAuthorization(EnginePolicies.User);
        group.MapGet("", ListAsync).WithName("ListMyCoupons")
            .WithSummary("List my coupons")
            .WithDescription("The calling user's coupons, newest first, each with the status the clock gives it now (a hold that lapsed "
                + "is AVAILABLE again, a coupon past its validity EXPIRED); filter by status and continue with nextCursor.")
            .Answers<Page<UserCouponResponse>>(StatusCodes.Status200OK, "A page of coupons; nextCursor is null on the last page.")
            .Refuses(ErrorCodes.ValidationFailed)
            .Example(EngineExamples.Wallet);
        group.MapGet(RouteIds.CouponId, GetAsync).WithName("GetMyCoupon")
            .WithSummary("Get one of my coupons")
            .WithDescription("One coupon of the calling user; another user's coupon is not found.")
            .Answers<UserCouponResponse>(StatusCodes.Status200OK, "The coupon.")
            .Refuses(ErrorCodes.CouponNotFound)
            .Example(EngineExamples.OneCoupon);
    }

    private static Task<IResult> ListAsync(HttpContext http, IUserCoupons coupons, TimeProvider clock,
        [AllowedValues("AVAILABLE", "LOCKED", "CONSUMED", "EXPIRED"), Description("Only coupons of this status as of now.")] string? status,
        [Description(Paging.CursorRule)] string? cursor, [Range(1, Paging.MaxSize), Description(Paging.LimitRule)] int? limit,
        CancellationToken ct)
        => PageAsync(PolicyCallers.UserOf(http), coupons, clock, status, cursor, limit, new FieldErrors(), ct);

    /// <summary>
    /// A page of a user's coupons, newest first, optionally of one status as of now: the wallet's list, and the operator's list of
    /// any user's (which brings its own field errors to answer with the page's).
    /// </summary>
    internal static async Task<IResult> PageAsync(UserId user, IUserCoupons coupons, TimeProvider clock, string? status, string? cursor,
        int? limit, FieldErrors errors, CancellationToken ct)
    {
        CouponStatus? filter = null;
        errors.WhenBadPage(limit, cursor, out var after);
        if (status is not null)
        {
            if (CouponStatusNames.TryParse(status, out var parsed)) filter = parsed;
            else errors.Add("status", "One of AVAILABLE, LOCKED, CONSUMED, EXPIRED.");
        }
        if (!errors.IsEmpty) return ProblemResults.Invalid(errors);

        var size = limit ?? Paging.DefaultSize;
        var now = clock.GetUtcNow();
        return TypedResults.Ok(
            Paging.PageOf(await coupons.ListAsync(user, filter, after, size + 1, now, ct), size, c => c.Id.Value, c => c.ToResponse(now)));
    }

    private static async Task<IResult> GetAsync(long couponId, HttpContext http, IUserCoupons coupons, TimeProvider clock, CancellationToken ct)
    {
        var user = PolicyCallers.UserOf(http);
        var coupon = await coupons.FindAsync(new UserCouponId(couponId), ct);
        return coupon is null || coupon.User != user
            ? ProblemResults.From(new Refusal(ErrorCodes.CouponNotFound, $"You hold no coupon {couponId}."))
            : TypedResults.Ok(coupon.ToResponse(clock.GetUtcNow()));
    }
}
