using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using PromotionEngine.Contracts.Events.Orders.V1;
using PromotionEngine.Contracts.Events.Settlement.V1;
using PromotionEngine.System.Tests.Infrastructure;
using PromotionEngine.System.Tests.Messaging;

namespace PromotionEngine.System.Tests.Settlement;

/// <summary>
/// The order/payment saga end to end, driven by a simulated order and payment service (<see cref="OrderSystem"/>): the
/// happy path, every compensation (payment failed, cancelled, payment timeout), refunds whole and partial, duplicate and
/// out-of-order events, and a payment after the hold lapsed, which is refused and reported, never spending the coupon.
/// </summary>
public abstract class OrderSagaFlows(BackboneApp fixture) : IAsyncLifetime
{
    private readonly EngineApp _app = fixture.App;
    private readonly HttpClient _merchant = fixture.App.AsMerchant(EngineApp.NewId());
    private readonly HttpClient _service = fixture.App.AsService();
    private readonly OrderSystem _orders = OrderSystem.For(fixture.App);

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => _orders.DisposeAsync().AsTask();

    /// <summary>
    /// A user with one "20.00 off from 200.00" coupon and a quote for shoes 150.00 (shop 501) + socks 50.00 (shop 502), shipping
    /// 8.00: the coupon takes 15.00 off the shoes and 5.00 off the socks; payable 188.00.
    /// </summary>
    private async Task<(long User, string Coupon, string QuoteId)> QuotedAsync()
    {
        var now = _app.Clock.GetUtcNow();
        var template = (await _merchant.CreateTemplateAsync(new
        {
            name = "20 off 200", currency = "CNY", scope = "PLATFORM", type = "THRESHOLD", discountAmount = 2000, thresholdAmount = 20_000,
            validFrom = now.AddMinutes(-1), validUntil = now.AddDays(30), stock = 100, perUserLimit = 1,
        })).Id();
        var user = EngineApp.NewId();
        var coupon = await _app.AsUser(user).ClaimedCouponIdAsync(template);
        var quote = await (await _service.PostAsJsonAsync("/api/v1/settlement/quotes", new
        {
            userId = user, currency = "CNY", shippingFee = 800,
            lines = new object[]
            {
                new { sku = "shoe", shopId = 501, unitPrice = 15_000, quantity = 1 },
                new { sku = "sock", shopId = 502, unitPrice = 5000, quantity = 1 },
            },
        })).JsonAsync();
        Assert.Equal((2000L, 18_800L), (quote.GetProperty("totalDiscount").GetInt64(), quote.GetProperty("payable").GetInt64()));
        return (user, coupon, quote.Str("quoteId"));
    }

    private async Task<string> CouponStatusAsync(long user, string coupon) =>
        (await (await _app.AsUser(user).GetAsync($"/api/v1/me/coupons/{coupon}")).JsonAsync()).Str("status");

    private static IEnumerable<(string Step, string Outcome, string? Code)> Steps(JsonElement record) =>
        record.GetProperty("history").EnumerateArray().Select(s => (s.Str("step"), s.Str("outcome"), s.GetProperty("code").GetString()));

    /// <summary>
    /// The recorder's effects of one type for one aggregate, once at least <paramref name="count"/> are there (0: as
    /// they stand now).
    /// </summary>
    private Task<IReadOnlyList<EventRecorder.Effect>> EffectsAsync(string aggregate, string type, int count) =>
        Eventually(async () => (IReadOnlyList<EventRecorder.Effect>)(await EventRecorder.EffectsAsync(fixture.Database))
                .Where(e => e.Envelope.AggregateId == aggregate && e.Envelope.Type == type).ToList(),
            effects => effects.Count >= count, Seconds(30), $"{count} {type} of {aggregate}");

