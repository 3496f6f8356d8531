namespace PromotionEngine.System.Tests.Infrastructure;

/// <summary>
/// The Redis claim path on the real Redis Cluster scripts/services.sh starts (three masters, one replica each, docs/redis-cluster.md),
/// with slices small enough that the contract suites' templates are split: stock of 40 or more goes over two slices, of 60 or
/// more over three, so a user's own slice runs dry and borrows from the others within a test.
/// </summary>
public sealed class RedisClusterApp : RedisApp
{
    public RedisClusterApp() : base(ClusterConfiguration)
    {
        WithSetting("Engine:Redis:Slices:StockPerSlice", "20");
        WithSetting("Engine:Redis:Slices:Max", "3");
    }

    /// <summary>Every master the service starts: the client discovers the replicas and follows a failover by itself.</summary>
    public static string ClusterConfiguration =>
        Environment.GetEnvironmentVariable("PROMO_TEST_REDIS_CLUSTER") ?? "127.0.0.1:7101,127.0.0.1:7102,127.0.0.1:7103";

    /// <summary>Where scripts/services.sh keeps the nodes' PID files (redis-cluster-&lt;port&gt;.pid).</summary>
    public static string ServicesDirectory =>
        Environment.GetEnvironmentVariable("PROMO_SERVICES_DIR") ?? "/tmp/promotion-engine-services";
}

/// <summary>
/// The tests on the shared Redis Cluster run one after another: the failover drill kills one of its masters, and the contract suites
/// must not see that.
/// </summary>
[CollectionDefinition(Name)]
public sealed class RedisClusterCollection
{
    public const string Name = "redis-cluster";
}
