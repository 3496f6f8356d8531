using PromotionEngine.Kernel.Messaging;

namespace PromotionEngine.Contracts.Events.Engine.V1;

/// <summary>Audience events are the engine's, partitioned by audience: one audience's events arrive in order.</summary>
public interface IAudienceEvent : IIntegrationEvent
{
    static string IIntegrationEvent.Producer => "engine";
    static int IIntegrationEvent.SchemaVersion => 1;

    long AudienceId { get; }
    long MerchantId { get; }
}

/// <summary>
/// A merchant named a new audience, empty until members are added (docs/audiences.md). A rule audience names its rule (RuleKind:
/// NEW_USER, CLAIMED_TEMPLATE, NOT_CLAIMED_TEMPLATE or SETTLED_ORDERS, with its parameters; Excludes: the audience is everyone but
/// the users it holds); the others null (and Excludes false).
/// </summary>
public sealed record AudienceCreated(
    long AudienceId, long MerchantId, string Name, DateTimeOffset CreatedAt,
    string? RuleKind = null, long? RuleTemplateId = null, int? RuleDays = null, int? RuleMinOrders = null, bool Excludes = false) : IAudienceEvent
{
    public static string Type => "audience-created";

    static bool IIntegrationEvent.Retained => true;
}

/// <summary>
/// Users joined or left an audience: Added and Removed count the users whose membership changed (a user already in, or
/// already out, is not counted), Members is the audience's size afterwards. Source: PUSH (a service's list), FILE (a merchant's
/// upload) or RULE (a rule over the engine's facts).
/// </summary>
public sealed record AudienceMembersChanged(
    long AudienceId, long MerchantId, long Added, long Removed, long Members, string Source, DateTimeOffset ChangedAt) : IAudienceEvent
{
    public static string Type => "audience-members-changed";
}

/// <summary>How an audience's members came to change.</summary>
public static class AudienceSources
{
    /// <summary>Another system pushed a list (POST /api/v1/audiences/{id}/members, SERVICE tokens).</summary>
    public const string Push = "PUSH";

    /// <summary>A merchant uploaded a CSV or .xlsx file of user ids.</summary>
    public const string File = "FILE";

    /// <summary>A rule over the engine's facts picked them.</summary>
    public const string Rule = "RULE";
}
