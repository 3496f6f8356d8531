using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Hosting;
using PromotionEngine.Contracts.Http;
using PromotionEngine.Contracts.Http.Search;
using PromotionEngine.Kernel;
using PromotionEngine.Kernel.Identity;
using PromotionEngine.Kernel.Requests;
using PromotionEngine.Kernel.Validation;
using PromotionEngine.Search.Index;
using PromotionEngine.Search.Indexing;
using PromotionEngine.Search.Querying;

namespace PromotionEngine.Search.Http;

internal static class SearchEndpoints
{
    public const string OperatorPolicy = "operator";
    public const int MaxTextLength = 100;
    private static readonly string[] Scopes = ["PLATFORM", "SHOP", "PRODUCTS", "CATEGORIES"];
    private static readonly string[] Types = ["FIXED_AMOUNT", "THRESHOLD", "PERCENTAGE", "TIERED_THRESHOLD", "FREE_SHIPPING", "GIFT", "BUY_X_GET_Y"];

    public static void MapSearchEndpoints(this IEndpointRouteBuilder app)
    {
        var search = app.MapGroup("/api/v1/search").WithTags("Search");
        // Any signed-in caller may search the catalog; the exposure answers shoppers who may not be signed in.
        search.MapGet("templates", FindAsync).WithName("SearchTemplates").RequireAuthorization()
            .WithSummary("Search templates")
            .WithDescription("Full-text search of the template catalog (Chinese and English: name and description), with filters; by "
                + "relevance, then newest first. claimableNow keeps templates whose claim window is open and that have stock. A few "
                + "seconds after an instance starts it answers 503 SEARCH_NOT_READY until its index is built.")
            .Answers<Page<TemplateSearchHit>>(StatusCodes.Status200OK, "A page of templates; nextCursor is null on the last page.")
            .Refuses(ErrorCodes.ValidationFailed, ErrorCodes.SearchNotReady)
            .Example(SearchExamples.Found);
        search.MapGet("exposure", ExposeAsync).WithName("TemplateExposure").AllowAnonymous()
            .WithSummary("What a shopper can claim on a page")
            .WithDescription("The templates open now and with stock left that apply to a product, shop or category page (give at least "
                + "one). Anyone may ask; with a USER token, remainingForYou says how many more that user may claim.")
            .Answers<Page<ExposedTemplate>>(StatusCodes.Status200OK, "A page of templates; nextCursor is null on the last page.")
            .Refuses(ErrorCodes.ValidationFailed, ErrorCodes.SearchNotReady)
            .Example(SearchExamples.Exposed);
        var ops = app.MapGroup("/api/v1/operator/search").WithTags("Operations").RequireAuthorization(OperatorPolicy);
        ops.MapGet("", (SearchIndex index) => TypedResults.Ok(index.Status())).WithName("SearchIndexStatus")
            .WithSummary("This instance's search index")
            .WithDescription("Each instance keeps its own index, fed by template events: its state, documents, the lag of the last event "
                + "applied, and its last rebuild.")
            .Answers<SearchIndexStatus>(StatusCodes.Status200OK, "The index's state.")
            .Example(SearchExamples.Status);
        ops.MapPost("rebuild", Rebuild).WithName("RebuildSearchIndex").WithMetadata(AcceptsIdempotencyKey.Instance)
            .WithSummary("Rebuild this instance's search index")
            .WithDescription("Starts rebuilding the index from the event log in the background (one rebuild at a time); searches are "
                + "answered from the previous index meanwhile.")
            .Answers<SearchIndexStatus>(StatusCodes.Status202Accepted, "Started (or running): the index's state.").WithLocation(202)
            .Example(SearchExamples.Rebuilding);
    }

