using System.Globalization;
using System.Text.Json;
using PromotionEngine.Contracts.Engine;
using PromotionEngine.Contracts.Events.Settlement.V1;
using PromotionEngine.Kernel;
using PromotionEngine.Kernel.Messaging;
using PromotionEngine.Kernel.Persistence;
using PromotionEngine.Settlement.Quotes;

namespace PromotionEngine.Settlement.Orders;

/// <summary>Who asked for a step: an order event (its type and id) or an HTTP call.</summary>
internal sealed record StepCause(string Source, string? Type = null, Guid? EventId = null)
{
    public static readonly StepCause Http = new(StepSources.Http);
}

/// <summary>
/// The steps of an order's settlement, shared by the saga (order events), the HTTP order verbs (through the ledger) and
/// the refund endpoint: each changes the coupons through the engine's checkout port in the caller's transaction (unless
/// the verb already did), updates the record and notes the step. A step refused for an order event is reported with an
/// order-settlement-refused event; over HTTP the caller gets the refusal. What the steps do to coupons they do as the
/// order saga (<see cref="CheckoutCaller.OrderEvents"/>): the HTTP refund endpoint has checked the record's owner already.
/// </summary>
internal sealed class OrderSteps(ICouponCheckout checkout, IQuotes quotes, IOutbox outbox, ICouponBudgets budgets)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>The allocation a quote pinned, or null for no quote (or one purged since).</summary>
    public async Task<PinnedQuote?> PricedAsync(string? quoteId, CancellationToken ct) =>
        quoteId is not null && await quotes.FindAsync(quoteId, ct) is { } quote
            ? JsonSerializer.Deserialize<PinnedQuote>(quote.PinnedJson, Json)
            : null;

    /// <summary>Holds the coupons (through the engine), or records why not.</summary>
    /// <param name="discounts">What each coupon takes off by the quote, reserved of its budgets (<see cref="QuotePin.Discounts"/>).</param>
    public async Task LockAsync(OrderRecord record, IReadOnlyList<UserCouponId> coupons, TimeSpan ttl, string? quoteId, StepCause cause,
        WriteScope scope, DateTimeOffset now, CancellationToken ct, IReadOnlyDictionary<UserCouponId, long>? discounts = null)
    {
        var order = new OrderId(record.OrderId);
        var result = await checkout.LockAsync(
            CheckoutCaller.OrderEvents, order, new UserId(record.UserId), coupons, ttl, quoteId, scope, ct, discounts);
        if (result.Refusal is { } refused)
        {
            // As over HTTP: a quote whose coupons can no longer be held "no longer holds".
            var code = quoteId is not null && refused.Code is "ILLEGAL_TRANSITION" or "COUPON_NOT_FOUND" ? "QUOTE_NO_LONGER_HOLDS" : refused.Code;
            await RefuseAsync(record, StepNames.Lock, OrderStates.LockRefused, code, refused.Message + Reasons(result), cause, scope, now, ct);
            return;
        }
        Locked(record, result.Coupons, quoteId, await PricedAsync(quoteId, ct), cause, now, result.Repeated);
    }

    /// <summary>The engine held the coupons: the record says so.</summary>
    public static void Locked(OrderRecord record, IReadOnlyList<CheckedCoupon> coupons, string? quoteId, PinnedQuote? priced, StepCause cause,
        DateTimeOffset now, bool repeated = false)
    {
        var until = coupons.Select(c => c.LockedUntil).Where(u => u is not null).Min();
        record.Locked(coupons[0].User.Value, coupons.Select(c => c.Id.Value).ToList(), until, quoteId, priced);
        record.Note(StepNames.Lock, cause.Source, StepOutcomes.Done, null,
            $"{coupons.Count} coupon(s) held until {until:O}{(repeated ? " (the engine had held them already)" : "")}" +
            (record.LockedDiscount is { } d ? $"; discount {Amount(d)}." : "."), now, cause.Type, cause.EventId);
    }

    /// <summary>The order was paid: spend its coupons, or say why they cannot be, or wait for the order.</summary>
    public async Task PaidAsync(OrderRecord record, StepCause cause, WriteScope scope, DateTimeOffset now, CancellationToken ct)
    {
        switch (record.State)
        {
            case OrderStates.AwaitingOrder:
                record.PaymentPending = true;
                record.Note(
                    StepNames.Consume, cause.Source, StepOutcomes.Pending, null,
                    "Paid before the order was seen: its coupons are spent once they are held.", now, cause.Type, cause.EventId);
                return;
            case OrderStates.Locked:
                var result = await checkout.ConsumeAsync(CheckoutCaller.OrderEvents, new OrderId(record.OrderId), scope, ct);
                if (result.Refusal is { } refused)
                {
                    var code = result.RefusedCoupons.Count > 0 ? result.RefusedCoupons[0].Reason : refused.Code;
                    await RefuseAsync(record, StepNames.Consume, OrderStates.ConsumeRefused, code,
                        $"Paid, but the coupons were not spent: {refused.Message}{Reasons(result)}", cause, scope, now, ct);
                    return;
                }
                await ConsumedAsync(record, cause, scope, now, ct);
                foreach (var pending in record.TakePendingRefunds())
                    await RefundAsync(record, pending.RefundId, pending.Lines, pending.ShopRefunded, cause, restore: true, scope, now, ct);
                return;
            case OrderStates.Released:
                await RefuseAsync(record, StepNames.Consume, OrderStates.ConsumeRefused, "ORDER_RELEASED",
                    $"Paid after the order's coupons were released ({record.ClosedBy ?? "released"}): they were not spent.", cause, scope, now, ct);
                return;
            case OrderStates.LockRefused:
                await RefuseAsync(record, StepNames.Consume, OrderStates.ConsumeRefused, "ORDER_NOT_LOCKED",
                    $"Paid, but the order's coupons were never held ({record.Code}): they were not spent.", cause, scope, now, ct);
                return;
            default:
                record.Note(
                    StepNames.Consume, cause.Source, StepOutcomes.Ignored, null,
                    $"Nothing to spend: the order is {record.State}.", now, cause.Type, cause.EventId);
                return;
        }
    }

    /// <summary>
    /// The engine spent the coupons: the record says so, and with a pinned allocation order-discount-consumed tells what they
    /// took off, once per order (the first consume of the record: its consumed discount is set from then on).
    /// </summary>
    public async Task ConsumedAsync(OrderRecord record, StepCause cause, WriteScope scope, DateTimeOffset now, CancellationToken ct)
    {
        var first = record.ConsumedDiscount is null;
        var settling = record.State != OrderStates.Consumed;
        record.Consumed();
        record.Note(StepNames.Consume, cause.Source, StepOutcomes.Done, null,
            $"{record.CouponIds.Count} coupon(s) spent" + (record.ConsumedDiscount is { } d ? $"; discount {Amount(d)}." : "."),
            now, cause.Type, cause.EventId);
        if (first && record.Priced is { } priced)
            await outbox.AddAsync(OutgoingEvent.Now(DiscountConsumed(record, priced, now), now, record.OrderId), scope, ct);
        // ---- order-settled (docs/audiences.md): every order whose coupons are spent, quoted or not; the engine's audience rules
        // count it for the merchants of its coupons.
        if (settling)
            await outbox.AddAsync(OutgoingEvent.Now(new OrderSettled(record.OrderId, record.UserId, [.. record.CouponIds], now), now, record.OrderId),
                scope, ct);
    }

    /// <summary>The allocation pinned at the lock, as spent: list total, shipping, discount per coupon and line, what was paid.</summary>
    public static OrderDiscountConsumed DiscountConsumed(OrderRecord record, PinnedQuote priced, DateTimeOffset now)
    {
        var lines = priced.Lines.ToDictionary(l => l.Line);
        var goods = priced.Lines.Sum(l => l.UnitPrice * l.Quantity);
        var discount = priced.Coupons.Sum(c => c.Discount);
        var coupons = priced.Coupons.Select(c => new SettledCouponDiscount(c.CouponId, c.TemplateId, c.Discount,
            c.Lines.Select((line, j) => new SettledLineShare(line, lines[line].Sku, lines[line].UnitPrice, lines[line].Quantity, c.Shares[j]))
                .ToList(), c.Shipping)).ToList();
        return new OrderDiscountConsumed(record.OrderId, record.UserId, priced.Currency, goods, priced.ShippingFee, discount,
            goods + priced.ShippingFee - discount, coupons, now, priced.Coupons.Sum(c => c.Shipping),
            priced.Coupons.Where(c => c.Gift is not null).Select(c => new SettledGift(c.CouponId, c.TemplateId, c.Gift!.Sku, c.Gift.Quantity))
                .ToList());
    }

    /// <summary>Payment failed or the order was cancelled: give the coupons back, or wait for the order so it is never held.</summary>
    public async Task ClosedAsync(OrderRecord record, string why, StepCause cause, WriteScope scope, DateTimeOffset now, CancellationToken ct)
    {
        switch (record.State)
        {
            case OrderStates.AwaitingOrder:
                record.ClosedBy = why;
                record.Note(StepNames.Release, cause.Source, StepOutcomes.Pending, null, $"{why} before the order was seen: it will hold nothing.",
                    now, cause.Type, cause.EventId);
                return;
            case OrderStates.Locked:
                var lapsed = record.StateAt(now) == OrderStates.Expired;
                var result = await checkout.ReleaseAsync(CheckoutCaller.OrderEvents, new OrderId(record.OrderId), scope, ct);
                if (result.Refusal is { } refused)
                {
                    await RefuseAsync(record, StepNames.Release, null, refused.Code, refused.Message + Reasons(result), cause, scope, now, ct);
                    return;
                }
                record.ClosedBy = why;
                Released(record, cause, now, lapsed ? " (the hold had lapsed: they were back already)" : "");
                return;
            case OrderStates.Consumed:
                await RefuseAsync(record, StepNames.Release, null, "ORDER_ALREADY_PAID",
                    $"{why} after the order was paid: its coupons stay spent; a refund restores them.", cause, scope, now, ct);
                return;
            default:
                record.Note(
                    StepNames.Release, cause.Source, StepOutcomes.Ignored, null,
                    $"Nothing held: the order is {record.State}.", now, cause.Type, cause.EventId);
                return;
        }
    }

    /// <summary>The engine gave the coupons back: the record says so.</summary>
    public static void Released(OrderRecord record, StepCause cause, DateTimeOffset now, string note = "")
    {
        record.Released();
        record.Note(
            StepNames.Release, cause.Source, StepOutcomes.Done, null,
            $"{record.CouponIds.Count} coupon(s) back in the wallet{note}.", now, cause.Type, cause.EventId);
    }

    /// <summary>
    /// Settles a refund of a consumed order by the pinned allocation (<see cref="RefundPolicy"/>); the whole order refunded
    /// restores its coupons, through the engine unless <paramref name="restore"/> is false (the engine's own refund verb did).
    /// A refusal (unknown sku, more units than are left, nothing left, the engine refusing) changes nothing and is returned.
    /// </summary>
    public async Task<Refusal?> RefundAsync(
        OrderRecord record, string refundId, IReadOnlyList<SkuQuantity>? lines, long shopRefunded,
        StepCause cause, bool restore, WriteScope scope, DateTimeOffset now, CancellationToken ct)
    {
        if (record.State == OrderStates.Refunded)
            return await RefuseRefundAsync(record, RefundUnits.NothingToRefund, "The whole order is refunded already.", cause, scope, now, ct);
        RefundFigures? figures = null;
        IReadOnlyList<CouponRefund>? coupons = null;
        IReadOnlyList<GiftReturn> gifts = [];
        IReadOnlyList<int>? after = null;
        var whole = lines is null;
        if (record.Priced is { } priced)
        {
            (after, var code, var message) = RefundUnits.After(priced, record.RefundedUnits, lines);
            if (after is null) return await RefuseRefundAsync(record, code!, message!, cause, scope, now, ct);
            figures = RefundPolicy.Assess(priced, after, record.Refund?.PaidOut ?? 0);
            coupons = RefundPolicy.ThisRefund(priced, record.RefundedUnits, after);
            gifts = GiftRefunds.ThisRefund(priced, record.RefundedUnits, after);
            whole = figures.Whole;
        }
        if (whole && restore)
        {
            var result = await checkout.RefundAsync(CheckoutCaller.OrderEvents, new OrderId(record.OrderId), scope, ct);
            if (result.Refusal is { } refused)
                return await RefuseRefundAsync(record, refused.Code, refused.Message + Reasons(result), cause, scope, now, ct);
        }
        // The discount this refund gave back (what left with the units, and the claw-back) returns to the coupons' budgets; a whole
        // refund's engine step restored whatever was still spent already.
        if (coupons is not null)
        {
            await budgets.RestoreAsync(new OrderId(record.OrderId),
                coupons.Select(c => new BudgetRestore(new UserCouponId(c.CouponId), c.Returned + c.ClawedBack,
                    gifts.FirstOrDefault(g => g.CouponId == c.CouponId)?.Quantity ?? 0)).ToList(), scope, ct);
        }
        if (after is not null) record.RefundedUnits = after.ToList();
        record.Refunded(new RefundEntry(refundId, lines, shopRefunded, false, figures, whole, now));
        record.Note(StepNames.Refund, cause.Source, StepOutcomes.Done, null, Describe(refundId, figures, whole), now, cause.Type, cause.EventId);
        await outbox.AddAsync(OutgoingEvent.Now(
            new OrderRefundSettled(record.OrderId, record.UserId, refundId, record.Currency ?? "", figures?.RefundedGoods,
                figures?.RefundedShipping, figures?.Clawback, figures?.Payout, figures?.Outstanding, shopRefunded, whole, now,
                coupons?.Select(c => new RefundedCouponDiscount(c.CouponId, c.TemplateId, c.Returned, c.ClawedBack)).ToList(),
                gifts.Select(g => new ReturnedGift(g.CouponId, g.TemplateId, g.Sku, g.Quantity)).ToList()),
            now, record.OrderId), scope, ct);
        return null;
    }

    private async Task<Refusal> RefuseRefundAsync(
        OrderRecord record, string code, string message, StepCause cause, WriteScope scope, DateTimeOffset now, CancellationToken ct)
    {
        if (cause.Source == StepSources.Event) await RefuseAsync(record, StepNames.Refund, null, code, message, cause, scope, now, ct);
        return new Refusal(ErrorCodes.Named(code), message, "lines");
    }

    /// <summary>Notes a refused step (and the state it leaves, if it changes one) and reports it with order-settlement-refused.</summary>
    public async Task RefuseAsync(OrderRecord record, string step, string? state, string code, string message, StepCause cause,
        WriteScope scope, DateTimeOffset now, CancellationToken ct)
    {
        if (state is not null) record.Refused(state, code);
        record.Note(step, cause.Source, StepOutcomes.Refused, code, message, now, cause.Type, cause.EventId);
        if (cause.EventId is { } id)
        {
            await outbox.AddAsync(OutgoingEvent.Now(
                new OrderSettlementRefused(record.OrderId, record.UserId, step, code, message, cause.Type!, id, now),
                now, record.OrderId), scope, ct);
        }
    }

    private static string Describe(string refundId, RefundFigures? f, bool whole) =>
        (f is null
            ? $"Refund {refundId}: no allocation pinned (locked without a quote), amounts unknown."
            : $"Refund {refundId}: goods {Amount(f.RefundedGoods)}, shipping {Amount(f.RefundedShipping)}, claw-back {Amount(f.Clawback)}, " +
              $"payout {Amount(f.Payout)}, outstanding {Amount(f.Outstanding)} (totals so far).")
        + (whole ? " The whole order is refunded: its coupons are restored." : " Coupons stay spent until the whole order is refunded.");

    private static string Amount(long minor) => minor.ToString(CultureInfo.InvariantCulture);

    private static string Reasons(CheckoutResult result) =>
        string.Concat(result.RefusedCoupons.Select(c => $" Coupon {c.Id}: {c.Status}, {c.Reason}."));
}
