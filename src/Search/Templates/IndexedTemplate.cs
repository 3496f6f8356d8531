using PromotionEngine.Contracts.Events.MerchantAdmin.V1;

namespace PromotionEngine.Search.Templates;

/// <summary>
/// A template as the search read model knows it: the state the last applied template event carried, and whether its
/// end was announced. Plain C#: the index stores it whole and answers with it.
/// </summary>
internal sealed record IndexedTemplate(
    long Id,
    long MerchantId,
    string Name,
    string Description,
    string Currency,
    string Scope,
    long? ShopId,
    IReadOnlyList<long> ProductIds,
    IReadOnlyList<long> CategoryIds,
    string Type,
    long? DiscountAmount,
    long? ThresholdAmount,
    int? PercentOff,
    long? MaxDiscountAmount,
    DateTimeOffset ValidFrom,
    DateTimeOffset ValidUntil,
    long Stock,
    int PerUserLimit,
    DateTimeOffset? TerminatedAt,
    bool Ended,
    int Version,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    string TimeZone = "UTC",
    int? PerUserDailyLimit = null,
    int? PerUserWeeklyLimit = null,
    int? PerUserMonthlyLimit = null,
    long? AudienceId = null)
{
    public const string Platform = "PLATFORM";

    /// <param name="ended">The event announced the end of the claim window (template-ended).</param>
    public static IndexedTemplate From(TemplateState s, bool ended) => new(
        s.TemplateId, s.MerchantId, s.Name, s.Description, s.Currency, s.Scope, s.ShopId, s.ProductIds, s.CategoryIds, s.Type,
        s.DiscountAmount, s.ThresholdAmount, s.PercentOff, s.MaxDiscountAmount, s.ValidFrom, s.ValidUntil, s.Stock, s.PerUserLimit,
        s.TerminatedAt, ended, s.Version, s.CreatedAt, s.UpdatedAt, s.TimeZone, s.PerUserDailyLimit, s.PerUserWeeklyLimit,
        s.PerUserMonthlyLimit, s.AudienceId);

    public TemplateRevision Revision => new(Version, Ended);

    /// <summary>Claims are open: not terminated, end not announced, and now within [validFrom, validUntil). Stock is not known here.</summary>
    public bool OpenAt(DateTimeOffset now) => TerminatedAt is null && !Ended && ValidFrom <= now && now < ValidUntil;

    /// <summary>Neither terminated nor announced ended: the window alone decides whether claims are open.</summary>
    public bool Open => TerminatedAt is null && !Ended;

    public string StatusAt(DateTimeOffset now) => TerminatedAt is not null ? "TERMINATED" : Ended || now >= ValidUntil ? "ENDED" : "ACTIVE";
}

/// <summary>
/// How far a template's history has been applied. Template events carry the version of the change; template-ended
/// carries the version of the last change, so at one version the ended state is the later one.
/// </summary>
internal readonly record struct TemplateRevision(int Version, bool Ended)
{
    /// <summary>
    /// True when this revision is later than <paramref name="applied"/> (or nothing was applied): apply it. A repeat or
    /// an older one is not.
    /// </summary>
    public bool Supersedes(TemplateRevision? applied) =>
        applied is not { } a || Version > a.Version || (Version == a.Version && Ended && !a.Ended);
}
