using PromotionEngine.Engine.Claims;
using PromotionEngine.Kernel;
using StackExchange.Redis;

namespace PromotionEngine.Engine.Adapters.Redis;

/// <summary>
/// A template's claim keys, of one of its slices (<see cref="ClaimSlices"/>). All of a slice share its hash tag, {t:&lt;id&gt;} for
/// slice 0 (the only one of a template that is not split) and {t:&lt;id&gt;:s:&lt;n&gt;} for the others, so one script touching them runs on
/// one Redis Cluster slot, and a split template's slices on different slots. The issued counter doubles as the slice's
/// "counters are loaded" marker.
/// </summary>
internal readonly partial record struct ClaimKeys(string Prefix, TemplateId Template, int Slice = 0)
{
    private string Tagged => Slice == 0 ? $"{Prefix}:{{t:{Template.Value}}}" : $"{Prefix}:{{t:{Template.Value}:s:{Slice}}}";

    public RedisKey Issued => Tagged + ":issued";
    public RedisKey Users => Tagged + ":users";
    public RedisKey Generation => Tagged + ":gen";
    public RedisKey Loading => Tagged + ":loading";

    /// <summary>Slice 0's: how many slices the template's counters were loaded with, for whoever adds grants from outside a claim.</summary>
    public RedisKey SliceCount => Tagged + ":slices";

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

    /// <summary>
    /// True only for a real marker, of any slice, with its template and slice: an idempotency key may itself end in "}:issued" and
    /// match the pattern.
    /// </summary>
    public static bool IsMarker(string prefix, string key, out (TemplateId Template, int Slice) found)
    {
        found = default;
        var start = prefix.Length + 4; // "<prefix>:{t:"
        var end = key.IndexOf('}', Math.Min(start, key.Length));
        if (!key.StartsWith(prefix + ":{t:", StringComparison.Ordinal) || end <= start) return false;
        var tag = key[start..end].Split(":s:");
        if (tag.Length > 2 || !Number(tag[0], out var id) || !Number(tag.Length == 2 ? tag[1] : "0", out var slice) || slice > int.MaxValue)
            return false;
        found = (new TemplateId(id), (int)slice);
        return key == (string)new ClaimKeys(prefix, found.Template, found.Slice).Issued!;
    }

    private static bool Number(string text, out long value) =>
        long.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out value);
}
