using PromotionEngine.Contracts.Engine;
using PromotionEngine.Contracts.Events.Engine.V1;
using PromotionEngine.Contracts.MerchantAdmin;
using PromotionEngine.Engine.Coupons;
using PromotionEngine.Kernel;
using PromotionEngine.Kernel.Messaging;
using PromotionEngine.Kernel.Persistence;
using static PromotionEngine.Engine.Coupons.CouponStatus;

namespace PromotionEngine.Engine.Budgets;

/// <summary>
/// Follows coupons' status changes with their budgets, in the transaction that stores the coupons: a lock reserves the
/// discount it takes on every budget of the coupon's template (its own, its campaign's), a consume spends the reservation,
/// a release or a lapsed hold frees it, a refund of the coupon restores what is still spent. A reservation is one
/// conditional UPDATE per budget: if any budget cannot cover it, nothing of the step is kept and the lock is refused
/// BUDGET_EXHAUSTED.
/// </summary>
internal sealed class BudgetLedger(
    IBudgetLedgerStore store, ICouponTemplateCatalog catalog, ICouponPricingTerms terms, IOutbox outbox, BudgetReadings readings)
{
    private const string Savepoint = "budget_step";

    /// <summary>
    /// The budget step for the coupons' transitions since they were read, before they are saved. Discounts: what the lock
    /// takes per coupon (a quote's allocation); a coupon without one reserves its template's largest discount. Null: done;
    /// otherwise the refusal, with nothing of this step kept.
    /// </summary>
    public async Task<Refusal?> ApplyAsync(IReadOnlyList<UserCoupon> coupons, IReadOnlyDictionary<UserCouponId, long>? discounts,
        DateTimeOffset now, WriteScope scope, CancellationToken ct)
    {
        var locks = coupons.Where(c => c.Transitions.Any(t => t.Cause == CouponCause.Lock)).ToList();
        var (holds, needed) = await PlanAsync(locks, discounts, ct);
        if (holds.Count == 0)
        {
            await FollowAsync(coupons, now, scope, ct);
            return null;
        }
        // A refused reservation undoes the releases before it as well: the caller may commit its refusal (the saga does).
        await scope.Transaction.SaveAsync(Savepoint, ct);
        await FollowAsync(coupons, now, scope, ct);
        var refusal = await ReserveAsync(holds, needed, now, scope, ct);
        if (refusal is not null) await scope.Transaction.RollbackAsync(Savepoint, ct);
        else await scope.Transaction.ReleaseAsync(Savepoint, ct);
        return refusal;
    }

    /// <summary>Releases, spends and restores (never refused), in the order the coupons moved.</summary>
    private async Task FollowAsync(IReadOnlyList<UserCoupon> coupons, DateTimeOffset now, WriteScope scope, CancellationToken ct)
    {
        foreach (var coupon in coupons)
        {
            foreach (var t in coupon.Transitions)
            {
                if (t.Order is not { } order) continue;
                switch (t.From, t.To)
                {
                    case (Locked, Available) or (Locked, Expired):
                        await MoveAsync(coupon, order, BudgetHoldStates.Reserved, BudgetHoldStates.Released, h => (0, -h.Amount), now, scope, ct);
                        break;
                    case (Locked, Consumed):
                        await MoveAsync(coupon, order, BudgetHoldStates.Reserved, BudgetHoldStates.Spent, h => (h.Amount, -h.Amount), now, scope, ct);
                        await ThresholdsAsync(coupon, now, scope, ct);
                        break;
                    case (Consumed, Available) or (Consumed, Expired):
                        await MoveAsync(
                            coupon, order, BudgetHoldStates.Spent, BudgetHoldStates.Restored, h => (-(h.Amount - h.Restored), 0), now, scope, ct);
                        break;
                }
            }
        }
    }

    private async Task MoveAsync(UserCoupon coupon, OrderId order, string from, string to, Func<BudgetHold, (long Spent, long Reserved)> delta,
        DateTimeOffset now, WriteScope scope, CancellationToken ct)
    {
        foreach (var hold in await store.HoldsAsync(coupon.Id, order, scope, ct))
        {
            if (hold.State != from) continue;
            var (spent, reserved) = delta(hold);
            await store.AdjustAsync(hold.Budget, spent, reserved, now, scope, ct);
            var restored = to == BudgetHoldStates.Restored ? hold.Amount : hold.Restored;
            await store.SetHoldAsync(hold with { State = to, Restored = restored }, now, scope, ct);
        }
    }

    /// <summary>What the locks reserve: a hold per coupon and budget, and the total per budget (in key order).</summary>
    private async Task<(List<BudgetHold> Holds, SortedDictionary<string, (long Amount, long Limit)> Needed)> PlanAsync(
        IReadOnlyList<UserCoupon> locks, IReadOnlyDictionary<UserCouponId, long>? discounts, CancellationToken ct)
    {
        var holds = new List<BudgetHold>();
        var needed = new SortedDictionary<string, (long Amount, long Limit)>(StringComparer.Ordinal);
        var snapshots = new Dictionary<TemplateId, CouponTemplateSnapshot?>();
        foreach (var template in locks.Select(c => c.Template).Distinct()) snapshots[template] = await catalog.FindAsync(template, ct);
        GiftHolds.Plan(locks, snapshots, holds, needed); // a gift stock is a budget in units of the gift
        var budgeted = locks.Where(c => snapshots[c.Template]?.BudgetTerms.Limits.Count > 0).ToList();
        if (budgeted.Count == 0) return (holds, needed);
        var largest = await LargestDiscountsAsync(budgeted.Where(c => discounts?.ContainsKey(c.Id) != true).Select(c => c.Template), ct);

        foreach (var coupon in budgeted)
        {
            var amount = discounts is not null && discounts.TryGetValue(coupon.Id, out var d) ? d : largest.GetValueOrDefault(coupon.Template);
            if (amount <= 0) continue;
            foreach (var limit in snapshots[coupon.Template]!.BudgetTerms.Limits)
            {
                holds.Add(new BudgetHold(coupon.Id, coupon.Order!.Value, limit.Key, amount, BudgetHoldStates.Reserved, 0));
                needed[limit.Key] = (needed.GetValueOrDefault(limit.Key).Amount + amount, limit.Limit);
            }
        }
        return (holds, needed);
    }

    private async Task<Refusal?> ReserveAsync(List<BudgetHold> holds, SortedDictionary<string, (long Amount, long Limit)> needed,
        DateTimeOffset now, WriteScope scope, CancellationToken ct)
    {
        // Budgets in key order, so two locks sharing budgets never wait on each other in opposite orders.
        foreach (var (budget, (amount, limit)) in needed)
        {
            readings.Reserved(budget); // before the reservation: a reading taken meanwhile is not kept
            if (!await store.TryReserveAsync(budget, amount, limit, now, scope, ct))
            {
                if (BudgetKeys.IsGift(budget)) return GiftHolds.OutOfStock(budget, amount);
                return new Refusal(ErrorCodes.BudgetExhausted, $"Budget {budget} cannot cover the {amount} the order's coupons take off.", null,
                    new Dictionary<string, object?> { ["budget"] = budget });
            }
        }
        await store.AddHoldsAsync(holds, now, scope, ct);
        return null;
    }

    /// <summary>The most a coupon of each template can take off (budgeted templates always have a bound: merchant-admin checks it).</summary>
    private async Task<IReadOnlyDictionary<TemplateId, long>> LargestDiscountsAsync(IEnumerable<TemplateId> templates, CancellationToken ct)
    {
        var ids = templates.Distinct().ToList();
        if (ids.Count == 0) return new Dictionary<TemplateId, long>();
        var found = await terms.FindAsync(ids, ct);
        return found.ToDictionary(p => p.Key, p => LargestDiscount(p.Value));
    }

    public static long LargestDiscount(TemplatePricingTerms terms) => terms.LargestDiscount ?? 0;

    private async Task ThresholdsAsync(UserCoupon coupon, DateTimeOffset now, WriteScope scope, CancellationToken ct)
    {
        var template = await catalog.FindAsync(coupon.Template, ct);
        if (template is null) return;
        // A gift stock running low fires the same event under its own key (g:<templateId>).
        var gift = template.Gift is { } g ? new[] { new BudgetLimit(g.Key, g.Stock, false, g.Thresholds) } : [];
        foreach (var limit in template.BudgetTerms.Limits.Concat(gift).Where(l => l.Thresholds.Count > 0 && l.Limit > 0))
        {
            var (spent, reached) = await store.ThresholdStateAsync(limit.Key, scope, ct);
            var crossed = limit.Thresholds.Where(p => p > reached && spent * 100 >= (long)p * limit.Limit).Order().ToList();
            if (crossed.Count == 0 || !await store.TryRaiseThresholdAsync(limit.Key, reached, crossed[^1], scope, ct)) continue;
            var campaign = limit.Key.StartsWith("c:", StringComparison.Ordinal) ? template.BudgetTerms.CampaignId : null;
            await outbox.AddAsync(crossed.Select(p => OutgoingEvent.Now(
                new BudgetThresholdReached(limit.Key, campaign, campaign is null ? coupon.Template.Value : null, coupon.Merchant.Value, p,
                    limit.Limit, spent, now), now, limit.Key, coupon.Merchant.Value)).ToList(), scope, ct);
        }
    }
}
