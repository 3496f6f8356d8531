using PromotionEngine.Kernel.Requests;

namespace PromotionEngine.Platform.Web;

internal static class KeyedRequestsSetup
{
    public static IServiceCollection AddKeyedRequests(this IServiceCollection services)
    {
        services.AddSingleton<SqlKeyedRequests>();
        services.AddSingleton<IKeyedRequests>(sp => sp.GetRequiredService<SqlKeyedRequests>());
        services.Configure<Microsoft.AspNetCore.OpenApi.OpenApiOptions>("v1", o => o.AddOperationTransformer<KeyedRequestsDocumentation>());
        return services;
    }

    /// <summary>After authorization (a refused caller never reaches a key) and before the endpoint.</summary>
    public static IApplicationBuilder UseKeyedRequests(this IApplicationBuilder app) => app.UseMiddleware<KeyedRequestsMiddleware>();
}
