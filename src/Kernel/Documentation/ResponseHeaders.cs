namespace PromotionEngine.Kernel.Documentation;

/// <summary>Endpoint metadata: an answer of <paramref name="Status"/> carries a Location header (the thing made, or where to follow it).</summary>
public sealed record AnswersWithLocation(int Status);
