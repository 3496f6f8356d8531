using PromotionEngine.Kernel.Validation;

namespace PromotionEngine.Kernel;

/// <summary>
/// The RFC 9457 problem every refusal becomes: HTTP status, a stable <c>code</c>, a human message and the
/// fields at fault. Kept free of ASP.NET types so every module shapes its errors the same way.
/// </summary>
public sealed record Problem(int Status, string Code, string Detail, IDictionary<string, object?> Extensions)
{
    public string Type => "https://promotion-engine.dev/problems/" + Code.ToLowerInvariant().Replace('_', '-');

    public static Problem For(Refusal refusal)
    {
        var extensions = new Dictionary<string, object?> { ["code"] = refusal.Code };
        if (refusal.Field is not null)
        {
            extensions["field"] = refusal.Field;
            extensions["errors"] = new Dictionary<string, string[]> { [refusal.Field] = [refusal.Message] };
        }
        foreach (var (key, value) in refusal.Details ?? new Dictionary<string, object?>()) extensions[key] = value;
        var status = refusal.Kind switch
        {
            RefusalKind.BadInput => 400,
            RefusalKind.Invalid => 422,
            RefusalKind.Conflict => 409,
            RefusalKind.NotFound => 404,
            _ => 500,
        };
        return new Problem(status, refusal.Code, refusal.Message, extensions);
    }

    /// <summary>400: the request itself is malformed or out of range; nothing was changed.</summary>
    public static Problem Invalid(
        FieldErrors errors, string code = "VALIDATION_FAILED", string detail = "The request has invalid fields; nothing was changed.") =>
        new(400, code, detail, new Dictionary<string, object?> { ["code"] = code, ["errors"] = errors.ToDictionary() });
}
