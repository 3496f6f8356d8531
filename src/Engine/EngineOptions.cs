using System.ComponentModel.DataAnnotations;

namespace PromotionEngine.Engine;

/// <summary>The engine's settings (section "Engine"), validated at start.</summary>
internal sealed class EngineOptions
{
    public const string Section = "Engine";

    /// <summary>How often lapsed holds are released and ended coupons expired in storage.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan SweepInterval { get; set; } = TimeSpan.FromSeconds(30);

    [Range(1, 10_000)]
    public int SweepBatchSize { get; set; } = 500;

    /// <summary>The longest an order may hold coupons while the user pays.</summary>
    [Range(1, 7 * 24 * 3600)]
    public int MaxLockTtlSeconds { get; set; } = 24 * 3600;

    /// <summary>How many coupons one order may lock at once.</summary>
    [Range(1, 1000)]
    public int MaxCouponsPerOrder { get; set; } = 50;

    /// <summary>"Database" (embedded default: conditional updates) or "Redis" (atomic Lua decision, group-committed writes).</summary>
    [RegularExpression("^(Database|Redis)$")]
    public string ClaimGate { get; set; } = "Database";

    public RedisClaimOptions Redis { get; set; } = new();

    /// <summary>
    /// Service identities (token subjects, e.g. "service:order-service") that may act on each other's orders and quotes;
    /// empty: each service only on its own (Kernel's <see cref="Kernel.Identity.ServiceTrust"/>).
    /// </summary>
    public List<string> TrustedServices { get; set; } = [];

    /// <summary>The service identity the order saga acts as (order events have no caller): the order system's.</summary>
    public string OrderEventsService { get; set; } = Kernel.Identity.ServiceTrust.DefaultOrderEventsService;
}

internal sealed class RedisClaimOptions
{
    /// <summary>StackExchange.Redis configuration string, e.g. "127.0.0.1:6379".</summary>
    public string Configuration { get; set; } = "127.0.0.1:6379";

    /// <summary>Prefix of every key, so several deployments can share one Redis.</summary>
    public string KeyPrefix { get; set; } = "promo";

    /// <summary>The most claims one group commit writes.</summary>
    [Range(1, 2000)]
    public int MaxBatch { get; set; } = 256;

    /// <summary>How many group commits may be in flight at once (a template's claims always share one).</summary>
    [Range(1, 16)]
    public int Writers { get; set; } = 4;

    /// <summary>How long an idempotency key is remembered in Redis (the database remembers it for ever).</summary>
    [Range(typeof(TimeSpan), "00:01:00", "30.00:00:00")]
    public TimeSpan KeyMemory { get; set; } = TimeSpan.FromDays(1);

    /// <summary>Rebuild every template's counters from the database when the process starts.</summary>
    public bool RebuildOnStart { get; set; } = true;
}
