using System.Globalization;
using Microsoft.Extensions.Options;
using PromotionEngine.Engine.Claims;
using PromotionEngine.Engine.Coupons;
using PromotionEngine.Kernel;
using PromotionEngine.Kernel.Persistence;
using StackExchange.Redis;

namespace PromotionEngine.Engine.Adapters.Redis;

/// <summary>
/// The flash-sale claim path: one Lua script decides (duplicate, window, stock, per-user limit) in Redis,
/// then the grant is group-committed to the database and the caller answered only once it is stored.
/// Anything the database refuses or fails to store is taken back in Redis, so nothing is half-issued.
/// </summary>
internal sealed class RedisClaimGate(IConnectionMultiplexer redis, RedisClaimCounters counters, ClaimGroupCommit commits,
    IUserCoupons coupons, IOptions<EngineOptions> options) : IClaimGate
{
    private static readonly TimeSpan DuplicateWait = TimeSpan.FromSeconds(5);
    private const int MaxAttempts = 200;

    public async Task<GateDecision> TryClaimAsync(ClaimTicket ticket, CancellationToken ct)
    {
        var coupon = ticket.Coupon;
        var template = ticket.Template;
        var keys = new ClaimKeys(options.Value.Redis.KeyPrefix, template.Id);
        RedisKey[] scriptKeys = [keys.Issued, keys.Users, keys.Request(coupon.User, ticket.Key), keys.Generation];
        RedisValue[] args =
        [
            coupon.User.Value, UtcMillis.From(ticket.Now), UtcMillis.From(template.ValidFrom), UtcMillis.From(template.ValidUntil),
            template.Terminated ? 1 : 0, template.Stock, template.PerUserLimit, coupon.Id.Value,
            (long)options.Value.Redis.KeyMemory.TotalMilliseconds,
        ];

        for (var attempt = 0; attempt < MaxAttempts; attempt++)
        {
            var result = (RedisResult[])(await RedisCallAsync(() => ClaimScripts.Claim.EvaluateAsync(redis.GetDatabase(), scriptKeys, args)))!;
            switch ((string?)result[0])
            {
                case "LOAD":
                    await RedisCallAsync(() => counters.EnsureLoadedAsync(template.Id, ct));
                    continue;
                case "DUP":
                    var prior = long.Parse((string)result[1]!, CultureInfo.InvariantCulture);
                    if (await StoredAsync(prior, scriptKeys[2], ct)) return new GateDecision.Duplicate(new PriorClaim(template.Id, new UserCouponId(prior)));
                    continue; // the earlier grant was taken back or never stored: decide afresh
                case "TERMINATED": return new GateDecision.Terminated();
                case "NOT_STARTED": return new GateDecision.NotStarted();
                case "ENDED": return new GateDecision.Ended();
                case "OUT_OF_STOCK": return new GateDecision.OutOfStock();
                case "LIMIT": return new GateDecision.LimitReached();
                case "OK":
                    return await StoreAsync(ticket, scriptKeys, (string)result[1]!);
                default:
                    throw new InvalidOperationException($"The claim script answered '{result[0]}'.");
            }
        }
        throw new ClaimsUnavailableException("The claim counters could not be loaded in time.");
    }

    private async Task<GateDecision> StoreAsync(ClaimTicket ticket, RedisKey[] scriptKeys, string generation)
    {
        GateDecision decision;
        try
        {
            decision = await commits.CommitAsync(ticket);
        }
        catch
        {
            await UndoAsync(ticket, scriptKeys, generation);
            throw;
        }
        if (decision is not GateDecision.Granted) await UndoAsync(ticket, scriptKeys, generation);
        // Redis allowed what the database refused: the cache is behind (rebuilt while grants were in flight).
        // Drop it so the next claim reloads it from the database; until then the database keeps it exact.
        if (decision is GateDecision.OutOfStock or GateDecision.LimitReached) await RedisCallAsync(() => counters.RebuildAsync(ticket.Template.Id));
        return decision;
    }

    private Task UndoAsync(ClaimTicket ticket, RedisKey[] scriptKeys, string generation) =>
        RedisCallAsync(() => ClaimScripts.Undo.EvaluateAsync(redis.GetDatabase(), scriptKeys, [ticket.Coupon.User.Value, ticket.Coupon.Id.Value, generation]));

    /// <summary>
    /// Waits until the coupon a repeated key points at is stored. False when it never will be: its grant
    /// was taken back, or the engine that granted it died before the commit (then the key is forgotten).
    /// </summary>
    private async Task<bool> StoredAsync(long couponId, RedisKey requestKey, CancellationToken ct)
    {
        if (commits.InFlight(couponId) is { } mine)
        {
            try { return await mine is GateDecision.Granted; }
            catch (ClaimsUnavailableException) { return false; }
        }
        var deadline = DateTime.UtcNow + DuplicateWait;
        while (true)
        {
            if (await coupons.FindAsync(new UserCouponId(couponId), ct) is not null) return true;
            if (DateTime.UtcNow >= deadline) break;
            await Task.Delay(20, ct);
        }
        await RedisCallAsync(() => ClaimScripts.ForgetOrphan.EvaluateAsync(redis.GetDatabase(), [requestKey], [couponId]));
        return false;
    }

    /// <summary>Redis down or slow: the claim fails fast with a clear reason instead of hanging.</summary>
    private static async Task<T> RedisCallAsync<T>(Func<Task<T>> call)
    {
        try
        {
            return await call();
        }
        catch (Exception e) when (e is RedisConnectionException or RedisTimeoutException or ObjectDisposedException)
        {
            throw new ClaimsUnavailableException("The claim store (Redis) is unavailable.", e);
        }
    }

    private static Task RedisCallAsync(Func<Task> call) => RedisCallAsync(async () => { await call(); return true; });
}
