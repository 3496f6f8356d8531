using System.Reflection;
using PromotionEngine.Contracts.Events.MerchantAdmin.V1;
using PromotionEngine.Contracts.Http.MerchantAdmin;
using PromotionEngine.Contracts.Http.Search;
using PromotionEngine.Contracts.MerchantAdmin;

namespace PromotionEngine.Architecture.Tests;

/// <summary>
/// A template's fields are spelled in several places: the aggregate, its events' <see cref="TemplateState"/> (which carries
/// the template whole), and copies made from that state for other readers. The aggregate is mapped once, to the state
/// (MerchantAdmin's TemplateStates.Of); each copy is built from the state (or from a copy of it) by one mapping. These
/// rules fail when a field reaches the aggregate but not the state, or the state but not a copy that has no reason, in
/// its allow-list below, to leave it out: adding a field then means deciding, copy by copy, to carry it or to say why not.
/// </summary>
public class TheTemplateFields
{
    /// <summary>A copy of the template: its type, what it calls the state's fields it renames, and what it leaves out, with why.</summary>
    private sealed record Copy(Type Type, Dictionary<string, string> Renamed, Dictionary<string, string> LeftOut);

    // Pricing needs where a coupon applies, what it takes off and how it stacks; the rest is the catalog's and the wallet's.
    private static readonly Dictionary<string, string> NotPricing = new()
    {
        ["Name"] = "not a pricing term",
        ["Description"] = "not a pricing term",
        ["ValidFrom"] = "the claim window: the wallet's coupon carries its own validity",
        ["ValidUntil"] = "the claim window: the wallet's coupon carries its own validity",
        ["ValidityAfterClaimSeconds"] = "already in each coupon's validUntil",
        ["Stock"] = "issuance, not price",
        ["PerUserLimit"] = "issuance, not price",
        ["TerminatedAt"] = "a terminated template's coupons keep their terms",
        ["Version"] = "terms never change once the template exists",
        ["CreatedAt"] = "not a pricing term",
        ["UpdatedAt"] = "not a pricing term",
        ["Funding"] = "who pays the discount does not change what it is: clearing's, from the template events",
        ["PlatformShareBps"] = "who pays the discount does not change what it is: clearing's, from the template events",
        ["TimeZone"] = "the period limits' zone: issuance, not price",
        ["PerUserDailyLimit"] = "issuance, not price",
        ["PerUserWeeklyLimit"] = "issuance, not price",
        ["PerUserMonthlyLimit"] = "issuance, not price",
        ["AudienceId"] = "who may claim, not what the coupon takes off",
    };

