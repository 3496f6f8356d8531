namespace PromotionEngine.Kernel;

/// <summary>One member of a problem+json answer: its JSON Schema (as JSON text) and what it says.</summary>
public sealed record ProblemMember(string Name, string Schema, string Description);
