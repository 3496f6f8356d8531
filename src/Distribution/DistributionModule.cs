using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using PromotionEngine.Distribution.Adapters.Sql;
using PromotionEngine.Distribution.Execution;
using PromotionEngine.Distribution.Failures;
using PromotionEngine.Distribution.Recipients;
using PromotionEngine.Distribution.Tasks;
using PromotionEngine.Kernel.Persistence;

namespace PromotionEngine.Distribution;

/// <summary>
/// Distribution: merchants push a template's coupons to the users in a file (CSV or .xlsx, millions of rows),
/// executed in chunks with durable checkpoints and leased shards, exactly once per row. The module's only public type.
/// </summary>
public static class DistributionModule
{
    public const string Name = "distribution";

    /// <summary>The authorization policy the module's endpoints require (defined by the Host).</summary>
    public const string MerchantPolicy = TaskEndpoints.MerchantPolicy;

    /// <summary>
    /// Registers the module's services; the Host provides IDatabase, IdGenerator, TimeProvider, IOutbox and the engine's and
    /// merchant-admin's ports, and its data folder, under which uploads are spooled unless Distribution:SpoolDirectory says otherwise.
    /// </summary>
    public static IServiceCollection AddDistribution(this IServiceCollection services, string dataDirectory)
    {
        Dapper.DefaultTypeMap.MatchNamesWithUnderscores = true;
        services.AddOptions<DistributionOptions>().BindConfiguration(DistributionOptions.Section)
            .PostConfigure(o => o.SpoolDirectory = Path.GetFullPath(
                o.SpoolDirectory is { Length: > 0 } folder ? folder : Path.Combine(dataDirectory, RecipientSpool.DefaultFolder)))
            .ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<RecipientSpool>();
        services.AddSingleton<DistributionMetrics>();
        services.AddSingleton(new ModuleSchema(Name, typeof(DistributionModule).Assembly));
        services.AddSingleton<IDistributionTasks, SqlDistributionTasks>();
        services.AddSingleton<IShards, SqlShards>();
        services.AddSingleton<IRecipientStore, SqlRecipientStore>();
        services.AddSingleton<DistributionSignal>();
        services.AddSingleton<DistributionInstance>();
        services.AddSingleton<CreateDistributionTask>();
        services.AddSingleton<TaskFormReader>();
        services.AddSingleton<Audiences.ImportAudienceFile>();
        services.AddSingleton<ChangeTaskStatus>();
        services.AddSingleton<TaskLifecycle>();
        services.AddSingleton<ImportRecipients>();
        services.AddSingleton<RunShard>();
        services.AddSingleton<FailureExport>();
        return services;
    }

    /// <summary>
    /// The module's background work (scheduled starts, file imports, shard workers), and the sweep of the spool at start,
    /// for processes that serve the distribution role.
    /// </summary>
    public static IServiceCollection AddDistributionWorkers(this IServiceCollection services)
    {
        services.AddHostedService<SweepRecipientSpool>();
        services.AddHostedService<DistributionWorkers>();
        return services;
    }

    public static IEndpointRouteBuilder MapDistribution(this IEndpointRouteBuilder app)
    {
        app.MapTaskEndpoints();
        Audiences.AudienceFileEndpoints.MapAudienceFileEndpoints(app);
        return app;
    }
}
