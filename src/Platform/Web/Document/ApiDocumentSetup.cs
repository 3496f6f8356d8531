using PromotionEngine.Kernel.Identity;

namespace PromotionEngine.Platform.Web.Document;

/// <summary>The OpenAPI document at /openapi/v1.json, made from the endpoints' own metadata (docs/architecture.md, "The OpenAPI document").</summary>
internal static class ApiDocumentSetup
{
    /// <param name="publicBaseUrl">Promotion:PublicBaseUrl: the absolute http(s) URL the API is published at, or null.</param>
    /// <param name="policies">Each authorization policy with the one role it lets in.</param>
    /// <param name="tags">Each tag the modules give their endpoints, with its description.</param>
    public static IServiceCollection AddPromotionOpenApi(this IServiceCollection services, string? publicBaseUrl,
        IReadOnlyList<(string Policy, CallerRole Role)> policies, IReadOnlyDictionary<string, string> tags)
    {
        services.AddSingleton(new ApiDocumentOptions(PublicBaseUrl(publicBaseUrl), policies, tags));
        services.AddOpenApi(o =>
        {
            o.AddSchemaTransformer<SchemaDescription>();
            o.AddOperationTransformer<OperationDescription>();
            o.AddDocumentTransformer<DocumentDescription>();
        });
        return services;
    }

    /// <summary>The setting checked: an absolute http or https URL without query or fragment, its trailing slash dropped.</summary>
    public static string? PublicBaseUrl(string? setting)
    {
        if (string.IsNullOrWhiteSpace(setting)) return null;
        if (!Uri.TryCreate(setting, UriKind.Absolute, out var url) || url.Scheme is not ("http" or "https") || url.Query.Length > 0
            || url.Fragment.Length > 0)
        {
            throw new SettingsException(
                $"Promotion:PublicBaseUrl '{setting}' is not an absolute http(s) URL without query or fragment (e.g. https://promo.example.com).");
        }
        return setting.TrimEnd('/');
    }
}