    private static readonly Dictionary<string, Copy> Copies = new()
    {
        ["http response"] = new(typeof(TemplateResponse),
            new() { ["TemplateId"] = "Id", ["ValidityAfterClaimSeconds"] = "ValidityAfterClaim" }, // an ISO 8601 duration
            new()
            {
                ["TerminatedAt"] = "answered as status TERMINATED",
                ["Version"] = "the merchant API has no concurrency token",
            }),
        ["search hit"] = new(typeof(TemplateSearchHit),
            new() { ["TemplateId"] = "Id" },
            new()
            {
                ["ValidityAfterClaimSeconds"] = "not in the search API's shape (adding it is a change of that API)",
                ["TerminatedAt"] = "answered as status TERMINATED",
                ["Exclusive"] = "stacking terms are settlement's; not in the search API's shape",
                ["Priority"] = "stacking terms are settlement's; not in the search API's shape",
                ["Funding"] = "who pays is clearing's; not in the search API's shape",
                ["PlatformShareBps"] = "who pays is clearing's; not in the search API's shape",
                ["Tiers"] = "the hit shows the type (TIERED_THRESHOLD); the tiers are in the template's own answer",
                ["AudienceId"] = "a merchant's audience is its own business; not in the search API's shape",
                ["Gift"] = "the hit shows the type (GIFT); the gift and its stock are in the template's own answer",
                ["BuyQuantity"] = "the hit shows the type (BUY_X_GET_Y); X and Y are in the template's own answer",
                ["GetQuantity"] = "the hit shows the type (BUY_X_GET_Y); X and Y are in the template's own answer",
            }),
        ["exposed template"] = new(typeof(ExposedTemplate),
            new() { ["TemplateId"] = "Id" },
            new()
            {
                ["ProductIds"] = "the page asked about is the product or category",
                ["CategoryIds"] = "the page asked about is the product or category",
                ["ValidityAfterClaimSeconds"] = "not in the exposure API's shape",
                ["Stock"] = "answered as stockLeft, stock less what was issued",
                ["TerminatedAt"] = "only open templates are exposed",
                ["Version"] = "a shopper's view",
                ["CreatedAt"] = "a shopper's view",
                ["UpdatedAt"] = "a shopper's view",
                ["Exclusive"] = "stacking terms are settlement's",
                ["Priority"] = "stacking terms are settlement's",
                ["Funding"] = "who pays is between merchant and platform, not a shopper's view",
                ["PlatformShareBps"] = "who pays is between merchant and platform, not a shopper's view",
                ["TimeZone"] = "not in the exposure API's shape (remainingForYou answers the lifetime limit)",
                ["PerUserDailyLimit"] = "not in the exposure API's shape (remainingForYou answers the lifetime limit)",
                ["PerUserWeeklyLimit"] = "not in the exposure API's shape (remainingForYou answers the lifetime limit)",
                ["PerUserMonthlyLimit"] = "not in the exposure API's shape (remainingForYou answers the lifetime limit)",
                ["Tiers"] = "not in the exposure API's shape: the type says TIERED_THRESHOLD, the quote says how far the next tier is",
                ["AudienceId"] = "applied: a template for an audience is exposed to its members only",
                ["Gift"] = "not in the exposure API's shape: the type says GIFT, the quote shows the gift line",
                ["BuyQuantity"] = "not in the exposure API's shape: the type says BUY_X_GET_Y, the quote says how many more items earn it",
                ["GetQuantity"] = "not in the exposure API's shape: the type says BUY_X_GET_Y, the quote says how many more items earn it",
            }),
        ["search's indexed template"] = new(Internal(Assemblies.Search, "PromotionEngine.Search.Templates.IndexedTemplate"),
            new() { ["TemplateId"] = "Id" },
            new()
            {
                ["ValidityAfterClaimSeconds"] = "the index keeps what search answers and filters on",
                ["Exclusive"] = "the index keeps what search answers and filters on",
                ["Priority"] = "the index keeps what search answers and filters on",
                ["Funding"] = "the index keeps what search answers and filters on",
                ["PlatformShareBps"] = "the index keeps what search answers and filters on",
                ["Tiers"] = "the index keeps what search answers and filters on (the type, TIERED_THRESHOLD)",
                ["Gift"] = "the index keeps what search answers and filters on (the type, GIFT)",
                ["BuyQuantity"] = "the index keeps what search answers and filters on (the type, BUY_X_GET_Y)",
                ["GetQuantity"] = "the index keeps what search answers and filters on (the type, BUY_X_GET_Y)",
            }),
        ["pricing terms"] = new(typeof(TemplatePricingTerms),
            new() { ["TemplateId"] = "Template", ["MerchantId"] = "Merchant" },
            NotPricing),
        ["settlement's pricing terms"] = new(Internal(Assemblies.Settlement, "PromotionEngine.Settlement.Pricing.PricingTerms"),
            new() { ["TemplateId"] = "Template", ["Type"] = "Benefit" },
            new(NotPricing) { ["MerchantId"] = "a quote prices one user's wallet, whoever issued the coupons" }),
        ["claim snapshot"] = new(typeof(CouponTemplateSnapshot),
            new()
            {
                ["TemplateId"] = "Id", ["MerchantId"] = "Merchant", ["TerminatedAt"] = "Terminated",
                ["ValidityAfterClaimSeconds"] = "ValidityAfterClaim", ["AudienceId"] = "Audience",
            },
            new()
            {
                ["Name"] = "a claim decides on window, stock and limit only",
                ["Description"] = "a claim decides on window, stock and limit only",
                ["Scope"] = "where a coupon applies is pricing's",
                ["ShopId"] = "where a coupon applies is pricing's",
                ["ProductIds"] = "where a coupon applies is pricing's",
                ["CategoryIds"] = "where a coupon applies is pricing's",
                ["Type"] = "what a coupon takes off is pricing's",
                ["DiscountAmount"] = "what a coupon takes off is pricing's",
                ["ThresholdAmount"] = "what a coupon takes off is pricing's",
                ["PercentOff"] = "what a coupon takes off is pricing's",
                ["MaxDiscountAmount"] = "what a coupon takes off is pricing's",
                ["CreatedAt"] = "a claim decides on window, stock and limit only",
                ["UpdatedAt"] = "a claim decides on window, stock and limit only",
                ["Exclusive"] = "stacking is pricing's",
                ["Priority"] = "stacking is pricing's",
                ["Funding"] = "a claim decides on window, stock and limit only",
                ["PlatformShareBps"] = "a claim decides on window, stock and limit only",
                ["Tiers"] = "what a coupon takes off is pricing's",
                ["BuyQuantity"] = "what a coupon takes off is pricing's",
                ["GetQuantity"] = "what a coupon takes off is pricing's",
            }),
    };

