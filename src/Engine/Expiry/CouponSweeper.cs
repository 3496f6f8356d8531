using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PromotionEngine.Engine.Coupons;
using PromotionEngine.Kernel.Persistence;

namespace PromotionEngine.Engine.Expiry;

/// <summary>
/// Stores what the clock has already decided: holds past their TTL are released, coupons past their
/// validity expired. Reads never wait for it (UserCoupon.StatusAt); it keeps storage and queries honest.
/// </summary>
internal sealed partial class CouponSweeper(IDatabase db, IUserCoupons coupons, TimeProvider clock, IOptions<EngineOptions> options,
    ILogger<CouponSweeper> log) : BackgroundService
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
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                LogSweepFailed(e); // the next tick tries again
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    /// <summary>Settles every overtaken coupon, batch by batch; returns how many changed.</summary>
    public async Task<int> SweepAsync(CancellationToken ct)
    {
        var total = 0;
        while (true)
        {
            var now = clock.GetUtcNow();
            var batch = await coupons.FindOvertakenAsync(now, options.Value.SweepBatchSize, ct);
            if (batch.Count == 0) return total;
            var changed = 0;
            foreach (var coupon in batch)
            {
                if (!coupon.Settle(now)) continue;
                try
                {
                    await using var scope = await db.BeginWriteAsync(ct);
                    await coupons.SaveAsync(coupon, scope, ct);
                    await scope.CommitAsync(ct);
                    changed++;
                }
                catch (ConcurrencyConflictException)
                {
                    // A checkout moved it first; whatever it did already counts.
                }
                catch (System.Data.Common.DbException e) when (db.IsTransient(e))
                {
                    // A deadlock or busy store: this coupon is settled on a later pass.
                }
            }
            total += changed;
            if (changed == 0) return total; // all raced away: try again next tick instead of spinning
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Coupon sweep settled {Count} coupons (lapsed holds released, ended coupons expired)")]
    private partial void LogSwept(int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Coupon sweep failed; retrying on the next tick")]
    private partial void LogSweepFailed(Exception error);
}
