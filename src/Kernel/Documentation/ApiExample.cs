namespace PromotionEngine.Kernel.Documentation;

/// <summary>
/// Endpoint metadata: a realistic exchange for the OpenAPI document. <paramref name="Request"/> and <paramref name="Response"/> are
/// the request and response records (Contracts) as the API writes them; the Host serializes them with the API's JSON options.
/// </summary>
/// <param name="Name">The example's key (a few words in kebab case), unique within the operation.</param>
/// <param name="Status">The status <paramref name="Response"/> is answered with.</param>
/// <param name="Response">The answer's body; null for an answer without one (204).</param>
/// <param name="Request">The request's JSON body, or null when the request has none.</param>
/// <param name="Parameters">Path, query and header values of this exchange, by parameter name.</param>
public sealed record ApiExample(
    string Name,
    string Summary,
    int Status,
    object? Response,
    object? Request = null,
    IReadOnlyDictionary<string, string>? Parameters = null);
