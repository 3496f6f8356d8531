namespace PromotionEngine.Kernel.Documentation;

/// <summary>Endpoint metadata: the <paramref name="Status"/> answer also comes as a file in these media types (a report as CSV, .xlsx).</summary>
public sealed record AlsoAnswersAs(int Status, IReadOnlyList<string> MediaTypes);
