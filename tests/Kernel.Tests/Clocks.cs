namespace PromotionEngine.Kernel.Tests;

internal static class Clocks
{
    /// <summary>A fixed, realistic start: FakeTimeProvider's default (2000-01-01) predates the id epoch.</summary>
    public static readonly DateTimeOffset Start = new(2026, 3, 1, 9, 0, 0, TimeSpan.Zero);
}
