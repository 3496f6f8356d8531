namespace PromotionEngine.Platform.Messaging;

/// <summary>Wakes a loop that polls for work when work arrived, so it does not wait for its next poll.</summary>
internal class WakeSignal : IDisposable
{
    private readonly SemaphoreSlim _signal = new(0, 1);

    public void Notify()
    {
        if (_signal.CurrentCount == 0)
        {
            try { _signal.Release(); } catch (SemaphoreFullException) { } // already signalled
        }
    }

    /// <summary>Waits for a signal or the timeout, whichever comes first.</summary>
    public Task WaitAsync(TimeSpan timeout, CancellationToken ct) => _signal.WaitAsync(timeout, ct);

    public void Dispose()
    {
        _signal.Dispose();
        GC.SuppressFinalize(this);
    }
}
