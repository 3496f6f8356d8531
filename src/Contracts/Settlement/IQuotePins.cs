using PromotionEngine.Kernel;

namespace PromotionEngine.Contracts.Settlement;

/// <summary>
/// Settlement's port for the engine's lock: which coupons of which user a quote pinned, or why it cannot be locked
/// (QUOTE_NOT_FOUND, QUOTE_EXPIRED, QUOTE_USER_MISMATCH, QUOTE_HAS_NO_COUPONS).
/// </summary>
public interface IQuotePins
{
    /// <param name="caller">The service identity locking: a quote another service made (outside its trusted group) is not found.</param>
    Task<QuotePin> PinAsync(string quoteId, UserId? user, DateTimeOffset now, string caller, CancellationToken ct);
}

/// <summary>Either the user and the coupons to lock, or a refusal: <see cref="Refusal"/> is null when the quote may be locked.</summary>
public sealed record QuotePin(UserId User, IReadOnlyList<UserCouponId> Coupons, Refusal? Refusal);
