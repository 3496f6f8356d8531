using PromotionEngine.Kernel;
using PromotionEngine.Kernel.Persistence;

namespace PromotionEngine.Platform.Persistence;

internal static class PersistenceSetup
{
    /// <summary>
    /// The database of Promotion:Database, its migrations (the platform's own first, as module "host", then every module's
    /// in the order they register), this instance's identity in leases, its worker-number lease and the id generator.
    /// </summary>
    public static IServiceCollection AddPersistence(this IServiceCollection services, PromotionOptions options)
    {
        services.AddSingleton<InstanceIdentity>();
        services.AddSingleton<WorkerLease>();
        services.AddHostedService<WorkerLeaseRenewal>();
        services.AddSingleton(sp => new IdGenerator(sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<WorkerLease>().Worker));
        // "host": the name databases migrated before this code moved out of the Host know these migrations by (changelog_host).
        services.AddSingleton(new ModuleSchema("host", typeof(PersistenceSetup).Assembly));
        services.AddSingleton<IDatabase>(_ => Databases.Create(options));
        services.AddSingleton<Migrator>();
        return services;
    }
}
