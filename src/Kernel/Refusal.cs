namespace PromotionEngine.Kernel;

/// <summary>
/// An expected "no" with a stable machine-readable code; the endpoint turns it into problem+json, with the status the
/// code's catalogue entry (<see cref="ErrorCodes"/>) gives.
/// </summary>
public sealed record Refusal(
    ErrorCode Error,
    string Message,
    string? Field = null,
    IReadOnlyDictionary<string, object?>? Details = null)
{
    public string Code => Error.Code;
}