    [Fact]
    public async Task An_order_paid_spends_its_coupons_and_the_record_tells_each_step()
    {
        var (user, coupon, quoteId) = await QuotedAsync();
        var order = Api.NewOrderId();

        await _orders.CreatedAsync(order, user, quoteId);
        var locked = await _orders.RecordAfterAsync(order, 1);
        Assert.Equal(("LOCKED", quoteId), (locked.Str("state"), locked.Str("quoteId")));
        Assert.Equal("LOCKED", await CouponStatusAsync(user, coupon));

        await _orders.PaidAsync(order, 18_800);
        var paid = await _orders.RecordAfterAsync(order, 2);

        Assert.Equal("CONSUMED", paid.Str("state"));
        Assert.Equal("CONSUMED", await CouponStatusAsync(user, coupon));
        Assert.Equal([coupon], paid.GetProperty("couponIds").EnumerateArray().Select(c => c.GetString()));
        var quoted = paid.GetProperty("quoted");
        Assert.Equal((20_000L, 800L, 2000L, 18_800L), (quoted.GetProperty("subtotal").GetInt64(), quoted.GetProperty("shippingFee").GetInt64(),
            quoted.GetProperty("discount").GetInt64(), quoted.GetProperty("payable").GetInt64()));
        var discount = paid.GetProperty("discount");
        Assert.Equal((2000L, 2000L), (discount.GetProperty("locked").GetInt64(), discount.GetProperty("consumed").GetInt64()));
        Assert.Equal(18_800, paid.GetProperty("paid").GetInt64());
        Assert.Equal([("LOCK", "DONE", null), ("CONSUME", "DONE", (string?)null)], Steps(paid));
        Assert.All(paid.GetProperty("history").EnumerateArray(), s => Assert.Equal("EVENT", s.Str("source")));
        Assert.Single(await EffectsAsync(coupon, "coupon-consumed", 1));

        var spent = Assert.Single(await EffectsAsync(order, "order-discount-consumed", 1)).Envelope.PayloadAs<OrderDiscountConsumed>();
        Assert.Equal((user, "CNY", 20_000L, 800L, 2000L, 18_800L),
            (spent.UserId, spent.Currency, spent.GoodsAmount, spent.ShippingFee, spent.Discount, spent.Paid));
        var used = Assert.Single(spent.Coupons);
        Assert.Equal((long.Parse(coupon), 2000L), (used.UserCouponId, used.Discount));
        Assert.Equal([("shoe", 15_000L, 1, 1500L), ("sock", 5000L, 1, 500L)], used.Lines.Select(l => (l.Sku, l.UnitPrice, l.Quantity, l.Share)));
    }

    [Fact]
    public async Task An_order_consumed_over_http_publishes_its_discount_once_whatever_events_follow()
    {
        var (user, coupon, quoteId) = await QuotedAsync();
        var order = Api.NewOrderId();
        Assert.Equal(
            HttpStatusCode.OK,
            (await _service.PostAsJsonAsync($"/api/v1/orders/{order}/coupons/lock", new { quoteId, ttlSeconds = 900 })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await _service.OrderAsync(order, "consume")).StatusCode);

        await _orders.PaidAsync(order, 18_800);                      // the order system says so too: the saga finds it spent
        await _orders.RecordAfterAsync(order, 3);
        await _orders.RefundedAsync(order, "r-1", 18_800);
        // The order's events arrive in order: once the refund's is recorded, any second discount-consumed would be too.
        await EffectsAsync(order, "order-refund-settled", 1);

        var spent = Assert.Single(await EffectsAsync(order, "order-discount-consumed", 1)).Envelope.PayloadAs<OrderDiscountConsumed>();
        Assert.Equal((user, 2000L, 18_800L), (spent.UserId, spent.Discount, spent.Paid));
        Assert.Equal([long.Parse(coupon)], spent.Coupons.Select(c => c.UserCouponId));
    }

    [Fact]
    public async Task A_failed_payment_or_a_cancellation_gives_the_coupons_back()
    {
        foreach (var close in new Func<string, Task<Guid>>[] { _orders.PaymentFailedAsync, _orders.CancelledAsync })
        {
            var (user, coupon, quoteId) = await QuotedAsync();
            var order = Api.NewOrderId();
            await _orders.CreatedAsync(order, user, quoteId);
            await _orders.RecordAfterAsync(order, 1);

            await close(order);
            var record = await _orders.RecordAfterAsync(order, 2);

            Assert.Equal("RELEASED", record.Str("state"));
            Assert.Equal(2000, record.GetProperty("discount").GetProperty("released").GetInt64());
            Assert.Equal("AVAILABLE", await CouponStatusAsync(user, coupon));
            Assert.Single(await EffectsAsync(coupon, "coupon-released", 1));
        }
    }

