using System.Text.Json.Serialization;
using PromotionEngine.Settlement.Quotes;

namespace PromotionEngine.Settlement.Orders;

/// <summary>Where an order stands with its coupons (the settlement record's <c>state</c>).</summary>
internal static class OrderStates
{
    /// <summary>Order events came before OrderCreated (a payment, a cancellation, a refund): kept until it comes.</summary>
    public const string AwaitingOrder = "AWAITING_ORDER";
    /// <summary>The order uses no coupon: nothing to hold, spend or restore.</summary>
    public const string NoCoupons = "NO_COUPONS";
    public const string Locked = "LOCKED";
    /// <summary>Shown, never stored: LOCKED past its hold, so the coupons are back in the wallet (the payment timeout).</summary>
    public const string Expired = "EXPIRED";
    /// <summary>The coupons could not be held (taken by another order, spent, ended, the quote no longer holds).</summary>
    public const string LockRefused = "LOCK_REFUSED";
    public const string Consumed = "CONSUMED";
    /// <summary>The order was paid but its coupons could not be spent (hold lapsed, released, never locked): the order system must act.</summary>
    public const string ConsumeRefused = "CONSUME_REFUSED";
    public const string Released = "RELEASED";
    /// <summary>The whole order is refunded and its coupons restored.</summary>
    public const string Refunded = "REFUNDED";
}

/// <summary>Names of the steps in a record's history.</summary>
internal static class StepNames
{
    public const string Lock = "LOCK";
    public const string Consume = "CONSUME";
    public const string Release = "RELEASE";
    public const string Refund = "REFUND";
}

internal static class StepOutcomes
{
    public const string Done = "DONE";
    /// <summary>Nothing changed and nothing needed to: a repeat, or an event that no longer applies.</summary>
    public const string Ignored = "IGNORED";
    /// <summary>Could not be carried out; nothing changed; reported (order-settlement-refused).</summary>
    public const string Refused = "REFUSED";
    /// <summary>Kept until the event it depends on arrives (a payment before the order, a refund before the payment).</summary>
    public const string Pending = "PENDING";
}

internal static class StepSources
{
    /// <summary>An order event, through the saga.</summary>
    public const string Event = "EVENT";
    /// <summary>An HTTP call: the engine's order verbs, or the settlement's refund endpoint.</summary>
    public const string Http = "HTTP";
}

/// <summary>One entry of a record's history; Cause is the order event that asked for it (EVENT steps).</summary>
internal sealed record OrderStepEntry(int Seq, DateTimeOffset At, string Step, string Source, string Outcome, string? Code, string Detail,
    string? CauseType, Guid? CauseEventId);

/// <summary>A unit count by sku, as refunds name them.</summary>
internal sealed record SkuQuantity(string Sku, int Quantity);

/// <summary>
/// One refund of the order: the units (null: all that were left), what the shop says it paid back, and what the settlement
/// assessed (null while pending, or when the order has no pinned allocation).
/// </summary>
internal sealed record RefundEntry(string RefundId, IReadOnlyList<SkuQuantity>? Lines, long ShopRefunded, bool Pending, RefundFigures? Figures,
    bool CouponsRestored, DateTimeOffset At);

/// <summary>
/// The settlement record of one order: its coupons, what was quoted, held, spent, given back, restored and refunded, and
/// every step that brought it there. Plain data with the transitions as methods; the saga and the ledger decide when.
/// Discount amounts are known when the order was locked with a quote (the pinned allocation); otherwise they are null.
/// </summary>
internal sealed class OrderRecord
{
    private readonly List<OrderStepEntry> _newSteps = [];

