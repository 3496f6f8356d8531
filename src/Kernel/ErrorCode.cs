namespace PromotionEngine.Kernel;

/// <summary>
/// A stable code the API refuses with, and the HTTP status it is always answered with. Every one is in
/// <see cref="ErrorCodes"/> (and docs/errors.md): the problem an endpoint answers takes its status from here, and the
/// OpenAPI document declares the same entries for the endpoints that name them, so the two cannot say different things.
/// </summary>
/// <param name="Meaning">One line for people: when the code is answered (the document's description and example detail).</param>
/// <param name="Example">
/// The code-specific members of an example problem, as a JSON object (<c>{"perUserLimit": 2}</c>); each member is one
/// of <see cref="ProblemMembers"/>. Null: the code carries only the standard members.
/// </param>
public sealed record ErrorCode(string Code, int Status, string Meaning, string? Example = null)
{
    /// <summary>The problem's <c>type</c>: a URI per code, in kebab case.</summary>
    public string Type => "https://promotion-engine.dev/problems/" + Code.ToLowerInvariant().Replace('_', '-');

    public override string ToString() => Code;
}
