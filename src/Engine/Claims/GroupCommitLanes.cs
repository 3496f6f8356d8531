using System.Threading.Channels;

namespace PromotionEngine.Engine.Claims;

/// <summary>
/// The loop of a group commit, whatever it writes to: items queue on one of a few lanes, and each lane's single reader takes
/// whatever queued while its last batch was being written (up to a batch's size) and hands it to the writer as one batch.
/// Batching costs no waiting: a lone item is written at once, a crowd in as few batches as the writer keeps up with. On
/// shutdown, what is still queued is abandoned (the caller answers it), never left hanging. Used by the Redis path's writer
/// (ClaimGroupCommit) and the embedded default's (SqlClaimGroupCommit).
/// </summary>
internal sealed class GroupCommitLanes<T>(int lanes, int maxBatch)
{
    private readonly Channel<T>[] _lanes = Enumerable.Range(0, lanes)
        .Select(_ => Channel.CreateUnbounded<T>(new UnboundedChannelOptions { SingleReader = true })).ToArray();

    /// <summary>Queues <paramref name="item"/> on the lane of <paramref name="laneKey"/>; false once the lanes are closed.</summary>
    public bool TryQueue(T item, long laneKey) =>
        // Keys (template ids) are time-ordered and their low bits a per-millisecond sequence (mostly 0), so they are hashed first.
        _lanes[(uint)HashCode.Combine(laneKey) % (uint)_lanes.Length].Writer.TryWrite(item);

    /// <summary>
    /// Runs every lane's loop, each batch handed to <paramref name="write"/>, until <paramref name="stoppingToken"/> is cancelled;
    /// then hands what is still queued to <paramref name="abandon"/>.
    /// </summary>
    public Task RunAsync(Func<List<T>, Task> write, Action<T> abandon, CancellationToken stoppingToken) =>
        Task.WhenAll(_lanes.Select(lane => WriteLoopAsync(lane, write, abandon, stoppingToken)));

    /// <summary>
    /// Closes the lanes and hands what is queued to <paramref name="abandon"/>, for when <see cref="RunAsync"/> never ran: .NET 10's
    /// BackgroundService runs ExecuteAsync on the thread pool, and a stop that comes first cancels it unrun. Never while a loop runs
    /// (each lane has a single reader).
    /// </summary>
    public void AbandonUnrun(Action<T> abandon)
    {
        foreach (var lane in _lanes)
        {
            lane.Writer.TryComplete();
            while (lane.Reader.TryRead(out var left)) abandon(left);
        }
    }

    private async Task WriteLoopAsync(Channel<T> lane, Func<List<T>, Task> write, Action<T> abandon, CancellationToken stoppingToken)
    {
        var batch = new List<T>(maxBatch);
        try
        {
            while (await lane.Reader.WaitToReadAsync(stoppingToken))
            {
                // Whatever queued while the last batch was being written goes in this one.
                while (batch.Count < maxBatch && lane.Reader.TryRead(out var next)) batch.Add(next);
                if (batch.Count > 0) await write(batch);
                batch.Clear();
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down: whatever is still queued is refused below, never left hanging.
        }
        lane.Writer.TryComplete();
        while (lane.Reader.TryRead(out var left)) abandon(left);
    }
}
