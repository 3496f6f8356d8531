namespace PromotionEngine.MerchantAdmin.Tests.Templates;

internal static class Clocks
{
    public static readonly DateTimeOffset Start = new(2026, 3, 1, 9, 0, 0, TimeSpan.Zero);
}
