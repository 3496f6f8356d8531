using System.ComponentModel.DataAnnotations;

namespace PromotionEngine.Engine.Claims.Admission;

/// <summary>
/// Fair admission when demand exceeds stock (section "Engine:Admission", docs/configuration.md): the sold-out flag, the
/// per-template bound on claims in flight, and the per-user and per-address claim limits. Validated at start.
/// </summary>
internal sealed class AdmissionOptions
{
    public const string Section = "Engine:Admission";

    /// <summary>Answer OUT_OF_STOCK locally once the database has issued a template's whole stock (<see cref="SoldOutFlags"/>).</summary>
    public bool SoldOutFlag { get; set; } = true;

    /// <summary>
    /// The most users holding a coupon of a sold-out template that one instance keeps (8 bytes each): a template with more
    /// gets no flag, its refusals go to the gate as before.
    /// </summary>
    [Range(1, 10_000_000)]
    public int SoldOutFlagMaxWinners { get; set; } = 1_000_000;

    /// <summary>How often, at most, a template the gate says is out of stock is looked up in the database to raise its flag.</summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "00:01:00")]
    public TimeSpan SoldOutConfirmInterval { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>A fixed bound on one template's claims in flight in this instance; 0 (the default) derives it (<see cref="TargetLatency"/>).</summary>
    [Range(0, 1_000_000)]
    public int InFlightPerTemplate { get; set; }

    /// <summary>
    /// The latency a claim should not queue past: a template admits its measured throughput (claims finished per second in this
    /// instance) times this many claims at once, between <see cref="MinInFlightPerTemplate"/> and <see cref="MaxInFlightPerTemplate"/>.
    /// </summary>
    /// <remarks>
    /// 1 s by default: the bound is a guard against queueing into seconds, not a latency target. A 429 is not much cheaper than
    /// a refusal and brings a retry; with 200 ms, bench/burst.sh on a starved machine (claims slowed by CPU, not by the
    /// commit) turned 50,000 users into 140,000 requests and sold out ten times later (docs/benchmarks.md).
    /// </remarks>
    [Range(typeof(TimeSpan), "00:00:00.001", "00:01:00")]
    public TimeSpan TargetLatency { get; set; } = TimeSpan.FromSeconds(1);

    /// <remarks>
    /// 512 by default, so the derived bound is a backstop (a gateway letting thousands of connections at one template) rather
    /// than a throttle: when claims are slow because the CPU is starved rather than because of the commit, fewer claims in flight
    /// do not make them faster, so the bound keeps shrinking to its minimum while the 429s and their retries add load
    /// (bench/burst.sh, docs/benchmarks.md).
    /// </remarks>
    [Range(1, 1_000_000)]
    public int MinInFlightPerTemplate { get; set; } = 512;

    [Range(1, 1_000_000)]
    public int MaxInFlightPerTemplate { get; set; } = 4096;

    /// <summary>Claims per signed-in user per window, across instances when claims use Redis; 0: none.</summary>
    public ClaimWindowLimit PerUser { get; set; } = new() { PermitLimit = 50 };

    /// <summary>
    /// Claims per client address (IPv4, or an IPv6 /64) per window, whichever users send them; 0 (the default): none, since
    /// thousands of honest users may share a carrier's address.
    /// </summary>
    public ClaimWindowLimit PerIp { get; set; } = new();

    /// <summary>
    /// On a single Redis, count the limits in the claim's own script call (one round trip per claim instead of two); on a
    /// Redis Cluster they are on other slots than the template's keys and are counted in a call of their own before it.
    /// </summary>
    public bool CountLimitsInClaimScript { get; set; } = true;

    /// <summary>What the data annotations cannot say (they do not reach the nested limits); null when valid.</summary>
    public string? Invalid() =>
        MinInFlightPerTemplate > MaxInFlightPerTemplate ? $"{Section}: MinInFlightPerTemplate is at most MaxInFlightPerTemplate."
        : PerUser.Invalid($"{Section}:{nameof(PerUser)}") ?? PerIp.Invalid($"{Section}:{nameof(PerIp)}");
}

/// <summary>At most <see cref="PermitLimit"/> claims per <see cref="Window"/> (a fixed window from the first claim); 0: no limit.</summary>
internal sealed class ClaimWindowLimit
{
    public int PermitLimit { get; set; }

    public TimeSpan Window { get; set; } = TimeSpan.FromSeconds(10);

    public string? Invalid(string name) => PermitLimit < 0 || Window < TimeSpan.FromMilliseconds(1) || Window > TimeSpan.FromDays(1)
        ? $"{name}: PermitLimit is 0 (no limit) or more, Window from 00:00:00.001 to 1.00:00:00."
        : null;
}
