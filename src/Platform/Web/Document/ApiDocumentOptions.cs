using PromotionEngine.Kernel.Identity;

namespace PromotionEngine.Platform.Web.Document;

/// <summary>What the Host tells the OpenAPI document: where the API is published, who each policy lets in, and what each tag is.</summary>
/// <param name="PublicBaseUrl">Promotion:PublicBaseUrl without a trailing slash; null: the document says "/" (the server it is read from).</param>
/// <param name="Policies">Each authorization policy with the one role it lets in.</param>
/// <param name="Tags">Each tag the modules give their endpoints, with its description.</param>
internal sealed record ApiDocumentOptions(
    string? PublicBaseUrl,
    IReadOnlyList<(string Policy, CallerRole Role)> Policies,
    IReadOnlyDictionary<string, string> Tags);
