using PromotionEngine.Kernel;
using PromotionEngine.Kernel.Persistence;
using PromotionEngine.Kernel.Validation;
using static PromotionEngine.MerchantAdmin.Templates.TemplateRules;

namespace PromotionEngine.MerchantAdmin.Templates;

/// <summary>
/// What a coupon is, owned by one merchant. Only what cannot hurt coupons already issued may change:
/// the name and description, a later end, a higher per-user limit, more stock, and termination. Who funds the discount, the
/// time zone and the per-period limits are fixed too: coupons issued under them were issued on those terms.
/// </summary>
internal sealed class CouponTemplate
{
    private CouponTemplate(TemplateId id, MerchantId merchant, TemplateDefinition definition, DateTimeOffset? terminatedAt,
        DateTimeOffset createdAt, DateTimeOffset updatedAt, int version)
    {
        Id = id;
        Merchant = merchant;
        Name = definition.Name;
        Description = definition.Description;
        Currency = definition.Currency;
        Scope = definition.Scope;
        Benefit = definition.Benefit;
        ValidFrom = definition.ValidFrom;
        ValidUntil = definition.ValidUntil;
        ValidityAfterClaim = definition.ValidityAfterClaim;
        Stock = definition.Stock;
        PerUserLimit = definition.PerUserLimit;
        Exclusive = definition.Exclusive;
        Priority = definition.Priority;
        Funding = definition.Funding;
        PlatformShareBps = definition.PlatformShareBps;
        PeriodLimits = definition.PeriodLimits ?? ClaimPeriodLimits.None;
        Audience = definition.Audience;
        GiftStock = definition.GiftStock;
        TerminatedAt = terminatedAt;
        CreatedAt = createdAt;
        UpdatedAt = updatedAt;
        Version = version;
    }

    public TemplateId Id { get; }
    public MerchantId Merchant { get; }
    public string Name { get; private set; }
    public string Description { get; private set; }
    public string Currency { get; }
    public CouponScope Scope { get; }
    public Benefit Benefit { get; }
    public DateTimeOffset ValidFrom { get; }
    public DateTimeOffset ValidUntil { get; private set; }
    public TimeSpan? ValidityAfterClaim { get; }
    public long Stock { get; private set; }
    public int PerUserLimit { get; private set; }

    /// <summary>Stacking: an exclusive coupon combines with no other; priority breaks ties between equal combinations.</summary>
    public bool Exclusive { get; }

    public int Priority { get; }

    /// <summary>Who funds the discount; the platform bears <see cref="PlatformShareBps"/> of it, the merchant the rest.</summary>
    public FundingKind Funding { get; }

    public int PlatformShareBps { get; }

    /// <summary>The time zone and the per-user claim limits per day, ISO week and month in it (templates from before: UTC, none).</summary>
    public ClaimPeriodLimits PeriodLimits { get; }
    /// <summary>Only the members of this audience may claim (null: anyone); fixed at creation, like the other terms of who gets it.</summary>
    public AudienceId? Audience { get; }

    /// <summary>A GIFT template's gift stock: every gift added so far (the engine counts what is given and reserved of it); 0 otherwise.</summary>
    public long GiftStock { get; private set; }

    public DateTimeOffset? TerminatedAt { get; private set; }
    public DateTimeOffset CreatedAt { get; }
    public DateTimeOffset UpdatedAt { get; private set; }

    /// <summary>Optimistic concurrency: the version the row had when it was read.</summary>
    public int Version { get; private set; }

    public static CouponTemplate Create(TemplateId id, MerchantId merchant, TemplateDefinition definition, DateTimeOffset now) =>
        new(id, merchant, definition, terminatedAt: null, createdAt: now, updatedAt: now, version: 0);

    /// <summary>Rebuilds a stored template; no rule is re-checked.</summary>
    public static CouponTemplate Restore(TemplateId id, MerchantId merchant, TemplateDefinition definition, DateTimeOffset? terminatedAt,
        DateTimeOffset createdAt, DateTimeOffset updatedAt, int version) =>
        new(id, merchant, definition, terminatedAt, createdAt, updatedAt, version);

    public TemplateStatus StatusAt(DateTimeOffset now) =>
        TerminatedAt is not null ? TemplateStatus.Terminated
        : now >= ValidUntil ? TemplateStatus.Ended
        : TemplateStatus.Active;

    public Refusal? Rename(string? name, DateTimeOffset now)
    {
        var trimmed = name?.Trim();
        if (string.IsNullOrEmpty(trimmed) || trimmed.Length > MaxNameLength)
            return new Refusal(ErrorCodes.ValidationFailed, $"A name is 1 to {MaxNameLength} characters.", "name");
        if (!FreeText.IsClean(trimmed)) return new Refusal(ErrorCodes.ValidationFailed, FreeText.SingleLineRule, "name");
        Name = trimmed;
        Touch(now);
        return null;
    }

