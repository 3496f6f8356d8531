namespace PromotionEngine.Kernel.Documentation;

/// <summary>
/// Endpoint metadata: the catalogue codes (<see cref="ErrorCodes"/>) this endpoint's own handler can refuse with. The
/// OpenAPI document answers each with its status, meaning and an example; the framework's answers (401, 403, 429, a body
/// that cannot be read, …) are added by the Host where they apply, so an endpoint names only its own.
/// </summary>
public sealed class DeclaredRefusals(IReadOnlyList<ErrorCode> codes)
{
    public IReadOnlyList<ErrorCode> Codes { get; } = codes;
}
