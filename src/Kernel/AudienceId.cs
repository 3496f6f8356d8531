namespace PromotionEngine.Kernel;

/// <summary>A named set of one merchant's users that a template may be limited to (docs/audiences.md). Id 0 is never issued.</summary>
public readonly record struct AudienceId(long Value)
{
    public override string ToString() => Value.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
