namespace PromotionEngine.Platform.Messaging;

internal static class Pause
{
    /// <summary>Waits; false when the wait was cut short because the host is stopping.</summary>
    public static async Task<bool> ForAsync(TimeSpan delay, CancellationToken stoppingToken)
    {
        try
        {
            await Task.Delay(delay, stoppingToken);
            return true;
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            return false;
        }
    }
}
