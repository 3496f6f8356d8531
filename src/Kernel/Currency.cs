namespace PromotionEngine.Kernel;

/// <summary>ISO-4217 currency codes. Amounts themselves are integer minor units (long), never floating point.</summary>
public static class Currency
{
    public static bool IsCode(string? code) => code is { Length: 3 } && code.All(char.IsAsciiLetterUpper);
}
