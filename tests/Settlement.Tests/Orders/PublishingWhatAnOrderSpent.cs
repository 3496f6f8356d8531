using PromotionEngine.Contracts.Engine;
using PromotionEngine.Contracts.Events.Settlement.V1;
using PromotionEngine.Kernel;
using PromotionEngine.Kernel.Messaging;
using PromotionEngine.Kernel.Persistence;
using PromotionEngine.Settlement.Orders;
using PromotionEngine.Settlement.Quotes;

namespace PromotionEngine.Settlement.Tests.Orders;

/// <summary>
/// The money side the settlement publishes for clearing: order-discount-consumed once per order when its coupons are spent,
/// and what each refund took back of each coupon's discount on order-refund-settled.
/// </summary>
public class PublishingWhatAnOrderSpent
{
    private static readonly DateTimeOffset Now = new(2026, 12, 2, 10, 41, 0, TimeSpan.Zero);
    private static readonly StepCause Payment = new(StepSources.Event, "payment-succeeded", Guid.NewGuid());

    // The fakes never touch the transaction: the outbox keeps the events in memory, the checkout answers "done".
    private static readonly WriteScope Scope = new(null!, null!);

    private readonly RecordingOutbox _outbox = new();
    private readonly OrderSteps _steps;

    public PublishingWhatAnOrderSpent() => _steps = new OrderSteps(new AgreeingCheckout(), new NoQuotes(), _outbox, new NoBudgets());

    /// <summary>
    /// Shoes 2 × 90.00 (line 1) and socks 20.00 (line 2), shipping 6.00: "20.00 off from 200.00" (coupon 41 of template 7) split
    /// 18.00 / 2.00, and "3.00 off" the socks (coupon 42 of template 8). Payable 183.00.
    /// </summary>
    private static readonly PinnedQuote TwoCoupons = new(1001, "CNY", 600,
        [new PinnedLine(1, "shoe", 9000, 2, 1800), new PinnedLine(2, "sock", 2000, 1, 500)],
        [new PinnedCoupon(41, 7, 2000, 20_000, [1, 2], [1800, 200]), new PinnedCoupon(42, 8, 300, null, [2], [300])]);

    private static OrderRecord Locked(PinnedQuote? priced)
    {
        var record = OrderRecord.New("order-1", 1001, "shop", Now.AddMinutes(-5));
        record.Locked(1001, [41, 42], Now.AddMinutes(10), priced is null ? null : "q-1", priced);
        return record;
    }

    private IReadOnlyList<T> Published<T>() where T : IIntegrationEvent =>
        _outbox.Events.Where(e => e.Envelope.Type == T.Type).Select(e => e.Envelope.PayloadAs<T>()).ToList();

    [Fact]
    public async Task A_paid_order_publishes_what_its_coupons_took_off_each_line()
    {
        var record = Locked(TwoCoupons);

        await _steps.PaidAsync(record, Payment, Scope, Now, CancellationToken.None);

        var spent = Assert.Single(Published<OrderDiscountConsumed>());
        Assert.Equal(("order-1", 1001L, "CNY"), (spent.OrderId, spent.UserId, spent.Currency));
        Assert.Equal((20_000L, 600L, 2300L, 18_300L), (spent.GoodsAmount, spent.ShippingFee, spent.Discount, spent.Paid));
        Assert.Equal(Now, spent.ConsumedAt);
        Assert.Equal([(41L, 7L, 2000L), (42L, 8L, 300L)], spent.Coupons.Select(c => (c.UserCouponId, c.TemplateId, c.Discount)));
        Assert.Equal([new SettledLineShare(1, "shoe", 9000, 2, 1800), new SettledLineShare(2, "sock", 2000, 1, 200)], spent.Coupons[0].Lines);
        Assert.Equal([new SettledLineShare(2, "sock", 2000, 1, 300)], spent.Coupons[1].Lines);
        Assert.All(_outbox.Events, e => Assert.Equal("order-1", e.Envelope.AggregateId)); // partitioned by order, as the other settlement events
    }

