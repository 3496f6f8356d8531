namespace PromotionEngine.Clearing.Tests.Store.ClickHouse;

/// <summary>Polls a condition to a deadline (never a fixed sleep).</summary>
internal static class Poll
{
    public static async Task UntilAsync(Func<Task<bool>> condition, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"The condition did not hold within {timeout}.");
            await Task.Delay(50);
        }
    }
}
