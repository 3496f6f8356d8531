using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace PromotionEngine.Clearing.Store.ClickHouse;

/// <summary>
/// Registers the ClickHouse adapter; ClearingModule makes it the analytic store when <c>Clearing:Store</c> is ClickHouse. Nothing
/// talks to the server before the store is first used.
/// </summary>
internal static class ClickHouseStoreSetup
{
    public static IServiceCollection AddClickHouseAnalyticStore(this IServiceCollection services)
    {
        services.AddOptions<ClickHouseOptions>().BindConfiguration(ClickHouseOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddHttpClient(nameof(ClickHouseClient), (sp, http) => http.Timeout = Options(sp).Timeout)
            .ConfigurePrimaryHttpMessageHandler(sp => new SocketsHttpHandler { PooledConnectionIdleTimeout = Options(sp).IdleConnectionTimeout });
        services.AddSingleton(sp =>
            new ClickHouseClient(sp.GetRequiredService<IHttpClientFactory>().CreateClient(nameof(ClickHouseClient)), Options(sp)));
        services.AddSingleton(sp =>
            new ClickHouseAnalyticStore(sp.GetRequiredService<ClickHouseClient>(), new ClickHouseSchema(Options(sp).Database)));
        return services;
    }

    private static ClickHouseOptions Options(IServiceProvider sp) => sp.GetRequiredService<IOptions<ClickHouseOptions>>().Value;
}