    public required string OrderId { get; init; }
    /// <summary>
    /// The service identity the order belongs to: the one whose HTTP verb made the record, or the order events' service for the
    /// saga's. Only it (and its trusted group) reads the record or refunds through it; null on records from before: anyone.
    /// </summary>
    public string? Owner { get; set; }
    public long UserId { get; set; }
    public string State { get; set; } = OrderStates.AwaitingOrder;
    /// <summary>The code of the last refusal, while the state is one it caused.</summary>
    public string? Code { get; set; }
    public string? Currency { get; set; }
    public string? QuoteId { get; set; }
    public List<long> CouponIds { get; set; } = [];
    public DateTimeOffset? LockedUntil { get; set; }
    /// <summary>The quote's cart and allocation, copied at the lock (quotes are short-lived; refunds come weeks later).</summary>
    public PinnedQuote? Priced { get; set; }
    public long? LockedDiscount { get; set; }
    public long? ConsumedDiscount { get; set; }
    public long? ReleasedDiscount { get; set; }
    public long? RestoredDiscount { get; set; }
    public long? Paid { get; set; }
    public string? PaymentId { get; set; }
    /// <summary>A payment succeeded before the order was known: consume as soon as it is locked.</summary>
    public bool PaymentPending { get; set; }
    /// <summary>The order was cancelled or its payment failed before it was known (the event type): never lock it.</summary>
    public string? ClosedBy { get; set; }
    /// <summary>Units refunded so far per line of <see cref="Priced"/>.</summary>
    public List<int> RefundedUnits { get; set; } = [];
    public RefundFigures? Refund { get; set; }
    public List<RefundEntry> Refunds { get; set; } = [];
    public long ShopRefunded { get; set; }
    public int Steps { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }

    /// <summary>The stored version (0: not stored yet); the store saves only over the version it read.</summary>
    [JsonIgnore]
    public int Version { get; set; }

    /// <summary>Steps added since the record was read, oldest first.</summary>
    [JsonIgnore]
    public IReadOnlyList<OrderStepEntry> NewSteps => _newSteps;

    public static OrderRecord New(string orderId, long userId, string owner, DateTimeOffset now) =>
        new() { OrderId = orderId, Owner = owner, UserId = userId, CreatedAt = now, UpdatedAt = now };

    /// <summary>The state as of <paramref name="now"/>: a hold that lapsed unpaid is EXPIRED (its coupons are back), stored or not.</summary>
    public string StateAt(DateTimeOffset now)
        => State == OrderStates.Locked && LockedUntil is { } until && now >= until ? OrderStates.Expired : State;

    public void Note(
        string step, string source, string outcome, string? code, string detail,
        DateTimeOffset now, string? causeType = null, Guid? causeEventId = null)
    {
        Steps++;
        UpdatedAt = now;
        _newSteps.Add(new OrderStepEntry(Steps, now, step, source, outcome, code, detail, causeType, causeEventId));
    }

    /// <summary>The coupons are held until the earliest hold among them ends (a coupon's hold never outlives the coupon).</summary>
    public void Locked(long userId, IReadOnlyList<long> coupons, DateTimeOffset? lockedUntil, string? quoteId, PinnedQuote? priced)
    {
        (UserId, State, Code, CouponIds, LockedUntil, QuoteId) = (userId, OrderStates.Locked, null, coupons.ToList(), lockedUntil, quoteId);
        if (priced is not null) Price(priced);
        LockedDiscount = Priced?.Coupons.Sum(c => c.Discount);
    }

    /// <summary>The order's allocation is known (a quote), with or without coupons to hold.</summary>
    public void Price(PinnedQuote priced)
    {
        Priced = priced;
        Currency ??= priced.Currency;
        RefundedUnits = priced.Lines.Select(_ => 0).ToList();
    }

    public void NoCoupons() => (State, Code) = (OrderStates.NoCoupons, null);

    public void Consumed() => (State, Code, ConsumedDiscount, PaymentPending) = (OrderStates.Consumed, null, LockedDiscount, false);

    public void Released() => (State, Code, ReleasedDiscount) = (OrderStates.Released, null, LockedDiscount);

    public void Refused(string state, string code) => (State, Code) = (state, code);

    /// <summary>A refund that came before the payment: kept, settled after the consume.</summary>
    public void Park(RefundEntry refund) => Refunds.Add(refund with { Pending = true });

    public void Refunded(RefundEntry refund)
    {
        Refunds.Add(refund);
        ShopRefunded += refund.ShopRefunded;
        if (refund.Figures is { } figures) Refund = figures;
        if (refund.CouponsRestored) (State, Code, RestoredDiscount) = (OrderStates.Refunded, null, ConsumedDiscount);
    }

    /// <summary>Refunds that came before the payment, in the order they came; they are settled after the consume.</summary>
    public List<RefundEntry> TakePendingRefunds()
    {
        var pending = Refunds.Where(r => r.Pending).ToList();
        Refunds.RemoveAll(r => r.Pending);
        return pending;
    }

    /// <summary>The store wrote the new steps.</summary>
    public void ClearNewSteps() => _newSteps.Clear();
}
