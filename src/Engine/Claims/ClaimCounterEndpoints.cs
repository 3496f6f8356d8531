using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using PromotionEngine.Engine.Adapters.Redis;
using PromotionEngine.Engine.Http;
using PromotionEngine.Kernel;
using PromotionEngine.Kernel.Requests;

namespace PromotionEngine.Engine.Claims;

/// <summary>Operators rebuild the Redis claim counters from the database on demand (all templates, or one).</summary>
internal static class ClaimCounterEndpoints
{
    public sealed record RebuildResponse(int TemplatesDropped, string Note);

    public static void MapClaimCounterEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/v1/operator/claim-counters/rebuild", RebuildAsync).WithTags("Operations").WithName("RebuildClaimCounters")
            .RequireAuthorization(EnginePolicies.Operator).WithMetadata(AcceptsIdempotencyKey.Instance)
            .WithSummary("Rebuild the Redis claim counters")
            .WithDescription("Drops the Redis claim counters of every template, or of one (templateId), so that each is reloaded from the "
                + "database on its next claim. Only on the Redis claim path (Engine:ClaimGate=Redis).")
            .Answers<RebuildResponse>(StatusCodes.Status200OK, "The counters dropped.")
            .Refuses(ErrorCodes.ClaimCountersNotCached, ErrorCodes.ClaimsUnavailable)
            .Example(EngineExamples.Rebuilt);
    }

    private static async Task<IResult> RebuildAsync(
        [System.ComponentModel.Description("Only this template's counters; absent: every template's.")] long? templateId,
        IServiceProvider services)
    {
        if (services.GetService<RedisClaimCounters>() is not { } counters)
            return ProblemResults.From(new Refusal(ErrorCodes.ClaimCountersNotCached,
                "Claims are decided by the database (Engine:ClaimGate=Database); there is no cache to rebuild."));
        try
        {
            var dropped = templateId is { } id ? (await RebuildOneAsync(counters, id)) : await counters.RebuildAllAsync();
            return TypedResults.Ok(new RebuildResponse(dropped, "Each template's counters are reloaded from the database on its next claim."));
        }
        catch (Exception e) when (e is StackExchange.Redis.RedisConnectionException or StackExchange.Redis.RedisTimeoutException)
        {
            return EngineProblems.ClaimsUnavailable("The claim store (Redis) is unavailable.");
        }
    }

    private static async Task<int> RebuildOneAsync(RedisClaimCounters counters, long id)
    {
        await counters.RebuildAsync(new TemplateId(id));
        return 1;
    }
}