    /// <summary>
    /// Shoes 2 × 90.00, shipping 6.00: "20.00 off from 200.00" (coupon 41) on the shoes and a FREE_SHIPPING coupon (43 of template 9)
    /// that takes the 6.00 fee off (its line shares 0). The shipping discount is a member of its own, beside the whole discount.
    /// </summary>
    [Fact]
    public async Task A_paid_order_says_how_much_of_its_discount_was_on_shipping()
    {
        var record = Locked(new PinnedQuote(1001, "CNY", 600,
            [new PinnedLine(1, "shoe", 9000, 2, 2000)],
            [new PinnedCoupon(41, 7, 2000, 18_000, [1], [2000]), new PinnedCoupon(43, 9, 600, null, [1], [0], Shipping: 600)]));

        await _steps.PaidAsync(record, Payment, Scope, Now, CancellationToken.None);

        var spent = Assert.Single(Published<OrderDiscountConsumed>());
        Assert.Equal((18_000L, 600L, 2600L, 16_000L), (spent.GoodsAmount, spent.ShippingFee, spent.Discount, spent.Paid));
        Assert.Equal(600, spent.ShippingDiscount);
        Assert.Equal([(41L, 0L), (43L, 600L)], spent.Coupons.Select(c => (c.UserCouponId, c.ShippingDiscount)));
    }

    [Fact]
    public async Task An_order_without_a_shipping_coupon_has_no_shipping_discount()
    {
        await _steps.PaidAsync(Locked(TwoCoupons), Payment, Scope, Now, CancellationToken.None);

        var spent = Assert.Single(Published<OrderDiscountConsumed>());
        Assert.Equal(0, spent.ShippingDiscount);
        Assert.All(spent.Coupons, c => Assert.Equal(0, c.ShippingDiscount));
    }

    [Fact]
    public async Task An_order_consumed_again_publishes_nothing_more()
    {
        var record = Locked(TwoCoupons);
        await _steps.PaidAsync(record, Payment, Scope, Now, CancellationToken.None);

        // e.g. the HTTP verb after the saga
        await _steps.ConsumedAsync(record, StepCause.Http, Scope, Now.AddSeconds(1), CancellationToken.None);

        Assert.Single(Published<OrderDiscountConsumed>());
    }

    [Fact]
    public async Task An_order_locked_without_a_quote_has_no_allocation_to_publish()
    {
        var record = Locked(null);

        await _steps.PaidAsync(record, Payment, Scope, Now, CancellationToken.None);

        Assert.Equal(OrderStates.Consumed, record.State);
        Assert.Empty(Published<OrderDiscountConsumed>());
    }

    [Fact]
    public async Task Every_paid_order_publishes_order_settled_once_with_its_coupons_quoted_or_not()
    {
        var quoted = Locked(TwoCoupons);
        var unquoted = Locked(null);

        await _steps.PaidAsync(quoted, Payment, Scope, Now, CancellationToken.None);
        await _steps.PaidAsync(unquoted, Payment, Scope, Now, CancellationToken.None);
        await _steps.ConsumedAsync(unquoted, StepCause.Http, Scope, Now.AddSeconds(1), CancellationToken.None); // the HTTP verb after the saga

        var settled = Published<OrderSettled>();
        Assert.Equal(2, settled.Count);
        Assert.All(settled, e => Assert.Equal(("order-1", 1001L, Now), (e.OrderId, e.UserId, e.SettledAt)));
        Assert.All(settled, e => Assert.Equal([41L, 42L], e.UserCouponIds));
    }

    [Fact]
    public async Task Each_refund_says_what_it_took_back_of_each_coupon()
    {
        var record = Locked(TwoCoupons);
        await _steps.PaidAsync(record, Payment, Scope, Now, CancellationToken.None);

        // One pair of shoes: 9.00 of the 20.00 coupon leaves with it; the 110.00 kept is below 200.00, so its 11.00 on the kept
        // units is clawed back. The socks' coupon keeps its 3.00.
        await _steps.RefundAsync(
            record, "r-1", [new SkuQuantity("shoe", 1)], 7000, StepCause.Http, restore: true, Scope, Now, CancellationToken.None);
        await _steps.RefundAsync(record, "r-2", null, 11_300, StepCause.Http, restore: true, Scope, Now, CancellationToken.None);

        var refunds = Published<OrderRefundSettled>();
        Assert.Equal(2, refunds.Count);
        Assert.Equal([new RefundedCouponDiscount(41, 7, 900, 1100), new RefundedCouponDiscount(42, 8, 0, 0)], refunds[0].Coupons!);
        Assert.Equal([new RefundedCouponDiscount(41, 7, 0, 0), new RefundedCouponDiscount(42, 8, 300, 0)], refunds[1].Coupons!);
        Assert.Equal((1100L, 0L), (refunds[0].Clawback!.Value, refunds[1].Clawback!.Value));
    }

