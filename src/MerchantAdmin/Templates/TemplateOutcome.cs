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

    /// <summary>Bad input: VALIDATION_FAILED, or the more telling <paramref name="Code"/> (e.g. UNKNOWN_TIME_ZONE) when set.</summary>
    public sealed record Invalid(FieldErrors Errors, ErrorCode? Code = null) : TemplateOutcome;

    public sealed record Refused(Refusal Refusal) : TemplateOutcome;

    public sealed record NotFound : TemplateOutcome;
}