    // The aggregate's names for the state's fields: its value objects (scope, benefit) are flattened into the state.
    private static readonly Dictionary<string, string> AggregateNames = new()
    {
        ["Id"] = "TemplateId", ["Merchant"] = "MerchantId", ["Kind"] = "Scope", ["ValidityAfterClaim"] = "ValidityAfterClaimSeconds",
        ["Audience"] = "AudienceId", ["GiftStock"] = "Gift",
    };

    private static readonly string[] AggregateValueObjects = ["CouponScope", "Benefit", "ClaimPeriodLimits"];

    public static TheoryData<string> CopyNames() => [.. Copies.Keys];

    private static Type Internal(Assembly assembly, string name) => assembly.GetType(name, throwOnError: true)!;

    private static string[] Fields(Type type) =>
        type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Select(p => p.Name).ToArray();

    private static string[] StateFields => Fields(typeof(TemplateState));

    /// <summary>The aggregate's fields, its value objects' own fields in their place, under the state's names.</summary>
    private static IEnumerable<string> AggregateFields() =>
        Internal(Assemblies.Admin, "PromotionEngine.MerchantAdmin.Templates.CouponTemplate")
            .GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .SelectMany(p => AggregateValueObjects.Contains(p.PropertyType.Name) ? Fields(p.PropertyType) : [p.Name])
            .Select(name => AggregateNames.GetValueOrDefault(name, name));

    [Fact]
    public void Every_field_of_the_aggregate_is_in_the_template_state() =>
        Assert.Empty(AggregateFields().Except(StateFields));

    [Theory]
    [MemberData(nameof(CopyNames))]
    public void Every_field_of_the_template_state_is_in_each_copy_or_left_out_on_purpose(string copy)
    {
        var (type, renamed, leftOut) = Copies[copy];
        var fields = Fields(type);

        var missing = StateFields.Where(f => !leftOut.ContainsKey(f) && !fields.Contains(renamed.GetValueOrDefault(f, f))).ToList();

        Assert.Empty(missing);
    }

    [Theory]
    [MemberData(nameof(CopyNames))]
    public void An_allow_list_names_only_state_fields_the_copy_really_leaves_out(string copy)
    {
        var (type, renamed, leftOut) = Copies[copy];
        var fields = Fields(type);

        var stale = leftOut.Keys.Where(f => !StateFields.Contains(f) || fields.Contains(renamed.GetValueOrDefault(f, f))).ToList();
        var unknown = renamed.Keys.Where(f => !StateFields.Contains(f)).ToList();

        Assert.Empty(stale);
        Assert.Empty(unknown);
    }
}
