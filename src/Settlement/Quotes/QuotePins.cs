using PromotionEngine.Kernel;
using PromotionEngine.Kernel.Identity;

namespace PromotionEngine.Settlement.Quotes;

/// <summary>Either the user and the coupons to lock, or a refusal: <see cref="Refusal"/> is null when the quote may be locked.</summary>
/// Discounts: what each coupon takes off by the quote's allocation, which the lock reserves of the coupons' money budgets.
internal sealed record QuotePin(UserId User, IReadOnlyList<UserCouponId> Coupons, Refusal? Refusal,
    IReadOnlyDictionary<UserCouponId, long>? Discounts = null);

/// <summary>
/// Which coupons of which user a live quote selected, for a lock with a quote id (over HTTP, or an order-created event), or
/// why it cannot be locked: QUOTE_NOT_FOUND, QUOTE_EXPIRED, QUOTE_USER_MISMATCH, QUOTE_HAS_NO_COUPONS.
/// </summary>
internal sealed class QuotePins(IQuotes quotes, ServiceTrust trust)
{
    public const string HasNoCoupons = "QUOTE_HAS_NO_COUPONS";

    private static readonly System.Text.Json.JsonSerializerOptions Json = new(System.Text.Json.JsonSerializerDefaults.Web);

    /// <param name="caller">The service identity locking: a quote another service made (outside its trusted group) is not found.</param>
    public Task<QuotePin> PinAsync(string quoteId, UserId? user, DateTimeOffset now, string caller, CancellationToken ct) =>
        PinAsync(quoteId, user, now, caller, trusted: false, ct);

    /// <summary>For the order saga: order events are trusted, so any service's quote may be named by one.</summary>
    public Task<QuotePin> PinForOrderEventAsync(string quoteId, UserId user, DateTimeOffset now, CancellationToken ct) =>
        PinAsync(quoteId, user, now, null, trusted: true, ct);

    private async Task<QuotePin> PinAsync(string quoteId, UserId? user, DateTimeOffset now, string? caller, bool trusted, CancellationToken ct)
    {
        var quote = quoteId.Length is > 0 and <= 40 ? await quotes.FindAsync(quoteId, ct) : null;
        if (quote is not null && !trusted && !trust.MayActFor(caller!, quote.Owner)) quote = null; // another service's: not there
        if (quote is null) return Refused(ErrorCodes.QuoteNotFound, $"No quote {quoteId}.");
        if (user is { } u && u != quote.User)
            return Refused(ErrorCodes.QuoteUserMismatch, $"Quote {quoteId} was made for another user.");
        if (now >= quote.ExpiresAt)
            return Refused(ErrorCodes.QuoteExpired, $"Quote {quoteId} expired at {quote.ExpiresAt:O}; ask for a new quote.",
                new Dictionary<string, object?> { ["expiredAt"] = quote.ExpiresAt });
        if (quote.Coupons.Count == 0)
            return Refused(ErrorCodes.QuoteHasNoCoupons, $"Quote {quoteId} uses no coupon: there is nothing to lock.");
        var pinned = System.Text.Json.JsonSerializer.Deserialize<PinnedQuote>(quote.PinnedJson, Json);
        return new QuotePin(quote.User, quote.Coupons, null, pinned?.Coupons.ToDictionary(c => new UserCouponId(c.CouponId), c => c.Discount));

        QuotePin Refused(ErrorCode code, string message, IReadOnlyDictionary<string, object?>? details = null) =>
            new(quote?.User ?? new UserId(0), [], new Refusal(code, message, "quoteId", details));
    }
}
