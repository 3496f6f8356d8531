using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using PromotionEngine.Contracts.Engine;
using PromotionEngine.Contracts.Http;
using PromotionEngine.Contracts.Http.MerchantAdmin;
using PromotionEngine.Kernel;
using PromotionEngine.Kernel.Requests;
using PromotionEngine.Kernel.Validation;
using PromotionEngine.MerchantAdmin.Templates;

namespace PromotionEngine.MerchantAdmin.Campaigns;

/// <summary>A merchant's campaigns, and which campaign and own money budget each of its templates has.</summary>
internal static class CampaignEndpoints
{
    public static void MapCampaignEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/merchant/campaigns").WithTags("Merchant campaigns").RequireAuthorization(TemplateEndpoints.MerchantPolicy);
        group.MapPost("", CreateAsync).WithName("CreateCampaign").WithMetadata(AcceptsIdempotencyKey.Instance)
            .WithSummary("Create a campaign")
            .WithDescription("Groups the merchant's templates of one currency: a window, a per-user limit across all its templates, a "
                + "money budget (the total discount its coupons may take, minor units) with the percentages spent at which "
                + "budget-threshold-reached fires, and whether claims stop once the budget cannot cover a coupon's largest discount.")
            .Answers<CampaignResponse>(StatusCodes.Status201Created, "Created: the campaign, nothing spent.").WithLocation(201)
            .Refuses(ErrorCodes.ValidationFailed).Example(CampaignExamples.Created201);
        group.MapGet("", ListAsync).WithName("ListCampaigns")
            .WithSummary("List the merchant's campaigns")
            .WithDescription("The calling merchant's campaigns, newest first, each with its budget spent, reserved and remaining.")
            .Answers<Page<CampaignResponse>>(StatusCodes.Status200OK, "A page of campaigns; nextCursor is null on the last page.")
            .Refuses(ErrorCodes.ValidationFailed).Example(CampaignExamples.Listed);
        group.MapGet(RouteIds.Id, GetAsync).WithName("GetCampaign")
            .WithSummary("Get a campaign")
            .WithDescription("One of the merchant's campaigns with its templates and its budget: spent (consumed coupons), reserved "
                + "(locked coupons) and remaining. Another merchant's campaign is not found.")
            .Answers<CampaignResponse>(StatusCodes.Status200OK, "The campaign.")
            .Refuses(ErrorCodes.CampaignNotFound).Example(CampaignExamples.Found);
        group.MapPatch(RouteIds.Id, ChangeAsync).WithName("ChangeCampaign").WithMetadata(AcceptsIdempotencyKey.Instance)
            .WithSummary("Change a campaign")
            .WithDescription("Renames it, moves its end later, raises its per-user limit, sets a new budget (lower or higher), "
                + "its thresholds or whether claims stop on a low budget; the members not given stay.")
            .Answers<CampaignResponse>(StatusCodes.Status200OK, "The campaign as changed.")
            .Refuses(ErrorCodes.ValidationFailed, ErrorCodes.CampaignNotFound).Example(CampaignExamples.Changed);
        group.MapGet(RouteIds.Id + "/history", HistoryAsync).WithName("CampaignHistory")
            .WithSummary("A campaign's audit trail")
            .WithDescription("Every change of the campaign, oldest first, and every template that joined or left it: who, when, the "
                + "operation, the members before and after.")
            .Answers<Page<CampaignHistoryEntry>>(StatusCodes.Status200OK, "A page of audit entries; nextCursor is null on the last page.")
            .Refuses(ErrorCodes.ValidationFailed, ErrorCodes.CampaignNotFound).Example(CampaignExamples.History);

