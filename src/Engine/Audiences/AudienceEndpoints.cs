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
                + "(and is offered) only by its members. Members are pushed by another system (POST /api/v1/audiences/{id}/members).")
            .Answers<AudienceResponse>(StatusCodes.Status201Created, "Created: the audience, with no member yet.").WithLocation(201)
            .Refuses(ErrorCodes.ValidationFailed)
            .Example(AudienceExamples.CreatedAudience);
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
            .Refuses(ErrorCodes.ValidationFailed, ErrorCodes.AudienceNotFound)
            .Example(AudienceExamples.Pushed);
    }

    private static async Task<IResult> CreateAsync(CreateAudienceRequest request, HttpContext http, CreateAudience command, CancellationToken ct)
    {
        var merchant = PolicyCallers.MerchantOf(http);
        var errors = new FieldErrors();
        var audience = await command.HandleAsync(merchant, request.Name, errors, ct);
        if (audience is null) return ProblemResults.Invalid(errors);
        return TypedResults.Created($"/api/v1/merchant/audiences/{audience.Id}", audience.ToResponse());
    }

    private static async Task<IResult> ListAsync(HttpContext http, IAudiences audiences,
        [Description(Paging.CursorRule)] string? cursor, [Range(1, Paging.MaxSize), Description(Paging.LimitRule)] int? limit, CancellationToken ct)
    {
        var merchant = PolicyCallers.MerchantOf(http);
        var errors = new FieldErrors().WhenBadPage(limit, cursor, out var after);
        if (!errors.IsEmpty) return ProblemResults.Invalid(errors);
        var size = limit ?? Paging.DefaultSize;
        return TypedResults.Ok(Paging.PageOf(await audiences.ListAsync(merchant, after, size + 1, ct), size, a => a.Id.Value, a => a.ToResponse()));
    }

    private static async Task<IResult> GetAsync(long id, HttpContext http, IAudiences audiences, CancellationToken ct)
    {
        var merchant = PolicyCallers.MerchantOf(http);
        var audience = await audiences.FindAsync(new AudienceId(id), ct);
        if (audience is null || audience.Merchant != merchant) return NotFound(id);
        return TypedResults.Ok(audience.ToResponse());
    }

    private static async Task<IResult> ChangeMembersAsync(
        long id, ChangeAudienceMembersRequest request, IAudiences audiences, ChangeAudienceMembers command, CancellationToken ct)
    {
        var errors = ChangeAudienceMembers.Check(request.Add, request.Remove, new FieldErrors());
        if (!errors.IsEmpty) return ProblemResults.Invalid(errors);
        if (await audiences.FindAsync(new AudienceId(id), ct) is not { } audience) return NotFound(id);
        var change = await command.HandleAsync(audience, request.Add ?? [], request.Remove ?? [], AudienceSources.Push, ct);
        if (change is null) return NotFound(id);
        return TypedResults.Ok(new AudienceMembersResponse(audience.Id.ToString(), change.Added, change.Removed, change.Members));
    }

    private static IResult NotFound(long id) =>
        ProblemResults.From(new Refusal(ErrorCodes.AudienceNotFound, $"No audience {id.ToString(CultureInfo.InvariantCulture)}."));

    public static AudienceResponse ToResponse(this Audience a) =>
        new(a.Id.ToString(), a.Merchant.ToString(), a.Name, a.Members, a.CreatedAt, a.UpdatedAt);
}
