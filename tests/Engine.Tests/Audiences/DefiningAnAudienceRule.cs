using PromotionEngine.Engine.Audiences;
using PromotionEngine.Kernel;
using PromotionEngine.Kernel.Validation;
using static PromotionEngine.Engine.Tests.Durations;

namespace PromotionEngine.Engine.Tests.Audiences;

public class DefiningAnAudienceRule
{
    private static (AudienceRule? Rule, FieldErrors Errors) Define(string? kind, string? templateId = null, int? days = null, int? minOrders = null)
    {
        var errors = new FieldErrors();
        return (AudienceRule.From(new AudienceId(1), new MerchantId(7), kind, templateId, days, minOrders, errors), errors);
    }

    /// <summary>Each kind takes its own parameters and no other; a fault names the field.</summary>
    [Theory]
    // kind, templateId, days, minOrders, the fields at fault ("" none)
    [InlineData("NEW_USER", null, null, null, "")]
    [InlineData("NEW_USER", "5", 7, null, "rule.templateId rule.days")]
    [InlineData("CLAIMED_TEMPLATE", "5", null, null, "")]
    [InlineData("CLAIMED_TEMPLATE", null, null, null, "rule.templateId")]
    [InlineData("NOT_CLAIMED_TEMPLATE", "0", null, null, "rule.templateId")]
    [InlineData("NOT_CLAIMED_TEMPLATE", "x1", null, 2, "rule.templateId rule.minOrders")]
    [InlineData("SETTLED_ORDERS", null, 30, 3, "")]
    [InlineData("SETTLED_ORDERS", null, 366, 1000, "")]
    [InlineData("SETTLED_ORDERS", null, 0, 1001, "rule.days rule.minOrders")]
    [InlineData("SETTLED_ORDERS", null, null, null, "rule.days rule.minOrders")]
    [InlineData("BIG_SPENDER", null, null, null, "rule.kind")]
    [InlineData("", null, null, null, "rule.kind")]
    public void A_rule_takes_its_kinds_parameters_only(string? kind, string? templateId, int? days, int? minOrders, string faults)
    {
        var (rule, errors) = Define(kind, templateId, days, minOrders);

        var expected = faults.Split(' ', StringSplitOptions.RemoveEmptyEntries).Order(StringComparer.Ordinal).ToArray();
        Assert.Equal(expected, errors.ToDictionary().Keys.Order(StringComparer.Ordinal));
        Assert.Equal(expected.Length == 0, rule is not null);
    }

    [Theory]
    [InlineData("NEW_USER", true)]
    [InlineData("NOT_CLAIMED_TEMPLATE", true)]
    [InlineData("CLAIMED_TEMPLATE", false)]
    [InlineData("SETTLED_ORDERS", false)]
    public void A_negation_holds_whom_it_leaves_out(string kind, bool excludes)
    {
        var rule = new AudienceRule(new AudienceId(1), new MerchantId(7), kind, new TemplateId(5), 30, 1);

        Assert.Equal(excludes, rule.Excludes);
    }

    [Fact]
    public void The_settled_orders_window_reaches_back_its_days_from_now()
    {
        var (rule, _) = Define("SETTLED_ORDERS", days: 30, minOrders: 2);

        Assert.Equal(Clocks.Start - Days(30), rule!.Since(Clocks.Start));
    }
}