    [Fact]
    public async Task A_refund_of_an_order_without_an_allocation_has_no_coupon_amounts()
    {
        var record = Locked(null);
        await _steps.PaidAsync(record, Payment, Scope, Now, CancellationToken.None);

        await _steps.RefundAsync(record, "r-1", null, 0, StepCause.Http, restore: true, Scope, Now, CancellationToken.None);

        Assert.Null(Assert.Single(Published<OrderRefundSettled>()).Coupons);
    }

    private sealed class RecordingOutbox : IOutbox
    {
        public List<OutgoingEvent> Events { get; } = [];

        public Task AddAsync(IReadOnlyList<OutgoingEvent> events, WriteScope scope, CancellationToken ct)
        {
            Events.AddRange(events);
            return Task.CompletedTask;
        }

        public Task<bool> CancelAsync(string scheduleKey, WriteScope scope, CancellationToken ct) => Task.FromResult(false);
    }

    /// <summary>Does every verb asked: the order's two coupons, in the state the verb leaves them.</summary>
    private sealed class AgreeingCheckout : ICouponCheckout
    {
        public CheckoutLimits Limits => new(10, 900);

        private static Task<CheckoutResult> Done(string status) => Task.FromResult(new CheckoutResult(
            [
                new CheckedCoupon(new UserCouponId(41), new UserId(1001), status, null),
                new CheckedCoupon(new UserCouponId(42), new UserId(1001), status, null),
            ],
            null, false, [], null));

        public Task<CheckoutResult> LockAsync(CheckoutCaller caller, OrderId order, UserId user, IReadOnlyList<UserCouponId> coupons, TimeSpan ttl,
            string? quoteId, WriteScope scope, CancellationToken ct, IReadOnlyDictionary<UserCouponId, long>? discounts = null) => Done("LOCKED");

        public Task<CheckoutResult> ConsumeAsync(CheckoutCaller caller, OrderId order, WriteScope scope, CancellationToken ct) => Done("CONSUMED");

        public Task<CheckoutResult> ReleaseAsync(CheckoutCaller caller, OrderId order, WriteScope scope, CancellationToken ct) => Done("AVAILABLE");

        public Task<CheckoutResult> RefundAsync(CheckoutCaller caller, OrderId order, WriteScope scope, CancellationToken ct) => Done("AVAILABLE");
    }

    private sealed class NoQuotes : IQuotes
    {
        public Task<StoredQuote?> FindLiveAsync(UserId user, string inputHash, DateTimeOffset now, CancellationToken ct) =>
            Task.FromResult<StoredQuote?>(null);

        public Task<StoredQuote?> FindAsync(string id, CancellationToken ct) => Task.FromResult<StoredQuote?>(null);

        public Task<StoredQuote> AddAsync(StoredQuote quote, CancellationToken ct) => throw new NotSupportedException("Pricing is not under test.");
    }

    /// <summary>No coupon of these orders draws on a money budget.</summary>
    private sealed class NoBudgets : ICouponBudgets
    {
        public Task<IReadOnlyDictionary<string, BudgetUsage>> UsageAsync(IReadOnlyCollection<string> budgets, CancellationToken ct) =>
            Task.FromResult<IReadOnlyDictionary<string, BudgetUsage>>(budgets.ToDictionary(b => b, _ => BudgetUsage.None));

        public Task<IReadOnlyDictionary<string, BudgetUsage>> AdvisoryUsageAsync(IReadOnlyList<AdvisoryBudget> budgets, CancellationToken ct) =>
            UsageAsync(budgets.Select(b => b.Key).Distinct().ToList(), ct);

        public Task RestoreAsync(OrderId order, IReadOnlyList<BudgetRestore> restores, WriteScope scope, CancellationToken ct) => Task.CompletedTask;
    }
}
