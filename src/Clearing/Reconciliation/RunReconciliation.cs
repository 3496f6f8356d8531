using System.Runtime.CompilerServices;
using System.Text;
using Microsoft.Extensions.Options;
using PromotionEngine.Clearing.Store;
using PromotionEngine.Contracts.Engine;
using PromotionEngine.Contracts.Settlement;
using PromotionEngine.Kernel;
using PromotionEngine.Kernel.Persistence;

namespace PromotionEngine.Clearing.Reconciliation;

/// <summary>An order file accepted at upload, kept at Path while the run reads it.</summary>
internal sealed record OrderFileUpload(string FileName, string Path, OrderFileLayout Layout);

/// <summary>
/// Reconciles a day: the settlement records and the engine's consumed coupons (through their Contracts ports), the clearing
/// facts (<see cref="IAnalyticStore.SpentAsync"/>) and the uploaded order file, matched by <see cref="ThreeWayMatch"/>; the
/// discrepancies are written to a work file as they are found, then stored with the run in one transaction.
/// </summary>
internal sealed class RunReconciliation(
    ISettledOrders settled, IConsumedCoupons consumed, IAnalyticStore store, IReconciliations runs, IdGenerator ids, TimeProvider clock,
    IOptions<ReconciliationOptions> options)
{
    /// <summary>The run, stored; throws <see cref="UnreadableFileException"/> (nothing stored) when the file turns out unreadable.</summary>
    public async Task<ReconciliationRun> HandleAsync(ReconciliationScope scope, OrderFileUpload file, string? idempotencyKey, CancellationToken ct)
    {
        var settings = options.Value;
        var started = UtcMillis.Now(clock);
        var tally = new MatchTally();
        var counts = DiscrepancyKinds.All.ToDictionary(k => k, _ => 0L);
        var match = new ThreeWayMatch(settings.WorkDirectory, settings.Partitions);
        var foundPath = Path.Combine(settings.WorkDirectory, $"recon-found-{Guid.NewGuid():N}");
        Directory.CreateDirectory(settings.WorkDirectory);
        await using var found = new FileStream(
            foundPath, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 64 * 1024, FileOptions.DeleteOnClose);
        long total = 0;
        using (var writer = new BinaryWriter(found, Encoding.UTF8, leaveOpen: true))
        {
            var discrepancies = match.RunAsync(scope, EngineOrders(scope, ct), EngineCoupons(scope, ct),
                store.SpentAsync(scope.From, scope.To, scope.MerchantId, ct), OrderFile.Lines(file.Path, file.Layout, settings.Limits), tally, ct);
            await foreach (var d in discrepancies)
            {
                Write(writer, d);
                counts[d.Kind]++;
                total++;
            }
        }
        found.Position = 0;
        var run = new ReconciliationRun(ids.Next(), scope.Day, scope.MerchantId, file.FileName, file.Layout.Format.ToString().ToUpperInvariant(),
            tally.EngineOrders, tally.EngineCoupons, tally.ClearedCoupons, tally.OrderLines, tally.OrderLinesOtherDay, total, counts,
            started, UtcMillis.Now(clock));
        await runs.SaveAsync(run, idempotencyKey, Read(found, total), ct);
        return run;
    }

    private async IAsyncEnumerable<EngineOrder> EngineOrders(ReconciliationScope scope, [EnumeratorCancellation] CancellationToken ct)
    {
        await foreach (var o in settled.PaidBetweenAsync(scope.From, scope.To, ct))
        {
            yield return new EngineOrder(o.OrderId, o.PaidAt, o.Status, o.Discount,
                o.Coupons.Select(c => new CouponShare(c.UserCouponId, c.Discount)).ToList());
        }
    }

    private async IAsyncEnumerable<EngineCouponUse> EngineCoupons(ReconciliationScope scope, [EnumeratorCancellation] CancellationToken ct)
    {
        var merchant = scope.MerchantId is { } m ? new MerchantId(m) : (MerchantId?)null;
        await foreach (var c in consumed.ConsumedBetweenAsync(scope.From, scope.To, merchant, ct))
            yield return new EngineCouponUse(c.Id.Value, c.OrderId, c.Merchant.Value);
    }

    private static void Write(BinaryWriter w, Discrepancy d)
    {
        w.Write(d.Kind);
        w.Write(d.OrderId);
        w.Write(d.CouponId ?? 0);
        w.Write(d.Sources);
        w.Write(d.Values);
    }

    private static IEnumerable<Discrepancy> Read(Stream found, long count)
    {
        using var r = new BinaryReader(found, Encoding.UTF8, leaveOpen: true);
        for (long i = 0; i < count; i++)
        {
            var (kind, order, coupon, sources, values) = (r.ReadString(), r.ReadString(), r.ReadInt64(), r.ReadString(), r.ReadString());
            yield return new Discrepancy(kind, order, coupon == 0 ? null : coupon, sources, values);
        }
    }
}
