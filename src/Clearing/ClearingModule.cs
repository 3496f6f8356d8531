using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using PromotionEngine.Clearing.Days;
using PromotionEngine.Clearing.Http;
using PromotionEngine.Clearing.Ingestion;
using PromotionEngine.Clearing.Journal;
using PromotionEngine.Clearing.Reconciliation;
using PromotionEngine.Clearing.Reports;
using PromotionEngine.Clearing.Statements;
using PromotionEngine.Clearing.Store;
using PromotionEngine.Clearing.Store.ClickHouse;
using PromotionEngine.Clearing.Store.DuckDb;
using PromotionEngine.Kernel.Persistence;

namespace PromotionEngine.Clearing;

/// <summary>
/// Clearing: the clearing journal (facts derived from coupon, template and settlement events, in clearing's own tables), the
/// double-entry coupon ledger, the clearing calendar, and the analytic store the journal is ingested into (DuckDB embedded,
/// ClickHouse at scale) that reports, statements and reconciliation read. The module's only public type.
/// </summary>
public static class ClearingModule
{
    public const string Name = "clearing";
    public const string OperatorPolicy = ClearingOperatorEndpoints.OperatorPolicy;

    /// <summary>The authorization policy the campaign analytics require (defined by the Host).</summary>
    public const string MerchantPolicy = ReportEndpoints.MerchantPolicy;

    /// <summary>Registers the module's services; the Host provides IDatabase, TimeProvider and the data folder.</summary>
    public static IServiceCollection AddClearing(this IServiceCollection services, string dataDirectory)
    {
        Dapper.DefaultTypeMap.MatchNamesWithUnderscores = true;
        services.AddOptions<ClearingOptions>().BindConfiguration(ClearingOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton(new ModuleSchema(Name, typeof(ClearingModule).Assembly));
        services.AddSingleton<ClearingMetrics>();
        services.AddSingleton<ClearingDays>();
        services.AddSingleton<IClearingCalendar>(sp => sp.GetRequiredService<ClearingDays>());
        services.AddSingleton<ClearingTemplates>();
        services.AddSingleton<ClearingJournal>();
        services.AddSingleton<CouponJournal>();
        services.AddSingleton<JournalEvents>();
        foreach (var subscription in JournalEvents.Subscriptions) services.AddSingleton(subscription);
        services.AddClickHouseAnalyticStore();
        // Clearing:Store picks the adapter. DuckDB's is opened on first use, once per process: DuckDB lets one process write its file.
        services.AddSingleton<IAnalyticStore>(sp => sp.GetRequiredService<IOptions<ClearingOptions>>().Value is var options
            && options.Store == AnalyticStoreKind.ClickHouse
                ? sp.GetRequiredService<ClickHouseAnalyticStore>()
                : new DuckDbAnalyticStore(DuckDbPath(options, dataDirectory)));
        services.AddSingleton<IngesterLease>();
        services.AddSingleton<IngestJournal>();
        services.AddSingleton<RecordClosedBalances>();
        services.AddClearingReports();
        services.AddStatements();
        services.AddClearingReconciliation(dataDirectory);
        return services;
    }

    /// <summary>The ingestion into the analytic store, for processes that serve the clearing role (one ingests at a time).</summary>
    public static IServiceCollection AddClearingWorkers(this IServiceCollection services)
    {
        services.AddHostedService<IngestionWorker>();
        return services;
    }

    public static IEndpointRouteBuilder MapClearing(this IEndpointRouteBuilder app)
    {
        app.MapClearingOperatorEndpoints();
        app.MapCouponMovementEndpoints();
        app.MapClearingReports();
        app.MapStatementEndpoints();
        app.MapClearingReconciliation();
        return app;
    }

    private static string DuckDbPath(ClearingOptions options, string dataDirectory) =>
        string.IsNullOrWhiteSpace(options.DuckDbPath)
            ? Path.Combine(dataDirectory, "clearing.duckdb")
            : Path.GetFullPath(options.DuckDbPath, dataDirectory);
}
