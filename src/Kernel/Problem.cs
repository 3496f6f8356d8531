using PromotionEngine.Kernel.Validation;

namespace PromotionEngine.Kernel;

/// <summary>
/// The RFC 9457 problem every refusal becomes: HTTP status, a stable <c>code</c>, a human message and the
/// fields at fault. Kept free of ASP.NET types so every module shapes its errors the same way; the status is always
/// the code's, from the catalogue (<see cref="ErrorCodes"/>).
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
        return new Problem(refusal.Error.Status, refusal.Code, refusal.Message, extensions);
    }

    /// <summary>A problem with no field to name: the code's status, <c>code</c>, and any <paramref name="extensions"/>.</summary>
    public static Problem Of(ErrorCode code, string detail, IReadOnlyDictionary<string, object?>? extensions = null)
    {
        var values = new Dictionary<string, object?> { ["code"] = code.Code };
        foreach (var (key, value) in extensions ?? new Dictionary<string, object?>()) values[key] = value;
        return new Problem(code.Status, code.Code, detail, values);
    }

    /// <summary>
    /// The request itself is malformed or out of range (<see cref="ErrorCodes.ValidationFailed"/>, or another input code such as
    /// RECIPIENTS_FILE_INVALID or TEMPLATE_FIELD_IMMUTABLE); nothing was changed. <c>errors</c> names each field.
    /// </summary>
    public static Problem Invalid(
        FieldErrors errors,
        ErrorCode? code = null,
        string detail = "The request has invalid fields; nothing was changed.") =>
        Of(code ?? ErrorCodes.ValidationFailed, detail, new Dictionary<string, object?> { ["errors"] = errors.ToDictionary() });
}