    [Fact]
    public async Task An_order_never_paid_releases_its_coupons_when_the_hold_lapses_and_a_late_payment_is_refused_and_reported()
    {
        var (user, coupon, quoteId) = await QuotedAsync();
        var order = Api.NewOrderId();
        await _orders.CreatedAsync(order, user, quoteId, ttlSeconds: 60);
        await _orders.RecordAfterAsync(order, 1);

        _app.Clock.Advance(TimeSpan.FromSeconds(61));

        var lapsed = await _orders.RecordAsync(order, r => r.Str("state") == "EXPIRED");
        Assert.Equal(2000, lapsed.GetProperty("discount").GetProperty("released").GetInt64());
        Assert.Equal("AVAILABLE", await CouponStatusAsync(user, coupon));

        var payment = await _orders.PaidAsync(order, 18_800);
        var refused = await _orders.RecordAfterAsync(order, 2);

        Assert.Equal(("CONSUME_REFUSED", "HOLD_EXPIRED"), (refused.Str("state"), refused.Str("code")));
        Assert.Equal(("CONSUME", "REFUSED", "HOLD_EXPIRED"), Steps(refused).Last());
        Assert.Equal("AVAILABLE", await CouponStatusAsync(user, coupon)); // never spent
        var report = Assert.Single(await EffectsAsync(order, "order-settlement-refused", 1)).Envelope
            .PayloadAs<OrderSettlementRefused>();
        Assert.Equal(("CONSUME", "HOLD_EXPIRED", "payment-succeeded", payment), (report.Step, report.Code, report.CauseType, report.CauseEventId));
        Assert.Empty(await EffectsAsync(coupon, "coupon-consumed", 0));
    }

    [Fact]
    public async Task A_partial_refund_that_breaks_the_threshold_claws_back_and_the_rest_of_the_order_restores_the_coupon()
    {
        var (user, coupon, quoteId) = await QuotedAsync();
        var order = Api.NewOrderId();
        await _orders.CreatedAsync(order, user, quoteId);
        await _orders.PaidAsync(order, 18_800);
        await _orders.RecordAsync(order, r => r.Str("state") == "CONSUMED");

        await _orders.RefundedAsync(order, "r-1", 3000, ("sock", 1));
        var partly = await _orders.RecordAsync(order, r => r.GetProperty("refunds").GetArrayLength() == 1);

        Assert.Equal("CONSUMED", partly.Str("state"));
        Assert.Equal("CONSUMED", await CouponStatusAsync(user, coupon)); // the shoes are kept: the coupon stays spent
        var refunded = partly.GetProperty("refunded");
        Assert.Equal((4500L, 1500L, 3000L, 0L), (refunded.GetProperty("goods").GetInt64(), refunded.GetProperty("clawback").GetInt64(),
            refunded.GetProperty("paidOut").GetInt64(), refunded.GetProperty("outstanding").GetInt64()));
        Assert.Equal([0, 1], partly.GetProperty("lines").EnumerateArray().Select(l => l.GetProperty("refundedQuantity").GetInt32()));

        await _orders.RefundedAsync(order, "r-2", 15_800);
        var whole = await _orders.RecordAsync(order, r => r.GetProperty("refunds").GetArrayLength() == 2);

        Assert.Equal("REFUNDED", whole.Str("state"));
        Assert.Equal(18_800, whole.GetProperty("refunded").GetProperty("paidOut").GetInt64());
        Assert.Equal(2000, whole.GetProperty("discount").GetProperty("restored").GetInt64());
        Assert.Equal("AVAILABLE", await CouponStatusAsync(user, coupon));
        var settled = (await EffectsAsync(order, "order-refund-settled", 2)).Select(
            e => e.Envelope.PayloadAs<OrderRefundSettled>()).ToList();
        Assert.Equal([(3000L, false), (15_800L, true)], settled.Select(s => (s.Payout!.Value, s.CouponsRestored)));
        // The socks took their 5.00 of the discount with them; the shoes kept alone lost their 15.00: clawed back. The rest of
        // the order later takes nothing more of the coupon: its whole discount has come back already.
        Assert.Equal([(long.Parse(coupon), 500L, 1500L)], settled[0].Coupons!.Select(c => (c.UserCouponId, c.Returned, c.ClawedBack)));
        Assert.Equal([(long.Parse(coupon), 0L, 0L)], settled[1].Coupons!.Select(c => (c.UserCouponId, c.Returned, c.ClawedBack)));
    }

    [Fact]
    public async Task An_order_locked_without_a_quote_has_no_allocation_so_no_discount_or_coupon_amounts_are_published()
    {
        var (user, coupon, _) = await QuotedAsync();
        var order = Api.NewOrderId();
        await _orders.CreatedAsync(order, user, couponIds: [coupon]);
        await _orders.PaidAsync(order, 18_800);
        await _orders.RecordAsync(order, r => r.Str("state") == "CONSUMED");

        await _orders.RefundedAsync(order, "r-1", 18_800);

        var refund = Assert.Single(await EffectsAsync(order, "order-refund-settled", 1)).Envelope.PayloadAs<OrderRefundSettled>();
        Assert.Null(refund.Coupons);
        Assert.Empty(await EffectsAsync(order, "order-discount-consumed", 0)); // it would have come before the refund's
    }

