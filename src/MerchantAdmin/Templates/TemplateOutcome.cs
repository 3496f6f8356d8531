using PromotionEngine.Kernel;
using PromotionEngine.Kernel.Validation;

namespace PromotionEngine.MerchantAdmin.Templates;

/// <summary>What a template command ended with; expected refusals are values, not exceptions.</summary>
internal abstract record TemplateOutcome
{
    private TemplateOutcome() { }

    public sealed record Created(CouponTemplate Template) : TemplateOutcome;

    /// <summary>Changed now, or already in the asked-for state (a repeated request).</summary>
    public sealed record Done(CouponTemplate Template) : TemplateOutcome;

    public sealed record Invalid(FieldErrors Errors) : TemplateOutcome;

    public sealed record Refused(Refusal Refusal) : TemplateOutcome;

    public sealed record NotFound : TemplateOutcome;
}
