using PromotionEngine.Contracts.Http.Clearing;
using PromotionEngine.Kernel.Documentation;

namespace PromotionEngine.Clearing.Http;

/// <summary>The OpenAPI document's examples of the clearing's operator endpoints.</summary>
internal static class ClearingExamples
{
    private static readonly DateTimeOffset At = new(2026, 6, 18, 2, 5, 0, TimeSpan.Zero);

    private static readonly ClearingStatus Current = new("duckdb", 1_284_301, 1_284_355, 54, 0.42, "clearing-7c9f/1/5d0e4b1c9a8f4e2b",
        At.AddSeconds(15), false);

    public static readonly ApiExample Status = new("current", "The store trails the journal by 54 rows", 200, Current);

    public static readonly ApiExample Rebuilding = new("rebuild-asked", "A rebuild is asked for; the ingester starts it at its next round", 202,
        Current with { RebuildPending = true });
}
