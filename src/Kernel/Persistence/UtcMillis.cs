namespace PromotionEngine.Kernel.Persistence;

/// <summary>Times are stored as UTC epoch milliseconds: exact, comparable and the same on SQLite, MySQL and TiDB.</summary>
public static class UtcMillis
{
    /// <summary>The clock's reading at storage precision, so what is answered at once equals what is read back later.</summary>
    public static DateTimeOffset Now(TimeProvider clock) => ToTime(From(clock.GetUtcNow()));

    public static long From(DateTimeOffset time) => time.ToUnixTimeMilliseconds();

    /// <summary>The time in UTC at storage precision: what a caller sent equals what is read back later.</summary>
    public static DateTimeOffset Truncate(DateTimeOffset time) => ToTime(From(time));

    public static long? From(DateTimeOffset? time) => time?.ToUnixTimeMilliseconds();

    public static DateTimeOffset ToTime(long millis) => DateTimeOffset.FromUnixTimeMilliseconds(millis);

    public static DateTimeOffset? ToTime(long? millis) => millis is { } m ? DateTimeOffset.FromUnixTimeMilliseconds(m) : null;
}
