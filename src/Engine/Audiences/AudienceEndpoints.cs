using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using PromotionEngine.Contracts.Events.Engine.V1;
using PromotionEngine.Contracts.Http;
using PromotionEngine.Contracts.Http.Engine;
using PromotionEngine.Engine.Http;
using PromotionEngine.Kernel;
using PromotionEngine.Kernel.Requests;
using PromotionEngine.Kernel.Validation;

namespace PromotionEngine.Engine.Audiences;

/// <summary>
/// Audiences (docs/audiences.md): a merchant names them and reads them; another system pushes members with a SERVICE token.
/// Every state-changing route takes the common Idempotency-Key.
/// </summary>
internal static class AudienceEndpoints
{
    public const string MerchantPolicy = "merchant";

    public static void MapAudienceEndpoints(this IEndpointRouteBuilder app)
    {
        var merchant = app.MapGroup("/api/v1/merchant/audiences").WithTags("Audiences").RequireAuthorization(MerchantPolicy);
        merchant.MapPost("", CreateAsync).WithName("CreateAudience").WithMetadata(AcceptsIdempotencyKey.Instance)
            .WithSummary("Create an audience")
            .WithDescription("Names a new, empty set of the merchant's users. A template created with its audienceId may then be claimed "
                + "(and is offered) only by its members. Members are pushed by another system (POST /api/v1/audiences/{id}/members). "
                + "With a rule, the members are the users a rule over the engine's facts picks (new user, has / has not claimed a "
                + "template, settled orders lately), evaluated before the answer and kept current as the facts change.")
            .Answers<AudienceResponse>(StatusCodes.Status201Created, "Created: the audience, with no member yet, or with its rule's.")
            .WithLocation(201)
            .Refuses(ErrorCodes.ValidationFailed)
            .Example(AudienceExamples.CreatedAudience).Example(AudienceExamples.CreatedRuleAudience);
        merchant.MapGet("", ListAsync).WithName("ListAudiences")
            .WithSummary("List the merchant's audiences")
            .WithDescription("The calling merchant's audiences, newest first; continue with nextCursor.")
            .Answers<Page<AudienceResponse>>(StatusCodes.Status200OK, "A page of audiences; nextCursor is null on the last page.")
            .Refuses(ErrorCodes.ValidationFailed)
            .Example(AudienceExamples.Listed);
        merchant.MapGet(RouteIds.Id, GetAsync).WithName("GetAudience")
            .WithSummary("Get an audience")
            .WithDescription("One of the merchant's audiences with its size now. Another merchant's is not found (never 403).")
            .Answers<AudienceResponse>(StatusCodes.Status200OK, "The audience.")
            .Refuses(ErrorCodes.AudienceNotFound)
            .Example(AudienceExamples.Found);

        app.MapPost($"/api/v1/audiences/{RouteIds.Id}/members", ChangeMembersAsync).WithTags("Audiences").WithName("ChangeAudienceMembers")
            .RequireAuthorization(EnginePolicies.Service).WithMetadata(AcceptsIdempotencyKey.Instance)
            .WithSummary("Add and remove an audience's members")
            .WithDescription("Another system (a CRM, a membership service) pushes users into an audience and out of it: up to 10 000 ids "
                + "in all per request, all applied or none. A user already in, or already out, changes nothing, so a repeat is harmless; "
                + "with an Idempotency-Key a repeat answers the first answer. Claims see the change as soon as it is answered.")
            .Answers<AudienceMembersResponse>(StatusCodes.Status200OK, "Applied: what changed and the size now.")
            .Refuses(ErrorCodes.ValidationFailed, ErrorCodes.AudienceNotFound, ErrorCodes.AudienceHasRule)
            .Example(AudienceExamples.Pushed);
    }

    private static async Task<IResult> CreateAsync(CreateAudienceRequest request, HttpContext http, CreateAudience command, CancellationToken ct)
    {
        var merchant = PolicyCallers.MerchantOf(http);
        var errors = new FieldErrors();
        if (await command.HandleAsync(merchant, request.Name, request.Rule, errors, ct) is not var (audience, rule))
            return ProblemResults.Invalid(errors);
        return TypedResults.Created($"/api/v1/merchant/audiences/{audience.Id}", audience.ToResponse(rule));
    }

    private static async Task<IResult> ListAsync(HttpContext http, IAudiences audiences, IAudienceRules rules,
        [Description(Paging.CursorRule)] string? cursor, [Range(1, Paging.MaxSize), Description(Paging.LimitRule)] int? limit, CancellationToken ct)
    {
        var merchant = PolicyCallers.MerchantOf(http);
        var errors = new FieldErrors().WhenBadPage(limit, cursor, out var after);
        if (!errors.IsEmpty) return ProblemResults.Invalid(errors);
        var size = limit ?? Paging.DefaultSize;
        var page = await audiences.ListAsync(merchant, after, size + 1, ct);
        var ruled = new Dictionary<AudienceId, AudienceRule>();
        foreach (var audience in page.Take(size))
            if (await rules.FindAsync(audience.Id, ct) is { } rule) ruled[audience.Id] = rule;
        return TypedResults.Ok(Paging.PageOf(page, size, a => a.Id.Value, a => a.ToResponse(ruled.GetValueOrDefault(a.Id))));
    }

    private static async Task<IResult> GetAsync(long id, HttpContext http, IAudiences audiences, IAudienceRules rules, CancellationToken ct)
    {
        var merchant = PolicyCallers.MerchantOf(http);
        var audience = await audiences.FindAsync(new AudienceId(id), ct);
        if (audience is null || audience.Merchant != merchant) return NotFound(id);
        return TypedResults.Ok(audience.ToResponse(await rules.FindAsync(audience.Id, ct)));
    }

    private static async Task<IResult> ChangeMembersAsync(
        long id, ChangeAudienceMembersRequest request, IAudiences audiences, IAudienceRules rules, ChangeAudienceMembers command,
        CancellationToken ct)
    {
        var errors = ChangeAudienceMembers.Check(request.Add, request.Remove, new FieldErrors());
        if (!errors.IsEmpty) return ProblemResults.Invalid(errors);
        if (await audiences.FindAsync(new AudienceId(id), ct) is not { } audience) return NotFound(id);
        if (await rules.FindAsync(audience.Id, ct) is not null)
            return ProblemResults.From(new Refusal(ErrorCodes.AudienceHasRule, "A rule picks this audience's members: they cannot be pushed."));
        var change = await command.HandleAsync(audience, request.Add ?? [], request.Remove ?? [], AudienceSources.Push, ct);
        if (change is null) return NotFound(id);
        return TypedResults.Ok(new AudienceMembersResponse(audience.Id.ToString(), change.Added, change.Removed, change.Members));
    }

    private static IResult NotFound(long id) =>
        ProblemResults.From(new Refusal(ErrorCodes.AudienceNotFound, $"No audience {id.ToString(CultureInfo.InvariantCulture)}."));

    public static AudienceResponse ToResponse(this Audience a, AudienceRule? rule = null) =>
        new(a.Id.ToString(), a.Merchant.ToString(), a.Name, a.Members, a.CreatedAt, a.UpdatedAt, rule?.ToResponse());

    public static AudienceRuleResponse ToResponse(this AudienceRule r) =>
        new(r.Kind, r.Template?.ToString(), r.Days, r.MinOrders, r.Excludes, r.EvaluatedAt);
}