        var templates = app.MapGroup("/api/v1/merchant/templates").WithTags("Merchant campaigns")
            .RequireAuthorization(TemplateEndpoints.MerchantPolicy);
        templates.MapPut(RouteIds.Id + "/budget", SetTemplateBudgetAsync).WithName("SetTemplateBudget").WithMetadata(AcceptsIdempotencyKey.Instance)
            .WithSummary("Set a template's campaign and budget")
            .WithDescription("The template joins a campaign of the same merchant and currency (campaignId) or none (null), and has its own "
                + "money budget (budget) or none. A template that draws on a budget needs a largest discount (a fixed amount, or a "
                + "percentage with maxDiscountAmount). What was spent and reserved stays counted.")
            .Answers<TemplateBudgetResponse>(StatusCodes.Status200OK, "The template's budgets as set.")
            .Refuses(ErrorCodes.ValidationFailed, ErrorCodes.TemplateNotFound, ErrorCodes.CampaignNotFound).Example(CampaignExamples.BudgetSet);
        templates.MapGet(RouteIds.Id + "/budget", GetTemplateBudgetAsync).WithName("GetTemplateBudget")
            .WithSummary("A template's campaign and budgets")
            .WithDescription("The template's own budget and its campaign's, each with spent, reserved and remaining.")
            .Answers<TemplateBudgetResponse>(StatusCodes.Status200OK, "The template's budgets.")
            .Refuses(ErrorCodes.TemplateNotFound).Example(CampaignExamples.BudgetFound);
    }

    private static async Task<IResult> CreateAsync(CreateCampaignRequest request, HttpContext http, CampaignVerbs verbs, ICouponBudgets budgets,
        ICampaigns campaigns, TimeProvider clock, CancellationToken ct)
    {
        var (caller, merchant) = PolicyCallers.MerchantCallerOf(http);
        return await RespondAsync(await verbs.CreateAsync(caller, merchant, request, ct), budgets, campaigns, clock, ct);
    }

    private static async Task<IResult> ListAsync(HttpContext http, ICampaigns campaigns, ICouponBudgets budgets, TimeProvider clock,
        [Description(Paging.CursorRule)] string? cursor, [Range(1, Paging.MaxSize), Description(Paging.LimitRule)] int? limit, CancellationToken ct)
    {
        var (_, merchant) = PolicyCallers.MerchantCallerOf(http);
        var errors = new FieldErrors().WhenBadPage(limit, cursor, out var after);
        if (!errors.IsEmpty) return ProblemResults.Invalid(errors);
        var size = limit ?? Paging.DefaultSize;
        var (items, next) = Paging.Take(await campaigns.ListAsync(merchant, after, size + 1, ct), size, c => c.Id);
        var usage = await budgets.UsageAsync(items.Select(c => BudgetKeys.Campaign(c.Id)).ToList(), ct);
        var responses = new List<CampaignResponse>();
        foreach (var c in items) responses.Add(c.ToResponse(usage, await campaigns.TemplatesOfAsync(c.Id, ct), clock.GetUtcNow()));
        return TypedResults.Ok(new Page<CampaignResponse>(responses, next));
    }

    private static async Task<IResult> GetAsync(long id, HttpContext http, ICampaigns campaigns, ICouponBudgets budgets, TimeProvider clock,
        CancellationToken ct)
    {
        var (_, merchant) = PolicyCallers.MerchantCallerOf(http);
        var campaign = await campaigns.FindAsync(id, ct);
        if (campaign is null || campaign.Merchant != merchant) return NotFound(id);
        return await RespondAsync(new CampaignOutcome.Done(campaign), budgets, campaigns, clock, ct);
    }

    private static async Task<IResult> ChangeAsync(long id, ChangeCampaignRequest request, HttpContext http, CampaignVerbs verbs,
        ICouponBudgets budgets, ICampaigns campaigns, TimeProvider clock, CancellationToken ct)
    {
        var (caller, merchant) = PolicyCallers.MerchantCallerOf(http);
        return await RespondAsync(await verbs.ChangeAsync(caller, merchant, id, request, ct), budgets, campaigns, clock, ct);
    }

    private static async Task<IResult> HistoryAsync(long id, HttpContext http, ICampaigns campaigns,
        [Description(Paging.CursorRule)] string? cursor, [Range(1, Paging.MaxSize), Description(Paging.LimitRule)] int? limit, CancellationToken ct)
    {
        var (_, merchant) = PolicyCallers.MerchantCallerOf(http);
        var errors = new FieldErrors().WhenBadPage(limit, cursor, out var after);
        if (!errors.IsEmpty) return ProblemResults.Invalid(errors);
        var campaign = await campaigns.FindAsync(id, ct);
        if (campaign is null || campaign.Merchant != merchant) return NotFound(id);
        var size = limit ?? Paging.DefaultSize;
        return TypedResults.Ok(Paging.PageOf(await campaigns.HistoryAsync(id, after, size + 1, ct), size, e => e.Id,
            e => new CampaignHistoryEntry(Id(e.Id), e.Operation, e.Actor, e.OccurredAt, Parse(e.BeforeJson), Parse(e.AfterJson))));
    }

    private static async Task<IResult> SetTemplateBudgetAsync(long id, SetTemplateBudgetRequest request, HttpContext http, CampaignVerbs verbs,
        ICampaigns campaigns, ICouponBudgets budgets, CancellationToken ct)
    {
        var (caller, merchant) = PolicyCallers.MerchantCallerOf(http);
        return await verbs.SetTemplateBudgetAsync(caller, merchant, new TemplateId(id), request, ct) switch
        {
            CampaignOutcome.TemplateDone done =>
                TypedResults.Ok(await TemplateBudgetAsync(done.Budget.Template, done.Budget, campaigns, budgets, ct)),
            CampaignOutcome.Invalid invalid => ProblemResults.Invalid(invalid.Errors),
            CampaignOutcome.Refused refused => ProblemResults.From(refused.Refusal),
            _ => throw new System.Diagnostics.UnreachableException(),
        };
    }

    private static async Task<IResult> GetTemplateBudgetAsync(long id, HttpContext http, ICouponTemplates templates, ICampaigns campaigns,
        ICouponBudgets budgets, CancellationToken ct)
    {
        var (_, merchant) = PolicyCallers.MerchantCallerOf(http);
        var template = await templates.FindAsync(new TemplateId(id), ct);
        if (template is null || template.Merchant != merchant)
            return ProblemResults.From(new Refusal(ErrorCodes.TemplateNotFound, $"No template {id} belongs to this merchant."));
        var own = await campaigns.FindTemplateBudgetAsync(template.Id, ct);
        return TypedResults.Ok(await TemplateBudgetAsync(template.Id, own, campaigns, budgets, ct));
    }

    private static async Task<TemplateBudgetResponse> TemplateBudgetAsync(TemplateId template, TemplateBudget? own, ICampaigns campaigns,
        ICouponBudgets budgets, CancellationToken ct)
    {
        var campaign = own?.CampaignId is { } c ? await campaigns.FindAsync(c, ct) : null;
        var keys = campaign is null ? [BudgetKeys.Template(template)] : new[] { BudgetKeys.Template(template), BudgetKeys.Campaign(campaign.Id) };
        var usage = await budgets.UsageAsync(keys, ct);
        return new TemplateBudgetResponse(Id(template.Value), own?.CampaignId is { } cid ? Id(cid) : null,
            own?.Budget is { } b ? Budget(b, usage[BudgetKeys.Template(template)], own.StopClaimsWhenLow, own.Thresholds) : null,
            campaign?.Budget is { } cb ? Budget(cb, usage[BudgetKeys.Campaign(campaign.Id)], campaign.StopClaimsWhenLow, campaign.Thresholds) : null);
    }

    private static async Task<IResult> RespondAsync(CampaignOutcome outcome, ICouponBudgets budgets, ICampaigns campaigns, TimeProvider clock,
        CancellationToken ct)
    {
        switch (outcome)
        {
            case CampaignOutcome.Done done:
                var usage = await budgets.UsageAsync([BudgetKeys.Campaign(done.Campaign.Id)], ct);
                var response = done.Campaign.ToResponse(usage, await campaigns.TemplatesOfAsync(done.Campaign.Id, ct), clock.GetUtcNow());
                return done.Created ? TypedResults.Created($"/api/v1/merchant/campaigns/{response.Id}", response) : TypedResults.Ok(response);
            case CampaignOutcome.Invalid invalid:
                return ProblemResults.Invalid(invalid.Errors);
            case CampaignOutcome.Refused refused:
                return ProblemResults.From(refused.Refusal);
            default:
                throw new System.Diagnostics.UnreachableException();
        }
    }

    private static CampaignResponse ToResponse(this Campaign c, IReadOnlyDictionary<string, BudgetUsage> usage, IReadOnlyList<TemplateId> templates,
        DateTimeOffset now) =>
        new(Id(c.Id), Id(c.Merchant.Value), c.Name, c.Currency, c.ValidFrom, c.ValidUntil, c.StatusAt(now), c.PerUserLimit,
            c.Budget is { } b
                ? Budget(b, usage.GetValueOrDefault(BudgetKeys.Campaign(c.Id)) ?? BudgetUsage.None, c.StopClaimsWhenLow, c.Thresholds)
                : null,
            templates.Select(t => Id(t.Value)).ToList(), c.CreatedAt, c.UpdatedAt);

    private static BudgetResponse Budget(long limit, BudgetUsage usage, bool stop, IReadOnlyList<int> thresholds) =>
        new(limit, usage.Spent, usage.Reserved, usage.RemainingOf(limit), stop, thresholds);

    private static IResult NotFound(long id) =>
        ProblemResults.From(new Refusal(ErrorCodes.CampaignNotFound, $"No campaign {id} belongs to this merchant."));

    private static JsonElement? Parse(string? json) => json is null ? null : JsonDocument.Parse(json).RootElement.Clone();

    private static string Id(long id) => id.ToString(CultureInfo.InvariantCulture);
}
