namespace PromotionEngine.Kernel;

public enum RefusalKind
{
    /// <summary>A value is out of its allowed range or form (400), like a request validation fault.</summary>
    BadInput,
    /// <summary>The input is well formed but breaks a business rule (422).</summary>
    Invalid,
    /// <summary>The thing exists but is in a state that forbids the operation (409).</summary>
    Conflict,
    /// <summary>No such thing for this caller (404).</summary>
    NotFound,
}

/// <summary>An expected "no" with a stable machine-readable code; the endpoint turns it into problem+json.</summary>
public sealed record Refusal(
    RefusalKind Kind, string Code, string Message, string? Field = null, IReadOnlyDictionary<string, object?>? Details = null);