    private static async Task<IResult> FindAsync(FindTemplates command, TimeProvider clock,
        [Description("Words of a name or description, Chinese or English (at most 100 characters); absent: no text.")] string? q,
        [Description("Only this merchant's templates.")] long? merchantId,
        [AllowedValues("PLATFORM", "SHOP", "PRODUCTS", "CATEGORIES")] string? scope,
        [AllowedValues("FIXED_AMOUNT", "THRESHOLD", "PERCENTAGE", "TIERED_THRESHOLD", "FREE_SHIPPING", "GIFT", "BUY_X_GET_Y")] string? type,
        [Description("Only templates that apply to this product.")] long? productId,
        [Description("Only templates that apply to this category.")] long? categoryId,
        [Description("true: only templates whose claim window is open now and that have stock left.")] bool? claimableNow,
        [Description(Paging.CursorRule)] string? cursor,
        [Range(1, Paging.MaxSize), Description(Paging.LimitRule)] int? limit,
        [Description("Only the templates of this campaign (as joined now).")] long? campaignId,
        [Description("Only templates for this audience.")] long? audienceId,
        [Description("true: only templates for an audience; false: only templates anyone may claim.")] bool? requiresAudience,
        CancellationToken ct)
    {
        var text = string.IsNullOrWhiteSpace(q) ? null : q.Trim();
        var errors = new FieldErrors()
            .When(text is { Length: > MaxTextLength }, "q", $"At most {MaxTextLength} characters.")
            .When(merchantId is < 1, "merchantId", "A merchant id (1 or more).")
            .When(scope is not null && !Scopes.Contains(scope), "scope", "One of PLATFORM, SHOP, PRODUCTS, CATEGORIES.")
            .When(type is not null && !Types.Contains(type), "type", $"One of {string.Join(", ", Types)}.")
            .When(productId is < 1, "productId", "A product id (1 or more).")
            .When(categoryId is < 1, "categoryId", "A category id (1 or more).")
            .When(campaignId is < 1, "campaignId", "A campaign id (1 or more).")
            .When(audienceId is < 1, "audienceId", "An audience id (1 or more).")
            .WhenBadLimit(limit)
            .When(!SearchCursor.TryDecode(cursor, scored: text is not null, out var after), "cursor", "Not a cursor this search returned.");
        if (!errors.IsEmpty) return ProblemResults.Invalid(errors);
        var query = new TemplateQuery(text, merchantId, scope, type, productId, categoryId, claimableNow == true ? clock.GetUtcNow() : null, after,
            limit ?? Paging.DefaultSize, campaignId, audienceId, requiresAudience);
        return await command.HandleAsync(query, ct) is { } page ? TypedResults.Ok(page) : NotReady();
    }

    private static async Task<IResult> ExposeAsync(HttpContext http, ExposeTemplates command, TimeProvider clock,
        [Description("The product page's product.")] long? productId,
        [Description("The shop page's (or the product's) shop.")] long? shopId,
        [Description("The category page's (or the product's) category.")] long? categoryId,
        [Description(Paging.CursorRule)] string? cursor,
        [Range(1, Paging.MaxSize), Description(Paging.LimitRule)] int? limit,
        CancellationToken ct)
    {
        var errors = new FieldErrors()
            .When(productId is null && shopId is null && categoryId is null, "productId", "Give the page's productId, shopId or categoryId.")
            .When(productId is < 1, "productId", "A product id (1 or more).")
            .When(shopId is < 1, "shopId", "A shop id (1 or more).")
            .When(categoryId is < 1, "categoryId", "A category id (1 or more).")
            .WhenBadLimit(limit)
            .When(!SearchCursor.TryDecode(cursor, scored: false, out var after), "cursor", "Not a cursor this search returned.");
        if (!errors.IsEmpty) return ProblemResults.Invalid(errors);
        var user = Caller.From(http.User) is { Role: CallerRole.User, User: { } u } ? u : (UserId?)null;
        var query = new ExposureQuery(productId, shopId, categoryId, clock.GetUtcNow(), after, limit ?? Paging.DefaultSize);
        return await command.HandleAsync(query, user, ct) is { } page ? TypedResults.Ok(page) : NotReady();
    }

    /// <summary>Starts a rebuild from the event log in the background (one at a time); 202 with the index's state either way.</summary>
    private static Accepted<Contracts.Http.Search.SearchIndexStatus> Rebuild(
        ReplayTemplateHistory replay, SearchIndex index, IHostApplicationLifetime lifetime)
    {
        _ = Task.Run(async () =>
        {
            try { await replay.RunAsync(lifetime.ApplicationStopping); }
            catch (Exception) { /* logged by the replay; the previous index keeps answering */ }
        });
        return TypedResults.Accepted("/api/v1/operator/search", index.Status() with { Rebuilding = true });
    }

    /// <summary>503 while this instance builds its first index (a few seconds after start): it would answer from part of the catalog.</summary>
    private static IResult NotReady()
    {
        return new RetryAfter(ProblemResults.Status(ErrorCodes.SearchNotReady, "This instance is still building its search index; try again shortly.",
            new Dictionary<string, object?> { ["retryAfterSeconds"] = 1 }));
    }

    /// <summary>The problem with a Retry-After header.</summary>
    private sealed class RetryAfter(ProblemHttpResult inner) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.Headers.RetryAfter = "1";
            return inner.ExecuteAsync(httpContext);
        }
    }
}
