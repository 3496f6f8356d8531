namespace PromotionEngine.Kernel;

/// <summary>A coupon template (what a coupon is). Id 0 is never issued.</summary>
public readonly record struct TemplateId(long Value)
{
    public override string ToString() => Value.ToString(System.Globalization.CultureInfo.InvariantCulture);
}

/// <summary>One coupon held by one user.</summary>
public readonly record struct UserCouponId(long Value)
{
    public override string ToString() => Value.ToString(System.Globalization.CultureInfo.InvariantCulture);
}

public readonly record struct UserId(long Value)
{
    public override string ToString() => Value.ToString(System.Globalization.CultureInfo.InvariantCulture);
}

public readonly record struct MerchantId(long Value)
{
    public override string ToString() => Value.ToString(System.Globalization.CultureInfo.InvariantCulture);
}

/// <summary>The order system's own id for an order; opaque to us.</summary>
public readonly record struct OrderId
{
    public const int MaxLength = 64;

    public OrderId(string value)
    {
        if (!IsValid(value)) throw new ArgumentException($"An order id is 1 to {MaxLength} characters of [A-Za-z0-9_.:-].", nameof(value));
        Value = value;
    }

    public string Value { get; }

    public static bool IsValid(string? value) =>
        !string.IsNullOrEmpty(value) && value.Length <= MaxLength && value.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '.' or ':');

    public override string ToString() => Value;
}

/// <summary>The caller's key that makes a retried request return the first answer instead of acting twice.</summary>
public readonly record struct IdempotencyKey
{
    public const int MaxLength = 100;

    public IdempotencyKey(string value)
    {
        if (!IsValid(value)) throw new ArgumentException($"An idempotency key is 1 to {MaxLength} printable ASCII characters.", nameof(value));
        Value = value;
    }

    public string Value { get; }

    public static bool IsValid(string? value) =>
        !string.IsNullOrEmpty(value) && value.Length <= MaxLength && value.All(c => c is > ' ' and < (char)127);

    public override string ToString() => Value;
}
