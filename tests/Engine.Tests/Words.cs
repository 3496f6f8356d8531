using PromotionEngine.Kernel;

namespace PromotionEngine.Engine.Tests;

/// <summary>Orders as the order system names them.</summary>
internal static class Orders
{
    public static readonly OrderId Order1 = new("order-1");
    public static readonly OrderId Order2 = new("order-2");
}

internal static class Durations
{
    public static TimeSpan Days(int days) => TimeSpan.FromDays(days);
    public static TimeSpan Hours(int hours) => TimeSpan.FromHours(hours);
    public static TimeSpan Minutes(int minutes) => TimeSpan.FromMinutes(minutes);
    public static readonly TimeSpan OneTick = TimeSpan.FromTicks(1);
}

internal static class Clocks
{
    /// <summary>A fixed, realistic start: FakeTimeProvider's default (2000-01-01) predates the id epoch.</summary>
    public static readonly DateTimeOffset Start = new(2026, 3, 1, 9, 0, 0, TimeSpan.Zero);
}