    public Refusal? Describe(string? description, DateTimeOffset now)
    {
        var trimmed = description?.Trim() ?? "";
        if (trimmed.Length > MaxDescriptionLength)
            return new Refusal(ErrorCodes.ValidationFailed, $"At most {MaxDescriptionLength} characters.", "description");
        if (!FreeText
            .IsClean(trimmed, multiLine: true)) return new Refusal(ErrorCodes.ValidationFailed, FreeText.MultiLineRule, "description");
        Description = trimmed;
        Touch(now);
        return null;
    }

    /// <summary>A later end only: shortening would take validity away from coupons users already hold.</summary>
    public Refusal? ExtendValidity(DateTimeOffset until, DateTimeOffset now)
    {
        if (StatusAt(now) is not TemplateStatus.Active and var status) return NotWhile(status);
        if (until <= ValidUntil)
            return new Refusal(ErrorCodes.ValidUntilNotExtended, $"validUntil may only move later than {ValidUntil:O}.", "validUntil");
        if (until - ValidFrom > MaxWindow)
            return new Refusal(ErrorCodes.ValidationFailed, $"The window is at most {MaxWindow.Days} days.", "validUntil");
        ValidUntil = UtcMillis.Truncate(until);
        Touch(now);
        return null;
    }

    /// <summary>Higher only: lowering would leave users holding more than the limit allows.</summary>
    public Refusal? RaisePerUserLimit(int limit, DateTimeOffset now)
    {
        if (StatusAt(now) is not TemplateStatus.Active and var status) return NotWhile(status);
        if (limit <= PerUserLimit)
            return new Refusal(ErrorCodes.PerUserLimitNotRaised, $"perUserLimit may only rise above {PerUserLimit}.", "perUserLimit");
        if (limit > MaxPerUserLimit)
            return new Refusal(ErrorCodes.ValidationFailed, $"At most {MaxPerUserLimit}.", "perUserLimit");
        PerUserLimit = limit;
        Touch(now);
        return null;
    }

    public Refusal? AddStock(long quantity, DateTimeOffset now)
    {
        if (quantity is < 1 or > MaxStock)
            return new Refusal(ErrorCodes.ValidationFailed, $"A whole number from 1 to {MaxStock}.", "quantity");
        if (StatusAt(now) is not TemplateStatus.Active and var status) return NotWhile(status);
        if (Stock + quantity > MaxStock)
            return new Refusal(ErrorCodes.StockLimitExceeded, $"Stock would exceed {MaxStock}.", "quantity");
        Stock += quantity;
        Touch(now);
        return null;
    }

    /// <summary>
    /// More gifts for a GIFT template (docs/gifts.md), while it is active; coupons already issued may use them at once. The stock only
    /// rises: what the engine has given or reserved of it is never taken back.
    /// </summary>
    public Refusal? AddGiftStock(long quantity, DateTimeOffset now)
    {
        if (Benefit.Gift is null)
            return new Refusal(ErrorCodes.ValidationFailed, "Only a GIFT template has a gift stock.", "quantity");
        if (quantity is < 1 or > MaxStock)
            return new Refusal(ErrorCodes.ValidationFailed, $"A whole number from 1 to {MaxStock}.", "quantity");
        if (StatusAt(now) is not TemplateStatus.Active and var status) return NotWhile(status);
        if (GiftStock + quantity > MaxStock)
            return new Refusal(ErrorCodes.StockLimitExceeded, $"Gift stock would exceed {MaxStock}.", "quantity");
        GiftStock += quantity;
        Touch(now);
        return null;
    }

    /// <summary>Stops all further claims. Coupons already issued stay usable until their own end.</summary>
    public TerminateOutcome Terminate(DateTimeOffset now)
    {
        switch (StatusAt(now))
        {
            case TemplateStatus.Terminated:
                return TerminateOutcome.AlreadyTerminated;
            case TemplateStatus.Ended:
                return TerminateOutcome.AlreadyEnded;
            default:
                TerminatedAt = now;
                Touch(now);
                return TerminateOutcome.Terminated;
        }
    }

    private void Touch(DateTimeOffset now) => UpdatedAt = now;

    private static Refusal NotWhile(TemplateStatus status) => status == TemplateStatus.Terminated
        ? new Refusal(ErrorCodes.TemplateTerminated, "The template was terminated: its window, limit and stock can no longer change.")
        : new Refusal(ErrorCodes.TemplateEnded, "The template's window has passed: its window, limit and stock can no longer change.");
}

internal enum TerminateOutcome
{
    Terminated,
    AlreadyTerminated,
    AlreadyEnded,
}
