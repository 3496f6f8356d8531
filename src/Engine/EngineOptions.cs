using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

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

    /// <summary>
    /// How often every rule audience is evaluated whole (docs/audiences.md): the settled-orders window slides by itself, so a user
    /// whose orders leave it stays in the audience up to this long after.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan AudienceRuleSweepInterval { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>The longest an order may hold coupons while the user pays.</summary>
    [Range(1, 7 * 24 * 3600)]
    public int MaxLockTtlSeconds { get; set; } = 24 * 3600;

    /// <summary>How many coupons one order may lock at once.</summary>
    [Range(1, 1000)]
    public int MaxCouponsPerOrder { get; set; } = 50;

    /// <summary>Who decides a claim; the setting is the name, in any case. Anything else refuses the start (<see cref="Read"/>).</summary>
    public ClaimGateKind ClaimGate { get; set; } = ClaimGateKind.Database;

    public RedisClaimOptions Redis { get; set; } = new();

    public DatabaseClaimOptions Database { get; set; } = new();

    /// <summary>
    /// Service identities (token subjects, e.g. "service:order-service") that may act on each other's orders and quotes;
    /// empty: each service only on its own (Kernel's <see cref="Kernel.Identity.ServiceTrust"/>).
    /// </summary>
    public List<string> TrustedServices { get; set; } = [];

    /// <summary>The service identity the order saga acts as (order events have no caller): the order system's.</summary>
    public string OrderEventsService { get; set; } = Kernel.Identity.ServiceTrust.DefaultOrderEventsService;

    /// <summary>The waiting rooms of scheduled drops (docs/waiting-room.md): ticket signing and polling.</summary>
    public Claims.WaitingRoom.WaitingRoomOptions WaitingRoom { get; set; } = new();

    /// <summary>
    /// The settings as registration needs them, before the container exists (the claim gate decides which adapters are
    /// registered). A claim gate that is not one of <see cref="ClaimGateKind"/>'s names stops the start here, as one line:
    /// the binder alone would take "1" for Redis and answer anything else with a stack trace.
    /// </summary>
    public static EngineOptions Read(IConfiguration configuration)
    {
        var section = configuration.GetSection(Section);
        if (section[nameof(ClaimGate)] is { } gate && !Enum.GetNames<ClaimGateKind>().Contains(gate, StringComparer.OrdinalIgnoreCase))
        {
            var names = string.Join(" or ", Enum.GetNames<ClaimGateKind>());
            throw new OptionsValidationException(Section, typeof(EngineOptions),
                [$"{Section}:{nameof(ClaimGate)} is {names} (any case), not '{gate}'."]);
        }
        return section.Get<EngineOptions>() ?? new EngineOptions();
    }
}

/// <summary>Who decides a claim (Engine:ClaimGate).</summary>
internal enum ClaimGateKind
{
    /// <summary>The embedded default: conditional updates in one transaction per claim.</summary>
    Database,

    /// <summary>An atomic Lua decision in Redis, then group-committed writes to the database (the truth).</summary>
    Redis,
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

    /// <summary>
    /// True: a group commit's writer answers its callers itself, each caller's request going on on the writer's thread until its
    /// next wait (no thread-pool hop per claim, but the next batch waits for them); false: each caller goes on from the thread pool.
    /// </summary>
    public bool AnswerOnWriter { get; set; }

    /// <summary>How many group commits may be in flight at once (a template's claims always share one).</summary>
    [Range(1, 16)]
    public int Writers { get; set; } = 4;

    /// <summary>How long an idempotency key is remembered in Redis (the database remembers it for ever).</summary>
    [Range(typeof(TimeSpan), "00:01:00", "30.00:00:00")]
    public TimeSpan KeyMemory { get; set; } = TimeSpan.FromDays(1);

    /// <summary>Rebuild every template's counters from the database when the process starts.</summary>
    public bool RebuildOnStart { get; set; } = true;

    /// <summary>A hot template's stock over several Redis Cluster slots (docs/redis-cluster.md).</summary>
    public RedisSliceOptions Slices { get; set; } = new();
}

/// <summary>The database gate's settings (Engine:Database).</summary>
internal sealed class DatabaseClaimOptions
{
    /// <summary>
    /// On SQLite, the most claims one group commit decides and writes in one transaction (a refused claim undone alone);
    /// 1 turns the group commit off: a transaction per claim, as on MySQL, where this setting is not read.
    /// </summary>
    [Range(1, 2000)]
    public int MaxBatch { get; set; } = 128;

    /// <summary>
    /// True: on SQLite, the group commit's writer answers its callers itself, each caller's request going on on the writer's
    /// thread until its next wait (no thread-pool hop per claim, but the next batch waits for them); false: each caller goes on
    /// from the thread pool.
    /// </summary>
    public bool AnswerOnWriter { get; set; }
}
