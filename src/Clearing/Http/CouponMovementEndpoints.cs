using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using PromotionEngine.Clearing.Journal;
using PromotionEngine.Contracts.Http;
using PromotionEngine.Contracts.Http.Clearing;
using PromotionEngine.Kernel;
using PromotionEngine.Kernel.Documentation;
using PromotionEngine.Kernel.Validation;

namespace PromotionEngine.Clearing.Http;

/// <summary>User support: a coupon's history as the clearing journal recorded it (claimed, held, released, spent, restored, expired).</summary>
internal static class CouponMovementEndpoints
{
    private static readonly DateTimeOffset At = new(2026, 6, 18, 2, 0, 3, TimeSpan.Zero);

    private static readonly ApiExample Example = new("claimed-and-spent", "Claimed, held by an order, then spent with its discount", 200,
        new Page<CouponMovementResponse>(
        [
            new("1284301", "CLAIMED", At, "384536415389614080", "7", "CLAIM", null, null, null, 0, "CNY", null, null),
            new("1284377", "LOCKED", At.AddMinutes(6), "384536415389614080", "7", "ORDER", null, "ord-20260618-000123", null, 0, "CNY", null, null),
            new("1284390", "CONSUMED", At.AddMinutes(7), "384536415389614080", "7", "ORDER", null, "ord-20260618-000123", null, 0, "CNY", null,
                null),
            new("1284391", "DISCOUNT_SPENT", At.AddMinutes(7), "384536415389614080", "7", "ORDER", null, "ord-20260618-000123", null, 2000,
                "CNY", null, null),
        ], null));

    public static void MapCouponMovementEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet($"/api/v1/operator/clearing/coupons/{RouteIds.CouponId}/movements", ListAsync).WithTags("Operations")
            .WithName("CouponMovements").RequireAuthorization(ClearingOperatorEndpoints.OperatorPolicy)
            .WithSummary("A user coupon's history (operators)")
            .WithDescription("The coupon's movements in the clearing journal, oldest first: claimed (or distributed), held by an order, "
                + "released, spent with its discount, restored by a refund, expired. Recorded from the events as the clearing ingests "
                + "them, so the latest may trail by the relay's delay; an unknown coupon has none.")
            .Answers<Page<CouponMovementResponse>>(StatusCodes.Status200OK, "A page of movements; nextCursor is null on the last page.")
            .Refuses(ErrorCodes.ValidationFailed)
            .Example(Example);
    }

    private static async Task<IResult> ListAsync(
        long couponId, CouponJournal journal,
        [Description(Paging.CursorRule)] string? cursor, [Range(1, Paging.MaxSize), Description(Paging.LimitRule)] int? limit,
        CancellationToken ct)
    {
        var errors = new FieldErrors().WhenBadPage(limit, cursor, out var after);
        if (!errors.IsEmpty) return ProblemResults.Invalid(errors);
        var size = limit ?? Paging.DefaultSize;
        return TypedResults.Ok(Paging.PageOf(await journal.PageAsync(couponId, after ?? 0, size + 1, ct), size, m => m.Seq, m => m.Movement));
    }
}
