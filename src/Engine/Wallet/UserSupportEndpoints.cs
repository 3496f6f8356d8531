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

/// <summary>User support: an operator reads any user's coupons, as the user's own wallet shows them.</summary>
internal static class UserSupportEndpoints
{
    public static void MapUserSupportEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/v1/operator/users/{userId:long:regex(^[0-9]+$)}/coupons", ListAsync).WithTags("Operations").WithName("ListUserCoupons")
            .RequireAuthorization(EnginePolicies.Operator)
            .WithSummary("List a user's coupons (operators)")
            .WithDescription("What GET /api/v1/me/coupons answers the user: the user's coupons, newest first, each with the status the clock "
                + "gives it now; filter by status and continue with nextCursor. For operators answering a user.")
            .Answers<Page<UserCouponResponse>>(StatusCodes.Status200OK, "A page of the user's coupons; nextCursor is null on the last page.")
            .Refuses(ErrorCodes.ValidationFailed)
            .Example(EngineExamples.Wallet);
    }

    private static Task<IResult> ListAsync(
        [Description("The user's id, a string of digits.")] long userId, IUserCoupons coupons, TimeProvider clock,
        [AllowedValues("AVAILABLE", "LOCKED", "CONSUMED", "EXPIRED"), Description("Only coupons of this status as of now.")] string? status,
        [Description(Paging.CursorRule)] string? cursor, [Range(1, Paging.MaxSize), Description(Paging.LimitRule)] int? limit,
        CancellationToken ct) => WalletEndpoints.PageAsync(new UserId(userId), coupons, clock, status, cursor, limit,
        new FieldErrors().When(userId <= 0, "userId", "A user id is a positive whole number."), ct);
}
