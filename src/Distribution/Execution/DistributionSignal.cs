namespace PromotionEngine.Distribution.Execution;

/// <summary>
/// Wakes this instance's idle workers when work appears here (a task created, resumed, started, a file
/// imported), so they do not wait for their next poll. Other instances find the same work by polling.
/// </summary>
internal sealed class DistributionSignal
{
    private TaskCompletionSource _next = NewSource();

    public void Notify() => Interlocked.Exchange(ref _next, NewSource()).TrySetResult();

    /// <summary>Waits for a signal or the timeout, whichever comes first.</summary>
    public async Task WaitAsync(TimeSpan timeout, CancellationToken ct)
    {
        var signalled = Volatile.Read(ref _next).Task;
        await Task.WhenAny(signalled, Task.Delay(timeout, ct));
        ct.ThrowIfCancellationRequested();
    }

    private static TaskCompletionSource NewSource() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}

/// <summary>
/// Who this instance is in leases: a holder unique per process, and a fresh token per lease taken, so a
/// worker that lost a lease and another that took it can never be mistaken for each other.
/// </summary>
internal sealed class DistributionInstance
{
    private long _leases;

    public string Holder { get; } = Truncate($"{Guid.NewGuid():N}"[..12] + $":{Environment.ProcessId}:{Environment.MachineName}", 60);

    public string NewToken() => $"{Holder}#{Interlocked.Increment(ref _leases)}";

    private static string Truncate(string text, int length) => text.Length <= length ? text : text[..length];
}
