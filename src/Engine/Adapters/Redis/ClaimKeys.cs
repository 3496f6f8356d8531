using PromotionEngine.Engine.Claims;
using PromotionEngine.Kernel;
using StackExchange.Redis;

namespace PromotionEngine.Engine.Adapters.Redis;

/// <summary>
/// A template's claim keys. All share the hash tag {t:&lt;id&gt;}, so one script touching them runs on
/// one Redis Cluster slot. The issued counter doubles as the "counters are loaded" marker.
/// </summary>
internal readonly partial record struct ClaimKeys(string Prefix, TemplateId Template)
{
    private string Tagged => $"{Prefix}:{{t:{Template.Value}}}";

    public RedisKey Issued => Tagged + ":issued";
    public RedisKey Users => Tagged + ":users";
    public RedisKey Generation => Tagged + ":gen";
    public RedisKey Loading => Tagged + ":loading";

    /// <summary>Where a rebuild writes the users hash before it replaces the live one.</summary>
    public RedisKey UsersBeingBuilt(string token) => $"{Tagged}:users-build:{token}";

    public RedisKey Request(UserId user, IdempotencyKey key) => $"{Tagged}:req:{user.Value}:{key.Value}";

    /// <summary>
    /// One limited period's claims per user (a hash; field _gen is the generation it was loaded under), named by its kind and start,
    /// so a new day, week or month is a new key and the old one expires after its end.
    /// </summary>
    public RedisKey Period(ClaimPeriod period) => $"{Tagged}:period:{period.Code}:{period.StartMillis}";

    /// <summary>Held while one instance loads a period's counts from the database.</summary>
    public RedisKey PeriodLoading(ClaimPeriod period) => $"{Tagged}:period-loading:{period.Code}:{period.StartMillis}";

    /// <summary>Where a period's counts are built before they replace the live (stale or missing) hash.</summary>
    public RedisKey PeriodBeingBuilt(ClaimPeriod period, string token) => $"{Tagged}:period-build:{period.Code}:{period.StartMillis}:{token}";

    /// <summary>Matches every template's marker, for a full rebuild (check each match with <see cref="IsMarker"/>).</summary>
    public static RedisValue AllIssued(string prefix) => $"{prefix}:{{t:*}}:issued";

    /// <summary>True only for a real marker: an idempotency key may itself end in "}:issued" and match the pattern.</summary>
    public static bool IsMarker(string prefix, string key)
    {
        var start = prefix.Length + 4; // "<prefix>:{t:"
        var end = key.IndexOf('}', start);
        return key.StartsWith(prefix + ":{t:", StringComparison.Ordinal) && end > start
            && long.TryParse(
                key.AsSpan(start, end - start), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var id)
            && key == (string)new ClaimKeys(prefix, new TemplateId(id)).Issued!;
    }
}
