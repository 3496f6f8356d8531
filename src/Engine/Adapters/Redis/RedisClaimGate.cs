using System.Globalization;
using Microsoft.Extensions.Options;
using PromotionEngine.Contracts.MerchantAdmin;
using PromotionEngine.Engine.Audiences;
using PromotionEngine.Engine.Claims;
using PromotionEngine.Engine.Coupons;
using PromotionEngine.Kernel;
using PromotionEngine.Kernel.Persistence;
using StackExchange.Redis;

namespace PromotionEngine.Engine.Adapters.Redis;

/// <summary>
/// The flash-sale claim path: one Lua script decides (duplicate, window, per-user limit, per-period limits, stock) in Redis,
/// then the grant is group-committed to the database and the caller answered only once it is stored.
/// Anything the database refuses or fails to store is taken back in Redis, so nothing is half-issued.
/// </summary>
internal sealed class RedisClaimGate(IConnectionMultiplexer redis, RedisClaimCounters counters, ClaimGroupCommit commits,
    IExactClaimGate database, IUserCoupons coupons, EngineMetrics metrics, TimeProvider clock, IOptions<EngineOptions> options,
    IAudiences audiences) : IClaimGate
{
    /// <summary>How long a repeated key waits for its first request's coupon to be stored before answering 503.</summary>
    private static readonly TimeSpan DuplicateWait = TimeSpan.FromSeconds(5);

    /// <summary>A grant this old whose coupon is not stored never will be: its engine died before the commit.</summary>
    private static readonly TimeSpan OrphanAfter = TimeSpan.FromSeconds(30);

    /// <summary>How long claims wait for another instance to rebuild a template's counters.</summary>
    private static readonly TimeSpan LoadWait = TimeSpan.FromSeconds(10);

    public async Task<GateDecision> TryClaimAsync(ClaimTicket ticket, CancellationToken ct)
    {
        var coupon = ticket.Coupon;
        var template = ticket.Template;
        // The claim is decided on its user's slice (one slot), with that slice's share of the stock (docs/redis-cluster.md).
        var slices = ClaimSlices.For(template, options.Value.Redis.Slices, OnCluster());
        var home = slices.HomeOf(coupon.User.Value);
        var keys = new ClaimKeys(options.Value.Redis.KeyPrefix, template.Id, home);
        var periods = ticket.Periods;
        RedisKey[] scriptKeys =
            [keys.Issued, keys.Users, keys.Request(coupon.User, ticket.Key), keys.Generation, keys.AudienceMembers,
            .. periods.Select(keys.Period)];
        RedisValue[] args =
        [
            coupon.User.Value, UtcMillis.From(ticket.Now), UtcMillis.From(template.ValidFrom), UtcMillis.From(template.ValidUntil),
            template.Terminated ? 1 : 0, slices.ShareOf(home, template.Stock), template.PerUserLimit, coupon.Id.Value,
            (long)options.Value.Redis.KeyMemory.TotalMilliseconds, template.Audience?.ToString() ?? "",
            // The per-period section's: how many periods, then each one's limit.
            periods.Count, .. periods.Select(p => (RedisValue)p.Limit),
        ];
        var audience = template.Audience is { } a ? new TemplateAudience(a, template.Merchant) : (TemplateAudience?)null;
        var admitted = false;
        // The claim limits, when given, are counted in the first call only (docs/admission.md); a call asked again does not count them twice.
        var limits = ticket.Limits;
        var (script, firstKeys, firstArgs) = limits.Count == 0 ? (ClaimScripts.Claim, scriptKeys, args)
            : (ClaimScripts.LimitedClaim, [.. scriptKeys, .. limits.Select(l => (RedisKey)l.Counter)],
                [.. args, limits.Count, .. limits.SelectMany(l => new RedisValue[] { (long)l.Window.TotalMilliseconds, l.Permits })]);

        var deadline = DateTime.UtcNow + LoadWait;
        while (DateTime.UtcNow < deadline)
        {
            var (callScript, callKeys, callArgs) = (script, firstKeys, firstArgs);
            (script, firstKeys, firstArgs) = (ClaimScripts.Claim, scriptKeys, args);
            var result = (RedisResult[])(await RedisCallAsync(() => callScript.EvaluateAsync(redis.GetDatabase(), callKeys, callArgs)))!;
            var answer = (string?)result[0];
            metrics.GateDecided(DecisionName(answer));
            switch (answer)
            {
                case "LIMITED":
                    return new GateDecision.OverClaimLimit(
                        limits[int.Parse((string)result[1]!, CultureInfo.InvariantCulture) - 1].Limit, TimeSpan.FromMilliseconds((long)result[2]));
                case "LOAD":
                    await RedisCallAsync(() => counters.EnsureLoadedAsync(template.Id, audience, slices, template.Stock, ct));
                    continue;
                case "LOAD_PERIOD":
                    var stale = periods[int.Parse((string)result[1]!, CultureInfo.InvariantCulture) - 1];
                    await RedisCallAsync(() => counters.EnsurePeriodLoadedAsync(template.Id, stale, slices, home, ct));
                    continue;
                case "DUP":
                    var prior = (string)result[1]!;
                    if (await StoredAsync(ticket, scriptKeys, prior, ct) is { } stored)
                        return new GateDecision.Duplicate(new PriorClaim(template.Id, stored));
                    continue; // the earlier grant was taken back or orphaned: decide afresh
                case "OK":
                    return await StoreAsync(ticket, scriptKeys, (string)result[1]!, slices, home);
                case "PERIOD":
                    var full = periods[int.Parse((string)result[1]!, CultureInfo.InvariantCulture) - 1];
                    return await RefusedAsync(ticket, "PERIOD", full);
                case "NOT_IN_AUDIENCE" when !admitted && await InAudienceAfterAllAsync(ticket, ct):
                    admitted = true;
                    continue; // the copy lagged an addition: it has the user now
                case "OUT_OF_STOCK" when slices.Count > 1 && await BorrowAsync(template, audience, slices, home, ct):
                    continue; // a unit moved from another slice into the user's: decide again there
                case "NOT_IN_AUDIENCE" when admitted:
                    return await database.TryClaimAsync(ticket, ct); // the copy is being rebuilt: the database decides
                case var refusal:
                    return await RefusedAsync(ticket, refusal);
            }
        }
        throw new ClaimsUnavailableException("The claim counters could not be loaded in time.");
    }

    /// <summary>
    /// A refusal from Redis, unless the database knows this key: Redis forgets keys (after KeyMemory, a flush,
    /// a rebuild), the database never does, and a retry must get its first coupon, not a refusal.
    /// </summary>
    private async Task<GateDecision> RefusedAsync(ClaimTicket ticket, string? refusal, ClaimPeriod? period = null)
    {
        if (await database.FindPriorAsync(ticket.Coupon.User, ticket.Key, CancellationToken.None) is { } prior)
            return new GateDecision.Duplicate(prior);
        return refusal switch
        {
            "TERMINATED" => new GateDecision.Terminated(),
            "NOT_STARTED" => new GateDecision.NotStarted(),
            "ENDED" => new GateDecision.Ended(),
            "OUT_OF_STOCK" => new GateDecision.OutOfStock(),
            "LIMIT" => new GateDecision.LimitReached(),
            "PERIOD" when period is not null => new GateDecision.PeriodLimitReached(period),
            "NOT_IN_AUDIENCE" => new GateDecision.NotInAudience(),
            _ => throw new InvalidOperationException($"The claim script answered '{refusal}'."),
        };
    }

    private static string DecisionName(string? answer) => answer switch
    {
        "OK" => "granted",
        "LIMITED" => "over_claim_limit",
        "DUP" => "duplicate",
        "LOAD" => "load",
        "LOAD_PERIOD" => "load_period",
        "PERIOD" => "period_limit_reached",
        "LIMIT" => "limit_reached",
        "OUT_OF_STOCK" => "out_of_stock",
        "NOT_STARTED" => "not_started",
        "ENDED" => "ended",
        "TERMINATED" => "terminated",
        "NOT_IN_AUDIENCE" => "not_in_audience",
        _ => "unknown", // a bounded label even if the script ever answers something new
    };

    private async Task<GateDecision> StoreAsync(ClaimTicket ticket, RedisKey[] scriptKeys, string generation, ClaimSlices slices, int home)
    {
        var requestValue = $"{ticket.Coupon.Id.Value}:{generation}";
        GateDecision decision;
        try
        {
            decision = await commits.CommitAsync(ticket);
        }
        catch
        {
            await UndoAsync(ticket.Coupon.User, scriptKeys, requestValue, generation);
            throw;
        }
        if (decision is GateDecision.Granted) return decision;
        await UndoAsync(ticket.Coupon.User, scriptKeys, requestValue, generation);
        // Redis allowed what the database refused: the cache is behind (rebuilt while grants were in flight).
        // Raise it to what the database proved, so the next claims are refused in Redis.
        if (decision is GateDecision.NotInAudience)
            await CorrectAudienceAsync(ticket, member: false); // the copy lagged a removal
        if (decision is GateDecision.OutOfStock or GateDecision.LimitReached)
        {
            var template = ticket.Template;
            await RedisCallAsync(() => counters.CatchUpAsync(
                template.Id, decision is GateDecision.OutOfStock, ticket.Coupon.User.Value, template.Stock, template.PerUserLimit, slices, home));
        }
        if (decision is GateDecision.PeriodLimitReached full)
            await RedisCallAsync(() => counters.CatchUpPeriodAsync(ticket.Template.Id, full.Period, ticket.Coupon.User.Value, home));
        return decision;
    }

    private bool? _cluster;

    /// <summary>Whether Redis is a cluster, known once connected (while it is not, no claim is decided anyway).</summary>
    private bool OnCluster() => (_cluster ??= RedisSetup.IsCluster(redis)) ?? false;

    /// <summary>
    /// The user's slice ran dry: one unit of another slice's share moves into it (the lender counts it issued, the user's slice one
    /// less), so the claim is decided again on the user's slice, where the user's limit and keys are. False when every slice is dry.
    /// </summary>
    private async Task<bool> BorrowAsync(CouponTemplateSnapshot template, TemplateAudience? audience, ClaimSlices slices, int home,
        CancellationToken ct)
    {
        var prefix = options.Value.Redis.KeyPrefix;
        var db = redis.GetDatabase();
        foreach (var lender in slices.LendersTo(home))
        {
            var lenderKeys = new ClaimKeys(prefix, template.Id, lender);
            var answer = (string?)await RedisCallAsync(() => ClaimScripts.Lend.EvaluateAsync(db, [lenderKeys.Issued],
                [slices.ShareOf(lender, template.Stock)]));
            if (answer == "LOAD")
            {
                await RedisCallAsync(() => counters.EnsureLoadedAsync(template.Id, audience, slices, template.Stock, ct));
                return true; // asked again from the start, now that the slices are loaded
            }
            if (answer != "LENT") continue;
            metrics.GateDecided("borrowed");
            if ((int)await RedisCallAsync(() => ClaimScripts.Credit.EvaluateAsync(db, [new ClaimKeys(prefix, template.Id, home).Issued], [])) == 0)
                await RedisCallAsync(() => ClaimScripts.Credit.EvaluateAsync(db, [lenderKeys.Issued], [])); // the user's slice was dropped: give it back
            return true;
        }
        return false;
    }

    /// <summary>
    /// Audiences: Redis's copy said no; the members' table is the truth (a copy may lag a change whose commit it was not told of).
    /// One primary-key probe, on this refusal's path only. A member is put into the copy.
    /// </summary>
    private async Task<bool> InAudienceAfterAllAsync(ClaimTicket ticket, CancellationToken ct)
    {
        var template = ticket.Template;
        if (!await audiences.IsMemberAsync(template.Audience!.Value, template.Merchant, ticket.Coupon.User, ct)) return false;
        await CorrectAudienceAsync(ticket, member: true);
        return true;
    }

    private Task CorrectAudienceAsync(ClaimTicket ticket, bool member)
    {
        var keys = new ClaimKeys(options.Value.Redis.KeyPrefix, ticket.Template.Id);
        return RedisCallAsync(() => ClaimScripts.CorrectAudience.EvaluateAsync(
            redis.GetDatabase(), [keys.Issued, keys.Loading, keys.AudienceMembers], [member ? "MEMBER" : "STRANGER", ticket.Coupon.User.Value]));
    }

    private Task UndoAsync(UserId user, RedisKey[] scriptKeys, string requestValue, string generation) =>
        RedisCallAsync(() => ClaimScripts.Undo.EvaluateAsync(redis.GetDatabase(), scriptKeys, [user.Value, requestValue, generation]));

    /// <summary>
    /// The coupon a repeated key points at, once stored. Null when it never will be: its grant was taken
    /// back, or it is an orphan (older than <see cref="OrphanAfter"/> and not stored: the engine that granted
    /// it died), which is then taken back from the counters too. Throws 503 while it may still be written.
    /// </summary>
    private async Task<UserCouponId?> StoredAsync(ClaimTicket ticket, RedisKey[] scriptKeys, string requestValue, CancellationToken ct)
    {
        var parts = requestValue.Split(':');
        var couponId = long.Parse(parts[0], CultureInfo.InvariantCulture);
        var generation = parts.Length > 1 ? parts[1] : "";
        if (commits.InFlight(couponId) is { } mine)
        {
            try { return await mine is GateDecision.Granted ? new UserCouponId(couponId) : null; }
            catch (ClaimsUnavailableException) { return null; }
        }
        var deadline = DateTime.UtcNow + DuplicateWait;
        while (true)
        {
            if (await coupons.FindAsync(new UserCouponId(couponId), ct) is not null) return new UserCouponId(couponId);
            if (clock.GetUtcNow() - IdGenerator.TimeOf(couponId) >= OrphanAfter)
            {
                await UndoAsync(ticket.Coupon.User, scriptKeys, requestValue, generation);
                return null;
            }
            if (DateTime.UtcNow >= deadline)
                throw new ClaimsUnavailableException("The first request with this Idempotency-Key is still being stored.");
            await Task.Delay(20, ct);
        }
    }

    /// <summary>Redis down, slow, loading or read-only: the claim fails fast with a clear reason instead of hanging.</summary>
    private static async Task<T> RedisCallAsync<T>(Func<Task<T>> call)
    {
        try
        {
            return await call();
        }
        catch (Exception e) when (e is RedisConnectionException or RedisTimeoutException or ObjectDisposedException || IsTransientServerError(e))
        {
            throw new ClaimsUnavailableException("The claim store (Redis) is unavailable.", e);
        }
    }

    private static Task RedisCallAsync(Func<Task> call) => RedisCallAsync(async () => { await call(); return true; });

    private static readonly string[] TransientReplies = ["LOADING", "READONLY", "OOM", "BUSY", "MASTERDOWN", "CLUSTERDOWN", "TRYAGAIN"];

    private static bool IsTransientServerError(Exception e) =>
        e is RedisServerException server && TransientReplies.Any(reply => server.Message.StartsWith(reply, StringComparison.Ordinal));
}
