namespace PromotionEngine.Clearing.Statements;

/// <summary>
/// The clearing day's rules the statements and the close share: a clearing day is a UTC calendar day, it is over once the UTC
/// date has moved past it, and a day is closed when it is at or before the last closed day.
/// </summary>
internal static class ClearingDayRules
{
    public static DateOnly Today(TimeProvider clock) => DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);

    public static bool IsOver(DateOnly day, TimeProvider clock) => day < Today(clock);

    /// <summary>The close that froze <paramref name="day"/>: the first closed day at or after it, when the day is closed.</summary>
    public static async Task<DayClose?> FrozenByAsync(this IClearingCalendar calendar, DateOnly day, CancellationToken ct) =>
        (await calendar.ClosedFromAsync(day, 1, ct)) is [var close] ? close : null;
}
