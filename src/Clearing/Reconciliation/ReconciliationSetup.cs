using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace PromotionEngine.Clearing.Reconciliation;

/// <summary>
/// The three-way reconciliation's services and endpoints, called by ClearingModule. Needs from the Host: IDatabase, IdGenerator,
/// TimeProvider, the engine's IConsumedCoupons, settlement's ISettledOrders, and the module's IAnalyticStore.
/// </summary>
internal static class ReconciliationSetup
{
    public static IServiceCollection AddClearingReconciliation(this IServiceCollection services, string dataDirectory)
    {
        Dapper.DefaultTypeMap.MatchNamesWithUnderscores = true;
        services.AddOptions<ReconciliationOptions>().BindConfiguration(ReconciliationOptions.Section)
            .PostConfigure(o => o.WorkDirectory = Path.GetFullPath(
                o.WorkDirectory is { Length: > 0 } folder ? folder : Path.Combine(dataDirectory, ReconciliationOptions.DefaultFolder)))
            .ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<IReconciliations, SqlReconciliations>();
        services.AddSingleton<RunReconciliation>();
        services.AddSingleton<ReconciliationFormReader>();
        services.AddSingleton<DiscrepancyExport>();
        return services;
    }

    public static IEndpointRouteBuilder MapClearingReconciliation(this IEndpointRouteBuilder app)
    {
        app.MapReconciliationEndpoints();
        return app;
    }
}
