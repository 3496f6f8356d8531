using PromotionEngine.Kernel.Identity;

namespace PromotionEngine.Client.Tests;

/// <summary>
/// The coupon lifecycle as an integrator runs it with the package PromotionEngine.Client, generated from
/// docs/openapi/v1.json: every request and answer below goes through the generated methods and types, so a status, a
/// body or a member the document gets wrong fails here (the client takes only what the document declares). The
/// Idempotency-Key is passed by name: its place among a method's parameters depends on whether the document requires it.
/// A closed set the engine sends is an enum in the client: its wire name is its ToString().
/// </summary>
public sealed class TheLifecycleThroughTheClient(EngineUnderTest engine) : IClassFixture<EngineUnderTest>
{
    private const string Order = "order-client-1";
    private readonly PromotionEngineClient _merchant = engine.As(CallerRole.Merchant, "7");
    private readonly PromotionEngineClient _user = engine.As(CallerRole.User, "1001");
    private readonly PromotionEngineClient _orders = engine.As(CallerRole.Service, "order-service");

    [Fact]
    public async Task A_coupon_goes_from_template_to_claim_quote_lock_consume_and_refund()
    {
        // The merchant creates a template (201): 10.00 off an order of 100.00, claimable from a minute ago for 30 days.
        var now = DateTimeOffset.UtcNow;
        var template = await _merchant.CreateTemplateAsync(
            new CreateTemplateRequest
            {
                Name = "满减: 10 off 100",
                Currency = Currency.CNY,
                Scope = CreateTemplateRequestScope.PLATFORM,
                Type = CreateTemplateRequestType.THRESHOLD,
                DiscountAmount = 1000,
                ThresholdAmount = 10000,
                ValidityAfterClaim = "P7D",
                Stock = 1000,
                PerUserLimit = 2,
                ValidFrom = now.AddMinutes(-1),
                ValidUntil = now.AddDays(30),
            },
            idempotency_Key: "template-1");
        Assert.Equal(("满减: 10 off 100", "ACTIVE", 0L), (template.Name, template.Status.ToString(), template.Issued));

        // The user claims one (201); the same Idempotency-Key again is a retry, answered with the same coupon (200).
        var coupon = await _user.ClaimCouponAsync(idempotency_Key: "claim-1", body: new ClaimRequest { TemplateId = template.Id });
        Assert.Equal((template.Id, "1001", "AVAILABLE"), (coupon.TemplateId, coupon.UserId, coupon.Status.ToString()));
        Assert.Equal(coupon.Id, (await _user.ClaimCouponAsync(idempotency_Key: "claim-1", body: new ClaimRequest { TemplateId = template.Id })).Id);
        Assert.Equal([coupon.Id], (await _user.ListMyCouponsAsync()).Items.Select(c => c.Id));

        // The order system quotes a 120.00 cart: the coupon is the best combination, 10.00 off.
        var quote = await _orders.QuoteCartAsync(
            new QuoteRequest
            {
                UserId = coupon.UserId,
                Currency = Currency.CNY,
                ShippingFee = 0,
                Lines =
                [
                    new QuoteLineRequest { Sku = "tea-250g", ProductId = "1", ShopId = "1", CategoryIds = ["1"], UnitPrice = 6000, Quantity = 2 },
                ],
            },
            idempotency_Key: "quote-1");
        Assert.Equal((12000L, 1000L, 11000L), (quote.Subtotal, quote.TotalDiscount, quote.Payable));
        Assert.Equal(coupon.Id, Assert.Single(quote.Applied).CouponId);

        // It locks the quote's coupon for the order, the payment succeeds (consume), the order is refunded.
        var locked = await _orders.LockCouponsAsync(
            Order,
            new LockCouponsRequest { QuoteId = quote.QuoteId, TtlSeconds = 900 },
            idempotency_Key: "lock-1");
        var consumed = await _orders.ConsumeCouponsAsync(Order, idempotency_Key: "consume-1");
        var refunded = await _orders.RefundCouponsAsync(Order, idempotency_Key: "refund-1");
        Assert.Equal(
            [("LOCK", coupon.Id, "LOCKED"), ("CONSUME", coupon.Id, "CONSUMED"), ("REFUND", coupon.Id, "AVAILABLE")],
            new[] { locked, consumed, refunded }.Select(o => (o.Operation.ToString(), Assert.Single(o.Coupons).Id, o.Coupons[0].Status.ToString())));
        Assert.All(new[] { locked, consumed, refunded }, o => Assert.Equal(Order, o.OrderId));

        // The coupon is back in the wallet; the template counts it issued once.
        Assert.Equal("AVAILABLE", (await _user.GetMyCouponAsync(coupon.Id)).Status.ToString());
        Assert.Equal(1, (await _merchant.GetTemplateAsync(template.Id)).Issued);
    }

    [Fact]
    public async Task A_refusal_is_an_api_exception_with_the_documented_status_and_problem()
    {
        var refused = await Assert.ThrowsAsync<ApiException<Problem>>(
            () => _orders.ConsumeCouponsAsync("order-never-locked", idempotency_Key: "consume-never"));

        Assert.Equal((409, "ORDER_NOT_LOCKED"), (refused.StatusCode, refused.Result.Code));
    }
}
