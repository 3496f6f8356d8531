using PromotionEngine.Kernel;
using PromotionEngine.MerchantAdmin.Templates;

namespace PromotionEngine.MerchantAdmin.Tests.Templates;

/// <summary>Stored templates in the merchant's words.</summary>
internal static class ATemplate
{
    public static readonly MerchantId AMerchant = new(3);

    /// <summary>An active template whose window opened a day ago and closes after <paramref name="left"/>.</summary>
    public static CouponTemplate EndingIn(TimeSpan left, TimeProvider clock, long stock = 100, int perUserLimit = 1)
    {
        var now = clock.GetUtcNow();
        var definition = new TemplateDefinition("Spring sale", "5 off anything", "CNY",
            new CouponScope(TemplateScope.Products, null, [11, 12], []),
            new Benefit(BenefitType.FixedAmount, 500, null, null, null),
            ValidFrom: now - TimeSpan.FromDays(1), ValidUntil: now + left, ValidityAfterClaim: TimeSpan.FromDays(7), stock, perUserLimit);
        return CouponTemplate.Create(new TemplateId(77), AMerchant, definition, now);
    }

    public static CouponTemplate Terminated(this CouponTemplate template, TimeProvider clock)
    {
        Assert.Equal(TerminateOutcome.Terminated, template.Terminate(clock.GetUtcNow()));
        return template;
    }
}

internal static class Refusals
{
    /// <summary>Refused with <paramref name="code"/>, answered with <paramref name="status"/> (the catalogue's), naming <paramref name="field"/>.</summary>
    public static void AssertRefused(Refusal? refusal, int status, string code, string? field = null)
    {
        Assert.NotNull(refusal);
        Assert.Equal(status, refusal.Error.Status);
        Assert.Equal(code, refusal.Code);
        Assert.Equal(field, refusal.Field);
    }
}
