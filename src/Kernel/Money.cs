namespace PromotionEngine.Kernel;

/// <summary>An amount in integer minor units (cents, fen) of an ISO-4217 currency. Never floating point.</summary>
public readonly record struct Money
{
    public Money(long minor, string currency)
    {
        if (minor < 0) throw new ArgumentOutOfRangeException(nameof(minor), "Money is never negative.");
        if (!Currency.IsCode(currency)) throw new ArgumentException("A currency is a three-letter upper-case ISO-4217 code.", nameof(currency));
        Minor = minor;
        Code = currency;
    }

    public long Minor { get; }
    public string Code { get; }
}

public static class Currency
{
    public static bool IsCode(string? code) => code is { Length: 3 } && code.All(char.IsAsciiLetterUpper);
}
