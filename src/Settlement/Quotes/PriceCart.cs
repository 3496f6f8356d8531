using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Options;
using PromotionEngine.Contracts.Engine;
using PromotionEngine.Contracts.Http.Settlement;
using PromotionEngine.Contracts.MerchantAdmin;
using PromotionEngine.Kernel;
using PromotionEngine.Kernel.Persistence;
using PromotionEngine.Kernel.Validation;
using PromotionEngine.Settlement.Pricing;

namespace PromotionEngine.Settlement.Quotes;

internal abstract record QuoteOutcome
{
    private QuoteOutcome() { }

    public sealed record Quoted(QuoteResponse Response) : QuoteOutcome;

    public sealed record Invalid(FieldErrors Errors) : QuoteOutcome;

    public sealed record PickRefused(IReadOnlyList<UnusableCouponResponse> Problems) : QuoteOutcome;
}

/// <summary>
/// Quotes a cart: reads the user's wallet (strong read) and the templates' terms, prices it (<see cref="Pricer"/>) and
/// stores the answer. The same input — cart, pick and wallet state — returns the stored answer while it lives, so the
/// same question always gets the same quote id, figures and expiry.
/// </summary>
internal sealed class PriceCart(
    ICouponWallet wallets, ICouponPricingTerms pricing, IQuotes quotes, SettlementMetrics metrics, IOptions<SettlementOptions> options,
    TimeProvider clock, QuoteBudgets budgets, QuoteGifts gifts)
{
    public const int MaxLines = 200;
    public const int MaxPickedCoupons = 100;
    public const long MaxAmount = 100_000_000_000;      // per unit price and shipping, minor units
    public const long MaxSubtotal = 1_000_000_000_000_000;
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <param name="caller">The asking service's identity: the quote is its own (part of the input, so another service asking the same
    /// question gets a quote of its own).</param>
    public async Task<QuoteOutcome> HandleAsync(QuoteRequest request, string caller, CancellationToken ct)
    {
        var started = clock.GetTimestamp();
        try
        {
            var (outcome, replayed) = await PriceAsync(request, caller, ct);
            metrics.Quoted(outcome switch
            {
                QuoteOutcome.Quoted => replayed ? "replayed" : "quoted",
                QuoteOutcome.Invalid => "invalid",
                _ => "pick_refused",
            }, clock.GetElapsedTime(started));
            return outcome;
        }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            metrics.Quoted("failed", clock.GetElapsedTime(started));
            throw;
        }
    }

    /// <summary>The outcome; replayed: the answer is the live quote stored for the same input.</summary>
    private async Task<(QuoteOutcome Outcome, bool Replayed)> PriceAsync(QuoteRequest request, string caller, CancellationToken ct)
    {
        var errors = Validate(request);
        if (!errors.IsEmpty) return (new QuoteOutcome.Invalid(errors), false);

        var settings = options.Value;
        var now = UtcMillis.Now(clock);
        var user = new UserId(request.UserId!.Value);
        var cart = new Cart(request.Currency!, request.Lines!.Select((l, i) => new CartLine(i, l.Sku!, l.ProductId, l.ShopId!.Value,
            l.CategoryIds ?? [], l.UnitPrice!.Value, l.Quantity!.Value)).ToArray(), request.ShippingFee ?? 0);
        var pick = request.CouponIds?.Distinct().Order().Select(id => new UserCouponId(id)).ToList();

        var held = await wallets.CouponsOfAsync(user, now, now - settings.ExpiredLookback, settings.MaxWalletCoupons, ct);
        var terms = await pricing.FindAsync(held.Select(c => c.Template).Distinct().ToList(), ct);
        var shares = await budgets.SharesAsync(held.Select(c => c.Template).ToList(), terms, ct);
        var giftsLeft = await gifts.RemainingAsync(held.Select(c => c.Template).Distinct().ToList(), ct);
        var wallet = held.Select(c => new WalletCoupon(c.Id, c.Template, StatusOf(c.Status), c.ValidFrom, c.ValidUntil, c.LockedUntil, c.Version,
            terms.TryGetValue(c.Template, out var t) ? TermsOf(t) : null, shares.TryGetValue(c.Template, out var b) ? b.Min(s => s.Remaining) : null,
            b, GiftRemaining: giftsLeft.TryGetValue(c.Template, out var g) ? g : null)).ToList();

        var hash = InputHash(caller, user, cart, pick, wallet);
        if (await quotes.FindLiveAsync(user, hash, now, ct) is { } live)
            return (new QuoteOutcome.Quoted(JsonSerializer.Deserialize<QuoteResponse>(live.ResponseJson, Json)!), true);

        var stats = new SearchStats();
        var price = Pricer.Price(cart, wallet, pick, now, stats);
        metrics.Searched(pick is not null, pick is null ? stats.Evaluations : 1); // a pick is priced as the one combination it is
        switch (price)
        {
            case PriceOutcome.PickRefused refused:
                return (new QuoteOutcome.PickRefused(refused.Problems.Select(ToResponse).ToList()), false);
            case PriceOutcome.Priced priced:
                var result = priced.Result;
                var selected = result.Choice.Coupons.Select(c => c.Offer).ToList();
                var expires = selected.Select(o => o.ValidUntil).Append(now + settings.QuoteTtl).Min();
                var id = QuoteId(user, hash, now, settings.QuoteTtl);
                var response = ToResponse(id, user, result, expires);
                var json = JsonSerializer.Serialize(response, Json);
                var stored = await quotes.AddAsync(new StoredQuote(id, user, hash, selected.Select(o => o.Id).ToList(), expires, now,
                    json, JsonSerializer.Serialize(Pin(user, result), Json), caller), ct);
                // Ours stored: answer it as is. A concurrent identical request stored first: answer what it stored.
                return (new QuoteOutcome.Quoted(
                    ReferenceEquals(stored.ResponseJson, json) ? response : JsonSerializer.Deserialize<QuoteResponse>(stored.ResponseJson, Json)!),
                    false);
            default:
                throw new System.Diagnostics.UnreachableException();
        }
    }

    private static FieldErrors Validate(QuoteRequest r)
    {
        var errors = new FieldErrors()
            .When(r.UserId is null or < 1, "userId", "Required: the id of the user whose wallet prices the cart.")
            .When(!Currency.IsCode(r.Currency), "currency", Currency.Rule)
            .When(r.Lines is null or { Count: 0 }, "lines", "Required: at least one order line.")
            .When(r.Lines is { Count: > MaxLines }, "lines", $"At most {MaxLines} lines.")
            .When(r.ShippingFee is < 0 or > MaxAmount, "shippingFee", $"From 0 to {MaxAmount} minor units.")
            .When(r.CouponIds is { Count: > MaxPickedCoupons }, "couponIds", $"At most {MaxPickedCoupons} coupons.")
            .When(r.CouponIds is not null && r.CouponIds.Any(id => id < 1), "couponIds", "Ids are positive.");
        if (r.Lines is null or { Count: > MaxLines }) return errors;
        Int128 subtotal = 0;
        var skus = new Dictionary<string, int>(StringComparer.Ordinal); // a sku names one line: refunds by sku need it so
        for (var i = 0; i < r.Lines.Count; i++)
        {
            var l = r.Lines[i];
            var at = $"lines[{i.ToString(CultureInfo.InvariantCulture)}]";
            if (l is null) { errors.Add(at, "A line object."); continue; }
            errors.When(string.IsNullOrWhiteSpace(l.Sku) || l.Sku.Length > 64, at + ".sku", "Required: 1 to 64 characters.")
                .Text(at + ".sku", l.Sku)
                .When(l.ProductId is < 1, at + ".productId", "A positive id.")
                .When(l.ShopId is null or < 1, at + ".shopId", "Required: a positive id.")
                .When(l.CategoryIds is { Count: > 20 }, at + ".categoryIds", "At most 20 ids.")
                .When(l.CategoryIds is not null && l.CategoryIds.Any(c => c < 1), at + ".categoryIds", "Ids are positive.")
                .When(l.UnitPrice is null or < 0 or > MaxAmount, at + ".unitPrice", $"Required: 0 to {MaxAmount} minor units.")
                .When(l.Quantity is null or < 1 or > 100_000, at + ".quantity", "Required: 1 to 100000.");
            if (l.Sku is { } sku && !skus.TryAdd(sku, i))
                errors.Add(at + ".sku",
                    $"Each sku once: line {skus[sku].ToString(CultureInfo.InvariantCulture)} has it already (add up the quantities).");
            if (l.UnitPrice is { } p and >= 0 && l.Quantity is { } q and > 0) subtotal += (Int128)p * q;
        }
        return errors.When(subtotal > MaxSubtotal, "lines", $"The cart is at most {MaxSubtotal} minor units.");
    }

    private static WalletStatus StatusOf(string status) => status switch
    {
        "AVAILABLE" => WalletStatus.Available,
        "LOCKED" => WalletStatus.Locked,
        "EXPIRED" => WalletStatus.Expired,
        _ => WalletStatus.Consumed,
    };

    internal static PricingTerms TermsOf(TemplatePricingTerms t) => new(t.Template, t.Currency,
        t.Scope switch { "SHOP" => ScopeKind.Shop, "PRODUCTS" => ScopeKind.Products, "CATEGORIES" => ScopeKind.Categories, _ => ScopeKind.Platform },
        t.ShopId, t.ProductIds.ToHashSet(), t.CategoryIds.ToHashSet(),
        t.Type switch
        {
            "THRESHOLD" => BenefitKind.Threshold,
            "PERCENTAGE" => BenefitKind.Percentage,
            "TIERED_THRESHOLD" => BenefitKind.TieredThreshold,
            "FREE_SHIPPING" => BenefitKind.FreeShipping,
            "GIFT" => BenefitKind.Gift,
            "BUY_X_GET_Y" => BenefitKind.BuyXGetY,
            _ => BenefitKind.FixedAmount,
        },
        t.DiscountAmount, t.ThresholdAmount, t.PercentOff, t.MaxDiscountAmount, t.Exclusive, t.Priority,
        t.Tiers?.Select(x => new PricingTier(x.ThresholdAmount, x.DiscountAmount)).ToList(), t.Gift, t.BuyQuantity, t.GetQuantity);

    /// <summary>SHA-256 of the whole input: who asks, the cart, the pick and each wallet coupon's id, version and status now.</summary>
    private static string InputHash(string caller, UserId user, Cart cart, IReadOnlyList<UserCouponId>? pick, IReadOnlyList<WalletCoupon> wallet)
    {
        var text = new StringBuilder(256)
            .Append(CultureInfo.InvariantCulture, $"{caller.Length}:{caller}|{user}|{cart.Currency}|{cart.ShippingFee}|");
        foreach (var l in cart.Lines)
            text.Append(CultureInfo.InvariantCulture,
                $"{l.Sku.Length}:{l.Sku},{l.ProductId},{l.ShopId},[{string.Join(',', l.CategoryIds)}],{l.UnitPrice},{l.Quantity};");
        text.Append('|').Append(pick is null ? "best" : string.Join(',', pick)).Append('|');
        foreach (var c in wallet.OrderBy(c => c.Id.Value)) text.Append(CultureInfo.InvariantCulture, $"{c.Id}:{c.Version}:{c.Status};");
        // What remains of a budget is part of the answer: a quote stored before a budget ran low is not answered after.
        // Each budget by key, since coupons on one budget are held to it together.
        foreach (var c in wallet.Where(c => c.Budgets is not null).OrderBy(c => c.Id.Value))
            text.Append(CultureInfo.InvariantCulture, $"b{c.Id}:{string.Join(',', c.Budgets!.Select(s => $"{s.Key}={s.Remaining}"))};");
        // So is what remains of a gift stock.
        foreach (var c in wallet.Where(c => c.GiftRemaining is not null).OrderBy(c => c.Id.Value))
            text.Append(CultureInfo.InvariantCulture, $"g{c.Id}:{c.GiftRemaining};");
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())));
    }

    /// <summary>Deterministic, so two identical requests at once store one quote: the input and the TTL-long window it falls in.</summary>
    private static string QuoteId(UserId user, string hash, DateTimeOffset now, TimeSpan ttl)
    {
        var window = UtcMillis.From(now) / (long)ttl.TotalMilliseconds;
        return "q_" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{user}|{hash}|{window}")))[..32];
    }

    private static PinnedQuote Pin(UserId user, PriceResult r) => new(user.Value, r.Cart.Currency, r.Cart.ShippingFee,
        r.Cart.Lines.Select(l => new PinnedLine(l.Index, l.Sku, l.UnitPrice, l.Quantity, r.Choice.LineDiscounts[l.Index])).ToList(),
        r.Choice.Coupons.Select(c => new PinnedCoupon(c.Offer.Id.Value, c.Offer.Terms.Template.Value, c.Discount, c.Offer.Threshold,
            c.Offer.Lines, c.Offer.Lines.Select(i => c.Shares.GetValueOrDefault(i)).ToList(),
            c.Offer.Terms.Tiers?.Select(t => new PinnedTier(t.Threshold, t.Discount)).ToList(),
            c.Offer.Slot == Slot.Shipping ? c.Discount : 0,
            c.Offer.Terms.Gift is { } gift ? new PinnedGift(gift.Sku, gift.Quantity, gift.MinQuantity) : null,
            PinnedDeal.Of(c.Offer.Terms))).ToList());

    private static QuoteResponse ToResponse(string id, UserId user, PriceResult r, DateTimeOffset expires) => new(
        id, user.ToString(), r.Cart.Currency, expires, r.Picked ? "PICKED" : "BEST", r.Cart.Subtotal, r.Cart.ShippingFee, r.Choice.Discount,
        r.Payable,
        r.Choice.Coupons.Select((c, step) => new AppliedCouponResponse(c.Offer.Id.ToString(), c.Offer.Terms.Template.ToString(), step + 1,
            c.Offer.Slot switch { Slot.Shop => "SHOP", Slot.Shipping => "SHIPPING", Slot.Gift => "GIFT", _ => "PLATFORM" },
            c.Offer.Terms.ShopId?.ToString(CultureInfo.InvariantCulture),
            TypeOf(c.Offer.Terms.Benefit),
            c.Base, c.Discount)).ToList(),
        r.Cart.Lines.Select(l => new QuoteLineResponse(
            l.Index, l.Sku, l.Amount, r.Choice.LineDiscounts[l.Index], l.Amount - r.Choice.LineDiscounts[l.Index],
            r.Choice.Coupons.Where(c => c.Shares.TryGetValue(l.Index, out var s) && s > 0)
                .Select(c => new LineAllocationResponse(c.Offer.Id.ToString(), c.Shares[l.Index])).ToList())).ToList(),
        r.Usable.Select(u => new UsableCouponResponse(
            u.Offer.Id.ToString(), u.Offer.Terms.Template.ToString(), u.DiscountAlone, u.Selected, u.Applied,
            u.Next is { } n ? new NextTierResponse(n.Shortfall, n.Threshold, n.Discount, n.Message) : null,
            u.NextGroup is { } g ? new NextGroupResponse(g.ShortfallItems, g.GetQuantity, g.Message) : null)).ToList(),
        r.Unusable.Select(ToResponse).ToList(),
        new ShippingLineResponse(r.Cart.ShippingFee, r.Choice.ShippingDiscount, r.Cart.ShippingFee - r.Choice.ShippingDiscount,
            r.Choice.Coupons.Where(c => c.Offer.Slot == Slot.Shipping && c.Discount > 0)
                .Select(c => new LineAllocationResponse(c.Offer.Id.ToString(), c.Discount)).ToList()),
        r.Choice.Gifts.Select(g => new GiftLineResponse(g.Id.ToString(), g.Terms.Template.ToString(), g.Terms.Gift!.Sku, g.Terms.Gift.Quantity, 0, 0))
            .ToList());

    private static string TypeOf(BenefitKind benefit) => benefit switch
    {
        BenefitKind.Threshold => "THRESHOLD",
        BenefitKind.Percentage => "PERCENTAGE",
        BenefitKind.TieredThreshold => "TIERED_THRESHOLD",
        BenefitKind.FreeShipping => "FREE_SHIPPING",
        BenefitKind.Gift => "GIFT",
        BenefitKind.BuyXGetY => "BUY_X_GET_Y",
        _ => "FIXED_AMOUNT",
    };

    private static UnusableCouponResponse ToResponse(Unusable u) => new(u.Id.ToString(), u.Template?.ToString(), u.Reason, u.Detail, u.Shortfall,
        u.BlockedBy?.Select(b => b.ToString()).ToList(), u.At, u.ShortfallItems);
}
