using PromotionEngine.Kernel;

namespace PromotionEngine.Engine.Tests;

/// <summary>Orders as the order system names them.</summary>
internal static class Orders
{
    public static readonly OrderId Order1 = new("order-1");
    public static readonly OrderId Order2 = new("order-2");

    /// <summary>An order as a rule table writes it; "-" is none.</summary>
    public static OrderId? Named(string name) => name == "-" ? null : new OrderId(name);
}

internal static class Durations
{
    public static TimeSpan Days(int days) => TimeSpan.FromDays(days);
    public static TimeSpan Hours(int hours) => TimeSpan.FromHours(hours);
    public static TimeSpan Minutes(int minutes) => TimeSpan.FromMinutes(minutes);
    public static readonly TimeSpan OneTick = TimeSpan.FromTicks(1);

    /// <summary>A time as a rule table writes it: "0", "16 min", "1 hour", "7 days", "7 days - 1 tick".</summary>
    public static TimeSpan Parse(string text)
    {
        var (amount, lessATick) = text.EndsWith(" - 1 tick", StringComparison.Ordinal) ? (text[..^" - 1 tick".Length], true) : (text, false);
        var parts = amount.Split(' ');
        var span = parts switch
        {
            ["0"] => TimeSpan.Zero,
            [var n, "min"] => Minutes(int.Parse(n)),
            [var n, "hour" or "hours"] => Hours(int.Parse(n)),
            [var n, "day" or "days"] => Days(int.Parse(n)),
            _ => throw new FormatException($"Not a time a rule table writes: {text}"),
        };
        return lessATick ? span - OneTick : span;
    }
}

internal static class Clocks
{
    /// <summary>A fixed, realistic start: FakeTimeProvider's default (2000-01-01) predates the id epoch.</summary>
    public static readonly DateTimeOffset Start = new(2026, 3, 1, 9, 0, 0, TimeSpan.Zero);
}
