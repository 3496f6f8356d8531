using System.Globalization;
using PromotionEngine.Contracts.Http.Settlement;

namespace PromotionEngine.Settlement.Orders;

internal static class RecordView
{
    public static SettlementRecordResponse Of(OrderRecord r, IReadOnlyList<OrderStepEntry> history, DateTimeOffset now)
    {
        var state = r.StateAt(now);
        var priced = r.Priced;
        var subtotal = priced?.Lines.Sum(l => l.UnitPrice * l.Quantity);
        var discount = priced?.Coupons.Sum(c => c.Discount);
        return new SettlementRecordResponse(r.OrderId, r.UserId.ToString(CultureInfo.InvariantCulture), state, r.Code, r.Currency, r.QuoteId,
            r.CouponIds.Select(c => c.ToString(CultureInfo.InvariantCulture)).ToList(), r.LockedUntil,
            priced is null
                ? null
                : new QuotedAmounts(subtotal!.Value, priced.ShippingFee, discount!.Value, subtotal.Value - discount.Value + priced.ShippingFee),
            // A lapsed hold gave the discount back by itself: shown as released, as the engine shows the coupons AVAILABLE.
            new DiscountAmounts(
                r.LockedDiscount,
                r.ConsumedDiscount,
                state == OrderStates.Expired ? r.LockedDiscount : r.ReleasedDiscount,
                r.RestoredDiscount),
            r.Paid,
            r.Refund is { } f
                ? new RefundAmounts(f.RefundedGoods, f.RefundedShipping, f.Clawback, f.Due, f.PaidOut, f.Outstanding, r.ShopRefunded)
                : null,
            priced?.Lines.Select(
                (l, i) => new RecordLineResponse(l.Line, l.Sku, l.UnitPrice, l.Quantity, l.Discount, r.RefundedUnits.ElementAtOrDefault(i)))
                .ToList() ?? [],
            r.Refunds.Select(x => new RecordRefundResponse(
                x.RefundId,
                x.Lines?.Select(l => new RefundLineRequest(l.Sku, l.Quantity)).ToList(),
                x.ShopRefunded,
                x.Pending,
                x.Figures?.Payout,
                x.Figures?.Clawback,
                x.Figures?.Outstanding,
                x.CouponsRestored,
                x.At)).ToList(),
            history.Select(
                s => new RecordStepResponse(s.Seq, s.At, s.Step, s.Source, s.Outcome, s.Code, s.Detail, s.CauseType, s.CauseEventId?.ToString()))
                .ToList(),
            r.CreatedAt, r.UpdatedAt);
    }
}
