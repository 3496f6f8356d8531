using NodaTime;
using PromotionEngine.Contracts.Http.MerchantAdmin;
using PromotionEngine.Kernel.Validation;
using static PromotionEngine.MerchantAdmin.Templates.TemplateRules;

namespace PromotionEngine.MerchantAdmin.Templates;

/// <summary>
/// How many coupons of a template one user may claim per day, per ISO week (Monday to Monday) and per calendar month, each
/// in the template's time zone (an IANA id, "UTC" by default); null: no such limit. Beside the lifetime perUserLimit, fixed at
/// creation: coupons claimed under them were claimed on those terms.
/// </summary>
/// <remarks>
/// Zones are NodaTime's embedded IANA database, not <see cref="TimeZoneInfo"/>: every engine instance (and this validation)
/// then knows the same zones with the same rules whatever the host's tzdata (absent from slim container images, or of another
/// release), so all of them agree on where a day ends, and a zone accepted here is one the claim gates can compute.
/// </remarks>
internal sealed record ClaimPeriodLimits(string TimeZone, int? PerUserDailyLimit, int? PerUserWeeklyLimit, int? PerUserMonthlyLimit)
{
    public const string DefaultTimeZone = "UTC";

    public static readonly ClaimPeriodLimits None = new(DefaultTimeZone, null, null, null);

    /// <summary>True when the IANA database knows the id (exact spelling, as the claim gates look it up).</summary>
    public static bool IsKnownZone(string id) => DateTimeZoneProviders.Tzdb.GetZoneOrNull(id) is not null;

    /// <summary>The request's zone and limits, every fault added to <paramref name="errors"/>; <paramref name="unknownZone"/> when the zone is the fault.</summary>
    public static ClaimPeriodLimits? From(CreateTemplateRequest r, FieldErrors errors, out bool unknownZone)
    {
        var zone = r.TimeZone ?? DefaultTimeZone;
        unknownZone = !IsKnownZone(zone);
        errors.When(unknownZone, "timeZone", "An IANA time zone id such as Asia/Shanghai, Europe/Berlin or UTC.");
        var lifetime = r.PerUserLimit is { } l and >= 1 and <= MaxPerUserLimit ? l : MaxPerUserLimit;
        Check(r.PerUserDailyLimit, "perUserDailyLimit", lifetime, errors);
        Check(r.PerUserWeeklyLimit, "perUserWeeklyLimit", lifetime, errors);
        Check(r.PerUserMonthlyLimit, "perUserMonthlyLimit", lifetime, errors);
        return unknownZone ? null : new ClaimPeriodLimits(zone, r.PerUserDailyLimit, r.PerUserWeeklyLimit, r.PerUserMonthlyLimit);
    }

    // A period limit above the lifetime limit could never bind: refused, so a merchant never believes in a limit that is not there.
    private static void Check(int? limit, string field, int lifetime, FieldErrors errors) =>
        errors.When(limit is < 1 || limit > lifetime, field, $"A whole number from 1 to perUserLimit ({lifetime}), or absent for no limit.");
}
