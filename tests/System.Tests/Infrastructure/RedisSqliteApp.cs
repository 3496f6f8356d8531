namespace PromotionEngine.System.Tests.Infrastructure;

/// <summary>
/// The Redis claim path over the embedded database: decisions in a real Redis, group-committed to SQLite (whose provider has no
/// DbBatch: the group commit's statements run one by one there). Keys under a prefix of its own.
/// </summary>
public sealed class RedisSqliteApp : SqliteApp
{
    public string KeyPrefix { get; } = "promo-test-" + Guid.NewGuid().ToString("N")[..8];

    public override string Store => "Redis+SQLite";

    protected override Dictionary<string, string?> StoreSettings()
    {
        var settings = base.StoreSettings();
        settings["Engine:ClaimGate"] = "Redis";
        settings["Engine:Redis:Configuration"] = RedisApp.RedisConfiguration;
        settings["Engine:Redis:KeyPrefix"] = KeyPrefix;
        return settings;
    }

    public override async Task InitializeAsync()
    {
        await RedisApp.RequireRedisAsync(RedisApp.RedisConfiguration);
        await base.InitializeAsync();
    }
}
