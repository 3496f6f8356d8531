using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PromotionEngine.Contracts.MerchantAdmin;
using PromotionEngine.Kernel;

namespace PromotionEngine.Engine.Claims.Admission;

/// <summary>
/// Where the database says whether a template's whole stock is issued, and to whom.
/// </summary>
internal interface ISoldOutLedger
{
    /// <summary>
    /// The users holding a coupon of the template (claimed or distributed), in any order, when the database has issued at least
    /// <paramref name="stock"/> of it; null while it has not, or when more than <paramref name="maxWinners"/> users hold one.
    /// </summary>
    Task<long[]?> WinnersIfSoldOutAsync(TemplateId template, long stock, int maxWinners, CancellationToken ct);
}

/// <summary>
/// Each instance's own sold-out flags. When the gate answers a claim OUT_OF_STOCK, the database is asked (at most once per
/// <see cref="AdmissionOptions.SoldOutConfirmInterval"/> per template) whether its issued count has reached the stock of the
/// snapshot the claim was decided with; if so, the flag is raised with the users who hold a coupon of the template. From then on a
/// claim of that template, with that same snapshot (version and stock), by a user who holds none, is refused here, without a
/// Redis or database round trip.
/// <para>
/// Why that is exact: issued never falls (a released or refunded coupon returns to its owner, not to the stock; an expired one stays
/// issued) and stock only rises, so with that snapshot every gate would refuse the claim too. Stock returns only when the merchant
/// adds some or edits the template, which makes a new snapshot (a new version): that drops the flag at once in this instance, and
/// each instance sees the new snapshot when merchant-admin's template events reach it, at the latest after the catalogue's
/// freshness (2 s): never later than its gate would see the new stock. A user who holds a coupon of the template goes on to the gate,
/// so a retried Idempotency-Key still gets its coupon: the winners are read from the database only once it has issued the whole
/// stock, so no grant still being committed (the Redis path's group commit) can be missing from them. A user without one
/// cannot have a granted key for this template, so no lookup of the key is needed; such a user is told OUT_OF_STOCK even where
/// the gate would have named another refusal first (a key used for another template, a campaign limit, an audience).
/// </para>
/// </summary>
internal sealed partial class SoldOutFlags(
    ISoldOutLedger ledger, IOptions<AdmissionOptions> options, TimeProvider clock, EngineMetrics metrics, ILogger<SoldOutFlags> log)
{
    private readonly ConcurrentDictionary<TemplateId, Flag> _flags = new();
    private readonly ConcurrentDictionary<TemplateId, Confirmation> _confirmations = new();

    /// <summary>True when this claim is refused OUT_OF_STOCK by the flag alone.</summary>
    public bool Refuses(CouponTemplateSnapshot template, UserId user, DateTimeOffset now)
    {
        if (!_flags.TryGetValue(template.Id, out var flag)) return false;
        if (!flag.IsFor(template) || GateDecision.WindowRefusal(template, now) is not null)
        {
            // A new snapshot (more stock, any edit), or claims closed (the gate names why): the flag is done with.
            _flags.TryRemove(KeyValuePair.Create(template.Id, flag));
            return false;
        }
        return Array.BinarySearch(flag.Winners, user.Value) < 0;
    }

    /// <summary>After the gate answered OUT_OF_STOCK with this snapshot: raise the flag if the database has issued the whole stock.</summary>
    public async Task ConfirmAsync(CouponTemplateSnapshot template, CancellationToken ct)
    {
        var settings = options.Value;
        if (!settings.SoldOutFlag || (_flags.TryGetValue(template.Id, out var raised) && raised.IsFor(template))) return;
        var confirmation = _confirmations.GetOrAdd(template.Id, _ => new Confirmation());
        if (!confirmation.TryStart(clock, settings.SoldOutConfirmInterval)) return;
        try
        {
            var winners = await ledger.WinnersIfSoldOutAsync(template.Id, template.Stock, settings.SoldOutFlagMaxWinners, ct);
            if (winners is null) return;
            Array.Sort(winners);
            _flags[template.Id] = new Flag(template.Version, template.Stock, winners);
            metrics.SoldOutFlagRaised();
            LogRaised(log, template.Id.Value, template.Stock, winners.Length);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            LogUnconfirmed(log, template.Id.Value, e); // no flag: the gate keeps answering
        }
        finally
        {
            confirmation.Finish();
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Template {TemplateId} is sold out ({Stock} issued to {Winners} users): refused locally")]
    private static partial void LogRaised(ILogger log, long templateId, long stock, int winners);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not read whether template {TemplateId} is sold out; its refusals stay with the gate")]
    private static partial void LogUnconfirmed(ILogger log, long templateId, Exception e);

    private sealed record Flag(int Version, long Stock, long[] Winners)
    {
        public bool IsFor(CouponTemplateSnapshot template) => template.Version == Version && template.Stock == Stock;
    }

    /// <summary>One look-up at a time per template, and none sooner than the interval after the last one began.</summary>
    private sealed class Confirmation
    {
        private int _running;
        private long _startedAt;

        public bool TryStart(TimeProvider clock, TimeSpan interval)
        {
            var last = Volatile.Read(ref _startedAt);
            if (last != 0 && clock.GetElapsedTime(last) < interval) return false;
            if (Interlocked.CompareExchange(ref _running, 1, 0) != 0) return false;
            Volatile.Write(ref _startedAt, Math.Max(1, clock.GetTimestamp()));
            return true;
        }

        public void Finish() => Volatile.Write(ref _running, 0);
    }
}