    [Fact]
    public async Task Duplicate_events_take_effect_once()
    {
        var (user, coupon, quoteId) = await QuotedAsync();
        var order = Api.NewOrderId();
        var created = new OrderCreated(order, user, "CNY", quoteId, null, null, _app.Clock.GetUtcNow());
        var id = await _orders.SendAsync(created);
        await _orders.SendAsync(created, id);                      // redelivered: same event id
        await _orders.RecordAfterAsync(order, 1);                  // (each fact waits for the one before: this test is about repeats, not order)
        var paid = new PaymentSucceeded(order, "pay-1", 18_800, "CNY", _app.Clock.GetUtcNow());
        var paidId = await _orders.SendAsync(paid);
        await _orders.SendAsync(paid, paidId);
        await _orders.SendAsync(paid);                              // sent again by the producer: a new event id
        await _orders.RecordAfterAsync(order, 3);
        await _orders.RefundedAsync(order, "r-1", 18_800);
        await _orders.RefundedAsync(order, "r-1", 18_800);          // the same refund again

        var record = await _orders.RecordAfterAsync(order, 5);

        Assert.Equal([("LOCK", "DONE", null), ("CONSUME", "DONE", null), ("CONSUME", "IGNORED", null), ("REFUND", "DONE", null),
            ("REFUND", "IGNORED", (string?)null)], Steps(record));
        Assert.Equal("REFUNDED", record.Str("state"));
        Assert.Equal(18_800, record.GetProperty("refunded").GetProperty("paidOut").GetInt64());
        Assert.Single(record.GetProperty("refunds").EnumerateArray());
        Assert.Single(await EffectsAsync(coupon, "coupon-locked", 1));
        Assert.Single(await EffectsAsync(coupon, "coupon-consumed", 1));
        Assert.Single(await EffectsAsync(coupon, "coupon-refunded", 1));
        Assert.Equal("AVAILABLE", await CouponStatusAsync(user, coupon));
        var refund = Assert.Single(await EffectsAsync(order, "order-refund-settled", 1)).Envelope.PayloadAs<OrderRefundSettled>();
        Assert.Equal([(2000L, 0L)], refund.Coupons!.Select(c => (c.Returned, c.ClawedBack))); // the whole order at once: all returned
        Assert.Single(await EffectsAsync(order, "order-discount-consumed", 1)); // recorded before the refund's: no second one
    }

    [Fact]
    public async Task An_event_posted_twice_to_the_ingestion_endpoint_takes_effect_once_on_every_transport()
    {
        var (user, coupon, quoteId) = await QuotedAsync();
        var order = Api.NewOrderId();
        var created = new OrderCreated(order, user, "CNY", quoteId, null, null, _app.Clock.GetUtcNow());
        var id = Guid.CreateVersion7();

        await _orders.IngestAsync(created, id);
        await _orders.IngestAsync(created, id); // two outbox rows of one event: on NATS the broker drops the second by its Nats-Msg-Id
        await _orders.RecordAfterAsync(order, 1);
        await _orders.IngestAsync(new PaymentSucceeded(order, "pay-1", 18_800, "CNY", _app.Clock.GetUtcNow()), Guid.CreateVersion7());
        var record = await _orders.RecordAfterAsync(order, 2);

        Assert.Equal([("LOCK", "DONE", null), ("CONSUME", "DONE", (string?)null)], Steps(record));
        Assert.Equal("CONSUMED", await CouponStatusAsync(user, coupon));
        await using var connection = await fixture.Database.OpenAsync(CancellationToken.None);
        Assert.Equal(0L, await Dapper.SqlMapper.ExecuteScalarAsync<long>(
            connection, "SELECT COUNT(*) FROM msg_dead_letters WHERE event_id = @Id", new { Id = id.ToString() }));
    }

