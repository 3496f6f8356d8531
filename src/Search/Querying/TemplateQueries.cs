namespace PromotionEngine.Search.Querying;

/// <summary>
/// Where a page ends in the result order: the relevance score (text queries) and the template id. Ids are
/// time-ordered, so id order is recency: newest first, and newest first among equal scores.
/// </summary>
internal readonly record struct SearchPosition(float? Score, long TemplateId);

/// <summary>GET /api/v1/search/templates once validated. Null filters are not applied.</summary>
/// <param name="Text">Words to find in the name or description; null: every template, newest first.</param>
/// <param name="Product">Templates whose PRODUCTS scope names this product.</param>
/// <param name="Category">Templates whose CATEGORIES scope names this category.</param>
/// <param name="ClaimableAt">Only templates open for claims at this instant (window, not terminated, not ended; stock is checked after).</param>
internal sealed record TemplateQuery(
    string? Text,
    long? Merchant,
    string? Scope,
    string? Type,
    long? Product,
    long? Category,
    DateTimeOffset? ClaimableAt,
    SearchPosition? After,
    int Limit,
    long? Campaign = null,
    long? Audience = null,
    bool? RequiresAudience = null);

/// <summary>
/// GET /api/v1/search/exposure once validated: what a shopper can claim on a product page (product, its shop and
/// category) or a shop page (shop): PLATFORM templates, and those whose scope names the product, shop or category.
/// </summary>
internal sealed record ExposureQuery(long? Product, long? Shop, long? Category, DateTimeOffset Now, SearchPosition? After, int Limit);
