using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PromotionEngine.Engine.Budgets;
using PromotionEngine.Engine.Claims;
using PromotionEngine.Engine.Coupons;
using PromotionEngine.Engine.Messaging;
using PromotionEngine.Kernel.Messaging;
using PromotionEngine.Kernel.Persistence;

namespace PromotionEngine.Engine.Expiry;

/// <summary>
/// Stores what the clock has already decided, with its events: holds past their TTL are released
/// (CouponReleased HOLD_EXPIRED), coupons past their validity expired (CouponExpired). Reads never wait for it
/// (UserCoupon.StatusAt); timers (<see cref="CouponsDue"/>) run it when a deadline falls due, and the sweep
/// below runs it periodically as a safety net.
/// </summary>
internal sealed class SettleOvertakenCoupons(IUserCoupons coupons, IOutbox outbox, EngineMetrics metrics, BudgetLedger budgets)
{
    /// <summary>Settles up to <paramref name="limit"/> overtaken coupons in the caller's transaction.</summary>
    public async Task<(int Found, int Settled)> SettleAsync(DateTimeOffset now, int limit, WriteScope scope, CancellationToken ct)
    {
        var batch = await coupons.FindOvertakenAsync(now, limit, ct);
        var events = new List<OutgoingEvent>();
        var settled = new List<UserCoupon>();
        foreach (var coupon in batch)
        {
            // A checkout that moved it since it was read wins; whatever it did already counts.
            if (!coupon.Settle(now) || !await coupons.TrySaveAsync(coupon, scope, ct)) continue;
            await budgets.ApplyAsync([coupon], null, now, scope, ct); // a lapsed hold frees its reservation; never refused

            events.AddRange(CouponEvents.Of(coupon));
            settled.Add(coupon);
        }
        await outbox.AddAsync(events, scope, ct);
        metrics.Moved(settled); // as stored in the caller's transaction (hold_lapse, expire)
        return (batch.Count, settled.Count);
    }
}

/// <summary>A timer fell due: settle what it was set for; a full batch leaves a follow-up timer for the rest.</summary>
internal sealed class SettleDueCoupons(SettleOvertakenCoupons settle, IOutbox outbox, TimeProvider clock, IOptions<EngineOptions> options)
    : IEventHandler<CouponsDue>
{
    public const string Consumer = "engine.coupon-timers";

    public async Task HandleAsync(CouponsDue due, EventContext context, WriteScope scope, CancellationToken ct)
    {
        // The timer's time is trusted over this instance's clock: a little skew never leaves a deadline unsettled.
        var clockNow = clock.GetUtcNow();
        var now = clockNow > due.Until ? clockNow : due.Until;
        var limit = options.Value.SweepBatchSize;
        if ((await settle.SettleAsync(now, limit, scope, ct)).Found >= limit)
            await outbox.AddAsync(CouponTimers.Continue(due.Until, clockNow), scope, ct);
    }
}

/// <summary>
/// The periodic safety net: settles whatever a timer has not (e.g. coupons stored before timers existed); and deletes the claim
/// counts of periods that are over.
/// </summary>
internal sealed partial class CouponSweeper(IDatabase db, SettleOvertakenCoupons settle, IEndedPeriodCounts endedPeriods, TimeProvider clock,
    IOptions<EngineOptions> options, ILogger<CouponSweeper> log) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.SweepInterval, clock);
        do
        {
            try
            {
                var settled = await SweepAsync(stoppingToken);
                if (settled > 0) LogSwept(settled);
                var purged = await PurgeEndedPeriodsAsync(stoppingToken);
                if (purged > 0) LogPurged(purged);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                LogSweepFailed(e); // the next tick tries again
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    /// <summary>Settles every overtaken coupon, batch by batch, each batch in its own transaction; returns how many changed.</summary>
    public async Task<int> SweepAsync(CancellationToken ct)
    {
        var total = 0;
        var limit = options.Value.SweepBatchSize;
        while (true)
        {
            (int Found, int Settled) batch;
            await using (var scope = await db.BeginWriteAsync(ct))
            {
                batch = await settle.SettleAsync(clock.GetUtcNow(), limit, scope, ct);
                await scope.CommitAsync(ct);
            }
            total += batch.Settled;
            // A short batch was the last; one where everything raced away is tried again next tick instead of spinning.
            if (batch.Found < limit || batch.Settled == 0) return total;
        }
    }

    /// <summary>Deletes the claim counts of ended periods, batch by batch; returns how many went.</summary>
    public async Task<int> PurgeEndedPeriodsAsync(CancellationToken ct)
    {
        var before = clock.GetUtcNow() - ClaimPeriod.Longest;
        var limit = options.Value.SweepBatchSize;
        var total = 0;
        int purged;
        do total += purged = await endedPeriods.PurgeAsync(before, limit, ct);
        while (purged == limit);
        return total;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Coupon sweep deleted {Count} claim counts of ended periods")]
    private partial void LogPurged(int count);

    [LoggerMessage(Level = LogLevel.Information, Message = "Coupon sweep settled {Count} coupons (lapsed holds released, ended coupons expired)")]
    private partial void LogSwept(int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Coupon sweep failed; retrying on the next tick")]
    private partial void LogSweepFailed(Exception error);
}
