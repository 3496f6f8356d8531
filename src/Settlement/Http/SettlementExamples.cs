using System.Text.Json;
using PromotionEngine.Contracts.Http.Engine;
using PromotionEngine.Contracts.Http.Settlement;
using PromotionEngine.Kernel.Documentation;

namespace PromotionEngine.Settlement.Http;

/// <summary>
/// The OpenAPI document's examples of the settlement's endpoints: user 1001 buys two bags of tea (120.00) with a coupon of
/// 会员日满100减20 (20.00 off from 100.00), order ord-20260618-000123.
/// </summary>
internal static class SettlementExamples
{
    public const string OrderId = "ord-20260618-000123";
    public const string QuoteId = "q_9f2c4e7a1b3d5f60718293a4b5c6d7e8";
    private const string CouponId = "384536415389614337";
    private const string TemplateId = "384536415389614080";
    private static readonly DateTimeOffset At = new(2026, 6, 18, 2, 5, 0, TimeSpan.Zero);
    private static readonly Dictionary<string, string> Order = new() { ["orderId"] = OrderId };

    private static readonly QuoteRequest Cart = new(1001, "CNY",
        [new QuoteLineRequest("tea-250g", 1, 1, [1], 6000, 2)], 0, null);

    private static readonly QuoteResponse Quote = new(QuoteId, "1001", "CNY", At.AddMinutes(15), "BEST", 12000, 0, 2000, 10000,
        [new AppliedCouponResponse(CouponId, TemplateId, 1, "PLATFORM", null, "THRESHOLD", 12000, 2000)],
        [new QuoteLineResponse(0, "tea-250g", 12000, 2000, 10000, [new LineAllocationResponse(CouponId, 2000)])],
        [new UsableCouponResponse(CouponId, TemplateId, 2000, true, 2000)],
        [new UnusableCouponResponse("384536415389614338", "384536415389614500", "BELOW_THRESHOLD",
            "满200减50 needs 200.00; the cart is 120.00.", 8000, null, null)]);

    public static readonly ApiExample Quoted = new("best-combination", "The best combination of the user's wallet for a 120.00 cart", 200,
        Quote, Cart);

    private static UserCouponResponse Coupon(string status) => new(CouponId, TemplateId, "1001", "7", status, At.AddMinutes(-5),
        At.AddMinutes(-5), At.AddDays(7), status is "LOCKED" or "CONSUMED" ? OrderId : null, status == "LOCKED" ? At.AddMinutes(15) : null,
        status == "CONSUMED" ? At.AddMinutes(3) : null);

    public static readonly ApiExample LockedByQuote = new("by-quote", "Hold the coupons the quote selected for 15 minutes", 200,
        new OrderCouponsResponse(OrderId, "LOCK", [Coupon("LOCKED")]), new LockCouponsRequest(null, null, 900, QuoteId), Order);

    public static readonly ApiExample LockedByIds = new("by-ids", "Hold listed coupons of user 1001 for 15 minutes", 200,
        new OrderCouponsResponse(OrderId, "LOCK", [Coupon("LOCKED")]), new LockCouponsRequest(1001, [384536415389614337], 900), Order);

    public static readonly ApiExample Consumed = new("consumed", "The payment succeeded: the held coupon is spent", 200,
        new OrderCouponsResponse(OrderId, "CONSUME", [Coupon("CONSUMED")]), Parameters: Order);

    public static readonly ApiExample Released = new("released", "The payment failed: the coupon is back in the wallet", 200,
        new OrderCouponsResponse(OrderId, "RELEASE", [Coupon("AVAILABLE")]), Parameters: Order);

    public static readonly ApiExample Refunded = new("refunded", "The order was refunded: the coupon is back in the wallet", 200,
        new OrderCouponsResponse(OrderId, "REFUND", [Coupon("AVAILABLE")]), Parameters: Order);

    private static readonly SettlementRecordResponse Record = new(OrderId, "1001", "CONSUMED", null, "CNY", QuoteId, [CouponId], null,
        new QuotedAmounts(12000, 0, 2000, 10000), new DiscountAmounts(2000, 2000, null, null), 10000, null,
        [new RecordLineResponse(0, "tea-250g", 6000, 2, 2000, 0)], [],
        [
            new RecordStepResponse(1, At.AddMinutes(1), "LOCK", "HTTP", "DONE", null, "Locked 1 coupon (quote " + QuoteId + ").", null, null),
            new RecordStepResponse(2, At.AddMinutes(3), "CONSUME", "EVENT", "DONE", null, "Spent 1 coupon.", "payment-succeeded",
                "0f8fad5b-d9cb-469f-a165-70867728950e"),
        ],
        At.AddMinutes(1), At.AddMinutes(3));

    public static readonly ApiExample Settled = new("consumed", "A paid order: what it was quoted, held and spent, step by step", 200, Record,
        Parameters: Order);

    public static readonly ApiExample RefundedByLine = new("one-bag", "One of the two bags refunded: settled by the quote's allocation", 200,
        Record with
        {
            Refunded = new RefundAmounts(6000, 0, 1000, 5000, 5000, 0, 5000),
            Lines = [new RecordLineResponse(0, "tea-250g", 6000, 2, 2000, 1)],
            Refunds = [new RecordRefundResponse("rf-20260620-0001", [new RefundLineRequest("tea-250g", 1)], 5000, false, 5000, 1000, 0, false,
                At.AddDays(2))],
            UpdatedAt = At.AddDays(2),
        },
        new RefundRequest("rf-20260620-0001", [new RefundLineRequest("tea-250g", 1)], 5000), Order);

    public static readonly ApiExample Ingested = new("order-created", "The order system's order-created event, placed through the embedded "
        + "default", 202, new OrderEventAccepted("0f8fad5b-d9cb-469f-a165-70867728950e", "promo.orders.order-created.v1"),
        new OrderEventRequest(new Guid("0f8fad5b-d9cb-469f-a165-70867728950e"), "order-created", At, JsonDocument.Parse($$"""
            {"orderId": "{{OrderId}}", "userId": 1001, "currency": "CNY", "quoteId": "{{QuoteId}}", "couponIds": null,
             "lockTtlSeconds": 900, "createdAt": "2026-06-18T02:05:00+00:00"}
            """).RootElement.Clone()));
}
