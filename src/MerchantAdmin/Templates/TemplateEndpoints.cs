using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using PromotionEngine.Contracts.Engine;
using PromotionEngine.Contracts.Events.MerchantAdmin.V1;
using PromotionEngine.Contracts.Http;
using PromotionEngine.Contracts.Http.MerchantAdmin;
using PromotionEngine.Kernel;
using PromotionEngine.Kernel.Logging;
using PromotionEngine.Kernel.Requests;
using PromotionEngine.Kernel.Validation;
using PromotionEngine.MerchantAdmin.Audit;
using PromotionEngine.MerchantAdmin.Http;

namespace PromotionEngine.MerchantAdmin.Templates;

internal static class TemplateEndpoints
{
    public const string MerchantPolicy = "merchant";

    public static void MapTemplateEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/merchant/templates").WithTags("Merchant templates").RequireAuthorization(MerchantPolicy)
            .WithMetadata(new RouteIdInLogs(LogScope.TemplateId));
        group.MapPost("", CreateAsync).WithName("CreateTemplate")
            .WithSummary("Create a coupon template")
            .WithDescription("Defines what a coupon is: scope (whole platform, a shop, products, categories), discount (a fixed amount, "
                + "spend-M-take-N, a percentage with a cap), claim window, stock and limit per user, and who funds the discount "
                + "(funding MERCHANT, the default; PLATFORM; or SPLIT with the platform's platformShareBps), and optional per-user limits "
                + "per day, ISO week and month in the template's IANA timeZone (default UTC), and optionally the audience "
                + "it is for (audienceId: only its members may claim; 404 AUDIENCE_NOT_FOUND unless it is the merchant's). "
                + "A GIFT template gives gift.quantity units of gift.sku at price 0 to an order reaching its optional thresholdAmount and "
                + "gift.minQuantity, out of gift.stock (docs/gifts.md). "
                + "Every rule is checked at once: "
                + "400 VALIDATION_FAILED names each field at fault (400 UNKNOWN_TIME_ZONE when an unknown timeZone is the only one). With "
                + "an Idempotency-Key, a repeat answers 200 with the template as it is now and creates nothing.")
            .Answers<TemplateResponse>(StatusCodes.Status201Created, "Created: the new template, ACTIVE, nothing issued.").WithLocation(201)
            .Answers<TemplateResponse>(StatusCodes.Status200OK, "A repeat of a created template's request under the same Idempotency-Key.")
            .Refuses(ErrorCodes.ValidationFailed, ErrorCodes.UnknownTimeZone, ErrorCodes.AudienceNotFound)
            .Example(TemplateExamples.Created201).Example(TemplateExamples.CreatedTiered).Example(GiftExamples.Created)
            .Example(TemplateExamples.Repeated);
        group.MapGet("", ListAsync).WithName("ListTemplates")
            .WithSummary("List the merchant's templates")
            .WithDescription("The calling merchant's templates, newest first, filtered by status, scope, type or a name prefix; "
                + "continue with nextCursor.")
            .Answers<Page<TemplateResponse>>(StatusCodes.Status200OK, "A page of templates; nextCursor is null on the last page.")
            .Refuses(ErrorCodes.ValidationFailed)
            .Example(TemplateExamples.Listed);
        group.MapGet(RouteIds.Id, GetAsync).WithName("GetTemplate")
            .WithSummary("Get a template")
            .WithDescription("One of the merchant's templates, with its status as of now and how many coupons it has issued. Another "
                + "merchant's template is not found (never 403).")
            .Answers<TemplateResponse>(StatusCodes.Status200OK, "The template.")
            .Refuses(ErrorCodes.TemplateNotFound)
            .Example(TemplateExamples.Found);
        group.MapPatch(RouteIds.Id, ChangeAsync).WithName("ChangeTemplate").WithMetadata(AcceptsIdempotencyKey.Instance)
            .Accepts<ChangeTemplateRequest>("application/json")
            .WithSummary("Change a template")
            .WithDescription("Renames or re-describes a template, moves its end later or raises its per-user limit; the members not "
                + "given stay. Every other member is fixed at creation (422 TEMPLATE_FIELD_IMMUTABLE); a terminated or ended template "
                + "keeps its window and limit.")
            .Answers<TemplateResponse>(StatusCodes.Status200OK, "The template as changed.")
            .Refuses(ErrorCodes.ValidationFailed, ErrorCodes.TemplateFieldImmutable, ErrorCodes.ValidUntilNotExtended,
                ErrorCodes.PerUserLimitNotRaised, ErrorCodes.TemplateTerminated, ErrorCodes.TemplateEnded, ErrorCodes.TemplateNotFound)
            .Example(TemplateExamples.Changed);
        group.MapPost(RouteIds.Id + "/stock", AddStockAsync).WithName("AddTemplateStock")
            .WithSummary("Add stock to a template")
            .WithDescription("Adds quantity coupons to the template's stock (at most 1 000 000 000 in all). With an Idempotency-Key "
                + "(one key space with create), a repeat adds nothing and answers the template as it is now.")
            .Answers<TemplateResponse>(StatusCodes.Status200OK, "The template with its new stock.")
            .Refuses(ErrorCodes.ValidationFailed, ErrorCodes.StockLimitExceeded, ErrorCodes.TemplateTerminated, ErrorCodes.TemplateEnded,
                ErrorCodes.TemplateNotFound)
            .Example(TemplateExamples.StockAdded);
        group.MapPost(RouteIds.Id + "/terminate", TerminateAsync).WithName("TerminateTemplate").WithMetadata(AcceptsIdempotencyKey.Instance)
            .WithSummary("Terminate a template")
            .WithDescription("Stops further claims and distribution for good; coupons already claimed stay usable until they expire. "
                + "Terminating a terminated template again changes nothing and answers 200.")
            .Answers<TemplateResponse>(StatusCodes.Status200OK, "The template, TERMINATED.")
            .Refuses(ErrorCodes.TemplateEnded, ErrorCodes.TemplateNotFound)
            .Example(TemplateExamples.Terminated);
        group.MapGet(RouteIds.Id + "/history", HistoryAsync).WithName("TemplateHistory")
            .WithSummary("A template's audit trail")
            .WithDescription("Every change of the template, oldest first (the cursor pages forward in time): who (the token's subject), "
                + "when, the operation, and the "
                + "members before and after.")
            .Answers<Page<TemplateHistoryEntry>>(StatusCodes.Status200OK, "A page of audit entries; nextCursor is null on the last page.")
            .Refuses(ErrorCodes.ValidationFailed, ErrorCodes.TemplateNotFound)
            .Example(TemplateExamples.History);
    }

    private static async Task<IResult> CreateAsync(
        CreateTemplateRequest request, [FromHeader(Name = IdempotencyKeyHeader.Name)] string? idempotencyKey,
        HttpContext http, CreateTemplate command, ICouponIssuance issuance, TimeProvider clock, CancellationToken ct)
    {
        var (caller, merchant) = PolicyCallers.MerchantCallerOf(http);
        if (!IdempotencyKeyHeader.TryReadOptional(idempotencyKey, out var key, out var invalidKey)) return invalidKey;
        var outcome = await command.HandleAsync(caller, merchant, request, key, ct);
        return await RespondAsync(outcome, issuance, clock, 0, ct);
    }

    private static async Task<IResult> ListAsync(HttpContext http, ICouponTemplates templates, ICouponIssuance issuance, TimeProvider clock,
        [AllowedValues("ACTIVE", "ENDED", "TERMINATED"), Description("Only templates of this status as of now.")] string? status,
        [Description("Only templates whose name starts with this (at most 100 characters).")] string? name,
        [AllowedValues("PLATFORM", "SHOP", "PRODUCTS", "CATEGORIES")] string? scope,
        [AllowedValues("FIXED_AMOUNT", "THRESHOLD", "PERCENTAGE", "TIERED_THRESHOLD", "FREE_SHIPPING", "GIFT", "BUY_X_GET_Y")] string? type,
        [Description(Paging.CursorRule)] string? cursor,
        [Range(1, Paging.MaxSize), Description(Paging.LimitRule)] int? limit,
        CancellationToken ct)
    {
        var (_, merchant) = PolicyCallers.MerchantCallerOf(http);
        var errors = new FieldErrors();
        TemplateStatus? statusFilter = null;
        TemplateScope? scopeFilter = null;
        BenefitType? typeFilter = null;
        if (status is not null)
        {
            if (WireNames.TryParse(status, out TemplateStatus s)) statusFilter = s;
            else errors.Add("status", "One of ACTIVE, ENDED, TERMINATED.");
        }
        if (scope is not null)
        {
            if (WireNames.TryParse(scope, out TemplateScope s)) scopeFilter = s;
            else errors.Add("scope", "One of PLATFORM, SHOP, PRODUCTS, CATEGORIES.");
        }
        if (type is not null)
        {
            if (WireNames.TryParse(type, out BenefitType t)) typeFilter = t;
            else errors.Add("type", "One of FIXED_AMOUNT, THRESHOLD, PERCENTAGE, TIERED_THRESHOLD, FREE_SHIPPING, GIFT, BUY_X_GET_Y.");
        }
        errors.When(name is { Length: > TemplateRules.MaxNameLength }, "name", $"At most {TemplateRules.MaxNameLength} characters.")
              .WhenBadPage(limit, cursor, out var after);
        if (!errors.IsEmpty) return ProblemResults.Invalid(errors);

        var size = limit ?? Paging.DefaultSize;
        var now = clock.GetUtcNow();
        var query = new TemplateQuery(statusFilter, string.IsNullOrEmpty(name) ? null : name, scopeFilter, typeFilter, after, size + 1);
        var (items, next) = Paging.Take(await templates.ListAsync(merchant, query, now, ct), size, t => t.Id.Value);
        var issued = await issuance.IssuedAsync(items.Select(t => t.Id).ToArray(), ct);
        return TypedResults.Ok(new Page<TemplateResponse>(items.Select(t => t.ToResponse(issued.GetValueOrDefault(t.Id), now)).ToList(), next));
    }

    private static async Task<IResult> GetAsync(
        long id, HttpContext http, ICouponTemplates templates, ICouponIssuance issuance, TimeProvider clock, CancellationToken ct)
    {
        var (_, merchant) = PolicyCallers.MerchantCallerOf(http);
        var template = await templates.FindAsync(new TemplateId(id), ct);
        if (template is null || template.Merchant != merchant) return MerchantAdminProblems.TemplateNotFound(id);
        return await RespondAsync(new TemplateOutcome.Done(template), issuance, clock, id, ct);
    }

    private static async Task<IResult> ChangeAsync(long id, JsonElement body, HttpContext http, ChangeTemplate command, ICouponIssuance issuance,
        TimeProvider clock, CancellationToken ct)
    {
        var (caller, merchant) = PolicyCallers.MerchantCallerOf(http);
        var errors = new FieldErrors();
        var fixedFields = new FieldErrors();
        var changes = TemplateChanges.From(body, errors, fixedFields);
        if (!fixedFields.IsEmpty)
        {
            return ProblemResults.From(Problem.Invalid(
                fixedFields, ErrorCodes.TemplateFieldImmutable, "Some fields cannot change after creation; nothing was changed."));
        }
        if (changes is null) return ProblemResults.Invalid(errors);
        return await RespondAsync(await command.HandleAsync(caller, merchant, new TemplateId(id), changes, ct), issuance, clock, id, ct);
    }

    private static async Task<IResult> AddStockAsync(
        long id, AddStockRequest request, [FromHeader(Name = IdempotencyKeyHeader.Name)] string? idempotencyKey,
        HttpContext http, AddTemplateStock command, ICouponIssuance issuance, TimeProvider clock, CancellationToken ct)
    {
        var (caller, merchant) = PolicyCallers.MerchantCallerOf(http);
        if (!IdempotencyKeyHeader.TryReadOptional(idempotencyKey, out var key, out var invalidKey)) return invalidKey;
        if (request.Quantity is not { } quantity)
            return ProblemResults.Invalid(new FieldErrors().Add("quantity", "Required: how many coupons to add."));
        return await RespondAsync(await command.HandleAsync(caller, merchant, new TemplateId(id), quantity, key, ct), issuance, clock, id, ct);
    }

    private static async Task<IResult> TerminateAsync(long id, HttpContext http, TerminateTemplate command, ICouponIssuance issuance,
        TimeProvider clock, CancellationToken ct)
    {
        var (caller, merchant) = PolicyCallers.MerchantCallerOf(http);
        return await RespondAsync(await command.HandleAsync(caller, merchant, new TemplateId(id), ct), issuance, clock, id, ct);
    }

    private static async Task<IResult> HistoryAsync(long id, HttpContext http, ICouponTemplates templates, ITemplateAuditTrail audit,
        [Description(Paging.CursorRule)] string? cursor, [Range(1, Paging.MaxSize), Description(Paging.LimitRule)] int? limit, CancellationToken ct)
    {
        var (_, merchant) = PolicyCallers.MerchantCallerOf(http);
        var errors = new FieldErrors().WhenBadPage(limit, cursor, out var after);
        if (!errors.IsEmpty) return ProblemResults.Invalid(errors);
        var template = await templates.FindAsync(new TemplateId(id), ct);
        if (template is null || template.Merchant != merchant) return MerchantAdminProblems.TemplateNotFound(id);

        var size = limit ?? Paging.DefaultSize;
        return TypedResults.Ok(Paging.PageOf(await audit.ListAsync(template.Id, after, size + 1, ct), size, e => e.Id,
            e => new TemplateHistoryEntry(e.Id.ToString(CultureInfo.InvariantCulture), e.Operation, e.Actor, e.OccurredAt,
                ParseJson(e.BeforeJson), ParseJson(e.AfterJson))));
    }

    private static async Task<IResult> RespondAsync(
        TemplateOutcome outcome, ICouponIssuance issuance, TimeProvider clock, long id, CancellationToken ct)
    {
        switch (outcome)
        {
            case TemplateOutcome.Created created:
                return TypedResults.Created($"/api/v1/merchant/templates/{created.Template.Id}", created.Template.ToResponse(0, clock.GetUtcNow()));
            case TemplateOutcome.Done done:
                var issued = await issuance.IssuedAsync([done.Template.Id], ct);
                return TypedResults.Ok(done.Template.ToResponse(issued.GetValueOrDefault(done.Template.Id), clock.GetUtcNow()));
            case TemplateOutcome.Invalid invalid:
                return ProblemResults.From(Problem.Invalid(invalid.Errors, invalid.Code));
            case TemplateOutcome.Refused refused:
                return ProblemResults.From(refused.Refusal);
            case TemplateOutcome.NotFound:
                return MerchantAdminProblems.TemplateNotFound(id);
            default:
                throw new System.Diagnostics.UnreachableException();
        }
    }

    private static JsonElement? ParseJson(string? json) => json is null ? null : JsonDocument.Parse(json).RootElement.Clone();

    /// <summary>
    /// Built from the template's state (the one mapping of the aggregate, <see cref="TemplateStates.Of"/>), its status
    /// at <paramref name="now"/> and its issued count.
    /// </summary>
    public static TemplateResponse ToResponse(this CouponTemplate t, long issued, DateTimeOffset now) =>
        TemplateStates.Of(t, t.Version).ToResponse(WireNames.Of(t.StatusAt(now)), issued);

    private static TemplateResponse ToResponse(this TemplateState s, string status, long issued) => new(
        Id(s.TemplateId), Id(s.MerchantId), s.Name, s.Description, s.Currency, s.Scope, s.ShopId is { } shop ? Id(shop) : null,
        s.ProductIds.Select(Id).ToList(), s.CategoryIds.Select(Id).ToList(), s.Type, s.DiscountAmount, s.ThresholdAmount, s.PercentOff,
        s.MaxDiscountAmount, s.ValidFrom, s.ValidUntil, s.ValidityAfterClaimSeconds is { } v ? Iso8601Duration.Format(TimeSpan.FromSeconds(v)) : null,
        s.Stock, s.PerUserLimit, status, issued, s.CreatedAt, s.UpdatedAt, s.Exclusive, s.Priority, s.Funding,
        s.PlatformShareBps, s.TimeZone, s.PerUserDailyLimit, s.PerUserWeeklyLimit, s.PerUserMonthlyLimit,
        s.Tiers?.Select(t => new TierResponse(t.ThresholdAmount, t.DiscountAmount)).ToList(),
        s.AudienceId is { } audience ? Id(audience) : null,
        s.Gift is { } gift ? new GiftResponse(gift.Sku, gift.Quantity, gift.MinQuantity, gift.Stock) : null,
        s.BuyQuantity, s.GetQuantity);

    // Ids travel as strings: 64-bit ids do not fit a JavaScript number.
    private static string Id(long id) => id.ToString(CultureInfo.InvariantCulture);
}
