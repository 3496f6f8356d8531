using System.Text.Json;
using Microsoft.Extensions.Time.Testing;
using PromotionEngine.MerchantAdmin.Audit;
using PromotionEngine.MerchantAdmin.Templates;
using PromotionEngine.MerchantAdmin.Tests.Templates;

namespace PromotionEngine.MerchantAdmin.Tests.Audit;

/// <summary>An audit entry shows only the fields that changed, before and after, by their API names.</summary>
public class AuditingATemplateChange
{
    private readonly FakeTimeProvider _clock = new(Clocks.Start);

    private DateTimeOffset Now => _clock.GetUtcNow();

    private static Dictionary<string, JsonElement> Fields(string json) =>
        JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(json) ?? throw new InvalidOperationException("null JSON");

    private static (Dictionary<string, JsonElement> Before, Dictionary<string, JsonElement> After) Diff(
        CouponTemplate template, Action<CouponTemplate> change)
    {
        var before = AuditValues.Of(template);
        change(template);
        var diff = AuditValues.Diff(before, AuditValues.Of(template));
        return (Fields(diff.Before), Fields(diff.After));
    }

    [Fact]
    public void A_rename_shows_only_the_name()
    {
        var template = ATemplate.EndingIn(TimeSpan.FromDays(30), _clock);

        var (before, after) = Diff(template, t => Assert.Null(t.Rename("Summer sale", Now)));

        Assert.Equal(["name"], before.Keys);
        Assert.Equal(["name"], after.Keys);
        Assert.Equal("Spring sale", before["name"].GetString());
        Assert.Equal("Summer sale", after["name"].GetString());
    }

    [Fact]
    public void Each_changed_field_appears_once_with_both_values()
    {
        var template = ATemplate.EndingIn(TimeSpan.FromDays(30), _clock, stock: 100, perUserLimit: 1);

        var (before, after) = Diff(template, t =>
        {
            Assert.Null(t.ExtendValidity(Now + TimeSpan.FromDays(60), Now));
            Assert.Null(t.RaisePerUserLimit(2, Now));
            Assert.Null(t.AddStock(50, Now));
        });

        string[] changed = ["perUserLimit", "stock", "validUntil"];
        Assert.Equal(changed, before.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(changed, after.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(100, before["stock"].GetInt64());
        Assert.Equal(150, after["stock"].GetInt64());
        Assert.Equal(1, before["perUserLimit"].GetInt32());
        Assert.Equal(2, after["perUserLimit"].GetInt32());
        Assert.Equal(Now + TimeSpan.FromDays(60), after["validUntil"].GetDateTimeOffset());
    }

    [Fact]
    public void Termination_shows_when_it_happened_and_that_it_had_not_before()
    {
        var template = ATemplate.EndingIn(TimeSpan.FromDays(30), _clock);

        var (before, after) = Diff(template, t => t.Terminated(_clock));

        Assert.Equal(["terminatedAt"], before.Keys);
        Assert.Equal(JsonValueKind.Null, before["terminatedAt"].ValueKind);
        Assert.Equal(Now, after["terminatedAt"].GetDateTimeOffset());
    }

    [Fact]
    public void Nothing_changed_shows_nothing()
    {
        var template = ATemplate.EndingIn(TimeSpan.FromDays(30), _clock);

        var diff = AuditValues.Diff(AuditValues.Of(template), AuditValues.Of(template));

        Assert.False(diff.Changed);
        Assert.Equal("{}", diff.Before);
        Assert.Equal("{}", diff.After);
    }

    [Fact]
    public void Equal_lists_in_different_instances_are_not_a_change()
    {
        var before = new Dictionary<string, object?> { ["productIds"] = new long[] { 11, 12 }, ["name"] = "Spring sale" };
        var after = new Dictionary<string, object?> { ["productIds"] = new List<long> { 11, 12 }, ["name"] = "Summer sale" };

        var diff = AuditValues.Diff(before, after);

        Assert.True(diff.Changed);
        Assert.Equal(["name"], Fields(diff.Before).Keys);
        Assert.Equal(["name"], Fields(diff.After).Keys);
    }

    [Fact]
    public void The_audit_names_every_template_field_by_its_api_name()
    {
        var values = AuditValues.Of(ATemplate.EndingIn(TimeSpan.FromDays(30), _clock));

        string[] apiNames =
        [
            "name", "description", "currency", "scope", "shopId", "productIds", "categoryIds", "type", "discountAmount", "thresholdAmount",
            "percentOff", "maxDiscountAmount", "validFrom", "validUntil", "validityAfterClaim", "stock", "perUserLimit", "terminatedAt",
            "exclusive", "priority", "funding", "platformShareBps", "timeZone", "perUserDailyLimit", "perUserWeeklyLimit", "perUserMonthlyLimit",
            "tiers", "audienceId", "gift",
            "buyQuantity", "getQuantity",
        ];
        Assert.Equal(apiNames.Order(StringComparer.Ordinal), values.Keys.Order(StringComparer.Ordinal));
        Assert.Equal("PRODUCTS", values["scope"]);
        Assert.Equal("FIXED_AMOUNT", values["type"]);
        Assert.Equal("P7D", values["validityAfterClaim"]);
    }
}
