using PromotionEngine.Kernel;
using StackExchange.Redis;

namespace PromotionEngine.Engine.Adapters.Redis;

/// <summary>
/// Audiences (docs/audiences.md): a template's copy of the members of its audience, under the template's hash tag so the claim
/// script reads it in its own slot of a Redis Cluster. Copies of one audience are found through its registry, which no script
/// reads with the template's keys (it has the audience's own tag).
/// </summary>
internal readonly partial record struct ClaimKeys
{
    public RedisKey AudienceMembers => Tagged + ":audience";

    /// <summary>Where a rebuild writes the members' copy before it replaces the live one.</summary>
    public RedisKey AudienceBeingBuilt(string token) => $"{Tagged}:audience-build:{token}";

    /// <summary>The templates that hold (or are loading) a copy of the audience.</summary>
    public static RedisKey AudienceCopies(string prefix, AudienceId audience) => $"{prefix}:audience-copies:{{a:{audience.Value}}}";
}
