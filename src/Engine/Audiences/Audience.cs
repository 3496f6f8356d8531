using PromotionEngine.Kernel;

namespace PromotionEngine.Engine.Audiences;

/// <summary>
/// A named set of one merchant's users (docs/audiences.md). The members are rows of their own (the claim gate probes one per
/// claim); <see cref="Members"/> is their count, kept with every change. <see cref="Excludes"/>: the rows are the users the
/// audience leaves out (a rule with a negation, "new user" or "has not claimed": everyone else is in), and Members counts them.
/// </summary>
internal sealed record Audience(
    AudienceId Id, MerchantId Merchant, string Name, long Members, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, bool Excludes = false)
{
    public const int MaxNameLength = 100;

    /// <summary>The most user ids one change (a push, a file's chunk, a rule's page) adds and removes together.</summary>
    public const int MaxChange = 10_000;

    public static Audience Create(AudienceId id, MerchantId merchant, string name, DateTimeOffset now, bool excludes = false) =>
        new(id, merchant, name, 0, now, now, excludes);
}

/// <summary>What a change of members did: users that joined, users that left (no-ops not counted), and the size afterwards.</summary>
internal sealed record MembersChange(long Added, long Removed, long Members);

/// <summary>The audience a template is for, with the template's merchant (only that merchant's audience counts).</summary>
internal readonly record struct TemplateAudience(AudienceId Audience, MerchantId Merchant);
