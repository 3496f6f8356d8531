using PromotionEngine.Kernel;
using PromotionEngine.Kernel.Persistence;

namespace PromotionEngine.Platform.Persistence;

internal static class PersistenceSetup
{
    /// <summary>
    /// The platform's migrations (worker leases, messaging, keyed requests) as module "host": the name databases migrated
    /// before this code moved out of the Host know them by (changelog_host), with the same scripts by name and checksum.
    /// </summary>
    public static readonly ModuleSchema Schema = new("host", typeof(PersistenceSetup).Assembly);

    /// <summary>
    /// The database of Promotion:Database, its migrations (the platform's own first, as module "host", then every module's
    /// in the order they register), this instance's identity in leases, its worker-number lease and the id generator.
    /// </summary>
    public static IServiceCollection AddPersistence(this IServiceCollection services, PromotionOptions options)
    {
        // The platform's queries read snake_case columns into PascalCase properties (msg_outbox.event_count → EventCount), as the
        // modules' do: set here too, so the platform does not lean on a module having set it.
        Dapper.DefaultTypeMap.MatchNamesWithUnderscores = true;
        services.AddSingleton<InstanceIdentity>();
        services.AddSingleton<ILeases, SqlLeases>();
        services.AddSingleton<WorkerLease>();
        services.AddHostedService<WorkerLeaseRenewal>();
        services.AddSingleton(sp => new IdGenerator(sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<WorkerLease>().Worker));
        services.AddSingleton(Schema);
        services.AddSingleton<IDatabase>(_ => Databases.Create(options));
        services.AddSingleton<Migrator>();
        return services;
    }
}
