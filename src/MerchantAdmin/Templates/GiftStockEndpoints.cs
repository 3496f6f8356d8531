using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using PromotionEngine.Contracts.Engine;
using PromotionEngine.Contracts.Http;
using PromotionEngine.Contracts.Http.MerchantAdmin;
using PromotionEngine.Kernel;
using PromotionEngine.Kernel.Logging;
using PromotionEngine.Kernel.Validation;
using PromotionEngine.MerchantAdmin.Http;

namespace PromotionEngine.MerchantAdmin.Templates;

/// <summary>A GIFT template's gift stock: add gifts, and see how many are given, reserved and left (docs/gifts.md).</summary>
internal static class GiftStockEndpoints
{
    public static void MapGiftStockEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/merchant/templates").WithTags("Merchant templates")
            .RequireAuthorization(TemplateEndpoints.MerchantPolicy).WithMetadata(new RouteIdInLogs(LogScope.TemplateId));
        group.MapPost(RouteIds.Id + "/gift-stock", AddAsync).WithName("AddGiftStock")
            .WithSummary("Add gifts to a GIFT template's stock")
            .WithDescription("Adds quantity gifts to the template's gift stock (at most 1 000 000 000 in all); coupons already issued may "
                + "use them at once. Audited as ADD_GIFT_STOCK; template-changed names the gift. With an Idempotency-Key (one key space "
                + "with create), a repeat adds nothing and answers the stock as it is now. A template of another type is 400 "
                + "VALIDATION_FAILED (quantity).")
            .Answers<GiftStockResponse>(StatusCodes.Status200OK, "The gift stock with the gifts added.")
            .Refuses(ErrorCodes.ValidationFailed, ErrorCodes.StockLimitExceeded, ErrorCodes.TemplateTerminated, ErrorCodes.TemplateEnded,
                ErrorCodes.TemplateNotFound)
            .Example(GiftExamples.StockAdded);
        group.MapGet(RouteIds.Id + "/gift-stock", GetAsync).WithName("GetGiftStock")
            .WithSummary("A GIFT template's gift stock")
            .WithDescription("The gifts added (stock), given (orders paid and not refunded below the gift's condition), reserved (orders "
                + "locked, not yet paid) and remaining. A template of another type is 404 TEMPLATE_NOT_FOUND.")
            .Answers<GiftStockResponse>(StatusCodes.Status200OK, "The gift stock.")
            .Refuses(ErrorCodes.TemplateNotFound)
            .Example(GiftExamples.StockFound);
    }

    private static async Task<IResult> AddAsync(
        long id, AddGiftStockRequest request, [FromHeader(Name = IdempotencyKeyHeader.Name)] string? idempotencyKey,
        HttpContext http, AddGiftStock command, ICouponBudgets budgets, CancellationToken ct)
    {
        var (caller, merchant) = PolicyCallers.MerchantCallerOf(http);
        if (!IdempotencyKeyHeader.TryReadOptional(idempotencyKey, out var key, out var invalidKey)) return invalidKey;
        if (request.Quantity is not { } quantity)
            return ProblemResults.Invalid(new FieldErrors().Add("quantity", "Required: how many gifts to add."));
        return await command.HandleAsync(caller, merchant, new TemplateId(id), quantity, key, ct) switch
        {
            TemplateOutcome.Done done => TypedResults.Ok(await StockOfAsync(done.Template, budgets, ct)),
            TemplateOutcome.Refused refused => ProblemResults.From(refused.Refusal),
            TemplateOutcome.NotFound => MerchantAdminProblems.TemplateNotFound(id),
            TemplateOutcome.Invalid invalid => ProblemResults.From(Problem.Invalid(invalid.Errors, invalid.Code)),
            _ => throw new System.Diagnostics.UnreachableException(),
        };
    }

    private static async Task<IResult> GetAsync(long id, HttpContext http, ICouponTemplates templates, ICouponBudgets budgets, CancellationToken ct)
    {
        var (_, merchant) = PolicyCallers.MerchantCallerOf(http);
        var template = await templates.FindAsync(new TemplateId(id), ct);
        if (template is null || template.Merchant != merchant || template.Benefit.Gift is null) return MerchantAdminProblems.TemplateNotFound(id);
        return TypedResults.Ok(await StockOfAsync(template, budgets, ct));
    }

    private static async Task<GiftStockResponse> StockOfAsync(CouponTemplate t, ICouponBudgets budgets, CancellationToken ct)
    {
        var key = BudgetKeys.Gift(t.Id);
        var usage = (await budgets.UsageAsync([key], ct))[key];
        var gift = t.Benefit.Gift!;
        return new GiftStockResponse(t.Id.Value.ToString(CultureInfo.InvariantCulture), gift.Sku, gift.Quantity, gift.MinQuantity, t.GiftStock,
            usage.Spent, usage.Reserved, usage.RemainingOf(t.GiftStock));
    }
}
