using PromotionEngine.Kernel;
using StackExchange.Redis;

namespace PromotionEngine.Engine.Adapters.Redis;

/// <summary>
/// A template's claim keys. All share the hash tag {t:&lt;id&gt;}, so one script touching them runs on
/// one Redis Cluster slot. The issued counter doubles as the "counters are loaded" marker.
/// </summary>
internal readonly record struct ClaimKeys(string Prefix, TemplateId Template)
{
    private string Tagged => $"{Prefix}:{{t:{Template.Value}}}";

    public RedisKey Issued => Tagged + ":issued";
    public RedisKey Users => Tagged + ":users";
    public RedisKey Generation => Tagged + ":gen";
    public RedisKey Loading => Tagged + ":loading";

    public RedisKey Request(UserId user, IdempotencyKey key) => $"{Tagged}:req:{user.Value}:{key.Value}";

    /// <summary>Matches every template's marker, for a full rebuild.</summary>
    public static RedisValue AllIssued(string prefix) => $"{prefix}:{{t:*}}:issued";
}