    [Fact]
    public async Task A_payment_before_its_order_waits_for_it_and_a_refund_before_the_payment_waits_for_that()
    {
        var (user, coupon, quoteId) = await QuotedAsync();
        var order = Api.NewOrderId();

        await _orders.PaidAsync(order, 18_800);
        var waiting = await _orders.RecordAfterAsync(order, 1);
        Assert.Equal(("AWAITING_ORDER", "PENDING"), (waiting.Str("state"), Steps(waiting).Single().Outcome));

        await _orders.CreatedAsync(order, user, quoteId);
        var paid = await _orders.RecordAfterAsync(order, 3);
        Assert.Equal("CONSUMED", paid.Str("state"));
        Assert.Equal("CONSUMED", await CouponStatusAsync(user, coupon));

        var (user2, coupon2, quote2) = await QuotedAsync();
        var second = Api.NewOrderId();
        await _orders.CreatedAsync(second, user2, quote2);
        await _orders.RecordAfterAsync(second, 1);
        await _orders.RefundedAsync(second, "r-early", 18_800);
        await _orders.RecordAfterAsync(second, 2);
        await _orders.PaidAsync(second, 18_800);
        var refunded = await _orders.RecordAfterAsync(second, 4);

        Assert.Equal(
            [("LOCK", "DONE", null), ("REFUND", "PENDING", null), ("CONSUME", "DONE", null), ("REFUND", "DONE", (string?)null)], Steps(refunded));
        Assert.Equal("REFUNDED", refunded.Str("state"));
        Assert.Equal("AVAILABLE", await CouponStatusAsync(user2, coupon2));
    }

    [Fact]
    public async Task A_cancellation_before_its_order_holds_nothing_and_one_after_payment_is_refused()
    {
        var (user, coupon, quoteId) = await QuotedAsync();
        var order = Api.NewOrderId();
        await _orders.CancelledAsync(order);
        await _orders.RecordAfterAsync(order, 1);
        await _orders.CreatedAsync(order, user, quoteId);
        var never = await _orders.RecordAfterAsync(order, 2);

        Assert.Equal("RELEASED", never.Str("state"));
        Assert.Equal(("LOCK", "IGNORED", "ORDER_CLOSED"), Steps(never).Last());
        Assert.Equal("AVAILABLE", await CouponStatusAsync(user, coupon));
        Assert.Empty(await EffectsAsync(coupon, "coupon-locked", 0));

        var paidOrder = Api.NewOrderId();
        await _orders.CreatedAsync(paidOrder, user, quoteId);
        await _orders.PaidAsync(paidOrder, 18_800);
        await _orders.RecordAsync(paidOrder, r => r.Str("state") == "CONSUMED");
        await _orders.CancelledAsync(paidOrder);
        var stays = await _orders.RecordAsync(paidOrder, r => Steps(r).Last().Step == "RELEASE");

        Assert.Equal("CONSUMED", stays.Str("state"));
        Assert.Equal(("RELEASE", "REFUSED", "ORDER_ALREADY_PAID"), Steps(stays).Last());
        Assert.Equal("CONSUMED", await CouponStatusAsync(user, coupon));
        Assert.Single(await EffectsAsync(paidOrder, "order-settlement-refused", 1));
    }

    [Fact]
    public async Task A_lock_the_wallet_no_longer_allows_is_refused_and_so_is_the_payment_that_follows()
    {
        var (user, coupon, quoteId) = await QuotedAsync();
        Assert.Equal(HttpStatusCode.OK, (await _service.LockAsync(Api.NewOrderId(), user, [coupon])).StatusCode); // another order holds it
        var order = Api.NewOrderId();

        await _orders.CreatedAsync(order, user, quoteId);
        var refused = await _orders.RecordAfterAsync(order, 1);
        Assert.Equal(("LOCK_REFUSED", "QUOTE_NO_LONGER_HOLDS"), (refused.Str("state"), refused.Str("code")));

        await _orders.PaidAsync(order, 18_800);
        var unpaid = await _orders.RecordAfterAsync(order, 2);

        Assert.Equal(("CONSUME_REFUSED", "ORDER_NOT_LOCKED"), (unpaid.Str("state"), unpaid.Str("code")));
        Assert.Equal("LOCKED", await CouponStatusAsync(user, coupon)); // still the other order's
        Assert.Equal(["LOCK", "CONSUME"], (await EffectsAsync(order, "order-settlement-refused", 2))
            .Select(e => e.Envelope.PayloadAs<OrderSettlementRefused>().Step));
    }
}

public sealed class OrderSagaOnSqlite(SqliteBackbone app) : OrderSagaFlows(app), IClassFixture<SqliteBackbone>;

public sealed class OrderSagaOnMariaDb(MariaDbBackbone app) : OrderSagaFlows(app), IClassFixture<MariaDbBackbone>;

public sealed class OrderSagaOnNats(NatsBackbone app) : OrderSagaFlows(app), IClassFixture<NatsBackbone>;
