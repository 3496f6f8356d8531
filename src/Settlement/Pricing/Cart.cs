namespace PromotionEngine.Settlement.Pricing;

/// <summary>One order line as the order system describes it; money in minor units.</summary>
/// <param name="Index">The line's position in the request (0-based): how refunds and allocations name it.</param>
internal sealed record CartLine(int Index, string Sku, long? ProductId, long ShopId, IReadOnlyList<long> CategoryIds, long UnitPrice, int Quantity)
{
    public long Amount => UnitPrice * Quantity;
}

/// <summary>What the customer is buying, in one currency. Shipping is charged as given: no coupon discounts it.</summary>
internal sealed class Cart
{
    public Cart(string currency, IReadOnlyList<CartLine> lines, long shippingFee)
    {
        Currency = currency;
        Lines = lines;
        ShippingFee = shippingFee;
        Amounts = lines.Select(l => l.Amount).ToArray();
        Subtotal = Amounts.Sum();
    }

    public string Currency { get; }
    public IReadOnlyList<CartLine> Lines { get; }
    public long ShippingFee { get; }

    /// <summary>Each line's list amount (unit price × quantity), by index.</summary>
    public long[] Amounts { get; }

    public long Subtotal { get; }
}
